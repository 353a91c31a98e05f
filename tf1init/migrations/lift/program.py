"""What a TF1 session program is made of, read from its ast: the graph it builds (placeholders,
variables, the tensors computed from them, the optimizer's train ops) and the session that runs
it. A program the lifter does not fully understand raises ``NotLiftable``, naming the line: the
file is then migrated the compat way, whole (never half-lifted).
"""
import ast
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Set

from .._naming import tf1

SESSIONS = ("tf.Session", "tf.InteractiveSession")
INITIALIZERS = ("tf.global_variables_initializer", "tf.initialize_all_variables")
VARIABLES = ("tf.Variable", "tf.get_variable")
SEEDERS = ("tf.set_random_seed", "tf.random.set_random_seed")
SCOPES = ("tf.name_scope",)


class NotLiftable(Exception):
    def __init__(self, node: Optional[ast.AST], why: str):
        super().__init__(why)
        self.node = node
        self.why = why


@dataclass
class Placeholder:
    name: str
    stmt: ast.stmt
    dtype: ast.expr
    shape: Optional[ast.expr]


@dataclass
class Def:
    """A statement that computes tensors from placeholders, variables and other tensors: in TF2 it
    runs inside the function that needs it, each time it is called."""
    stmt: ast.stmt
    binds: List[str]
    uses: Set[str]  # graph names it reads
    indent: str


@dataclass
class Train:
    """A train op: ``optimizer.minimize(loss)``, or ``apply_gradients`` of ``compute_gradients``."""
    name: str
    stmt: ast.stmt
    optimizer: Optional[str]  # the optimizer's name in the file, or None for one built inline
    inline: Optional[ast.Call]  # the inline TF1 optimizer construction
    loss: ast.expr
    var_list: Optional[ast.expr]
    global_step: Optional[ast.expr]
    gradients: Optional[str] = None  # the name bound to compute_gradients(...)
    applied: Optional[ast.expr] = None  # apply_gradients' argument
    variables: Optional[str] = None  # the name of the list of variables it trains, once written
    uses: Set[str] = field(default_factory=set)


@dataclass
class Program:
    resolve: Callable[[ast.AST], Optional[str]]
    placeholders: Dict[str, Placeholder] = field(default_factory=dict)
    variables: List[ast.stmt] = field(default_factory=list)  # statements that create variables
    state: Dict[str, bool] = field(default_factory=dict)  # variable (or container) name -> trainable
    defs: Dict[str, Def] = field(default_factory=dict)  # bound name -> its Def
    def_order: List[Def] = field(default_factory=list)
    trains: Dict[str, Train] = field(default_factory=dict)
    optimizers: Dict[str, ast.Call] = field(default_factory=dict)  # name -> TF1 construction
    gradients: Dict[str, Train] = field(default_factory=dict)  # compute_gradients name -> its train
    inits: Set[str] = field(default_factory=set)
    functions: Set[str] = field(default_factory=set)  # module functions that build graph pieces
    factories: Dict[str, str] = field(default_factory=dict)  # function making variables -> "variable" | "dict"
    summaries: List[ast.Call] = field(default_factory=list)  # tf.summary.scalar(tag, tensor) calls, in order
    merged: Dict[str, List[ast.Call]] = field(default_factory=dict)  # merge_all() name -> the summaries it held
    writers: Set[str] = field(default_factory=set)  # tf.summary.FileWriter names
    seed: Optional[ast.stmt] = None

    def graph_names(self) -> Set[str]:
        return (set(self.placeholders) | set(self.state) | set(self.defs) | set(self.trains)
                | set(self.optimizers) | set(self.gradients) | self.inits | set(self.merged))

    def name_of(self, node) -> Optional[str]:
        if isinstance(node, ast.Call):
            node = node.func
        return tf1(self.resolve(node))

    def is_tf(self, node: ast.AST) -> bool:
        """Does this code call TensorFlow or read a graph name?"""
        names = self.graph_names()
        for inner in ast.walk(node):
            if isinstance(inner, ast.Name) and inner.id in names | self.functions:
                return True
            if isinstance(inner, ast.Call) and self.name_of(inner):
                return True
        return False

    def uses(self, node: ast.AST) -> Set[str]:
        names = self.graph_names()
        return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and n.id in names}


