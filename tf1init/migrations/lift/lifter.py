"""Lifting a TF1 session program to eager TF2, as a person would write it.

* Placeholders become the parameters of ``tf.function``\\ s whose ``input_signature`` keeps their
  dtype and shape (so a fed list or float64 array is converted as ``feed_dict`` converted it).
* Each distinct ``sess.run`` (its fetches and the placeholders they need) becomes one function
  that computes what it fetches from its inputs: the graph-building statements it depends on,
  in program order, run each call.
* ``optimizer.minimize(loss)`` in a fetch becomes a ``tf.GradientTape`` step with the Keras twin
  of the TF1 optimizer; the loss and the other fetched tensors are those computed before the
  update, fetched variables are read after it: what TF 1.x returned.
* Variables are made once, eagerly, where the program made them; with a graph seed, each random
  op gets the op seed TF 1.x gave it, so the lifted program starts from the same values.
* Initializer runs and the session go; what the session printed, the functions print.
"""
import ast
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Set, Tuple

from .._naming import dotted, tf1
from . import optimizers, renames
from .program import (INITIALIZERS, SCOPES, SESSIONS, Def, NotLiftable, Program, Train,
                      classify_graph_statement, factory_kind, keyword, made_variable, makes_variables)
from .source import Edit, Source, reindent

INDENT = "    "  # the lifter's own blocks; a file indented otherwise gets its own unit (see _unit)


@dataclass
class Group:
    """One kind of ``sess.run``: what it fetches, from which placeholders."""
    function: str
    params: List[str]
    tensors: List[ast.expr]  # fetched tensors (names or inline expressions), in fetch order
    train: Optional[Train]


@dataclass
class Lifted:
    text: str
    sessions: List[ast.stmt]
    functions: List[str]
    notes: List[str] = field(default_factory=list)  # what the lifted program needs that the TF1 one did not


@dataclass
class _State:
    program: Program
    source: Source
    handle: str
    resolve: object  # "a.b" as written -> "tf.X", through the file's imports
    session: Optional[str] = None
    groups: Dict[tuple, Group] = field(default_factory=dict)
    taken: Set[str] = field(default_factory=set)
    items: List[Tuple[str, ast.stmt, object]] = field(default_factory=list)
    first_session: Optional[int] = None  # index in items
    all_variables: str = ""
    seeded_functions: Set[int] = field(default_factory=set)
    bases: Dict[int, str] = field(default_factory=dict)  # id(statement) -> indentation of its scope
    unit: str = INDENT
    savers: Dict[str, Optional[str]] = field(default_factory=dict)  # Saver name -> max_to_keep text
    feeds: Dict[str, ast.Dict] = field(default_factory=dict)  # feed dicts bound to names
    checkpoint: str = ""  # the tf.train.Checkpoint that replaces the savers
    restored: bool = False  # the current session restored a checkpoint after its initializers
    imports: Set[str] = field(default_factory=set)  # `from absl import app` and the like
    seeds: Dict[object, int] = field(default_factory=dict)
    initial_values: str = ""
    sessions: int = 0  # sessions opened so far
    initialized: bool = False  # the current session ran the initializers
    ran: bool = False  # the current session ran something else


def lift(tree: ast.Module, source_text: str, resolve, handle: str, bound: Set[str],
         op_seeds=None) -> Lifted:
    """The lifted program's text, or NotLiftable saying what keeps it in graph mode."""
    source = Source(source_text)
    for name in ("app", "flags"):  # the absl modules TF1's tf.app.run and tf.app.flags become
        if name in bound and not _absl_bound(tree, name) and any(
                (resolve(dotted(n)) or "").startswith(("tf.app", "tf.flags")) for n in ast.walk(tree)
                if isinstance(n, ast.Attribute)):
            if not any(isinstance(n, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in n.targets)
                       and (resolve(dotted(n.value)) or "") in ("tf.app.flags", "tf.flags") for n in ast.walk(tree)):
                raise NotLiftable(None, f"`{name}` names something else here; absl's {name} module needs it")
    taken = set(bound) - _dropped_names(tree)
    scope = _scope(Program(lambda node: resolve(dotted(node))), tree)
    parts = [tree.body] if scope is not None else _graphs(tree.body, resolve)
    texts, sessions, functions, imports, notes = [], [], [], set(), []
    start = 0
    for index, body in enumerate(parts):
        state = _State(Program(lambda node: resolve(dotted(node))), source, handle, resolve, taken=taken)
        state.unit = _unit(source, tree)
        found: List[ast.stmt] = []
        for stmt in body:
            state.bases[id(stmt)] = ""
            if stmt is scope:  # the program lives in a function (`def main(_):`): lift its body
                state.items.append(("enter", scope, ""))
                _walk(state, scope.body, _indent(source, scope.body[0]), found)
                state.session = "closed" if state.session is not None else None
            elif scope is not None:
                _outside(state, stmt)
            else:
                _walk(state, [stmt], "", found)
        if not found:
            raise NotLiftable(body[0] if len(parts) > 1 else None, "no session" + (" for this graph" if len(parts) > 1 else ""))
        _check_last_session(state, found[-1])
        if any(kind == "reinit" for kind, _, _ in state.items):  # several sessions: keep the first values
            at = next(i for i, item in enumerate(state.items) if item[0] == "initrun")
            state.items[at] = ("keep_initial",) + state.items[at][1:]
        if not state.groups:
            raise NotLiftable(found[0], "the session runs nothing")
        state.seeds = _seeds(state, op_seeds)
        end = len(source.lines) if index == len(parts) - 1 else body[-1].end_lineno
        texts.append(_emit(state, state.seeds, start, end))
        start = end
        sessions += found
        functions += [g.function for g in state.groups.values()]
        imports |= state.imports
        if state.program.merged:
            notes.append("its summaries need TensorBoard installed (TF2's tf.summary.scalar is TensorBoard's)")
    return Lifted(_add_imports(imports, "".join(texts)), sessions, functions, notes)


def _graphs(body: List[ast.stmt], resolve) -> List[List[ast.stmt]]:
    """The module's statements, cut where ``tf.reset_default_graph()`` starts a new graph (a
    script that builds and runs one model, then another): each part is lifted on its own."""
    parts: List[List[ast.stmt]] = [[]]
    built = False
    for stmt in body:
        resets = (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) and not stmt.value.args
                  and (tf1(resolve(dotted(stmt.value.func))) or "").endswith("reset_default_graph"))
        if resets and built:
            parts.append([])
            built = False
        parts[-1].append(stmt)
        built = built or any(isinstance(n, ast.Call) and (tf1(resolve(dotted(n.func))) or "") in
                             ("tf.placeholder", "tf.Variable", "tf.get_variable", "tf.Session", "tf.InteractiveSession")
                             for n in ast.walk(stmt))
    return [part for part in parts if part]


# ---- reading the program -------------------------------------------------------------

