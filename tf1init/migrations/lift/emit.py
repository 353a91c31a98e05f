"""Writing the lifted program: the statements in program order (dropped ones leave their
comments), the session's body at the top level, the functions before the first statement that
runs one, and the statements the lifter writes anew (the Keras optimizer, the checkpoint)."""
import ast
from typing import List, Optional, Set

from . import optimizers, renames
from .program import Def, NotLiftable, Train, keyword, made_variable
from .seeds import seed_edits, seed_parameter
from .source import Edit, Source, apply, reindent
from .state import Group, State, defs_of, depends_on, fresh, indent_of


def emit(state: State, start: int = 0, end: Optional[int] = None) -> str:
    """The lifted text: the items in program order, each written, rewritten or dropped (a dropped
    statement leaves its comments), everything at the top level (a session block's body is
    dedented), and the functions just before the first statement that runs something."""
    source, seeds = state.source, state.seeds
    out: List[str] = []
    previous_end = start  # the last source line written or skipped

    def gap(stmt, dedent: str, base: str) -> str:
        """The lines between the previous statement and this one (blank lines, comments)."""
        first = source.first_line(stmt)
        text = "".join(source.lines[previous_end:first - 1]) if first - 1 > previous_end else ""
        return reindent(text.rstrip("\n"), dedent, base) + "\n" if text.strip() else text

    first_run = next(index for index, item in enumerate(state.items) if item[0] == "session")
    used = {id(d.stmt) for group in state.groups.values() for d in defs_of(state, group)}
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
        if kind == "joined":  # the rest of a `;` line, written with its first statement
            continue
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
            text = _render(state, stmt, seed_parameter(state, stmt, seeds) + seed_edits(state, stmt, seeds))
        elif kind == "variables":
            text = _render(state, stmt, seed_edits(state, stmt, seeds))
        elif kind in WRITTEN_ANEW:  # at the top level of the scope; the statement's comments stay
            out.append(_own_comments(source, stmt, stmt.lineno, stmt.end_lineno, dedent, base))
            text = WRITTEN_ANEW[kind](state, stmt)
            dedent = ""
        else:
            text = _render(state, stmt)
        if text is not None:
            out.append(reindent(text, dedent, base) + "\n")
    out.append("".join(source.lines[previous_end:len(source.lines) if end is None else end]))
    return "".join(out)


def add_imports(imports: Set[str], text: str) -> str:
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
    indent = indent_of(source, stmt)
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


def _render(state: State, stmt: ast.stmt, extra: List[Edit] = (), first: int = 0) -> str:
    source = state.source
    edits = list(extra)
    taken = [(a, b) for a, b, _ in edits]
    for edit in renames.edits(source, stmt, state.resolve, state.handle, state.imports):
        if not any(a < edit[1] and edit[0] < b for a, b in taken):
            edits.append(edit)
    return source.statement(stmt, edits, first)


def _writer_statement(state: State, stmt) -> str:
    """``tf.summary.FileWriter(logdir, sess.graph)`` -> TF2's writer (no graph: there is none)."""
    logdir = keyword(stmt.value, "logdir", 0)
    if logdir is None:
        raise NotLiftable(stmt, "a FileWriter without a log directory")
    return f"{stmt.targets[0].id} = {state.handle}.summary.create_file_writer({state.source.code(logdir)})"


def _optimizer_statement(state: State, stmt) -> Optional[str]:
    call = stmt.value
    text = _keras_optimizer(state, call)
    return f"{stmt.targets[0].id} = {text}"


def _keras_optimizer(state: State, call: ast.Call) -> str:
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


def _variables_text(state: State, train: Optional[Train], stmt) -> str:
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


def _train_statement(state: State, stmt) -> Optional[str]:
    """Where the train op was made: its optimizer (when built inline) and its variables."""
    train = state.program.trains[stmt.targets[0].id]
    lines = []
    if train.inline is not None:
        train.optimizer = fresh(state, "optimizer")
        lines.append(f"{train.optimizer} = {_keras_optimizer(state, train.inline)}")
    if train.var_list is None and train.applied is None:
        train.variables = fresh(state, "trainable_variables")
        lines.append(f"{train.variables} = {_variables_text(state, train, stmt)}")
    elif train.applied is not None:
        source_stmt = state.program.gradients[train.gradients].stmt
        train.variables = fresh(state, "trainable_variables") if train.var_list is None else None
        if train.variables:
            lines.append(f"{train.variables} = {_variables_text(state, train, source_stmt)}")
    return "\n".join(lines) if lines else None


