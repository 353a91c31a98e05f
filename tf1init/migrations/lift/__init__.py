"""Rule TFI109's engine: a TF1 session program (placeholders, ``feed_dict``, ``sess.run``,
``minimize``) lifted to eager TF2, whole or not at all.

The lifted text goes through the other rules (random ops, initializers) like any file, and is
kept only if what comes out is eager TF2 with nothing left for a person; otherwise the file takes
the compat route and a warning says what kept it in graph mode.
"""
import re

from .._model import CHANGED, FAILED, FIXED, UNCHANGED, WARNING, FileResult

CODE = "TFI109"
_SESSIONS = ("tf.Session", "tf.InteractiveSession")
_SIGNS = ("tf.placeholder", "tf.InteractiveSession")


def candidate(ctx) -> bool:
    """A file with a session and something TFI104's plain session blocks do not cover
    (placeholders, an optimizer, InteractiveSession, a session outside ``with``)."""
    from .._naming import tf1

    if "Session" not in ctx.source:  # the text says no session: nothing to lift, at no cost
        return False
    names = [tf1(name) for _, name in ctx.calls]
    if not any(name in _SESSIONS for name in names):
        return False
    if "tf.disable_v2_behavior" in names or "tf.disable_eager_execution" in names:
        return False  # graph mode on purpose (or our own compat route): not ours to undo
    return any(name in _SIGNS or (name.startswith("tf.train.") and name.endswith("Optimizer")) for name in names) \
        or ".eval(" in ctx.source or "feed_dict" in ctx.source


def _handle(ctx):
    for local, target in ctx.aliases.items():
        if target == "tensorflow":
            return local
    return None


def try_lift(ctx, rules, migrate, left_in):
    """The lifted file's result, or None (with a warning in ``ctx.findings`` saying why) when the
    program stays in graph mode."""
    from .._naming import tf1
    from .lifter import lift
    from .program import NotLiftable

    handle = _handle(ctx)
    first = next(node for node, name in ctx.calls if tf1(name) in _SESSIONS)
    try:
        if handle is None:
            raise NotLiftable(None, "TensorFlow is not imported as a module (`import tensorflow as tf`)")
        lifted = lift(ctx.tree, ctx.source, ctx.resolve, handle, ctx.bound)
    except NotLiftable as error:
        _kept(ctx, error.node or first, error.why)
        return None
    rest = [rule for rule in rules if rule.code != CODE]
    result = migrate(lifted.text, ctx.path, rest)
    if result.status == FAILED:
        _kept(ctx, first, f"the lifted program does not parse ({result.error})")
        return None
    text = result.new_source
    left = left_in(text, ctx.path, rest) if "compat.v1" not in text else _compat_reason(result)
    manual = [f for f in result.findings if f.kind != FIXED]
    if left or manual:
        # positions in the lifted text mean nothing to the reader: the name says what it is
        why = re.sub(r" at \d+:\d+", "", left or manual[0].message)
        _kept(ctx, first, f"the lifted program would not be eager TF2: {why}")
        return None
    if _cells(text) != _cells(ctx.source):  # a notebook's code moved across its cells
        _kept(ctx, first, "lifting would move code across the notebook's cells")
        return None
    functions = ", ".join(f"{name}()" for name in lifted.functions)
    notes = "".join(f"; {note}" for note in dict.fromkeys(lifted.notes))
    ctx.report(first, CODE, FIXED, f"session program lifted to eager TF2: its runs are now {functions}{notes}")
    status = CHANGED if text != ctx.source else UNCHANGED
    return FileResult(ctx.path, status, ctx.source, text, ctx.sorted_findings())


def _compat_reason(result) -> str:
    for finding in result.findings:
        if finding.rule == "TFI107" and "graph mode" in finding.message:
            return finding.message.rsplit("(", 1)[-1].rstrip(")") + " in the lifted program"
    return "tf.compat.v1 is still needed"


def _cells(text: str):
    """The notebook cell markers (see ``_files``) of a text, in order: a lifted notebook must keep
    them all, in order (the code between may move to a later cell: it still runs before use)."""
    return re.findall(r"^# tf1init-cell (\d+)\n", text, flags=re.M)


def _kept(ctx, node, why: str) -> None:
    ctx.report(node, CODE, WARNING, f"session program kept in graph mode, not lifted to eager TF2: {why}")