def _absl_bound(tree: ast.Module, name: str) -> bool:
    return any(isinstance(n, ast.ImportFrom) and n.module == "absl" and any((a.asname or a.name) == name for a in n.names)
               for n in ast.walk(tree))


def _unit(source: Source, tree: ast.Module) -> str:
    """The file's indentation unit (two spaces in Google's style), from its first block."""
    for stmt in tree.body:
        body = getattr(stmt, "body", None)
        if isinstance(body, list) and body and body[0].lineno > stmt.lineno:
            line = source.lines[body[0].lineno - 1]
            return line[: len(line) - len(line.lstrip())] or INDENT
    return INDENT


def _walk(state: _State, body: List[ast.stmt], base: str, sessions: List[ast.stmt]) -> None:
    """The statements of the program's scope (the module, or its main function), in order."""
    program, source = state.program, state.source
    for stmt in body:
        state.bases[id(stmt)] = base
        if state.session is not None and state.first_session is not None and _closes(stmt, state.session):
            state.items.append(("drop", stmt, base))
            state.session = "closed"
            continue
        with_session = _with_session(program, stmt)
        if with_session:
            _new_session(state, stmt)
            state.session = with_session
            sessions.append(stmt)
            state.items.append(("with", stmt, base))
            indent = _indent(source, stmt.body[0])
            for inner in stmt.body:
                state.bases[id(inner)] = base
                _session_statement(state, inner, indent, top=True)
            state.session = "closed"
            continue
        opened = _opens_session(program, stmt)
        if opened:
            _new_session(state, stmt)
            state.session = opened
            sessions.append(stmt)
            state.items.append(("drop", stmt, base))
            continue
        if state.session not in (None, "closed"):
            _session_statement(state, stmt, base, top=True)
            continue
        _graph_statement(state, stmt, base)


def _scope(program: Program, tree: ast.Module) -> Optional[ast.FunctionDef]:
    """None when the module itself opens the session; else the one module-level function that
    does (``def main(_):``), which then holds the whole program."""
    def opens(node) -> bool:
        return any(isinstance(n, ast.Call) and program.name_of(n) in SESSIONS for n in ast.walk(node))

    if any(opens(stmt) for stmt in tree.body if not isinstance(stmt, (ast.FunctionDef, ast.ClassDef))):
        return None
    found = [stmt for stmt in tree.body if isinstance(stmt, ast.FunctionDef) and opens(stmt)]
    if len(found) != 1:
        raise NotLiftable(found[1] if found else None, "sessions opened in several functions")
    return found[0]


def _outside(state: _State, stmt: ast.stmt) -> None:
    """A module-level statement of a program that lives in a function: helper functions are
    read like the program's own; the rest is Python (``tf.app.run``, flags: renamed)."""
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name != "main":
        _graph_statement(state, stmt, "")
        return
    for node in ast.walk(stmt):
        name = state.program.name_of(node) if isinstance(node, (ast.Attribute, ast.Name)) else None
        if name and not name.startswith(("tf.app.", "tf.flags", "tf.logging")) and name != "tf" \
                and not name.startswith("tf.compat.v1.app") and isinstance(node, ast.Attribute):
            if name not in ("tf.app", "tf.flags"):
                raise NotLiftable(node, f"{name} used outside the function that holds the program")
    state.items.append(("python", stmt, ""))

def _dropped_names(tree: ast.Module) -> Set[str]:
    """Names that only a statement the lifting drops binds (``train_step = opt.minimize(...)``,
    ``init = tf.global_variables_initializer()``): free for the functions it writes."""
    bound: Dict[str, int] = {}
    dropped: Set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            bound[node.id] = bound.get(node.id, 0) + 1
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) \
                and isinstance(node.value, ast.Call):
            func = node.value.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in ("minimize", "apply_gradients", "global_variables_initializer", "initialize_all_variables"):
                dropped.add(node.targets[0].id)
    return {name for name in dropped if bound.get(name) == 1}


def _new_session(state: _State, stmt) -> None:
    if state.first_session is None:
        state.first_session = len(state.items)
    else:
        _check_last_session(state, stmt)
    state.sessions += 1
    state.initialized = state.ran = state.restored = False


def _check_last_session(state: _State, stmt) -> None:
    if not state.initialized and state.ran and state.program.variables:
        raise NotLiftable(stmt, "a session that runs without running the initializers first")


def _indent(source: Source, stmt: ast.stmt) -> str:
    line = source.lines[stmt.lineno - 1]
    return line[: len(line) - len(line.lstrip())]


def _with_session(program: Program, stmt) -> Optional[str]:
    if not isinstance(stmt, ast.With):
        return None
    for item in stmt.items:
        if isinstance(item.context_expr, ast.Call) and program.name_of(item.context_expr) in SESSIONS:
            if len(stmt.items) != 1 or not isinstance(item.optional_vars, ast.Name):
                raise NotLiftable(stmt, "a session not bound to one name by `with ... as sess`")
            _session_arguments(item.context_expr)
            return item.optional_vars.id
    return None


def _session_arguments(call: ast.Call) -> None:
    if call.args or any(k.arg not in ("config",) for k in call.keywords):
        raise NotLiftable(call, "a session on another graph or target")


def _opens_session(program: Program, stmt) -> Optional[str]:
    if (isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Call)
            and program.name_of(stmt.value) in SESSIONS):
        if len(stmt.targets) != 1 or not isinstance(stmt.targets[0], ast.Name):
            raise NotLiftable(stmt, "a session not bound to one name")
        _session_arguments(stmt.value)
        return stmt.targets[0].id
    return None


def _closes(stmt, session: str) -> bool:
    return (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call)
            and isinstance(stmt.value.func, ast.Attribute) and stmt.value.func.attr == "close"
            and isinstance(stmt.value.func.value, ast.Name) and stmt.value.func.value.id == session)


