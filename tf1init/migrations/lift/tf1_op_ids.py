"""The op seed TF 1.15 gave each random op of a graph program, counted without TensorFlow.

With a graph seed and no op seed, TF 1.15 takes a random op's op seed from the number of ops its
graph holds when the op is built (``Graph._last_id`` in ``random_seed.get_seed``). An eager TF2
program draws TF1's very values only if it passes each op that number (``tf.random.set_seed(g)``,
then ``tf.random.normal(shape, seed=s)``), so the lifter counts, statement by statement, the ops
TF 1.15 creates: each call's own ops, and the Consts that Python numbers and lists become.

Every count here was measured on TF 1.15: tests/migrations/test_tf1_op_ids.py runs each form and
whole tutorial programs there and compares. One op more or less shifts every later seed, so a
construct whose count is not known raises ``Uncountable`` instead of guessing; what comes after
the last random op is never counted.

Programs make their layers through their own functions (``weight_variable(shape)``, a ``conv_net``
with a dropout inside); a call of one runs its body as Python would, and each random op in it is
keyed by the module-level call that got there as well, since every call builds its ops anew.

What TF 1.15 builds (``|``: where the op seed is taken), the counts that are easy to get wrong:
  random_normal, truncated_normal  Const(shape) Const(mean) Const(stddev) | RandomStandardNormal Mul Add
  random_uniform                   Const Const Const | RandomUniform Sub Mul Add (int dtype: | RandomUniformInt)
  nn.dropout(x, keep_prob tensor)  Const Sub Shape Const Const | RandomUniform Sub Mul Add Const Sub Const
                                   RealDiv GreaterEqual Mul Cast Mul (a float keep_prob: one Const for the
                                   rate instead of Const Sub; keep_prob=1 or rate=0: no op at all)
  Variable(v)                      [Const for a Python v] VariableV2 Assign Identity
  get_variable(...)                the initializer's ops (default glorot_uniform: 7), VariableV2 Assign Identity
  zeros, ones, zeros_initializer   one Const below 1000 elements; Const Const Fill from 1000, or for an int shape
  reduce_*(x), no axis             Const Mean for a tensor of known rank; Const Const Const Range Mean for a
                                   variable (not a Tensor there); Rank Const Const Range Mean for unknown rank
  tensor == tensor, cast to own dtype, set_random_seed, name/variable scopes, optimizer constructors: no op
  integer tensor / 2               Const Cast Cast RealDiv
"""
import ast
import math
import operator
from collections import ChainMap
from dataclasses import dataclass
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple, Union

Resolve = Callable[[ast.AST], Optional[str]]
IsGraphValue = Callable[[str], bool]
Key = Union[int, Tuple[int, int]]  # id(call), or (id(module-level call of a function), id(call in its body))


class Uncountable(Exception):
    """A construct whose TF 1.15 op count is not known; .node is the ast node, str() says what."""

    def __init__(self, node, what):
        self.node = node
        self.what = what
        where = f"{node.lineno}:{node.col_offset + 1}: " if hasattr(node, "lineno") else ""
        super().__init__(f"{where}{what}")


class _Unsound(Uncountable):
    """Counting went past a random op whose seed it cannot report right: raised even after the
    last random op, since stopping quietly would leave a wrong or missing seed behind."""


class _Return(Exception):
    """A ``return`` in a function of the program being run: carries its value to the call."""

    def __init__(self, value):
        super().__init__()
        self.value = value


# --- what an expression is worth while counting ---------------------------------------------

NOT_KNOWN = "?"  # a rank TF knows but this module does not (None: TF does not know it either)


@dataclass(frozen=True)
class Tensor:
    """A graph value. ``rank``: its static rank, None where TF 1.15 does not know it, NOT_KNOWN
    where this module does not; ``variable``: a ref variable (reads are free, but reductions see
    no static rank); ``reads``: its value depends on a variable (True/False; None: not known)."""
    dtype: Optional[str] = None
    rank: Any = NOT_KNOWN
    reads: Optional[bool] = False
    variable: Optional[bool] = False
    const: Any = None  # the scalar a tf.constant holds (dropout skips its random op for rate 0)


@dataclass(frozen=True)
class Unknown:
    """A Python value not known here. ``plain``: numbers, arrays, shapes (one Const when
    converted); ``outside``: a name these statements do not bind and that is no graph value;
    ``opaque``: anything else, perhaps holding tensors (it cannot be converted)."""
    kind: str
    what: str


@dataclass(frozen=True)
class DType:
    name: str


@dataclass(frozen=True)
class Symbol:
    """A TF name used without calling it (an initializer class passed as ``initializer=``)."""
    name: str


@dataclass(frozen=True, eq=False)
class Function:
    """One of the program's own module-level functions: a call to it runs its body."""
    node: ast.FunctionDef


@dataclass(frozen=True)
class Init:
    """A TF1 initializer object. ``law``: normal / truncated / uniform / zeros / ones / constant."""
    law: str
    seeded: bool = False
    args: Tuple[Tuple[str, Any], ...] = ()


PLAIN = Unknown("plain", "a Python value")
SESSION = Unknown("opaque", "a tf.Session")
DTYPES = {"float16", "bfloat16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8",
          "uint16", "bool", "string", "complex64", "complex128"}
DTYPE_WORDS = {"float": "float32", "double": "float64", "half": "float16"}


def _dtype_name(value) -> Optional[str]:
    if isinstance(value, DType):
        return value.name
    if isinstance(value, str):
        return DTYPE_WORDS.get(value, value if value in DTYPES else None)
    return None


def _py_dtype(value) -> Optional[str]:
    """The dtype ``tf.convert_to_tensor`` gives a Python value."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int32" if -2**31 <= value < 2**31 else "int64"
    if isinstance(value, float):
        return "float32"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (list, tuple)) and value:
        kinds = {_py_dtype(v) for v in value}
        if None in kinds:
            return None
        if kinds <= {"int32", "int64"}:
            return "int64" if "int64" in kinds else "int32"
        if kinds <= {"int32", "int64", "float32"}:
            return "float32"
        return kinds.pop() if len(kinds) == 1 else None
    return None


def _rank(value):
    if isinstance(value, Tensor):
        return value.rank
    if isinstance(value, (bool, int, float, str)):
        return 0
    if isinstance(value, (list, tuple)):
        if not value:
            return 1
        inner = {_rank(v) for v in value}
        rank = inner.pop() if len(inner) == 1 else NOT_KNOWN
        return rank + 1 if isinstance(rank, int) else rank
    return NOT_KNOWN


def _shape_rank(shape):
    """The rank of a tensor made with this shape argument."""
    if isinstance(shape, (list, tuple)):
        return len(shape)
    if isinstance(shape, int) and not isinstance(shape, bool):
        return 1
    return NOT_KNOWN


def _less(rank, by: int = 1):
    return rank - by if isinstance(rank, int) else rank


def _either(*flags: Optional[bool]) -> Optional[bool]:
    if any(f is True for f in flags):
        return True
    return None if any(f is None for f in flags) else False


def _reads(value) -> Optional[bool]:
    if isinstance(value, Tensor):
        return value.reads
    if isinstance(value, (list, tuple)):
        return _either(*(_reads(v) for v in value))
    return None if isinstance(value, Unknown) and value.kind == "opaque" else False


def _broadcast(*values):
    """The rank of a broadcasting op's result: TF 1.15 knows none if an operand has none."""
    ranks = [_rank(v) for v in values]
    if None in ranks:
        return None
    return NOT_KNOWN if NOT_KNOWN in ranks else max(ranks)


def _source(node: ast.AST) -> str:
    text = ast.unparse(node)
    return text if len(text) <= 60 else text[:57] + "..."


# --- the graph being counted --------------------------------------------------------------

