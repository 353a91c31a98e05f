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
from typing import Dict, List, Optional, Set

from .._naming import dotted, tf1
from .emit import add_imports, emit
from .program import (INITIALIZERS, SCOPES, SESSIONS, NotLiftable, Program, classify_graph_statement,
                      factory_kind, keyword, makes_variables)
from .runs import find_runs, run_edits
from .seeds import program_seeds
from .source import Source
from .state import INDENT, Lifted, State, fresh, indent_of


def lift(tree: ast.Module, source_text: str, resolve, handle: str, bound: Set[str]) -> Lifted:
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
    texts, functions, imports, notes = [], [], set(), []
    start = 0
    unit = _unit(source, tree)
    for index, body in enumerate(parts):
        state = State(Program(lambda node: resolve(dotted(node))), source, handle, resolve, taken=taken)
        state.unit = unit
        found: List[ast.stmt] = []
        for stmt in body:
            state.bases[id(stmt)] = ""
            if stmt is scope:  # the program lives in a function (`def main(_):`): lift its body
                state.items.append(("enter", scope, ""))
                _walk(state, scope.body, indent_of(source, scope.body[0]), found)
                state.session = "closed" if state.session is not None else None
            elif scope is not None:
                _outside(state, stmt)
            else:
                _walk(state, [stmt], "", found)
        if not found:
            raise NotLiftable(body[0] if len(parts) > 1 else None, "no session" + (" for this graph" if len(parts) > 1 else ""))
        _check_last_session(state, found[-1])
        _joined_lines(state)
        if any(kind == "reinit" for kind, _, _ in state.items):  # several sessions: keep the first values
            at = next(i for i, item in enumerate(state.items) if item[0] == "initrun")
            state.items[at] = ("keep_initial",) + state.items[at][1:]
        if not state.groups:
            raise NotLiftable(found[0], "the session runs nothing")
        state.seeds = program_seeds(state)
        end = len(source.lines) if index == len(parts) - 1 else body[-1].end_lineno
        texts.append(emit(state, start, end))
        start = end
        functions += [g.function for g in state.groups.values()]
        imports |= state.imports
        if state.program.merged:
            notes.append("its summaries need TensorBoard installed (TF2's tf.summary.scalar is TensorBoard's)")
    return Lifted(add_imports(imports, "".join(texts)), functions, notes)


def _joined_lines(state: State) -> None:
    """Statements joined with ``;`` are written and moved line by line: only plain Python may share
    a line (it is written once, with its first statement)."""
    previous = None
    for index, (kind, stmt, data) in enumerate(state.items):
        if kind in ("enter", "with", "scope"):  # blocks: their statements are items of their own
            continue
        if previous is not None and stmt.lineno == previous[1].end_lineno:
            if kind != "python" or previous[0] != "python":
                raise NotLiftable(stmt, "statements joined with ';' on a line the lifting changes")
            state.items[index] = ("joined", stmt, data)
        previous = (kind, stmt)


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


def _walk(state: State, body: List[ast.stmt], base: str, sessions: List[ast.stmt]) -> None:
    """The statements of the program's scope (the module, or its main function), in order."""
    program, source = state.program, state.source
    for stmt in body:
        state.bases[id(stmt)] = base
        if state.session is not None and _closes(stmt, state.session):
            state.items.append(("drop", stmt, base))
            state.session = "closed"
            continue
        block = _with_session(program, stmt)  # `with tf.Session() as sess:`
        opened = block or _opens_session(program, stmt)  # or `sess = tf.Session()`
        if opened:
            _new_session(state, stmt)
            state.session = opened
            sessions.append(stmt)
            state.items.append(("with" if block else "drop", stmt, base))
            if block:
                indent = indent_of(source, stmt.body[0])
                for inner in stmt.body:
                    state.bases[id(inner)] = base
                    _session_statement(state, inner, indent, top=True)
                state.session = "closed"
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


def _outside(state: State, stmt: ast.stmt) -> None:
    """A module-level statement of a program that lives in a function: helper functions are
    read like the program's own; the rest is Python, TF1's ``tf.app.run`` and flags aside (renamed)."""
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name != "main":
        _graph_statement(state, stmt, "")
        return
    for node in ast.walk(stmt):
        name = state.program.name_of(node) if isinstance(node, ast.Attribute) else None
        if name and name not in ("tf.app", "tf.flags") and not name.startswith(("tf.app.", "tf.flags.")):
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


def _new_session(state: State, stmt) -> None:
    if state.sessions:
        _check_last_session(state, stmt)
    state.sessions += 1
    state.initialized = state.ran = state.restored = False


def _check_last_session(state: State, stmt) -> None:
    if not state.initialized and state.ran and state.program.variables:
        raise NotLiftable(stmt, "a session that runs without running the initializers first")


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


def _graph_statement(state: State, stmt: ast.stmt, indent: str) -> None:
    program = state.program
    if isinstance(stmt, ast.With) and len(stmt.items) == 1 and isinstance(stmt.items[0].context_expr, ast.Call) \
            and program.name_of(stmt.items[0].context_expr) in SCOPES and stmt.items[0].optional_vars is None:
        state.items.append(("scope", stmt, indent))  # names only: eager variables have no scoped names
        inner_indent = indent_of(state.source, stmt.body[0])
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
        state.checkpoint = state.checkpoint or fresh(state, "checkpoint")
    elif kind in ("variables", "train", "optimizer") and state.savers:
        raise NotLiftable(stmt, "variables or an optimizer made after the Saver: the checkpoint that replaces "
                                "it could not hold them")
    state.items.append((kind, stmt, indent))


def _mentions_tf(program: Program, node) -> bool:
    for inner in ast.walk(node):
        if isinstance(inner, (ast.Attribute, ast.Name)) and program.name_of(inner):
            return True
    return False


def _session_statement(state: State, stmt: ast.stmt, indent: str, top: bool) -> None:
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
    runs = find_runs(state, stmt)
    if top and isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Call) \
            and program.name_of(stmt.value) == "tf.summary.FileWriter":
        _graph_statement(state, stmt, indent)  # its `sess.graph` goes with it
        return
    if not runs and top and not any(isinstance(n, ast.Name) and n.id == session for n in ast.walk(stmt)):
        _graph_statement(state, stmt, indent)  # TF1 builds the graph on while a session is open
        return
    edits = run_edits(state, stmt, runs)
    state.ran = state.ran or bool(runs)
    state.items.append(("session", stmt, (indent, edits)))


def _is_init_run(state: State, stmt) -> bool:
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
