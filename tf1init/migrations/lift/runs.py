"""Each ``sess.run``, ``tensor.eval()`` and ``op.run()`` of the session, and the Saver and summary
calls beside them, rewritten where it stands: a call of the function that computes what the run
fetched, its results as numpy values, as TF1 returned them."""
import ast
from typing import Dict, List, Optional, Tuple

from .program import NotLiftable, keyword
from .source import Edit
from .state import Group, State, depends_on, fresh, indent_of, inside


def find_runs(state: State, stmt) -> List[ast.Call]:
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


def run_edits(state: State, stmt, runs: List[ast.Call]) -> List[Edit]:
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
        if any(c is not call and inside(call, c) for c in runs):
            raise NotLiftable(call, "a run inside another run's arguments")
        fetches, feed = _fetch_and_feed(state, call)
        text = _call_text(state, call, fetches, feed)
        start, end = source.span(call)
        edits.append((start, end, text))
        covered.append(call)
    graph = program.graph_names()
    for node in ast.walk(stmt):
        if any(inside(node, c) for c in covered):
            continue
        if isinstance(node, ast.Name) and (node.id in graph or node.id == state.session):
            raise NotLiftable(node, f"{node.id} used in the session other than through run/eval")
        if isinstance(node, ast.Call) and program.name_of(node) and program.name_of(node) not in HOST_SIDE:
            raise NotLiftable(node, f"{program.name_of(node)} called while the session runs")
    return edits


# TensorFlow functions that build no graph (the same in TF2): fine between runs
HOST_SIDE = frozenset({"tf.train.latest_checkpoint", "tf.train.get_checkpoint_state", "tf.train.checkpoint_exists"})


def _feed_assignment(state: State, stmt) -> bool:
    """``feed = {x: batch_x, y_: batch_y}``: a feed dict bound to a name, its values plain names,
    attributes or subscripts (the calls read them where the dict was made: nothing rebinds them
    between, or the file is not lifted)."""
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
            and isinstance(stmt.value, ast.Dict) and stmt.value.keys and None not in stmt.value.keys):
        return False
    if not all(isinstance(k, ast.Name) and k.id in state.program.placeholders for k in stmt.value.keys):
        return False
    plain = (ast.Name, ast.Attribute, ast.Subscript, ast.Constant, ast.Tuple, ast.List, ast.Load,
             ast.Slice, ast.expr_context)
    for value in stmt.value.values:
        if not all(isinstance(n, plain) for n in ast.walk(value)):
            raise NotLiftable(value, "a feed dict bound to a name, with a value computed in it")
    return True


def _removed(state: State, stmt) -> Edit:
    """A statement's whole lines out; a comment after it on its last line stays, on that line."""
    source = state.source
    start = source.offset(stmt.lineno, 0)
    after = source.offset(stmt.end_lineno, stmt.end_col_offset)
    last = source.lines[stmt.end_lineno - 1]
    line_end = source.offset(stmt.end_lineno, 0) + len(last.rstrip("\r\n"))
    rest = source.text[after:line_end].strip()
    if rest.startswith("#"):
        return (start, line_end, indent_of(source, stmt) + rest)
    return (start, line_end + len(last) - len(last.rstrip("\r\n")), "")


def _summary_write(state: State, stmt) -> Optional[Edit]:
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
    indent = indent_of(state.source, stmt)
    unit = state.unit
    text = (f"with {writer}.as_default(step={code(step)}):\n{indent}{unit}for tag, value in {code(summary)}.items():\n"
            f"{indent}{unit * 2}{state.handle}.summary.scalar(tag, data=value)")
    start, end = state.source.span(stmt)
    return (start, end, text)


def _saver_call(state: State, call) -> Optional[Edit]:
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
    checkpoint = state.checkpoint or fresh(state, "checkpoint")
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


def _fetch_and_feed(state: State, call: ast.Call):
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


def _kind(state: State, element) -> str:
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


def _group(state: State, call, elements: List[ast.expr], feed: Dict[str, ast.expr]) -> Tuple[Group, List[str]]:
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
    needed = depends_on(program, tensors + ([trains[0].loss] if trains else []) +
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


def _function_name(state: State, tensors, trains) -> str:
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
    return fresh(state, base)


def _call_text(state: State, call, fetches, feed) -> str:
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


def _split_assignment(state: State, stmt, runs) -> Optional[Edit]:
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
                local = fresh(state, f"{target.id}_{word}" if word.isidentifier() else f"{target.id}_value")
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
    indent = indent_of(source, stmt)
    return (start, end, ("\n" + indent).join(lines))