class _Graph:
    """Runs the statements abstractly, in Python's evaluation order, adding up TF 1.15's ops."""

    def __init__(self, resolve: Resolve, is_graph_value: IsGraphValue,
                 functions: Optional[Dict[str, ast.FunctionDef]] = None):
        self.resolve = resolve
        self.is_graph_value = is_graph_value
        self.functions = dict(functions or {})
        self.ops = 0  # the graph's op count: the next random op's seed
        self.made = 0  # every op made, across tf.reset_default_graph()
        self.seeds: Dict[Key, int] = {}
        self.visited = set()  # keys of the calls already counted (random ops among them)
        self.globals: Dict[str, Any] = {}
        self.env: Any = self.globals  # in a function's body: its locals, then the globals
        self.scope_inits: List[Optional[Init]] = []  # variable_scope(initializer=...) stack
        self.devices = False
        self.site: Optional[int] = None  # id of the module-level call whose function runs now
        self.calling: List[Tuple[str, frozenset]] = []  # the functions running: name, parameters

    # counting
    def add(self, n: int) -> None:
        self.ops += n
        self.made += n

    def key(self, call: ast.AST) -> Key:
        """A call's key: its id in a module-level statement; in a function's body, the id of the
        module-level call that got there too, since every call of the function builds anew."""
        return id(call) if self.site is None else (self.site, id(call))

    def draw(self, call: ast.AST, seeded: bool) -> None:
        """A random op is built here: TF 1.15 takes the op count as its op seed."""
        key = self.key(call)
        self.visited.add(key)
        if seeded:
            return
        if key in self.seeds:
            raise _Unsound(call, "this random op is built more than once for one call in the source (a loop, "
                                 "or a function called twice within one call): TF 1.15 gave each build its "
                                 "own op seed, and one seed= argument cannot carry them all")
        self.seeds[key] = self.ops

    def convert(self, value, node: ast.AST, what: str = "an argument") -> int:
        """Ops ``tf.convert_to_tensor(value)`` creates: none for a tensor, one Const for a Python
        value, a Pack (and a Const per Python element) for a list that holds tensors."""
        if isinstance(value, Tensor):
            return self._n(0)
        if isinstance(value, (list, tuple)):
            count, packed = self._pack(value, node, what)
            return self._n(count if packed else 1)
        if isinstance(value, Unknown):
            if value.kind == "opaque":
                raise Uncountable(node, f"{what} is {value.what}: it may be or hold a tensor, and a "
                                        "Python value costs TF 1.15 a Const that a tensor does not")
            return self._n(1)
        if isinstance(value, (bool, int, float, str)):
            return self._n(1)
        raise Uncountable(node, f"{what} ({type(value).__name__}) is not a value TF 1.15 converts to a tensor")

    def _n(self, n: int) -> int:
        self.add(n)
        return n

    def _pack(self, values: Sequence, node, what) -> Tuple[int, bool]:
        count = pending = 0
        packed = False
        for v in values:
            if isinstance(v, Tensor):
                packed = True
            elif isinstance(v, (list, tuple)):
                inner, inner_packed = self._pack(v, node, what)
                packed |= inner_packed
                count, pending = (count + inner, pending) if inner_packed else (count, pending + 1)
            elif isinstance(v, Unknown) and v.kind == "opaque":
                raise Uncountable(node, f"{what} holds {v.what}, which may be a tensor")
            else:
                pending += 1
        return (count + pending + 1, True) if packed else (0, False)

    # statements
    def run(self, stmt: ast.stmt) -> None:
        if isinstance(stmt, ast.Assign):
            value = self.value(stmt.value)
            for target in stmt.targets:
                self.bind(target, value)
        elif isinstance(stmt, ast.AnnAssign):
            if stmt.value is not None:
                self.bind(stmt.target, self.value(stmt.value))
        elif isinstance(stmt, ast.AugAssign):
            load = _as_load(stmt.target)
            self.bind(stmt.target, self.binop(stmt.op, self.value(load), self.value(stmt.value), stmt))
        elif isinstance(stmt, ast.Expr):
            self.value(stmt.value)
        elif isinstance(stmt, ast.With):
            self.with_(stmt)
        elif isinstance(stmt, ast.For):
            self.for_(stmt)
        elif isinstance(stmt, ast.If):
            test = self.value(stmt.test)
            if isinstance(test, (Tensor, Unknown)):
                raise Uncountable(stmt, "an If statement whose condition is a tensor or a value not known here: "
                                        "which branch builds its ops is not known")
            for inner in stmt.body if test else stmt.orelse:
                self.run(inner)
        elif isinstance(stmt, ast.Return) and self.calling:
            raise _Return(None if stmt.value is None else self.value(stmt.value))
        elif isinstance(stmt, (ast.Pass, ast.Import, ast.ImportFrom)):
            pass
        elif isinstance(stmt, ast.FunctionDef) and not self.calling and stmt.name in self.functions:
            self.env[stmt.name] = Function(self.functions[stmt.name])
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            self.env[stmt.name] = Unknown("opaque", f"the function {stmt.name}")
        else:
            raise Uncountable(stmt, f"a {type(stmt).__name__} statement: its TF 1.15 op count is not known")

    def bind(self, target: ast.expr, value) -> None:
        if isinstance(target, ast.Name):
            self.env[target.id] = value
        elif isinstance(target, (ast.Tuple, ast.List)):
            if isinstance(value, (list, tuple)) and len(value) == len(target.elts):
                items = list(value)
            elif isinstance(value, Unknown) and value.kind != "opaque":
                items = [PLAIN] * len(target.elts)
            elif isinstance(value, Unknown):
                items = [value] * len(target.elts)
            else:
                raise Uncountable(target, f"unpacking {type(value).__name__} into {_source(target)}")
            for elt, item in zip(target.elts, items):
                if isinstance(elt, ast.Starred):
                    raise Uncountable(elt, "a starred assignment target")
                self.bind(elt, item)
        elif isinstance(target, ast.Subscript):
            container = self.value(target.value)
            key = self.value(target.slice)
            if isinstance(container, (dict, list)) and not isinstance(key, (Unknown, Tensor)):
                try:
                    container[key] = value
                    return
                except (TypeError, IndexError):
                    pass
            if not isinstance(container, Unknown):
                raise Uncountable(target, f"assigning to {_source(target)}")
        else:
            raise Uncountable(target, f"assigning to {_source(target)}")

    def with_(self, stmt: ast.With) -> None:
        pushed = 0
        for item in stmt.items:
            expr = item.context_expr
            name = self.name_of(expr.func) if isinstance(expr, ast.Call) else None
            if name in ("tf.name_scope", "tf.variable_scope", "tf.device", "tf.Session", "tf.InteractiveSession"):
                args = self.bind_args(expr, SCOPE_PARAMS[name])
                if name == "tf.variable_scope":
                    for key, value in args.items():
                        if key == "reuse" and value not in (None, False):
                            raise Uncountable(expr, "tf.variable_scope(reuse=...): whether get_variable "
                                                    "creates a variable or returns one is not tracked")
                        float_dtype = key == "dtype" and (_dtype_name(value) or "").startswith("float")
                        if key not in ("name_or_scope", "default_name", "values", "initializer", "reuse") \
                                and not float_dtype:
                            raise Uncountable(expr, f"tf.variable_scope({key}=...) changes what get_variable creates")
                    init = args.get("initializer")
                    inherited = self.scope_inits[-1] if self.scope_inits else None
                    self.scope_inits.append(self.initializer(init, expr) if init is not None else inherited)
                    pushed += 1
                elif name == "tf.device":
                    self.devices = True
            else:
                raise Uncountable(expr, f"with {_source(expr)}: only tf.name_scope, tf.variable_scope and "
                                        "tf.device blocks are counted")
            if item.optional_vars is not None:
                session = name in ("tf.Session", "tf.InteractiveSession")
                self.bind(item.optional_vars, SESSION if session else Unknown("opaque", "a scope"))
        try:
            for inner in stmt.body:
                self.run(inner)
        finally:
            del self.scope_inits[len(self.scope_inits) - pushed:]

    def for_(self, stmt: ast.For) -> None:
        loop = self.value(stmt.iter) if isinstance(stmt.iter, ast.Call) and _is_range(stmt.iter) else None
        if not isinstance(loop, range) or stmt.orelse or len(loop) > 10_000:
            raise Uncountable(stmt, "a for loop that is not over range(<int>)")
        if unseeded_random_calls(stmt.body, self.resolve, (), self.functions):
            raise Uncountable(stmt, "a random op inside a loop (or a function called there that draws): "
                                    "one call, a different op seed each pass")
        if any(isinstance(n, (ast.Break, ast.Continue)) for n in ast.walk(stmt)):
            raise Uncountable(stmt, "break/continue in a counted loop")
        for i in loop:
            self.bind(stmt.target, i)
            for inner in stmt.body:
                self.run(inner)

    # expressions
    def name_of(self, node: ast.AST) -> Optional[str]:
        if isinstance(node, ast.Name) and node.id in self.env:
            return None
        name = _normal(self.resolve(node))
        return name if name and (name == "tf" or name.startswith("tf.")) else None

    def value(self, node: ast.expr):
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, (ast.Name, ast.Attribute)):
            name = self.name_of(node)
            if name:
                return _symbol(name)
            if isinstance(node, ast.Name):
                if node.id in self.env:
                    return self.env[node.id]
                if node.id in self.functions:
                    return Function(self.functions[node.id])
                if self.is_graph_value(node.id):
                    return Tensor(None, NOT_KNOWN, reads=None, variable=None)
                return Unknown("outside", f"{node.id}, bound outside these statements")
            return self.attribute(node)
        if isinstance(node, ast.Call):
            return self.call(node)
        if isinstance(node, ast.BinOp):
            return self.binop(node.op, self.value(node.left), self.value(node.right), node)
        if isinstance(node, ast.UnaryOp):
            return self.unary(node)
        if isinstance(node, ast.Compare):
            return self.compare(node)
        if isinstance(node, (ast.List, ast.Tuple)):
            items = []
            for elt in node.elts:
                if isinstance(elt, ast.Starred):
                    raise Uncountable(elt, "a starred item")
                items.append(self.value(elt))
            return items if isinstance(node, ast.List) else tuple(items)
        if isinstance(node, ast.Dict):
            out, known = {}, True
            for key, item in zip(node.keys, node.values):
                if key is None:
                    raise Uncountable(item, "a ** item in a dict display")
                k = self.value(key)
                v = self.value(item)
                known = known and not isinstance(k, (Tensor, Unknown, list, dict))
                if known:
                    out[k] = v
            return out if known else Unknown("opaque", "a dict keyed by values not known here (a feed_dict)")
        if isinstance(node, ast.Subscript):
            return self.subscript(node)
        if isinstance(node, ast.JoinedStr):
            for part in node.values:
                if isinstance(part, ast.FormattedValue):
                    self.value(part.value)
            return PLAIN
        if isinstance(node, ast.IfExp):
            test = self.value(node.test)
            if isinstance(test, (Tensor, Unknown)):
                raise Uncountable(node, "a conditional expression whose condition is not known here")
            return self.value(node.body if test else node.orelse)
        raise Uncountable(node, f"{_source(node)} ({type(node).__name__}): its TF 1.15 op count is not known")

    def attribute(self, node: ast.Attribute):
        root = _root(node)
        if root in NUMERIC_MODULES and root not in self.env:
            return PLAIN  # numpy.random, math.pi: never a tensor
        base = self.value(node.value)
        if node.attr == "dtype" and isinstance(base, Tensor) and base.dtype:
            return DType(base.dtype)
        if node.attr in ("shape", "dtype", "name", "ndim", "size"):
            return PLAIN  # a static shape, a dtype, a name: never a tensor
        if isinstance(base, Tensor) or (isinstance(base, Unknown) and base.kind not in ("plain", "outside")):
            return Unknown("opaque", _source(node))
        return PLAIN  # an attribute of a Python value (is_graph_value said it is no tensor): FLAGS.hidden1

    def subscript(self, node: ast.Subscript):
        base = self.value(node.value)
        key = self.value(node.slice) if not isinstance(node.slice, ast.Slice) else PLAIN
        if isinstance(base, Tensor):
            raise Uncountable(node, f"slicing a tensor ({_source(node)}): its TF 1.15 op count is not known")
        if isinstance(base, (dict, list, tuple, str)) and not isinstance(key, (Unknown, Tensor, list, dict)):
            try:
                return base[key]
            except (KeyError, IndexError, TypeError):
                raise Uncountable(node, f"{_source(node)}: no such item") from None
        if isinstance(base, Unknown) and base.kind == "plain":
            return PLAIN
        return Unknown("opaque", _source(node))

    def unary(self, node: ast.UnaryOp):
        operand = self.value(node.operand)
        if isinstance(operand, Tensor):
            if isinstance(node.op, ast.USub) or (isinstance(node.op, ast.Invert) and operand.dtype == "bool"):
                self.add(1)  # Neg / LogicalNot
                return Tensor(operand.dtype, operand.rank, operand.reads)
            raise Uncountable(node, f"{_source(node)}: TF 1.15 tensors do not support this operator")
        if isinstance(operand, Unknown):
            return PLAIN if operand.kind != "opaque" else operand
        try:
            return {ast.USub: operator.neg, ast.UAdd: operator.pos, ast.Not: operator.not_,
                    ast.Invert: operator.invert}[type(node.op)](operand)
        except Exception:
            return PLAIN

    def compare(self, node: ast.Compare):
        if len(node.ops) != 1:
            raise Uncountable(node, "a chained comparison")
        left, right = self.value(node.left), self.value(node.comparators[0])
        op = node.ops[0]
        if isinstance(left, Tensor) or isinstance(right, Tensor):
            if isinstance(op, (ast.Eq, ast.NotEq, ast.Is, ast.IsNot)):
                return PLAIN  # a TF 1.x tensor's == is Python identity: no op
            if isinstance(op, (ast.Lt, ast.LtE, ast.Gt, ast.GtE)):
                self.convert(left, node.left)
                self.convert(right, node.comparators[0])
                self.add(1)
                return Tensor("bool", _broadcast(left, right), _either(_reads(left), _reads(right)))
            raise Uncountable(node, f"{_source(node)}: `in` on a tensor")
        if isinstance(left, Unknown) or isinstance(right, Unknown):
            return PLAIN
        try:
            return COMPARISONS[type(op)](left, right)
        except Exception:
            return PLAIN

    def binop(self, op: ast.operator, left, right, node: ast.AST):
        if not (isinstance(left, Tensor) or isinstance(right, Tensor)):
            return _py_binop(op, left, right)
        kind = type(op)
        if kind not in TENSOR_OPERATORS:
            raise Uncountable(node, f"the {kind.__name__} operator on a tensor: its TF 1.15 op count is not known")
        tensor = left if isinstance(left, Tensor) else right
        other = right if tensor is left else left
        self.convert(other, node, "the Python operand")
        dtype = tensor.dtype
        if kind is ast.Div and (dtype is None or dtype.startswith(("int", "uint"))):
            if dtype is None:
                raise Uncountable(node, f"{_source(node)}: `/` casts integer tensors (2 more ops) and this "
                                        "tensor's dtype is not known")
            self.add(2)  # TF 1.15's truediv casts both integer operands
            dtype = "float64" if dtype in ("int32", "int64") else "float32"
        self.add(1)
        return Tensor(dtype, _broadcast(left, right), _either(_reads(left), _reads(right)))

    def call(self, node: ast.Call):
        result = self._call(node)
        self.visited.add(self.key(node))  # counted whole: a function passed in and called drew, if it did
        return result

    def _call(self, node: ast.Call):
        func = node.func
        if isinstance(func, ast.Name):
            own = self.env.get(func.id) if func.id in self.env else self.functions.get(func.id)
            own = own.node if isinstance(own, Function) else own
            if isinstance(own, ast.FunctionDef):
                if func.id != own.name and not (self.calling and func.id in self.calling[-1][1]):
                    raise Uncountable(node, f"{own.name}() called as {func.id}(): calls are followed by the "
                                            "function's own name or through a parameter only")
                return self.invoke(own, node)
        name = self.name_of(node.func)
        if name:
            model = MODELS.get(name)
            if model is None:
                raise Uncountable(node, f"{name}(...): its TF 1.15 op count is not known")
            params, count = model
            return count(self, node, self.bind_args(node, params, name))
        func = node.func
        root = _root(func)
        if isinstance(func, ast.Name) and func.id not in self.env and func.id in BUILTINS:
            return self.builtin(node)
        if root in NUMERIC_MODULES and root not in self.env:
            args = self.plain_args(node)
            if root == "math" and isinstance(func, ast.Attribute) and func.attr in MATH:
                try:
                    return getattr(math, func.attr)(*args)
                except Exception:
                    return PLAIN
            return PLAIN
        if isinstance(func, ast.Attribute):  # a method
            base = self.value(func.value)
            if isinstance(base, list) and func.attr in ("append", "extend") and len(node.args) == 1 \
                    and not node.keywords:
                item = self.value(node.args[0])
                if func.attr == "extend" and not isinstance(item, (list, tuple)):
                    raise Uncountable(node, f"{_source(node)}: extending a list by a value not known here")
                getattr(base, func.attr)(item)
                return None
            if base is SESSION and func.attr in ("run", "close"):
                self.bind_args(node, None)  # running builds no op; its arguments may
                return PLAIN
            shape_method = isinstance(base, Tensor) and func.attr in ("get_shape", "as_list")
            plain = isinstance(base, (int, float, str, list, tuple, dict)) or (
                isinstance(base, Unknown) and base.kind == "plain")
            if shape_method or plain:
                self.plain_args(node)
                return PLAIN
            raise Uncountable(node, f"{_source(node)}: a method call whose TF 1.15 op count is not known")
        callee = self.value(func)
        if isinstance(callee, Init):
            args = self.bind_args(node, ("shape", "dtype", "partition_info"), "an initializer")
            dtype = _dtype_name(args["dtype"]) if "dtype" in args else "float32"
            if dtype is None:
                raise Uncountable(node, "an initializer called with a dtype not known here")
            self.visited.add(self.key(node))
            return self.initial(callee, args.get("shape"), dtype, node, node)
        if isinstance(callee, Symbol) and callee.name in MODELS:
            params, count = MODELS[callee.name]
            return count(self, node, self.bind_args(node, params, callee.name))
        if isinstance(callee, Function):
            raise Uncountable(node, f"{callee.node.name}() called through {_source(func)}: calls are followed "
                                    "by the function's own name or through a parameter only")
        raise Uncountable(node, f"{_source(node)}: a call whose TF 1.15 op count is not known")

    # the program's own functions
    def invoke(self, fn: ast.FunctionDef, call: ast.Call):
        """Runs ``fn``'s body for this call, its parameters bound to the arguments, as Python
        would: the arguments first, in source order; the value is the one ``return`` gives."""
        name = fn.name
        if any(running == name for running, _ in self.calling):
            raise Uncountable(call, f"{name}() calls itself: recursion is not counted")
        if fn.decorator_list:
            raise Uncountable(fn, f"{name}() is decorated: what its calls run is not known here")
        spec = fn.args
        if spec.vararg or spec.kwarg:
            raise Uncountable(fn, f"{name}(*{(spec.vararg or spec.kwarg).arg}): a function taking *args or "
                                  "**kwargs is not followed")
        positional = [a.arg for a in [*spec.posonlyargs, *spec.args]]
        keyword = [a.arg for a in spec.args] + [a.arg for a in spec.kwonlyargs]
        given: Dict[str, Any] = {}
        for i, arg in enumerate(call.args):
            if isinstance(arg, ast.Starred):
                raise Uncountable(arg, f"*args in a call of {name}()")
            if i >= len(positional):
                raise Uncountable(call, f"{name}() takes {len(positional)} positional arguments")
            given[positional[i]] = self.value(arg)
        for kw in call.keywords:
            if kw.arg is None:
                raise Uncountable(kw.value, f"**kwargs in a call of {name}()")
            if kw.arg not in keyword or kw.arg in given:
                raise Uncountable(call, f"{name}({kw.arg}=...): not a parameter, or given twice")
            given[kw.arg] = self.value(kw.value)
        defaults = dict(zip(positional[len(positional) - len(spec.defaults):], spec.defaults))
        defaults.update((a.arg, d) for a, d in zip(spec.kwonlyargs, spec.kw_defaults) if d is not None)
        local: Dict[str, Any] = {}
        for param in positional + [a.arg for a in spec.kwonlyargs]:
            if param in given:
                local[param] = given[param]
            elif param in defaults:
                local[param] = self.default(name, defaults[param])
            else:
                raise Uncountable(call, f"{name}() called without its argument {param}")
        saved = self.env, self.site
        self.env = ChainMap(local, self.globals)
        self.site = id(call) if self.site is None else self.site
        self.calling.append((name, frozenset(local)))
        try:
            for stmt in fn.body:
                self.run(stmt)
            return None
        except _Return as returned:
            return returned.value
        except Uncountable as error:
            where = f"{call.lineno}:{call.col_offset + 1}"
            raise type(error)(error.node, f"{error.what} (in {name}(), called at {where})") from None
        finally:
            self.env, self.site = saved
            self.calling.pop()

    def default(self, name: str, node: ast.expr):
        """A default argument's value. Python computed it once, when the def ran, in the module's
        names: one that builds TF ops built them then, not at each call."""
        saved, made, drawn = self.env, self.made, len(self.visited)
        self.env = self.globals
        try:
            value = self.value(node)
        finally:
            self.env = saved
        if self.made != made:
            error = _Unsound if len(self.visited) != drawn else Uncountable
            raise error(node, f"a default argument of {name}() that builds TF ops: TF 1.15 built them once, "
                              "when the def ran")
        return value

    def plain_args(self, node: ast.Call) -> list:
        values = [self.value(a) for a in node.args] + [self.value(k.value) for k in node.keywords]
        if any(_holds_tensor(v) for v in values):
            raise Uncountable(node, f"{_source(node)}: a Python function called with a tensor")
        return values

    def builtin(self, node: ast.Call):
        name = node.func.id
        values = [self.value(a) for a in node.args]
        keywords = {k.arg: self.value(k.value) for k in node.keywords}
        if name == "print":
            return None  # printing a graph tensor builds no op
        given = values + list(keywords.values())
        if any(isinstance(v, Tensor) for v in given):
            if name == "abs" and len(values) == 1:
                self.add(1)
                return Tensor(values[0].dtype, values[0].rank, values[0].reads)
            raise Uncountable(node, f"{name}() of a tensor")
        if name not in ("len", "list", "tuple", "dict") and any(_holds_tensor(v) for v in given):
            raise Uncountable(node, f"{name}() of tensors")
        if any(isinstance(v, Unknown) for v in given) or None in keywords:
            return PLAIN
        try:
            return BUILTINS[name](*values, **keywords)
        except Exception:
            return PLAIN

    def bind_args(self, node: ast.Call, params: Optional[Sequence[str]], name: str = "") -> Dict[str, Any]:
        """The call's arguments by parameter name, evaluated in source order (params None: any
        arguments, evaluated and dropped)."""
        args: Dict[str, Any] = {}
        if params is None:
            for value in [*node.args, *(k.value for k in node.keywords)]:
                self.value(value)
            return args
        for i, arg in enumerate(node.args):
            if isinstance(arg, ast.Starred):
                raise Uncountable(arg, "*args in a TF call")
            if i >= len(params):
                raise Uncountable(node, f"{name or _source(node.func)}: more positional arguments than TF 1.15 takes")
            args[params[i]] = self.value(arg)
        for keyword in node.keywords:
            if keyword.arg is None:
                raise Uncountable(keyword.value, "**kwargs in a TF call")
            if keyword.arg not in params:
                raise Uncountable(node, f"{name or _source(node.func)}({keyword.arg}=...): "
                                        "not a TF 1.15 parameter here")
            args[keyword.arg] = self.value(keyword.value)
        return args

    # the pieces several TF functions share
    def initializer(self, value, node: ast.AST) -> Init:
        if isinstance(value, Init):
            return value
        if isinstance(value, Symbol) and value.name in INITIALIZER_LAWS:  # a class, instantiated by TF
            return Init(INITIALIZER_LAWS[value.name][0], False, INITIALIZER_LAWS[value.name][1])
        raise Uncountable(node, "an initializer that is not a TF 1.15 initializer this module knows")

    def initial(self, init: Init, shape, dtype: str, key: ast.AST, node: ast.AST) -> Tensor:
        """The ops of ``init(shape, dtype)``; a random initializer's draw is reported under ``key``."""
        args = dict(init.args)
        if init.law in ("normal", "truncated"):
            self.convert(shape, node, "the shape")
            self.convert(args.get("mean", 0.0), node, "the mean")
            self.convert(args.get("stddev", 1.0), node, "the stddev")
            self.draw(key, init.seeded)
            self.add(3)  # the random op, Mul, Add
        elif init.law == "uniform":
            self.convert(shape, node, "the shape")
            self.convert(args.get("minval", 0), node, "minval")
            maxval = args.get("maxval")
            self.convert(1 if maxval is None else maxval, node, "maxval")
            self.draw(key, init.seeded)
            self.add(1 if dtype.startswith(("int", "uint")) else 4)  # RandomUniformInt, or RandomUniform Sub Mul Add
        elif init.law in ("zeros", "ones"):
            self.add(_fill_ops(shape, node))
        else:  # constant
            self.add(1)
        return Tensor(dtype, _shape_rank(shape))

    def draws(self, call: ast.Call, law: str, args: Dict[str, Any], dtype: str) -> Tensor:
        seeded = args.get("seed") is not None
        keep = {k: v for k, v in args.items() if k in ("mean", "stddev", "minval", "maxval")}
        return self.initial(Init(law, seeded, tuple(keep.items())), args.get("shape"), dtype, call, call)