def _graph_statement(state: _State, stmt: ast.stmt, indent: str) -> None:
    program = state.program
    if isinstance(stmt, ast.With) and len(stmt.items) == 1 and isinstance(stmt.items[0].context_expr, ast.Call) \
            and program.name_of(stmt.items[0].context_expr) in SCOPES and stmt.items[0].optional_vars is None:
        state.items.append(("scope", stmt, indent))  # names only: eager variables have no scoped names
        inner_indent = _indent(state.source, stmt.body[0])
        for inner in stmt.body:
            state.bases[id(inner)] = state.bases.get(id(stmt), "")
            _graph_statement(state, inner, inner_indent)
        return
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        if program.is_tf(stmt) or _mentions_tf(program, stmt):
            if isinstance(stmt, ast.ClassDef):
                raise NotLiftable(stmt, f"class {stmt.name} builds part of the graph")
            for call in ast.walk(stmt):
                if isinstance(call, ast.Call) and program.name_of(call) in SESSIONS + ("tf.placeholder",):
                    raise NotLiftable(call, f"{stmt.name}() builds a session or placeholder")
            if any(isinstance(c, ast.Call) and makes_variables(program, c) for c in ast.walk(stmt)):
                # a variable factory: called where the program makes its variables, once each
                kind = factory_kind(stmt, program.name_of)
                if kind is None:
                    raise NotLiftable(stmt, f"{stmt.name}() makes variables and returns something the lifter "
                                            "cannot list")
                used = program.uses(stmt) - set(program.state)
                if used:
                    raise NotLiftable(stmt, f"{stmt.name}() makes variables from {sorted(used)[0]}")
                program.factories[stmt.name] = kind
                state.items.append(("factory", stmt, indent))
                return
            program.functions.add(stmt.name)
            state.items.append(("function", stmt, indent))
            return
        state.items.append(("python", stmt, indent))
        return
    if isinstance(stmt, (ast.For, ast.AsyncFor, ast.While, ast.If, ast.With, ast.AsyncWith, ast.Try)):
        if program.is_tf(stmt) or _mentions_tf(program, stmt):
            raise NotLiftable(stmt, f"`{type(stmt).__name__.lower()}` that builds part of the graph")
        state.items.append(("python", stmt, indent))
        return
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        state.items.append(("python", stmt, indent))
        return
    kind = classify_graph_statement(program, stmt, indent)
    if kind == "python" and _mentions_tf(program, stmt):
        raise NotLiftable(stmt, "TensorFlow used outside the graph and the session")
    if kind == "saver":
        keep = keyword(stmt.value, "max_to_keep")
        state.savers[stmt.targets[0].id] = state.source.code(keep) if keep is not None else None
        state.checkpoint = state.checkpoint or _fresh(state, "checkpoint")
    elif kind in ("variables", "train", "optimizer") and state.savers:
        raise NotLiftable(stmt, "variables or an optimizer made after the Saver: the checkpoint that replaces "
                                "it could not hold them")
    state.items.append((kind, stmt, indent))


def _mentions_tf(program: Program, node) -> bool:
    for inner in ast.walk(node):
        if isinstance(inner, (ast.Attribute, ast.Name)) and program.name_of(inner):
            return True
    return False


def _session_statement(state: _State, stmt: ast.stmt, indent: str, top: bool) -> None:
    """A statement run while the session is open: its runs become calls; graph-building
    statements directly in the session block join the graph."""
    program = state.program
    session = state.session
    if _is_init_run(state, stmt):
        if state.initialized or state.ran:
            raise NotLiftable(stmt, "the initializers run again in one session: a re-initialization "
                                    "has no eager form here")
        if not top:
            raise NotLiftable(stmt, "the initializers run inside a block")
        state.initialized = True
        state.items.append(("initrun" if state.sessions == 1 else "reinit", stmt, indent))
        return
    if _closes(stmt, session):
        state.items.append(("drop", stmt, indent))
        state.session = "closed"
        return
    runs = _runs(state, stmt)
    if top and isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Call) \
            and program.name_of(stmt.value) == "tf.summary.FileWriter":
        _graph_statement(state, stmt, indent)  # its `sess.graph` goes with it
        return
    if not runs and top and not any(isinstance(n, ast.Name) and n.id == session for n in ast.walk(stmt)):
        _graph_statement(state, stmt, indent)  # TF1 builds the graph on while a session is open
        return
    edits = _run_edits(state, stmt, runs)
    state.ran = state.ran or bool(runs)
    state.items.append(("session", stmt, (indent, edits)))


def _is_init_run(state: _State, stmt) -> bool:
    if not isinstance(stmt, ast.Expr) or not isinstance(stmt.value, ast.Call):
        return False
    call = stmt.value
    func = call.func
    if not isinstance(func, ast.Attribute):
        return False
    program = state.program

    def is_init(node) -> bool:
        return (isinstance(node, ast.Name) and node.id in program.inits) or (
            isinstance(node, ast.Call) and program.name_of(node) in INITIALIZERS and not node.args)

    if func.attr == "run" and isinstance(func.value, ast.Name) and func.value.id == state.session:
        return len(call.args) == 1 and not call.keywords and is_init(call.args[0])
    return func.attr == "run" and is_init(func.value) and not call.args and not call.keywords


def _runs(state: _State, stmt) -> List[ast.Call]:
    """``sess.run(...)``, ``tensor.eval(...)`` and ``op.run(...)`` calls in the statement."""
    found = []
    graph = state.program.graph_names()
    for node in ast.walk(stmt):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        owner = node.func.value
        if node.func.attr == "run" and isinstance(owner, ast.Name) and owner.id == state.session:
            found.append(node)
        elif node.func.attr in ("eval", "run") and isinstance(owner, ast.Name) and owner.id in graph:
            found.append(node)
    return found


def _run_edits(state: _State, stmt, runs: List[ast.Call]) -> List[Edit]:
    source = state.source
    program = state.program
    covered = []
    edits: List[Edit] = []
    for inner in ast.walk(stmt):  # feed = {x: batch_x, y: batch_y}: its values go to the calls
        if _feed_assignment(state, inner):
            state.feeds[inner.targets[0].id] = inner.value
            edits.append(_removed(state, inner))
            covered.append(inner)
    for inner in ast.walk(stmt):
        if isinstance(inner, ast.Assign) and not any(inner is c for c in covered):
            split = _split_assignment(state, inner, [c for c in runs if c is inner.value])
            if split is not None:
                edits.append(split)
                covered.append(inner.value)
    for call in ast.walk(stmt):
        saved = _saver_call(state, call)
        if saved is not None:
            edits.append(saved)
            covered.append(call)
    for inner in ast.walk(stmt):
        written = _summary_write(state, inner)
        if written is not None:
            edits.append(written)
            covered.append(inner)
    for call in runs:
        if any(call is c for c in covered):
            continue
        if any(c is not call and _inside(call, c) for c in runs):
            raise NotLiftable(call, "a run inside another run's arguments")
        fetches, feed = _fetch_and_feed(state, call)
        text = _call_text(state, call, fetches, feed)
        start, end = source.span(call)
        edits.append((start, end, text))
        covered.append(call)
    graph = program.graph_names()
    for node in ast.walk(stmt):
        if any(_inside(node, c) for c in covered):
            continue
        if isinstance(node, ast.Name) and (node.id in graph or node.id == state.session):
            raise NotLiftable(node, f"{node.id} used in the session other than through run/eval")
        if isinstance(node, ast.Call) and program.name_of(node) and program.name_of(node) not in HOST_SIDE:
            raise NotLiftable(node, f"{program.name_of(node)} called while the session runs")
    return edits


# TensorFlow functions that build no graph (the same in TF2): fine between runs
HOST_SIDE = frozenset({"tf.train.latest_checkpoint", "tf.train.get_checkpoint_state", "tf.train.checkpoint_exists"})