def _checkpoint_statement(state: State, stmt) -> Optional[str]:
    """``saver = tf.train.Saver()`` -> a ``tf.train.Checkpoint`` of every variable and optimizer
    (TF1's Saver held the optimizer's slots too); written once for all the program's Savers."""
    if state.checkpoint_written:
        return None
    state.checkpoint_written = True
    program = state.program
    names = [n for n in program.state]
    names += list(program.optimizers) + [t.optimizer for t in program.trains.values()
                                          if t.inline is not None and t.optimizer]
    parts = ", ".join(f"{n}={n}" for n in dict.fromkeys(names))
    return f"{state.checkpoint} = {state.handle}.train.Checkpoint({parts})"


def _keep_initial_values(state: State, stmt) -> str:
    """Several sessions: each new one re-ran the initializers, so each starts from the values the
    variables were made with (the same values, for seeded random ops). Kept at the first run."""
    state.all_variables = fresh(state, "all_variables")
    state.initial_values = fresh(state, "initial_values")
    return (f"{state.all_variables} = {_variables_text(state, None, None)}\n"
            f"{state.initial_values} = [variable.numpy() for variable in {state.all_variables}]")


def _reset_to_initial_values(state: State, stmt) -> str:
    """A later session's initializer run: every variable back to its first value."""
    return (f"for variable, value in zip({state.all_variables}, {state.initial_values}):\n"
            f"{state.unit}variable.assign(value)")


def _functions(state: State, between: str) -> str:
    return between.join(_function(state, group) for group in state.groups.values())


def _signature(state: State, params: List[str]) -> str:
    if not params:
        return f"@{state.handle}.function"
    specs = []
    for name in params:
        placeholder = state.program.placeholders[name]
        dtype = _render_expr(state, placeholder.dtype)
        shape = state.source.code(placeholder.shape) if placeholder.shape is not None else "None"
        specs.append(f"{state.handle}.TensorSpec({shape}, {dtype})")
    return f"@{state.handle}.function(input_signature=[{', '.join(specs)}])"


def _render_expr(state: State, node) -> str:
    source = state.source
    start, end = source.span(node)
    return apply(source.text, start, end, renames.edits(source, node, state.resolve, state.handle, state.imports))


def _body(state: State, defs: List[Def], indent: str) -> List[str]:
    lines = []
    for d in defs:
        first = state.source.leading_comments(d.stmt, 0)
        text = _render(state, d.stmt, seed_edits(state, d.stmt, state.seeds), first=first)
        lines.append(reindent(text, d.indent, indent))
    return lines


def _function(state: State, group: Group) -> str:
    program = state.program
    handle = state.handle
    train = group.train
    defs = defs_of(state, group)
    # with compute/apply_gradients, what is computed from the gradients comes after the tape
    after = [d for d in defs if train and train.gradients and train.gradients in depends_on(program, [d.stmt.value])]
    before = [d for d in defs if d not in after]
    lines = [_signature(state, group.params), f"def {group.function}({', '.join(group.params)}):"]
    returns = ", ".join(_render_expr(state, t) for t in group.tensors)
    if train is None:
        lines += _body(state, before, state.unit)
    else:
        lines.append(f"{state.unit}with {handle}.GradientTape() as tape:")
        body = _body(state, before, state.unit * 2)
        lines += body or [state.unit * 2 + "pass"]
        variables = train.variables or state.source.code(train.var_list)
        loss = _render_expr(state, train.loss)
        if train.applied is None:
            lines.append(f"{state.unit}gradients = tape.gradient({loss}, {variables})")
            lines.append(f"{state.unit}{train.optimizer}.apply_gradients(zip(gradients, {variables}))")
        else:
            lines.append(f"{state.unit}{train.gradients} = list(zip(tape.gradient({loss}, {variables}), {variables}))")
            lines += _body(state, after, state.unit)
            lines.append(f"{state.unit}{train.optimizer}.apply_gradients({_render_expr(state, train.applied)})")
        if train.global_step is not None:
            lines.append(f"{state.unit}{state.source.code(train.global_step)}.assign_add(1)")
    if returns:
        lines.append(f"{state.unit}return {returns}")
    return "\n".join(lines)


# Statements the lifter writes in place of the TF1 one, by kind.
WRITTEN_ANEW = {
    "optimizer": _optimizer_statement,
    "train": _train_statement,
    "saver": _checkpoint_statement,
    "writer": _writer_statement,
    "keep_initial": _keep_initial_values,
    "reinit": _reset_to_initial_values,
}