def _holds_tensor(value) -> bool:
    if isinstance(value, (list, tuple)):
        return any(_holds_tensor(v) for v in value)
    if isinstance(value, dict):
        return any(_holds_tensor(v) for v in value.values())
    return isinstance(value, Tensor) or (isinstance(value, Unknown) and value.kind == "opaque")


def _fill_ops(shape, node: ast.AST) -> int:
    """tf.zeros / tf.ones: one Const below 1000 elements (``_constant_if_small``), else a Fill
    of two Consts; an int shape (not a list) always takes the Fill path."""
    if isinstance(shape, Tensor):
        if shape.rank != 1:
            raise Uncountable(node, "tf.zeros/tf.ones of a shape tensor whose rank is not known to be 1")
        return 2
    if isinstance(shape, int) and not isinstance(shape, bool):
        return 3
    if isinstance(shape, (list, tuple)) and all(isinstance(d, int) and not isinstance(d, bool) for d in shape):
        return 1 if math.prod(shape) < 1000 else 3
    raise Uncountable(node, "tf.zeros/tf.ones/zeros_initializer: TF 1.15 makes one Const below 1000 "
                            "elements and three ops from 1000 on, and this shape's size is not known here")


def _py_binop(op: ast.operator, left, right):
    if isinstance(left, Unknown) or isinstance(right, Unknown):
        opaque = [v for v in (left, right) if isinstance(v, Unknown) and v.kind == "opaque"]
        return opaque[0] if opaque else PLAIN
    function = PY_OPERATORS.get(type(op))
    numbers = (int, float)
    small = all(isinstance(v, numbers) or (isinstance(v, (list, tuple, str)) and len(v) < 10_000)
                for v in (left, right))
    if function is None or not small:
        return PLAIN
    if type(op) is ast.Mult and any(isinstance(v, (list, tuple, str)) for v in (left, right)):
        if not all(isinstance(v, int) and abs(v) < 10_000 for v in (left, right) if isinstance(v, numbers)):
            return PLAIN
    if type(op) is ast.Pow and any(isinstance(v, int) and abs(v) > 64 for v in (left, right)):
        return PLAIN
    try:
        return function(left, right)
    except Exception:
        return PLAIN