def _feed_assignment(state: _State, stmt) -> bool:
    """``feed = {x: batch_x, y_: batch_y}``: a feed dict bound to a name, its values plain names,
    attributes or subscripts (the calls read them where the dict was made: nothing rebinds them
    between, or the file is not lifted)."""
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
            and isinstance(stmt.value, ast.Dict) and stmt.value.keys and None not in stmt.value.keys):
        return False
    if not all(isinstance(k, ast.Name) and k.id in state.program.placeholders for k in stmt.value.keys):
        return False
    plain = (ast.Name, ast.Attribute, ast.Subscript, ast.Constant, ast.Tuple, ast.List, ast.Load, ast.Index,
             ast.Slice, ast.expr_context)
    for value in stmt.value.values:
        if not all(isinstance(n, plain) for n in ast.walk(value)):
            raise NotLiftable(value, "a feed dict bound to a name, with a value computed in it")
    return True


def _removed(state: _State, stmt) -> Edit:
    """A statement's whole lines out (its trailing comment stays, as a comment line)."""
    source = state.source
    start = source.offset(stmt.lineno, 0)
    end = source.offset(stmt.end_lineno, stmt.end_col_offset)
    line = source.lines[stmt.end_lineno - 1]
    rest = line[len(line.encode("utf-8")[:stmt.end_col_offset].decode("utf-8", "ignore")):].strip()
    indent = _indent(source, stmt)
    if rest.startswith("#"):
        return (start, end + len(line) - len(line.encode("utf-8")[:stmt.end_col_offset].decode("utf-8", "ignore")),
                indent + rest)
    stop = source.offset(stmt.end_lineno, 0) + len(line)
    return (start, stop, "")


def _summary_write(state: _State, stmt) -> Optional[Edit]:
    """``writer.add_summary(summary, step)`` -> TF2's writer records each value at ``step``."""
    if not (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call)
            and isinstance(stmt.value.func, ast.Attribute) and isinstance(stmt.value.func.value, ast.Name)
            and stmt.value.func.value.id in state.program.writers):
        return None
    call, writer = stmt.value, stmt.value.func.value.id
    if call.func.attr in ("close", "flush"):
        return None  # TF2's writer has them
    summary, step = keyword(call, "summary", 0), keyword(call, "global_step", 1)
    if call.func.attr != "add_summary" or summary is None or step is None:
        raise NotLiftable(call, f"{writer}.{call.func.attr}(...) has no lifted form")
    code = state.source.code
    indent = _indent(state.source, stmt)
    unit = state.unit
    text = (f"with {writer}.as_default(step={code(step)}):\n{indent}{unit}for tag, value in {code(summary)}.items():\n"
            f"{indent}{unit * 2}{state.handle}.summary.scalar(tag, data=value)")
    start, end = state.source.span(stmt)
    return (start, end, text)


def _writer_statement(state: _State, stmt) -> str:
    """``tf.summary.FileWriter(logdir, sess.graph)`` -> TF2's writer (no graph: there is none)."""
    logdir = keyword(stmt.value, "logdir", 0)
    if logdir is None:
        raise NotLiftable(stmt, "a FileWriter without a log directory")
    return f"{stmt.targets[0].id} = {state.handle}.summary.create_file_writer({state.source.code(logdir)})"


def _saver_call(state: _State, call) -> Optional[Edit]:
    """``saver.save(sess, prefix, global_step=...)`` / ``saver.restore(sess, path)`` -> tf1init's
    twins for the program's ``tf.train.Checkpoint`` (rewritten in place)."""
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
            and isinstance(call.func.value, ast.Name) and call.func.value.id in state.savers):
        return None
    method = call.func.attr
    if method not in ("save", "restore"):
        raise NotLiftable(call, f"Saver.{method}() has no lifted form")
    session = keyword(call, "sess", 0)
    path = keyword(call, "save_path", 1)
    if not (isinstance(session, ast.Name) and session.id == state.session) or path is None:
        raise NotLiftable(call, f"{state.source.code(call)}: not in the program's session")
    extra = [k.arg for k in call.keywords if k.arg not in ("sess", "save_path", "global_step")]
    if extra or len(call.args) > 2 or (method == "restore" and keyword(call, "global_step") is not None):
        raise NotLiftable(call, f"Saver.{method} with {extra or 'more arguments'}")
    state.imports.add("import tf1init")
    code = state.source.code
    checkpoint = state.checkpoint or _fresh(state, "checkpoint")
    state.checkpoint = checkpoint
    if method == "restore":
        state.restored = True
        text = f"tf1init.saver_restore({checkpoint}, {code(path)})"
    else:
        step = keyword(call, "global_step")
        parts = [checkpoint, code(path)] + ([f"global_step={code(step)}"] if step is not None else [])
        keep = state.savers[call.func.value.id]
        parts += [f"max_to_keep={keep}"] if keep else []
        text = f"tf1init.saver_save({', '.join(parts)})"
    start, end = state.source.span(call)
    return (start, end, text)


def _inside(node, outer) -> bool:
    if not hasattr(node, "lineno"):
        return True  # Load/Store markers: nothing to check
    return (node is not outer and (node.lineno, node.col_offset) >= (outer.lineno, outer.col_offset)
            and (node.end_lineno, node.end_col_offset) <= (outer.end_lineno, outer.end_col_offset))


def _fetch_and_feed(state: _State, call: ast.Call):
    program = state.program
    func = call.func
    if isinstance(func.value, ast.Name) and func.value.id == state.session:  # sess.run(fetches, feed_dict)
        fetches = keyword(call, "fetches", 0)
        feed = keyword(call, "feed_dict", 1)
        extra = [k.arg for k in call.keywords if k.arg not in ("fetches", "feed_dict")]
        if fetches is None or extra or len(call.args) > 2:
            raise NotLiftable(call, f"sess.run with {extra or 'options'}")
    else:  # tensor.eval(feed_dict, session) / op.run(feed_dict, session)
        fetches = func.value
        feed = keyword(call, "feed_dict", 0)
        session = keyword(call, "session", 1)
        if session is not None and not (isinstance(session, ast.Name) and session.id == state.session):
            raise NotLiftable(call, "eval/run in another session")
        if len(call.args) > 2 or any(k.arg not in ("feed_dict", "session") for k in call.keywords):
            raise NotLiftable(call, "eval/run with options")
    pairs: Dict[str, ast.expr] = {}
    if isinstance(feed, ast.Name) and feed.id in state.feeds:
        feed = state.feeds[feed.id]
    if feed is not None:
        if not isinstance(feed, ast.Dict) or None in feed.keys:
            raise NotLiftable(feed, "a feed_dict that is not written out as {placeholder: value}")
        for key, value in zip(feed.keys, feed.values):
            if not (isinstance(key, ast.Name) and key.id in program.placeholders):
                raise NotLiftable(key, "a feed of something other than a placeholder")
            pairs[key.id] = value
    return fetches, pairs


def _elements(fetches) -> Tuple[List[ast.expr], bool]:
    if isinstance(fetches, (ast.List, ast.Tuple)):
        return list(fetches.elts), True
    return [fetches], False