def target_names(stmt: ast.stmt) -> List[str]:
    targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
    found = []
    for target in targets:
        for node in ast.walk(target):
            if isinstance(node, ast.Name):
                found.append(node.id)
    return found


def calls_in(node: ast.AST) -> List[ast.Call]:
    return [n for n in ast.walk(node) if isinstance(n, ast.Call)]


def keyword(call: ast.Call, name: str, position: Optional[int] = None) -> Optional[ast.expr]:
    for kw in call.keywords:
        if kw.arg == name:
            return kw.value
    if position is not None and len(call.args) > position:
        return call.args[position]
    return None


def makes_variables(program: Program, call: ast.Call) -> bool:
    return program.name_of(call) in VARIABLES or (isinstance(call.func, ast.Name) and call.func.id in program.factories)


def made_variable(program: Program, call: ast.Call) -> Optional[str]:
    """"variable" if the call returns one variable, "dict" for a dict of them, else None."""
    if program.name_of(call) in VARIABLES:
        return "variable"
    if isinstance(call.func, ast.Name):
        return program.factories.get(call.func.id)
    return None


def factory_kind(function: ast.FunctionDef, resolve) -> Optional[str]:
    """What a function that makes variables returns: one variable, a dict display of them, or
    something the lifter cannot list (None)."""
    returns = [n for n in ast.walk(function) if isinstance(n, ast.Return)]
    if len(returns) != 1 or returns[0].value is None:
        return None
    value = returns[0].value
    if isinstance(value, ast.Dict):
        return "dict"
    if isinstance(value, ast.Call) and resolve(value) in VARIABLES:
        return "variable"
    if isinstance(value, ast.Name):
        for node in ast.walk(function):
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == value.id for t in node.targets):
                if isinstance(node.value, ast.Call) and resolve(node.value) in VARIABLES:
                    return "variable"
                if isinstance(node.value, ast.Dict):
                    return "dict"
    return None