def _as_load(target: ast.expr) -> ast.expr:
    node = ast.parse(ast.unparse(target), mode="eval").body
    return ast.copy_location(node, target)


def _root(node: ast.AST) -> Optional[str]:
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _is_range(call: ast.Call) -> bool:
    return isinstance(call.func, ast.Name) and call.func.id == "range"


def _symbol(name: str):
    short = name[len("tf."):] if name.startswith("tf.") else name
    short = short[len("dtypes."):] if short.startswith("dtypes.") else short
    return DType(short) if short in DTYPES else Symbol(name)


COMPARISONS = {ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
               ast.Gt: operator.gt, ast.GtE: operator.ge, ast.Is: operator.is_, ast.IsNot: operator.is_not}
PY_OPERATORS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
                ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod, ast.Pow: operator.pow}
# Python operators on a tensor, each one TF 1.15 op (plus the Const of a Python operand; `/` on
# integers adds two Casts). `^` is left out: TF builds xor from four ops.
TENSOR_OPERATORS = {ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow, ast.MatMult,
                    ast.BitAnd, ast.BitOr}
BUILTINS = {"int": int, "float": float, "len": len, "range": range, "list": list, "tuple": tuple, "min": min,
            "max": max, "abs": abs, "round": round, "str": str, "bool": bool, "print": print, "dict": dict,
            "sum": sum}