def _kind(state: _State, element) -> str:
    program = state.program
    if isinstance(element, ast.Name):
        if element.id in program.trains:
            return "train"
        if element.id in program.state:
            return "variable"
        if element.id in program.defs:
            return "tensor"
        if element.id in program.merged:
            return "summary"
        if element.id in program.placeholders:
            raise NotLiftable(element, "a placeholder fetched")
        if element.id in program.inits or element.id in program.optimizers or element.id in program.gradients:
            raise NotLiftable(element, f"{element.id} fetched")
        raise NotLiftable(element, f"{element.id} fetched, not a graph name")
    if isinstance(element, ast.Subscript) and isinstance(element.value, ast.Name) and element.value.id in program.state:
        return "variable"
    if isinstance(element, (ast.List, ast.Tuple, ast.Dict)):
        raise NotLiftable(element, "nested fetches")
    if program.is_tf(element):
        if program.uses(element) & (set(program.trains) | program.inits | set(program.optimizers)):
            raise NotLiftable(element, "a fetched expression of a train op")
        return "tensor"
    raise NotLiftable(element, "a fetch that is not a tensor")


def _group(state: _State, call, elements: List[ast.expr], feed: Dict[str, ast.expr]) -> Tuple[Group, List[str]]:
    program = state.program
    kinds = [_kind(state, e) for e in elements]
    trains = [program.trains[e.id] for e, k in zip(elements, kinds) if k == "train"]
    if len(trains) > 1:
        raise NotLiftable(call, "two train ops in one run")
    tensors = []
    for element, kind in zip(elements, kinds):
        if kind == "tensor":
            tensors.append(element)
        elif kind == "summary":  # merge_all(): the tensors its summaries record
            tensors.extend(keyword(c, "tensor", 1) for c in program.merged[element.id])
    needed = _needed(program, tensors + ([trains[0].loss] if trains else []) +
                     ([trains[0].applied] if trains and trains[0].applied is not None else []))
    params = [name for name in program.placeholders if name in needed]
    missing = [name for name in params if name not in feed]
    if missing:
        raise NotLiftable(call, f"placeholder {missing[0]} is not fed")
    if trains and state.sessions > 1 and not state.restored:
        optimizer = trains[0].inline if trains[0].inline is not None else program.optimizers.get(trains[0].optimizer)
        if optimizer is None or program.name_of(optimizer) != "tf.train.GradientDescentOptimizer":
            raise NotLiftable(call, "training in a later session, whose initializers reset the optimizer's "
                                    "state too")
    if not tensors and not trains:
        return None, kinds  # variables only: read where they are fetched
    key = (tuple(ast.dump(e) for e in tensors), trains[0].name if trains else None, tuple(params))
    group = state.groups.get(key)
    if group is None:
        group = Group(_function_name(state, tensors, trains), params, tensors, trains[0] if trains else None)
        state.groups[key] = group
    return group, kinds


def _needed(program: Program, roots: List[ast.expr]) -> Set[str]:
    """Every graph name the roots depend on (through the graph-building statements)."""
    seen: Set[str] = set()
    stack = [n for root in roots for n in program.uses(root)]
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        for d in program.def_order:  # every statement that binds it (`h = tf.reshape(h, ...)`)
            if name in d.binds:
                stack.extend(d.uses)
        g = program.gradients.get(name)
        if g is not None:
            stack.extend(g.uses)
    return seen


def _function_name(state: _State, tensors, trains) -> str:
    if trains:
        base = "train_step"
    else:
        words = []
        for t in tensors[:3]:
            if isinstance(t, ast.Name):
                words.append(t.id)
            elif isinstance(t, ast.Call) and isinstance(t.func, (ast.Attribute, ast.Name)):
                words.append(t.func.attr if isinstance(t.func, ast.Attribute) else t.func.id)
        words = [w for w in words if w.isidentifier()] or ["values"]
        base = "compute_" + "_".join(words).lower()
    return _fresh(state, base)


def _fresh(state: _State, base: str) -> str:
    name, n = base, 2
    while name in state.taken:
        name, n = f"{base}_{n}", n + 1
    state.taken.add(name)
    return name


def _call_text(state: _State, call, fetches, feed) -> str:
    """The expression that replaces one run: TF1 gave numpy values, so ``.numpy()`` them."""
    elements, is_list = _elements(fetches)
    group, kinds = _group(state, call, elements, feed)
    if "summary" in kinds:
        raise NotLiftable(call, "a run of merge_all() whose result is not unpacked into names")
    invoke = f"{group.function}({', '.join(state.source.code(feed[p]) for p in group.params)})" if group else ""
    values = []
    returned = 0
    for element, kind in zip(elements, kinds):
        if kind == "tensor":
            values.append(f"{invoke}.numpy()" if len(group.tensors) == 1 else None)
            returned += 1
        elif kind == "variable":
            values.append(f"{state.source.code(element)}.numpy()")
        else:
            values.append("None")
    if not is_list:
        if kinds[0] == "tensor":
            return f"{invoke}.numpy()"
        if kinds[0] == "train":
            return invoke
        return values[0]
    if all(k == "tensor" for k in kinds) and len(kinds) > 1:
        return f"[value.numpy() for value in {invoke}]"
    if returned <= 1 and "train" not in kinds:
        return "[" + ", ".join(v if v else f"{invoke}.numpy()" for v in values) + "]"
    raise NotLiftable(call, "a run of a train op and other values whose result is used as a whole")


def _split_assignment(state: _State, stmt, runs) -> Optional[Edit]:
    """``a, b, _ = sess.run([t, W, train], feed)`` -> the step, then each value by name."""
    if not (isinstance(stmt, ast.Assign) and len(runs) == 1 and stmt.value is runs[0] and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], (ast.Tuple, ast.List))):
        return None
    call = runs[0]
    fetches, feed = _fetch_and_feed(state, call)
    elements, is_list = _elements(fetches)
    targets = stmt.targets[0].elts
    if not is_list or len(elements) != len(targets) or not all(isinstance(t, ast.Name) for t in targets):
        return None
    group, kinds = _group(state, call, elements, feed)
    if group is None or ("train" not in kinds and "variable" not in kinds and "summary" not in kinds):
        return None  # [value.numpy() for value in ...] reads as well
    invoke = f"{group.function}({', '.join(state.source.code(feed[p]) for p in group.params)})"
    tensor_targets, summaries = [], []
    for target, element, kind in zip(targets, elements, kinds):
        if kind == "tensor":
            tensor_targets.append(target.id)
        elif kind == "summary":  # each recorded tensor by a name of its own, then {tag: value}
            pairs = []
            for c in state.program.merged[element.id]:
                tag = keyword(c, "name", 0)
                word = tag.value if isinstance(tag, ast.Constant) and isinstance(tag.value, str) else ""
                local = _fresh(state, f"{target.id}_{word}" if word.isidentifier() else f"{target.id}_value")
                tensor_targets.append(local)
                pairs.append(f"{state.source.code(tag)}: {local}")
            summaries.append(f"{target.id} = {{{', '.join(pairs)}}}")
    lines = []
    if not tensor_targets:
        lines.append(invoke)
    elif len(tensor_targets) == 1:
        lines.append(f"{tensor_targets[0]} = {invoke}.numpy()")
    else:
        lines.append(f"{', '.join(tensor_targets)} = [value.numpy() for value in {invoke}]")
    for target, element, kind in zip(targets, elements, kinds):
        if kind == "variable":
            lines.append(f"{target.id} = {state.source.code(element)}.numpy()")
        elif kind == "train" and target.id != "_":
            lines.append(f"{target.id} = None")
    lines += summaries
    source = state.source
    start = source.offset(stmt.lineno, stmt.col_offset)
    end = source.offset(stmt.end_lineno, stmt.end_col_offset)
    indent = _indent(source, stmt)
    return (start, end, ("\n" + indent).join(lines))