def classify_graph_statement(program: Program, stmt: ast.stmt, indent: str) -> str:
    """Record one statement that builds part of the graph (at module level or directly in a
    session block); return its kind: placeholder, variables, seed, def, train, gradients,
    optimizer, init, or python."""
    resolve = program.name_of
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) and resolve(stmt.value) in SEEDERS:
        if program.seed is not None:
            raise NotLiftable(stmt, "the graph seed is set twice")
        program.seed = stmt
        return "seed"
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) and not stmt.value.args \
            and (resolve(stmt.value) or "").endswith("reset_default_graph"):
        if program.graph_names():
            raise NotLiftable(stmt, "the graph is reset after it was built: a second graph")
        return "drop"  # a fresh program's graph is empty already
    summary = stmt.value if isinstance(stmt, (ast.Expr, ast.Assign)) and isinstance(stmt.value, ast.Call) else None
    if summary is not None and (resolve(summary) or "").startswith("tf.summary."):
        return _summary(program, stmt, summary, resolve(summary))
    if not isinstance(stmt, ast.Assign):
        if isinstance(stmt, (ast.AugAssign, ast.AnnAssign, ast.Expr)) and program.is_tf(stmt):
            raise NotLiftable(stmt, "a graph-building statement that is not an assignment")
        return "python"
    value = stmt.value
    names = target_names(stmt)
    single = names[0] if len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) else None
    if isinstance(value, ast.Call):
        name = resolve(value)
        if name == "tf.placeholder":
            if single is None:
                raise NotLiftable(stmt, "a placeholder not bound to one name")
            dtype = keyword(value, "dtype", 0)
            if dtype is None:
                raise NotLiftable(stmt, "a placeholder without a dtype")
            program.placeholders[single] = Placeholder(single, stmt, dtype, keyword(value, "shape", 1))
            return "placeholder"
        if name in INITIALIZERS:
            if single is None:
                raise NotLiftable(stmt, "an initializer not bound to one name")
            program.inits.add(single)
            return "init"
        if name == "tf.train.Saver":
            if single is None:
                raise NotLiftable(stmt, "a Saver not bound to one name")
            extra = [k.arg for k in value.keywords if k.arg != "max_to_keep"]
            if value.args or extra:
                raise NotLiftable(stmt, f"a Saver of some variables only ({extra or 'var_list'}): the lifted "
                                        "checkpoint holds them all")
            return "saver"
        if name and name.startswith("tf.train.") and name.endswith("Optimizer"):
            if single is None:
                raise NotLiftable(stmt, "an optimizer not bound to one name")
            program.optimizers[single] = value
            return "optimizer"
        method = value.func.attr if isinstance(value.func, ast.Attribute) else None
        owner = value.func.value if method else None
        if method in ("minimize", "compute_gradients", "apply_gradients"):
            return _train(program, stmt, single, value, method, owner)
    if any(makes_variables(program, call) for call in calls_in(value)):
        used = program.uses(value) - set(program.state)
        if used:
            raise NotLiftable(stmt, f"a variable made from {sorted(used)[0]}, a tensor: its initial value "
                                    "would be computed once")
        if len(stmt.targets) != 1:
            raise NotLiftable(stmt, "variables bound to several targets")
        trainable = True
        for call in calls_in(value):
            if resolve(call) in VARIABLES:
                flag = keyword(call, "trainable")
                if isinstance(flag, ast.Constant) and flag.value is False:
                    trainable = False
                elif flag is not None:
                    raise NotLiftable(call, "trainable= is not a literal")
        target = stmt.targets[0]
        if isinstance(target, ast.Name):
            program.state[target.id] = trainable
        elif isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple) and len(target.elts) == len(value.elts) \
                and all(isinstance(t, ast.Name) and isinstance(v, ast.Call) and made_variable(program, v)
                        for t, v in zip(target.elts, value.elts)):
            for t in target.elts:  # W1, b1 = weight([64, 128]), bias([128])
                program.state[t.id] = trainable
        elif not (isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name)
                  and target.value.id in program.state):
            raise NotLiftable(stmt, "variables bound to something other than a name")
        program.variables.append(stmt)
        return "variables"
    if program.is_tf(value):
        for node in ast.walk(stmt.targets[0] if len(stmt.targets) == 1 else stmt):
            if isinstance(node, (ast.Subscript, ast.Attribute)):
                raise NotLiftable(stmt, "a tensor stored into a container or attribute")
        uses = program.uses(value)
        if uses & (set(program.trains) | set(program.optimizers) | program.inits):
            raise NotLiftable(stmt, "a tensor computed from a train op or an optimizer")
        for name in names:
            if name in program.graph_names() and name not in program.defs:
                raise NotLiftable(stmt, f"{name} is bound again")
        again = [program.defs[n] for n in names if n in program.defs]
        if again and all(ast.dump(d.stmt) == ast.dump(stmt) for d in again):
            return "def_again"  # TF1 built a second copy of the same ops (code repeated in a second session)
        d = Def(stmt, names, uses, indent)
        for name in names:
            program.defs[name] = d
        program.def_order.append(d)
        return "def"
    if set(names) & program.graph_names():
        raise NotLiftable(stmt, f"{sorted(set(names) & program.graph_names())[0]} is bound again to a Python value")
    return "python"