NUMERIC_MODULES = ("math", "np", "numpy")  # their functions build no TF op
MATH = {"sqrt", "log", "exp", "pi", "e", "ceil", "floor", "pow", "prod", "log2", "log10"}

SCOPE_PARAMS = {
    "tf.name_scope": ("name", "default_name", "values"),
    "tf.variable_scope": ("name_or_scope", "default_name", "values", "initializer", "regularizer",
                          "caching_device", "partitioner", "custom_getter", "reuse", "dtype", "use_resource",
                          "constraint", "auxiliary_name_scope"),
    "tf.device": ("device_name_or_function",),
    "tf.Session": ("target", "graph", "config"),
    "tf.InteractiveSession": ("target", "graph", "config"),
}


# --- the TF 1.15 functions, each with its parameters and its count --------------------------

MODELS: Dict[str, Tuple[Optional[Tuple[str, ...]], Callable[[_Graph, ast.Call, Dict[str, Any]], Any]]] = {}


def _model(names: str, params: str):
    def register(count):
        for name in names.split():
            MODELS[name] = (tuple(params.split()), count)
        return count
    return register


def _dtype(args, key: str, default: Optional[str], node) -> Optional[str]:
    value = args.get(key)
    if value is None:
        return default
    name = _dtype_name(value)
    if name is None:
        raise Uncountable(node, f"{key}={_source_of(value)}: not a dtype known here")
    return name


def _first(a: Dict[str, Any], *keys: str, default=None):
    """The first of these arguments given and not None (TF's deprecated aliases: axis and
    reduction_indices, filter and filters...)."""
    return next((a[k] for k in keys if a.get(k) is not None), default)


def _source_of(value) -> str:
    return value.what if isinstance(value, Unknown) else type(value).__name__


@_model("tf.placeholder", "dtype shape name")
def _placeholder(g, call, a):
    g.add(1)
    shape = a.get("shape")
    return Tensor(_dtype(a, "dtype", None, call), _shape_rank(shape) if shape is not None else None)


@_model("tf.placeholder_with_default", "input shape name")
def _placeholder_with_default(g, call, a):
    g.convert(a.get("input"), call, "the default")
    g.add(1)
    return Tensor(_tensor_dtype(a.get("input")), _shape_rank(a.get("shape")), _reads(a.get("input")))


def _tensor_dtype(value) -> Optional[str]:
    return value.dtype if isinstance(value, Tensor) else _py_dtype(value)


@_model("tf.random_normal tf.random.normal", "shape mean stddev dtype seed name")
def _random_normal(g, call, a):
    return g.draws(call, "normal", a, _dtype(a, "dtype", "float32", call))


@_model("tf.truncated_normal tf.random.truncated_normal", "shape mean stddev dtype seed name")
def _truncated_normal(g, call, a):
    return g.draws(call, "truncated", a, _dtype(a, "dtype", "float32", call))


@_model("tf.random_uniform tf.random.uniform", "shape minval maxval dtype seed name")
def _random_uniform(g, call, a):
    return g.draws(call, "uniform", a, _dtype(a, "dtype", "float32", call))


@_model("tf.nn.dropout", "x keep_prob noise_shape seed name rate")
def _dropout(g, call, a):
    x = a.get("x")
    g.visited.add(g.key(call))
    if (a.get("keep_prob") is None) == (a.get("rate") is None):
        raise Uncountable(call, "tf.nn.dropout needs exactly one of keep_prob and rate")
    rate = a.get("rate")
    if a.get("keep_prob") is not None:
        keep = a["keep_prob"]
        if isinstance(keep, Tensor):
            g.add(2)  # `1. - keep_prob`: a Const and a Sub, before dropout's own name scope
            rate = Tensor(keep.dtype, keep.rank, keep.reads)
        elif isinstance(keep, (int, float)):
            rate = 1.0 - keep
        else:
            raise Uncountable(call, "tf.nn.dropout's keep_prob is a Python value not known here, and TF 1.15 "
                                    "builds no random op at all for keep_prob=1")
    g.convert(x, call, "x")
    if isinstance(rate, (int, float)) and rate == 0:
        return x
    if not isinstance(rate, Tensor):
        if isinstance(rate, Unknown):
            raise Uncountable(call, "tf.nn.dropout's rate is a Python value not known here, and TF 1.15 builds "
                                    "no random op for rate=0")
        g.convert(rate, call, "rate")
    elif rate.const is not None and rate.const == 0:
        return x  # constant_value(rate) == 0
    noise = a.get("noise_shape")
    if noise is None:
        g.add(1)  # tf.shape(x): a Shape, or a Const for a fully known shape
    else:
        g.convert(noise, call, "noise_shape")
    g.add(2)  # random_uniform's minval and maxval
    g.draw(call, a.get("seed") is not None)
    g.add(4 + 8)  # RandomUniform Sub Mul Add; 1 - rate, 1 / keep, >= rate, Cast, two Muls
    return Tensor(_tensor_dtype(x), _rank(x), _either(_reads(x), _reads(rate)))


@_model("tf.Variable", "initial_value trainable collections validate_shape caching_device name variable_def "
                       "dtype expected_shape import_scope constraint use_resource synchronization aggregation shape")