# ---- seeds ---------------------------------------------------------------------------------

def _seeds(state: _State, op_seeds) -> Dict[object, int]:
    """The op seed TF 1.x gave each random op drawn without one: keyed by id() of the call, or by
    (id(call of a function of the file), id(the random call in its body)); {} without a graph
    seed."""
    program = state.program
    _initializer_draws(state)
    if program.seed is None:
        return {}
    if op_seeds is None:
        raise NotLiftable(program.seed, "the op seeds TF 1.x gave cannot be told")
    order = [stmt for kind, stmt, _ in state.items
             if kind in ("placeholder", "variables", "def", "train", "gradients", "optimizer", "init", "seed")]
    graph = program.graph_names()
    functions = {stmt.name: stmt for kind, stmt, _ in state.items if kind in ("factory", "function")}
    statements = order[order.index(program.seed):]
    try:
        try:
            seeds = op_seeds(statements, program.name_of, lambda name: name in graph, functions=functions)
        except TypeError:  # a counter that does not follow calls into the file's functions
            seeds = op_seeds(statements, program.name_of, lambda name: name in graph)
    except Exception as error:  # Uncountable: the op seeds TF 1.x gave are not known
        raise NotLiftable(getattr(error, "node", None), f"the op seeds TF 1.x gave cannot be told: {error}")
    in_variables = {id(node) for stmt in program.variables for node in ast.walk(stmt)}
    def_of = {id(node): d for d in program.def_order for node in ast.walk(d.stmt)}
    inner: Dict[int, Set[int]] = {}  # function -> the random calls in its body that need a seed
    for key in seeds:
        site = key[0] if isinstance(key, tuple) else key
        if isinstance(key, tuple):
            owner = next((f for f in functions.values() if any(id(n) == key[1] for n in ast.walk(f))), None)
            if owner is None:
                raise NotLiftable(None, "a random op in a function called from another function")
            inner.setdefault(id(owner), set()).add(key[1])
        if site in in_variables:
            continue
        d = def_of.get(site)
        if d is None:
            raise NotLiftable(None, "a random op outside the variables and the graph's tensors")
        users = [g.function for g in state.groups.values() if d in _defs_of(state, g)]
        if len(users) > 1:
            raise NotLiftable(d.stmt, f"a random op that both {users[0]}() and {users[1]}() run: TF 1.x drew "
                                      "from one op, its eager form would draw from two")
    from .tf1_op_ids import _unseeded_random_calls

    for function in functions.values():
        drawn = _unseeded_random_calls(function.body, program.name_of)
        if len(drawn) > len(inner.get(id(function), ())):
            raise NotLiftable(drawn[0], f"{function.name}() draws at each call: the op seeds TF 1.x gave its "
                                        "draws cannot be told")
        if len(inner.get(id(function), ())) > 1:
            raise NotLiftable(function, f"{function.name}() draws from several random ops: one seed "
                                        "parameter cannot give each the op seed TF 1.x gave it")
    state.seeded_functions = {id(f) for f in functions.values() if id(f) in inner}
    return seeds


# ---- writing the lifted program ------------------------------------------------------------

def _render(state: _State, stmt: ast.stmt, extra: List[Edit] = (), first: int = 0) -> str:
    source = state.source
    edits = list(extra)
    taken = [(a, b) for a, b, _ in edits]
    for edit in renames.edits(source, stmt, state.resolve, state.handle, state.imports):
        if not any(a < edit[1] and edit[0] < b for a, b in taken):
            edits.append(edit)
    return source.statement(stmt, edits, first)


def _initializer_draws(state: _State) -> None:
    """Variables drawn by an initializer object (``get_variable``'s, a contrib or Keras one) with
    a seed TF 1.x fixed (a graph seed, or the initializer's own): TF2's eager initializers draw
    other numbers for the same seed, so the lifted program could not start where TF 1.x did."""
    from .tf1_op_ids import _unseeded_random_calls

    program = state.program
    bodies = program.variables + [stmt for kind, stmt, _ in state.items if kind in ("factory", "function")]
    for stmt in bodies:
        for call in ast.walk(stmt):
            if not isinstance(call, ast.Call):
                continue
            name = program.name_of(call) or ""
            seeded = keyword(call, "seed") is not None and not (
                isinstance(keyword(call, "seed"), ast.Constant) and keyword(call, "seed").value is None)
            drawn_by_initializer = name == "tf.get_variable" or "initializer" in name or ".initializers." in name
            if drawn_by_initializer and (seeded or program.seed is not None) and (
                    name != "tf.get_variable" or call in _unseeded_random_calls([stmt], program.name_of)):
                if name.endswith(("zeros_initializer", "ones_initializer", "constant_initializer")):
                    continue
                raise NotLiftable(call, f"{name} draws with a seed TF 1.x fixed; TF2's initializers draw other "
                                        "numbers for it, so the values would differ")


def _seed_edits(state: _State, stmt, seeds: Dict[object, int]) -> List[Edit]:
    """``seed=N`` into each random op call (or call of a function that draws): the op seed TF 1.x
    gave that draw."""
    by_site: Dict[int, int] = {}
    for key, seed in seeds.items():
        by_site[key[0] if isinstance(key, tuple) else key] = seed
    edits = []
    for call in ast.walk(stmt):
        if isinstance(call, ast.Call) and id(call) in by_site:
            edits.append(_add_argument(state, call, f"seed={by_site[id(call)]}"))
    return edits


def _add_argument(state: _State, call: ast.Call, text: str) -> Edit:
    end = state.source.offset(call.end_lineno, call.end_col_offset) - 1  # before ")"
    inside = state.source.text[state.source.offset(call.lineno, call.col_offset):end].rstrip()
    sep = "" if inside.endswith("(") else " " if inside.endswith(",") else ", "
    return (end, end, f"{sep}{text}")