def _summary(program: Program, stmt, call: ast.Call, name: str) -> str:
    """``tf.summary.scalar(tag, tensor)`` and ``merged = tf.summary.merge_all()``: the tensors a
    run of ``merged`` computes, to be written by TF2's summary writer."""
    if name == "tf.summary.scalar":
        tag, value = keyword(call, "name", 0), keyword(call, "tensor", 1)
        extra = [k.arg for k in call.keywords if k.arg not in ("name", "tensor")]
        if tag is None or value is None or extra or len(call.args) > 2:
            raise NotLiftable(call, f"tf.summary.scalar with {extra or 'these arguments'}")
        if isinstance(stmt, ast.Assign):
            raise NotLiftable(stmt, "a summary kept by name: only merge_all() is lifted")
        program.summaries.append(call)
        return "summary"
    if name == "tf.summary.merge_all":
        if not isinstance(stmt, ast.Assign) or len(stmt.targets) != 1 or not isinstance(stmt.targets[0], ast.Name) \
                or call.args or call.keywords:
            raise NotLiftable(stmt, "tf.summary.merge_all() not bound to one name")
        if not program.summaries:
            raise NotLiftable(stmt, "merge_all() of no summary")
        program.merged[stmt.targets[0].id] = list(program.summaries)
        return "merged"
    if name == "tf.summary.FileWriter":
        if not isinstance(stmt, ast.Assign) or len(stmt.targets) != 1 or not isinstance(stmt.targets[0], ast.Name):
            raise NotLiftable(stmt, "a FileWriter not bound to one name")
        program.writers.add(stmt.targets[0].id)
        return "writer"
    raise NotLiftable(call, f"{name}: only scalar summaries are lifted")


def _train(program: Program, stmt, single, value: ast.Call, method: str, owner) -> str:
    if single is None:
        raise NotLiftable(stmt, f"{method}(...) not bound to one name")
    inline = None
    optimizer = None
    if isinstance(owner, ast.Name) and owner.id in program.optimizers:
        optimizer = owner.id
    elif isinstance(owner, ast.Call) and (program.name_of(owner) or "").startswith("tf.train."):
        if method != "minimize":
            raise NotLiftable(stmt, f"{method} on an optimizer built inline")
        inline = owner
    else:
        raise NotLiftable(stmt, f".{method}() of something other than a tf.train optimizer")
    if method == "compute_gradients":
        loss = keyword(value, "loss", 0)
        var_list = keyword(value, "var_list", 1)
        extra = [k.arg for k in value.keywords if k.arg not in ("loss", "var_list")] + (["*"] if len(value.args) > 2 else [])
        if loss is None or extra:
            raise NotLiftable(stmt, f"compute_gradients with {extra or 'no loss'}")
        train = Train(single, stmt, optimizer, None, loss, var_list, None, gradients=single)
        train.uses = program.uses(value)
        program.gradients[single] = train
        return "gradients"
    if method == "apply_gradients":
        applied = keyword(value, "grads_and_vars", 0)
        uses = program.uses(applied) if applied is not None else set()
        sources = [program.gradients[n] for n in uses if n in program.gradients]
        sources += [program.gradients[g] for n in uses if n in program.defs
                    for g in program.defs[n].uses if g in program.gradients]
        if applied is None or len({id(s) for s in sources}) != 1:
            raise NotLiftable(stmt, "apply_gradients of gradients not from one compute_gradients")
        source = sources[0]
        extra = [k.arg for k in value.keywords if k.arg not in ("grads_and_vars", "global_step")]
        if extra or len(value.args) > 2:
            raise NotLiftable(stmt, f"apply_gradients with {extra or 'more arguments'}")
        train = Train(single, stmt, optimizer, None, source.loss, source.var_list,
                      keyword(value, "global_step", 1), gradients=source.gradients, applied=applied)
        train.uses = source.uses | uses
        program.trains[single] = train
        return "train"
    loss = keyword(value, "loss", 0)
    extra = [k.arg for k in value.keywords if k.arg not in ("loss", "global_step", "var_list")]
    if loss is None or extra or len(value.args) > 3:
        raise NotLiftable(stmt, f"minimize with {extra or 'these arguments'}")
    train = Train(single, stmt, optimizer, inline, loss, keyword(value, "var_list", 2),
                  keyword(value, "global_step", 1))
    train.uses = program.uses(value)
    program.trains[single] = train
    return "train"