def _variable(g, call, a):
    for key in ("caching_device", "variable_def", "use_resource", "synchronization", "aggregation"):
        if a.get(key) not in (None, False):
            raise Uncountable(call, f"tf.Variable({key}=...): changes which ops TF 1.15 builds")
    if "initial_value" not in a:
        raise Uncountable(call, "tf.Variable without an initial value")
    value = a["initial_value"]
    return _new_variable(g, call, value, _dtype(a, "dtype", None, call))


def _new_variable(g, call, value, dtype) -> Tensor:
    g.convert(value, call, "the initial value")
    reads = _reads(value)
    if reads is not False:
        raise Uncountable(call, "a variable whose initial value reads another variable"
                          + (" (or may: it is not known here)" if reads is None else "")
                          + ": TF 1.15 then adds guard ops (IsVariableInitialized, Switch, Merge...)")
    g.add(3)  # VariableV2, Assign, Identity (its read)
    return Tensor(dtype or _tensor_dtype(value), _rank(value), True, True)


@_model("tf.get_variable", "name shape dtype initializer regularizer trainable collections caching_device "
                           "partitioner validate_shape use_resource custom_getter constraint synchronization "
                           "aggregation")
def _get_variable(g, call, a):
    g.visited.add(g.key(call))
    for key in ("regularizer", "caching_device", "partitioner", "use_resource", "custom_getter",
                "synchronization", "aggregation"):
        if a.get(key) not in (None, False):
            raise Uncountable(call, f"tf.get_variable({key}=...): changes which ops TF 1.15 builds")
    dtype = _dtype(a, "dtype", "float32", call)
    shape = a.get("shape")
    init = a.get("initializer")
    if isinstance(init, Tensor):
        return _new_variable(g, call, init, None)
    if init is None:
        init = g.scope_inits[-1] if g.scope_inits and g.scope_inits[-1] is not None else None
    if init is None:
        if dtype.startswith(("float", "bfloat")):
            init = Init("uniform", False, (("minval", PLAIN), ("maxval", PLAIN)))  # glorot_uniform
        elif dtype.startswith(("int", "uint")) or dtype == "bool":
            init = Init("zeros")
        else:
            raise Uncountable(call, f"tf.get_variable of dtype {dtype} without an initializer")
    init = g.initializer(init, call)
    if isinstance(shape, int) and not isinstance(shape, bool):
        shape = [shape]
    if not isinstance(shape, (list, tuple)):
        raise Uncountable(call, "tf.get_variable with an initializer needs a shape list here")
    g.initial(init, list(shape), dtype, call, call)
    g.add(3)  # VariableV2, Assign, Identity
    return Tensor(dtype, len(shape), True, True)


# TF1 initializer constructors: (law, defaults), and their parameters. Building one makes no op.
INITIALIZER_LAWS = {
    "tf.random_normal_initializer": ("normal", ()),
    "tf.initializers.random_normal": ("normal", ()),
    "tf.truncated_normal_initializer": ("truncated", ()),
    "tf.initializers.truncated_normal": ("truncated", ()),
    "tf.random_uniform_initializer": ("uniform", ()),
    "tf.initializers.random_uniform": ("uniform", ()),
    "tf.glorot_uniform_initializer": ("uniform", (("minval", PLAIN), ("maxval", PLAIN))),
    "tf.initializers.glorot_uniform": ("uniform", (("minval", PLAIN), ("maxval", PLAIN))),
    "tf.glorot_normal_initializer": ("truncated", (("mean", 0.0), ("stddev", PLAIN))),
    "tf.initializers.glorot_normal": ("truncated", (("mean", 0.0), ("stddev", PLAIN))),
    "tf.zeros_initializer": ("zeros", ()),
    "tf.initializers.zeros": ("zeros", ()),
    "tf.ones_initializer": ("ones", ()),
    "tf.initializers.ones": ("ones", ()),
    "tf.constant_initializer": ("constant", ()),
    "tf.initializers.constant": ("constant", ()),
}
INITIALIZER_PARAMS = {
    "normal": "mean stddev seed dtype", "truncated": "mean stddev seed dtype", "uniform": "minval maxval seed dtype",
    "zeros": "dtype", "ones": "dtype", "constant": "value dtype verify_shape",
}
GLOROT = "seed dtype"
VARIANCE = {"tf.variance_scaling_initializer": "scale mode distribution seed dtype",
            "tf.initializers.variance_scaling": "scale mode distribution seed dtype",
            "tf.initializers.he_normal": "seed", "tf.initializers.he_uniform": "seed",
            "tf.initializers.lecun_normal": "seed", "tf.initializers.lecun_uniform": "seed",
            "tf.contrib.layers.xavier_initializer": "uniform seed dtype"}


def _register_initializers():
    for name, (law, defaults) in INITIALIZER_LAWS.items():
        params = GLOROT if "glorot" in name else INITIALIZER_PARAMS[law]

        def construct(g, call, a, law=law, defaults=defaults):
            given = {k: v for k, v in a.items() if k in ("mean", "stddev", "minval", "maxval")}
            return Init(law, a.get("seed") is not None, tuple({**dict(defaults), **given}.items()))
        MODELS[name] = (tuple(params.split()), construct)

    def variance(g, call, a, name):
        if name == "tf.contrib.layers.xavier_initializer":
            uniform = a.get("uniform", True)
            if not isinstance(uniform, bool):
                raise Uncountable(call, "xavier_initializer(uniform=...) with a value not known here")
            law = "uniform" if uniform else "truncated"
        elif name.startswith("tf.initializers.") and name != "tf.initializers.variance_scaling":
            law = "uniform" if name.endswith("uniform") else "truncated"
        else:
            distribution = a.get("distribution", "truncated_normal")
            law = {"normal": "truncated", "truncated_normal": "truncated", "untruncated_normal": "normal",
                   "uniform": "uniform"}.get(distribution) if isinstance(distribution, str) else None
            if law is None:
                raise Uncountable(call, "variance_scaling_initializer with a distribution not known here")
        bounds = (("minval", PLAIN), ("maxval", PLAIN)) if law == "uniform" else (("mean", 0.0), ("stddev", PLAIN))
        return Init(law, a.get("seed") is not None, bounds)
    for name, params in VARIANCE.items():
        MODELS[name] = (tuple(params.split()), lambda g, call, a, name=name: variance(g, call, a, name))


_register_initializers()


@_model("tf.zeros tf.ones", "shape dtype name")
def _zeros(g, call, a):
    g.add(_fill_ops(a.get("shape"), call))
    return Tensor(_dtype(a, "dtype", "float32", call), _shape_rank(a.get("shape")))


@_model("tf.constant", "value dtype shape name verify_shape")
def _constant(g, call, a):
    g.add(1)
    value = a.get("value")
    shape = a.get("shape")
    return Tensor(_dtype(a, "dtype", _py_dtype(value), call),
                  _shape_rank(shape) if shape is not None else _rank(value),
                  const=value if isinstance(value, (int, float)) and not isinstance(value, bool) else None)


@_model("tf.fill", "dims value name")
def _fill(g, call, a):
    g.convert(a.get("dims"), call, "dims")
    g.convert(a.get("value"), call, "value")
    g.add(1)
    return Tensor(_tensor_dtype(a.get("value")), _shape_rank(a.get("dims")), _reads(a.get("value")))


@_model("tf.matmul tf.linalg.matmul", "a b transpose_a transpose_b adjoint_a adjoint_b a_is_sparse b_is_sparse name")
def _matmul(g, call, a):
    if a.get("a_is_sparse") or a.get("b_is_sparse"):
        raise Uncountable(call, "tf.matmul(a_is_sparse/b_is_sparse=True)")
    g.convert(a.get("a"), call, "a")
    g.convert(a.get("b"), call, "b")
    g.add(1)
    return Tensor(_tensor_dtype(a.get("a")), _broadcast(a.get("a"), a.get("b")),
                  _either(_reads(a.get("a")), _reads(a.get("b"))))


# One op each, after the Consts of Python operands.
ARITHMETIC = [f"tf.{p}{f}" for f in "add subtract multiply maximum minimum pow squared_difference".split()
              for p in ("", "math.")]
COMPARING = [f"tf.{p}{f}" for f in "equal not_equal less less_equal greater greater_equal".split()
             for p in ("", "math.")]
ELEMENTWISE = {  # name -> its parameters
    **{name: ("features", "name") for name in "tf.nn.relu tf.nn.relu6 tf.nn.elu tf.nn.selu tf.nn.softplus "
                                              "tf.nn.softsign".split()},
    "tf.nn.leaky_relu": ("features", "alpha", "name"),
    **{f"tf.{p}{f}": ("x", "name") for f in "sigmoid tanh square exp log sqrt abs negative log1p rsqrt".split()
       for p in ("", "math.")},
    "tf.nn.sigmoid": ("x", "name"), "tf.nn.tanh": ("x", "name"),
    "tf.identity": ("input", "name"), "tf.stop_gradient": ("input", "name"),
}