def _seed_parameter(state: _State, function, seeds: Dict[object, int]) -> List[Edit]:
    """A function that draws gets ``seed=None``, passed to its random op: each call then draws
    what TF 1.x drew at that call."""
    if id(function) not in state.seeded_functions:
        return []
    inner = {key[1] for key in seeds if isinstance(key, tuple)}
    call = next(n for n in ast.walk(function) if isinstance(n, ast.Call) and id(n) in inner)
    args = function.args
    last = (args.kwonlyargs or args.args or [None])[-1]
    if args.vararg or args.kwarg or last is None:
        raise NotLiftable(function, f"{function.name}() takes no plain parameters to add a seed to")
    end = state.source.offset(last.end_lineno, last.end_col_offset)
    default = next((d for a, d in zip(reversed(args.args), reversed(args.defaults)) if a is last), None)
    if default is not None:
        end = state.source.offset(default.end_lineno, default.end_col_offset)
    return [(end, end, ", seed=None"), _add_argument(state, call, "seed=seed")]


def _emit(state: _State, seeds: Dict[int, int], start: int = 0, end: Optional[int] = None) -> str:
    """The lifted text: the items in program order, each written, rewritten or dropped (a dropped
    statement leaves its comments), everything at the top level (a session block's body is
    dedented), and the functions just before the first statement that runs something."""
    source = state.source
    out: List[str] = []
    previous_end = start  # the last source line written or skipped

    def gap(stmt, dedent: str, base: str) -> str:
        """The lines between the previous statement and this one (blank lines, comments)."""
        first = source.first_line(stmt)
        text = "".join(source.lines[previous_end:first - 1]) if first - 1 > previous_end else ""
        return reindent(text.rstrip("\n"), dedent, base) + "\n" if text.strip() else text

    first_run = next(index for index, item in enumerate(state.items) if item[0] == "session")
    used = {id(d.stmt) for group in state.groups.values() for d in _defs_of(state, group)}
    base = ""
    for index, (kind, stmt, data) in enumerate(state.items):
        dedent = data[0] if kind == "session" else data if isinstance(data, str) else ""
        base = state.bases.get(id(stmt), base)
        between = gap(stmt, dedent, base)
        if kind == "enter":  # the function that holds the program: its header as written
            out.append(between)
            out.append("".join(source.lines[source.first_line(stmt) - 1:stmt.body[0].lineno - 1]))
            previous_end = stmt.body[0].lineno - 1
            continue
        if index == first_run:
            tail = _tail(out)
            out.append("\n" * max(0, (3 if not base else 2) - (len(tail) - len(tail.rstrip("\n")))))
            out.append(reindent(_functions(state, "\n\n\n" if not base else "\n\n"), "", base)
                       + ("\n\n\n" if not base else "\n\n"))
            between = between.lstrip("\r\n")
        if kind in ("scope", "with"):  # the header goes, the body stays
            out.append(_blank_once(out, between))
            out.append(_own_comments(source, stmt, stmt.lineno, stmt.body[0].lineno - 1, dedent, base))
            previous_end = stmt.body[0].lineno - 1
            continue
        previous_end = stmt.end_lineno
        if (kind == "def" and id(stmt) in used) or kind == "def_again":  # moved into the functions
            out.append(_blank_once(out, _drop_comments(between)))
            continue
        if kind in ("drop", "placeholder", "init", "def", "gradients", "initrun", "summary", "merged"):
            # the statement goes; what its author wrote about it stays
            out.append(_blank_once(out, between))
            out.append(_own_comments(source, stmt, stmt.lineno, stmt.end_lineno, dedent, base))
            continue
        out.append(_blank_once(out, between))
        if kind == "session":
            text = _render(state, stmt, data[1])
        elif kind in ("factory", "function"):
            text = _render(state, stmt, _seed_parameter(state, stmt, seeds) + _seed_edits(state, stmt, seeds))
        elif kind == "variables":
            text = _render(state, stmt, _seed_edits(state, stmt, seeds))
        elif kind in ("optimizer", "train", "keep_initial", "reinit", "saver", "writer"):  # written anew
            out.append(_own_comments(source, stmt, stmt.lineno, stmt.end_lineno, dedent, base))
            text = {"optimizer": _optimizer_statement, "train": _train_statement, "saver": _checkpoint_statement,
                    "writer": _writer_statement,
                    "keep_initial": _initial_values, "reinit": _initial_values}[kind](state, stmt if kind in (
                        "optimizer", "train", "saver", "writer") else kind)
            dedent = ""
        else:
            text = _render(state, stmt)
        if text is not None:
            out.append(reindent(text, dedent, base) + "\n")
    out.append("".join(source.lines[previous_end:len(source.lines) if end is None else end]))
    return "".join(out)


def _add_imports(imports: Set[str], text: str) -> str:
    """The imports the new spellings need (absl's, tf1init), right after ``import tensorflow as tf``."""
    needed = sorted(i for i in imports if i not in text)
    if not needed:
        return text
    for stmt in ast.parse(text).body:
        if isinstance(stmt, ast.Import) and any(a.name == "tensorflow" for a in stmt.names):
            lines = text.splitlines(keepends=True)
            at = stmt.end_lineno
            return "".join(lines[:at]) + "".join(i + "\n" for i in needed) + "".join(lines[at:])
    raise NotLiftable(None, "no `import tensorflow` line to put the absl imports after")


def _own_comments(source: Source, stmt, first: int, last: int, dedent: str, base: str = "") -> str:
    """The comments written on lines ``first``..``last`` of a statement that goes, each on a line
    of its own at the statement's indentation."""
    import io
    import tokenize

    text = "".join(source.lines[first - 1:last])
    indent = _indent(source, stmt)
    indent = base + (indent[len(dedent):] if indent.startswith(dedent) else indent)
    found = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT:
                found.append(indent + token.string + "\n")
    except (tokenize.TokenError, IndentationError, SyntaxError):
        found = [indent + line.strip() + "\n" for line in text.splitlines() if line.strip().startswith("#")]
    return "".join(found)


def _blank_once(out: List[str], between: str) -> str:
    """No second run of blank lines where a statement went."""
    if between.strip() or not between:
        return between
    tail = _tail(out)
    return "" if tail.endswith("\n\n") or not tail else between


def _tail(out: List[str]) -> str:
    """The last few characters written so far."""
    found = ""
    for piece in reversed(out):
        found = piece + found
        if len(found) >= 4:
            break
    return found[-4:]


def _drop_comments(between: str) -> str:
    """The gap before a statement that goes: its own comment lines go with it."""
    lines = between.splitlines(keepends=True)
    while lines and lines[-1].strip().startswith("#"):
        lines.pop()
    return "".join(lines)


def _optimizer_statement(state: _State, stmt) -> Optional[str]:
    call = stmt.value
    text = _keras_optimizer(state, call)
    return f"{stmt.targets[0].id} = {text}"


def _keras_optimizer(state: _State, call: ast.Call) -> str:
    program = state.program
    if program.uses(call):
        raise NotLiftable(call, "an optimizer whose settings are tensors")
    args = [state.source.code(a) for a in call.args]
    keywords = {k.arg: state.source.code(k.value) for k in call.keywords}
    if None in keywords:
        raise NotLiftable(call, "an optimizer built with **kwargs")
    name = program.name_of(call)
    text = optimizers.keras_twin(name, args, keywords, state.handle)
    if text is None:
        raise NotLiftable(call, f"{name}: no Keras optimizer makes the same update")
    return text