def _binary(result_dtype: Optional[str]):
    def count(g, call, a):
        x, y = a.get("x"), a.get("y")
        g.convert(x, call, "x")
        g.convert(y, call, "y")
        g.add(1)
        dtype = result_dtype or _tensor_dtype(x) or _tensor_dtype(y)
        return Tensor(dtype, _broadcast(x, y), _either(_reads(x), _reads(y)))
    return count


def _elementwise(g, call, a):
    x = _first(a, "features", "x", "input")
    g.convert(x, call, "x")
    g.add(1)
    return Tensor(_tensor_dtype(x), _rank(x), _reads(x))


for _name in ARITHMETIC + COMPARING:
    MODELS[_name] = (("x", "y", "name"), _binary("bool" if _name in COMPARING else None))
for _name, _params in ELEMENTWISE.items():
    MODELS[_name] = (_params, _elementwise)


@_model("tf.divide tf.math.divide tf.truediv tf.math.truediv", "x y name")
def _divide(g, call, a):
    return g.binop(ast.Div(), a.get("x"), a.get("y"), call)


@_model("tf.nn.softmax tf.nn.log_softmax tf.math.softmax tf.math.log_softmax", "logits axis name dim")
def _softmax(g, call, a):
    logits = a.get("logits")
    axis = _first(a, "axis", "dim")
    last = _less(_rank(logits))
    if axis not in (None, -1) and not (isinstance(axis, int) and isinstance(last, int) and axis == last):
        raise Uncountable(call, "softmax over an axis that is not known to be the last: "
                                "TF 1.15 transposes (many ops)")
    g.convert(logits, call, "logits")
    g.add(1)
    return Tensor(_tensor_dtype(logits), _rank(logits), _reads(logits))


REDUCTIONS = "mean sum max min prod all any"


@_model(" ".join(f"tf.reduce_{r} tf.math.reduce_{r}" for r in REDUCTIONS.split()),
        "input_tensor axis keepdims name reduction_indices keep_dims")
def _reduce(g, call, a):
    x = a.get("input_tensor")
    if not isinstance(x, Tensor):
        raise Uncountable(call, "a reduction of a Python value")
    axis = _first(a, "axis", "reduction_indices")
    if axis is None:
        # _ReductionDims: a Const of range(rank) for a tensor of known rank, else Range(0, Rank(x), 1)
        # (Rank is a Const when the rank is known): a variable is no Tensor there, so it takes the
        # long way even with a known rank
        if x.variable is None:
            raise Uncountable(call, "a reduction over all axes of a value that may be a variable or a tensor: "
                                    "TF 1.15 makes 1 op for the axes of a tensor of known rank, 4 otherwise")
        if not x.variable and x.rank == NOT_KNOWN:
            raise Uncountable(call, "a reduction over all axes of a tensor whose static rank is not known here: "
                                    "TF 1.15 makes 1 op for the axes if it knows the rank, 4 if not")
        g.add(1 if not x.variable and x.rank is not None else 4)
        rank = 0
    else:
        g.convert(axis, call, "axis")
        if isinstance(axis, int) and not isinstance(axis, bool):
            rank = _less(x.rank)
        elif isinstance(axis, (list, tuple)) and all(isinstance(i, int) for i in axis) and isinstance(x.rank, int):
            rank = x.rank - len({i % x.rank for i in axis}) if x.rank else 0
        else:
            rank = NOT_KNOWN
    g.add(1)
    keepdims = _first(a, "keepdims", "keep_dims")
    if isinstance(keepdims, (Unknown, Tensor)):
        rank = NOT_KNOWN
    elif keepdims:
        rank = x.rank
    return Tensor(x.dtype, rank, x.reads)


@_model("tf.reshape", "tensor shape name")
def _reshape(g, call, a):
    x = a.get("tensor")
    g.convert(x, call, "tensor")
    g.convert(a.get("shape"), call, "shape")
    g.add(1)
    return Tensor(_tensor_dtype(x), _shape_rank(a.get("shape")), _either(_reads(x), _reads(a.get("shape"))))


def _cast(g, call, x, dtype: str):
    if isinstance(x, Tensor):
        if x.dtype is None:
            raise Uncountable(call, "tf.cast of a tensor whose dtype is not known: "
                                    "no op if it is already the target dtype")
        g.add(0 if x.dtype == dtype else 1)
        return Tensor(dtype, x.rank, x.reads)
    g.convert(x, call, "x")
    source = _py_dtype(x)
    if source is None:
        raise Uncountable(call, "tf.cast of a Python value whose dtype is not known here")
    g.add(0 if source == dtype else 1)
    return Tensor(dtype, _rank(x))


@_model("tf.cast tf.dtypes.cast", "x dtype name")
def _cast_model(g, call, a):
    return _cast(g, call, a.get("x"), _dtype(a, "dtype", None, call))


for _short, _target in (("to_float", "float32"), ("to_double", "float64"), ("to_int32", "int32"),
                        ("to_int64", "int64")):
    _model(f"tf.{_short}", "x name")(lambda g, call, a, target=_target: _cast(g, call, a.get("x"), target))


@_model("tf.argmax tf.math.argmax tf.argmin tf.math.argmin", "input axis name dimension output_type")
def _argmax(g, call, a):
    x = a.get("input")
    g.convert(x, call, "input")
    axis = _first(a, "axis", "dimension", default=0)
    g.convert(axis, call, "axis")
    g.add(1)
    return Tensor(_dtype(a, "output_type", "int64", call), _less(_rank(x)), _reads(x))


@_model("tf.nn.bias_add", "value bias data_format name")
def _bias_add(g, call, a):
    g.convert(a.get("value"), call, "value")
    g.convert(a.get("bias"), call, "bias")
    g.add(1)
    return Tensor(_tensor_dtype(a.get("value")), _rank(a.get("value")),
                  _either(_reads(a.get("value")), _reads(a.get("bias"))))


@_model("tf.nn.conv2d", "input filter strides padding use_cudnn_on_gpu data_format dilations name filters")
def _conv2d(g, call, a):
    kernel = _first(a, "filter", "filters")
    g.convert(a.get("input"), call, "input")
    g.convert(kernel, call, "filter")
    g.add(1)
    return Tensor(_tensor_dtype(a.get("input")), 4, _either(_reads(a.get("input")), _reads(kernel)))


@_model("tf.nn.max_pool tf.nn.avg_pool", "value ksize strides padding data_format name input")
def _pool(g, call, a):
    value = _first(a, "value", "input")
    g.convert(value, call, "value")
    g.add(1)
    return Tensor(_tensor_dtype(value), 4, _reads(value))


@_model("tf.nn.embedding_lookup", "params ids partition_strategy name validate_indices max_norm")
def _embedding_lookup(g, call, a):
    params, ids = a.get("params"), a.get("ids")
    if not isinstance(params, Tensor) or a.get("max_norm") is not None:
        raise Uncountable(call, "tf.nn.embedding_lookup of a list of params or with max_norm")
    g.convert(ids, call, "ids")
    g.add(3)  # the axis Const, GatherV2, Identity
    rank = _broadcast(params, ids)
    if isinstance(rank, int):
        rank = params.rank + _rank(ids) - 1
    return Tensor(params.dtype, rank, _either(params.reads, _reads(ids)))


@_model("tf.shape", "input name out_type")
def _shape(g, call, a):
    g.convert(a.get("input"), call, "input")
    g.add(1)  # a Shape, or a Const when the static shape is fully known
    return Tensor(_dtype(a, "out_type", "int32", call), 1, False)


@_model("tf.stack", "values axis name")
def _stack(g, call, a):
    values = a.get("values")
    if a.get("axis", 0) != 0 or not isinstance(values, (list, tuple)) or not values:
        raise Uncountable(call, "tf.stack other than of a list along axis 0")
    g.convert(values, call, "values")  # TF 1.15 packs it as convert_to_tensor would
    return Tensor(_tensor_dtype(values[0]), _rank(values), _reads(values))


@_model("tf.global_variables_initializer tf.initialize_all_variables", "")
def _init_all(g, call, a):
    if g.devices:
        raise Uncountable(call, "an initializer group across tf.device scopes: one NoOp per device")
    g.add(1)  # one NoOp grouping every initializer
    return Unknown("opaque", "an initializer op")