def _variables_text(state: _State, train: Optional[Train], stmt) -> str:
    """The variables a train op trains (all trainable ones made before it), or with no train op
    every variable, as a list display."""
    if train is not None and train.var_list is not None:
        return state.source.code(train.var_list)
    program = state.program
    parts = []
    for made in program.variables:
        if stmt is not None and made.lineno > stmt.lineno:
            break
        target = made.targets[0]
        if isinstance(target, ast.Tuple):
            parts.extend(t.id for t in target.elts if program.state.get(t.id) or train is None)
        elif isinstance(target, ast.Name) and (program.state.get(target.id) or train is None):
            value = made.value
            kind = made_variable(program, value) if isinstance(value, ast.Call) else None
            if isinstance(value, ast.Dict) or kind == "dict":
                parts.append(f"*{target.id}.values()")
            elif isinstance(value, (ast.List, ast.Tuple)):
                parts.append(f"*{target.id}")
            elif kind == "variable":
                parts.append(target.id)
            else:
                raise NotLiftable(made, "variables made in an expression the lifter cannot list")
        elif isinstance(target, ast.Subscript):
            continue  # an item of a container already listed
    return "[" + ", ".join(parts) + "]"


def _train_statement(state: _State, stmt) -> Optional[str]:
    """Where the train op was made: its optimizer (when built inline) and its variables."""
    train = state.program.trains[stmt.targets[0].id]
    lines = []
    if train.inline is not None:
        train.optimizer = _fresh(state, "optimizer")
        lines.append(f"{train.optimizer} = {_keras_optimizer(state, train.inline)}")
    if train.var_list is None and train.applied is None:
        train.variables = _fresh(state, "trainable_variables")
        lines.append(f"{train.variables} = {_variables_text(state, train, stmt)}")
    elif train.applied is not None:
        source_stmt = state.program.gradients[train.gradients].stmt
        train.variables = _fresh(state, "trainable_variables") if train.var_list is None else None
        if train.variables:
            lines.append(f"{train.variables} = {_variables_text(state, train, source_stmt)}")
    return "\n".join(lines) if lines else None


def _checkpoint_statement(state: _State, stmt) -> Optional[str]:
    """``saver = tf.train.Saver()`` -> a ``tf.train.Checkpoint`` of every variable and optimizer
    (TF1's Saver held the optimizer's slots too); written once for all the program's Savers."""
    if getattr(state, "checkpoint_written", False):
        return None
    state.checkpoint_written = True
    program = state.program
    names = [n for n in program.state]
    names += list(program.optimizers) + [t.optimizer for t in program.trains.values()
                                          if t.inline is not None and t.optimizer]
    parts = ", ".join(f"{n}={n}" for n in dict.fromkeys(names))
    return f"{state.checkpoint} = {state.handle}.train.Checkpoint({parts})"


def _initial_values(state: _State, kind: str) -> str:
    """Several sessions: each new one re-ran the initializers, so each starts from the values the
    variables were made with (the same values, for seeded random ops)."""
    if kind == "keep_initial":
        state.all_variables = _fresh(state, "all_variables")
        state.initial_values = _fresh(state, "initial_values")
        return (f"{state.all_variables} = {_variables_text(state, None, None)}\n"
                f"{state.initial_values} = [variable.numpy() for variable in {state.all_variables}]")
    return (f"for variable, value in zip({state.all_variables}, {state.initial_values}):\n"
            f"{state.unit}variable.assign(value)")


def _functions(state: _State, between: str) -> str:
    return between.join(_function(state, group) for group in state.groups.values())


def _signature(state: _State, params: List[str]) -> str:
    if not params:
        return f"@{state.handle}.function"
    specs = []
    for name in params:
        placeholder = state.program.placeholders[name]
        dtype = state.source.code(placeholder.dtype)
        dtype = _render_expr(state, placeholder.dtype)
        shape = state.source.code(placeholder.shape) if placeholder.shape is not None else "None"
        specs.append(f"{state.handle}.TensorSpec({shape}, {dtype})")
    return f"@{state.handle}.function(input_signature=[{', '.join(specs)}])"


def _render_expr(state: _State, node) -> str:
    source = state.source
    start, end = source.span(node)
    from .source import apply

    return apply(source.text, start, end, renames.edits(source, node, state.resolve, state.handle, state.imports))


def _body(state: _State, defs: List[Def], indent: str) -> List[str]:
    lines = []
    for d in defs:
        first = state.source.leading_comments(d.stmt, 0)
        text = _render(state, d.stmt, _seed_edits(state, d.stmt, state.seeds), first=first)
        lines.append(reindent(text, d.indent, indent))
    return lines


def _defs_of(state: _State, group: Group) -> List[Def]:
    """The graph-building statements a function runs, in program order."""
    program = state.program
    train = group.train
    roots = list(group.tensors) + ([train.loss] if train else [])
    if train is not None and train.applied is not None:
        roots.append(train.applied)
    needed = _needed(program, roots)
    return [d for d in program.def_order if set(d.binds) & needed]


def _function(state: _State, group: Group) -> str:
    program = state.program
    handle = state.handle
    train = group.train
    roots = list(group.tensors) + ([train.loss] if train else [])
    needed = _needed(program, roots)
    before = [d for d in program.def_order if set(d.binds) & needed and not (train and train.gradients and
                                                                              train.gradients in _needed(program, [d.stmt.value]))]
    lines = [_signature(state, group.params), f"def {group.function}({', '.join(group.params)}):"]
    returns = ", ".join(_render_expr(state, t) for t in group.tensors)
    if train is None:
        lines += _body(state, before, state.unit)
    else:
        lines.append(f"{state.unit}with {handle}.GradientTape() as tape:")
        body = _body(state, before, state.unit * 2)
        lines += body or [state.unit * 2 + "pass"]
        variables = train.variables if getattr(train, "variables", None) else state.source.code(train.var_list)
        loss = _render_expr(state, train.loss)
        if train.applied is None:
            lines.append(f"{state.unit}gradients = tape.gradient({loss}, {variables})")
            lines.append(f"{state.unit}{train.optimizer}.apply_gradients(zip(gradients, {variables}))")
        else:
            lines.append(f"{state.unit}{train.gradients} = list(zip(tape.gradient({loss}, {variables}), {variables}))")
            after = [d for d in program.def_order if set(d.binds) & _needed(program, [train.applied])
                     and d not in before]
            lines += _body(state, after, state.unit)
            lines.append(f"{state.unit}{train.optimizer}.apply_gradients({_render_expr(state, train.applied)})")
        if train.global_step is not None:
            lines.append(f"{state.unit}{state.source.code(train.global_step)}.assign_add(1)")
    if returns:
        lines.append(f"{state.unit}return {returns}")
    return "\n".join(lines)