@_model("tf.Session tf.InteractiveSession", "target graph config")
def _session(g, call, a):
    if a.get("graph") is not None:
        raise Uncountable(call, "a session on another graph")
    return SESSION


@_model("tf.set_random_seed tf.random.set_random_seed", "seed")
def _set_seed(g, call, a):
    return None


@_model("tf.reset_default_graph", "")
def _reset(g, call, a):
    g.ops = 0  # a fresh default graph counts from zero again
    return None


def _optimizer(g, call, a):
    return Unknown("opaque", "an optimizer")  # building one makes no op: they come with minimize()


for _short in ("GradientDescent", "Adam", "Momentum", "Adagrad", "RMSProp", "Adadelta", "Ftrl"):
    MODELS[f"tf.train.{_short}Optimizer"] = (None, _optimizer)

RANDOM_OPS = {"tf.random_normal": 4, "tf.random.normal": 4, "tf.truncated_normal": 4,
              "tf.random.truncated_normal": 4, "tf.random_uniform": 4, "tf.random.uniform": 4,
              "tf.nn.dropout": 3}  # name -> the position of its seed parameter
NOT_RANDOM_INITIALIZERS = {"tf.zeros_initializer", "tf.ones_initializer", "tf.constant_initializer",
                           "tf.initializers.zeros", "tf.initializers.ones", "tf.initializers.constant",
                           "tf.constant", "tf.zeros", "tf.ones"}


def _normal(name: Optional[str]) -> Optional[str]:
    if name and name.startswith("tf.compat.v1."):
        return "tf." + name[len("tf.compat.v1."):]
    return name


def _seeded(call: ast.Call, position: int) -> bool:
    for keyword in call.keywords:
        if keyword.arg == "seed":
            return not (isinstance(keyword.value, ast.Constant) and keyword.value.value is None)
    if len(call.args) > position:
        arg = call.args[position]
        return not (isinstance(arg, ast.Constant) and arg.value is None)
    return False


def _random_initializer(node: Optional[ast.AST], resolve: Resolve) -> bool:
    """Whether ``node`` builds a TF1 random initializer without a seed."""
    if not isinstance(node, ast.Call):
        return False
    name = _normal(resolve(node.func))
    random = name in VARIANCE or INITIALIZER_LAWS.get(name, ("",))[0] in ("normal", "truncated", "uniform")
    params = MODELS[name][0] if random else ()
    return random and not _seeded(node, params.index("seed"))


def _initializer_names(statements: Iterable[ast.AST], resolve: Resolve) -> set:
    """The names these statements bind to an unseeded random initializer (``init = tf.random_normal_initializer()``)."""
    return {t.id for s in statements for node in ast.walk(s)
            if isinstance(node, ast.Assign) and _random_initializer(node.value, resolve)
            for t in node.targets if isinstance(t, ast.Name)}


def unseeded_random_calls(statements: Iterable[ast.AST], resolve: Resolve, initializers: Iterable[str] = (),
                           functions: Optional[Dict[str, ast.FunctionDef]] = None, site: Optional[int] = None,
                           params: Iterable[str] = (), calling: Tuple[str, ...] = ()) -> List[Key]:
    """The keys (see ``_Graph.key``) of the calls in ``statements`` that may build a random op
    without an op seed, found by reading, not counting: a get_variable is one unless its
    initializer is plainly not random; ``initializers``: names bound to random initializers,
    whose calls draw too. A call of one of ``functions`` is followed into its body (and its
    defaults); there a call of a parameter may draw too (a function or initializer passed in)."""
    found: List[Key] = []
    functions = functions or {}
    initializers, params = set(initializers), set(params)
    todo = list(statements)
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        todo.extend(ast.iter_child_nodes(node))
        if not isinstance(node, ast.Call):
            continue
        key = id(node) if site is None else (site, id(node))
        name = _normal(resolve(node.func))
        called = node.func.id if isinstance(node.func, ast.Name) else None
        if called in functions and called not in params:
            if called not in calling:  # a recursion is Uncountable when counted: the keys repeat
                fn = functions[called]
                found += unseeded_random_calls(
                    [*fn.args.defaults, *filter(None, fn.args.kw_defaults), *fn.body], resolve,
                    initializers | _initializer_names(fn.body, resolve), functions,
                    id(node) if site is None else site, _param_names(fn), (*calling, called))
        elif name in RANDOM_OPS and not _seeded(node, RANDOM_OPS[name]):
            found.append(key)
        elif _random_initializer(node.func, resolve) or called in initializers or called in params:
            found.append(key)
        elif name == "tf.get_variable":
            init = next((k.value for k in node.keywords if k.arg == "initializer"), None)
            if init is None and len(node.args) > 3:
                init = node.args[3]
            made_by = init.func if isinstance(init, ast.Call) else init
            init_name = _normal(resolve(made_by)) if init is not None else None
            if init_name not in NOT_RANDOM_INITIALIZERS:
                found.append(key)
    return found


def _param_names(fn: ast.FunctionDef) -> set:
    spec = fn.args
    return {a.arg for a in [*spec.posonlyargs, *spec.args, *spec.kwonlyargs, spec.vararg, spec.kwarg] if a}


# --- the interface --------------------------------------------------------------------------

def op_seeds(statements, resolve, is_graph_value, functions=None):
    """statements: module-level ast statements in program order, as TF1 runs them to build the graph
    (ast.Assign / ast.AugAssign / ast.Expr / ast.With for `with tf.name_scope(...)`/`tf.variable_scope` bodies;
    for-loops over range(<int literal>) are unrolled when they hold no random op; an `if` on a Python value
    known here runs its branch).
    resolve(node) -> 'tf.X' canonical TF1 name of a dotted expression node (ast.Name/ast.Attribute) or None.
    is_graph_value(name: str) -> bool: True if a module-level Python name is bound to a tf Tensor/Variable/
    placeholder/Operation at that point (so `W * 2.0` is a Mul + a Const, while `lr * 2.0` is plain Python).
    functions: name -> the module-level ast.FunctionDef of the program's own functions. A call `f(...)` of one
    (in a statement, or in another such function's body) runs its body with its parameters bound to the
    arguments (positional, keywords, defaults) and is worth what its `return` gives; a body that is not
    straight-line (an if on a tensor, a while, recursion, *args) is Uncountable, naming its line.
    Returns dict: key -> op seed (int), in the order TF 1.15 builds the ops, for every random op call
    (tf.random_normal, tf.truncated_normal, tf.random_uniform, their tf.random.* spellings, and tf.nn.dropout)
    that has no explicit `seed=` argument, and for every tf.get_variable whose initializer draws without a seed
    (keyed by the get_variable call; an initializer object called directly,
    `tf.glorot_uniform_initializer()((784, 10))`, is keyed by that call). The key is id(call node) for a call
    in a module-level statement, and (id(site), id(call node)) for one in a function's body, where site is the
    call in the module-level statement that got there (the outermost call, when functions call functions):
    a function called twice gets two entries, one per call site.
    A dropout that TF 1.15 skips (keep_prob=1, rate=0) has no random op and no entry.
    Raises Uncountable at the first construct it cannot count that comes BEFORE the last random op without seed,
    random ops in the functions called counting too (after the last such random op nothing needs counting:
    stop there, never raise for later statements). A random op built more than once for one key (a function
    called twice within one call of another) always raises."""
    statements = list(statements)
    functions = dict(functions or {})
    graph = _Graph(resolve, is_graph_value, functions)
    initializers = _initializer_names(statements, resolve)

    def random_keys(part):
        return unseeded_random_calls(part, resolve, initializers, functions)
    last = max((i for i, s in enumerate(statements) if random_keys([s])), default=-1)
    for i, stmt in enumerate(statements[:last + 1]):
        try:
            graph.run(stmt)
        except _Unsound:
            raise
        except Uncountable:
            if any(key not in graph.visited for key in random_keys(statements[i:])):
                raise
            break
    return dict(graph.seeds)


def op_counts(statements, resolve, is_graph_value, functions=None) -> List[int]:
    """The number of ops TF 1.15 creates for each statement, in order (may raise Uncountable)."""
    graph = _Graph(resolve, is_graph_value, functions)
    counts = []
    for stmt in statements:
        before = graph.made
        graph.run(stmt)
        counts.append(graph.made - before)
    return counts


def ops_created(statement, resolve, is_graph_value, functions=None) -> int:
    """The number of ops TF 1.15 creates for one statement run alone (may raise Uncountable)."""
    return op_counts([statement], resolve, is_graph_value, functions)[0]
