"""TF's initialization and restore errors, rewritten to list the variables, their kind and the fix.

TF names one variable, deep in a message about graph execution: "Attempting to use
uninitialized value w", "Could not find variable w. This could mean that the variable has been
deleted...", "Key head/bias not found in checkpoint", "Assign requires shapes of both tensors to
match". The session usually lacks more than one variable, and which call fixes it depends on
what they are (local metric accumulators, optimizer slots that are new since the checkpoint,
variables fed from arrays). :func:`explained_errors` wraps any block; tf1init's own calls use
:func:`explain` too.
"""
import contextlib
import os
import re
from typing import List, Optional

from tf1init._tf import tf
from tf1init.graph.arrays import fed_placeholders
from tf1init.errors import (
    ArrayNotFedError,
    CheckpointShapeError,
    NotInCheckpointError,
    Tf1initError,
    UninitializedVariablesError,
)
from tf1init.graph.kinds import describe, is_local, role
from tf1init.graph.selection import graph_variables, variable_name
from tf1init.session.flags import initialized_flags
from tf1init.session.sessions import as_session

_UNINITIALIZED = (
    re.compile(r"Attempting to use uninitialized value (\S+)"),
    re.compile(r"Could not find variable (\S+?)\. This could mean"),
    re.compile(r"Error while reading resource variable (\S+) from Container"),
    re.compile(r"Resource [^/\s]+/(\S+)/N10tensorflow3VarE does not exist"),  # assign_add & co
)
_NOT_IN_CHECKPOINT = (
    re.compile(r"Key (\S+) not found in checkpoint"),
    re.compile(r'Tensor name "([^"]+)" not found in checkpoint'),
)
_SHAPES = re.compile(
    r"Assign requires shapes of both tensors to match\. lhs shape= \[([^\]]*)\] rhs shape= \[([^\]]*)\]"
)
_FEED = re.compile(r"You must feed a value for placeholder tensor '([^':]+)")


def _first(patterns, text: str) -> Optional[str]:
    for pattern in patterns:
        found = pattern.search(text)
        if found:
            return found.group(1)
    return None


@contextlib.contextmanager
def explained_errors(session=None, *, checkpoint=None):
    """Re-raise TF's uninitialized / not-in-checkpoint / shape errors from the block as tf1init
    errors that list every variable concerned, its kind, and the call that fixes it.

        >>> import tf1init
        >>> import tensorflow as tf; v1 = tf.compat.v1
        >>> graph = tf.Graph()
        >>> with graph.as_default():
        ...     w = v1.Variable(v1.zeros([2]), name="w")
        ...     total = tf.reduce_sum(w)
        >>> session = v1.Session(graph=graph)
        >>> with tf1init.explained_errors(session):
        ...     session.run(total)
        Traceback (most recent call last):
        ...
        tf1init.errors.UninitializedVariablesError: 1 variable holds no value (TF named 'w'):
          w  shape (2,)  float32  resource variable, global, trainable
        Fix: tf1init.initialize_uninitialized(session) initializes exactly these.

    ``checkpoint`` (a prefix or directory) lets a restore error list every variable the
    checkpoint lacks, not only the first one TF met. Other errors pass through unchanged.
    """
    try:
        yield
    except tf.errors.OpError as error:
        translated = explain(error, session, checkpoint=checkpoint)
        if translated is error:
            raise
        raise translated from error


def explain(error, session=None, *, checkpoint=None) -> BaseException:
    """The tf1init error that explains ``error``, or ``error`` itself when it is none of ours."""
    text = getattr(error, "message", None) or str(error)
    graph = _graph(error, session)
    if graph is None:
        return error
    name = _first(_NOT_IN_CHECKPOINT, text)
    if name is not None:
        return _not_in_checkpoint(graph, name, checkpoint)
    shapes = _SHAPES.search(text)
    if shapes is not None:
        return _shape_mismatch(error, shapes.group(1), shapes.group(2))
    feed = _FEED.search(text)
    if feed is not None and feed.group(1) in fed_placeholders(graph):
        return _not_fed(graph, [fed_placeholders(graph)[feed.group(1)]])
    name = _first(_UNINITIALIZED, text)
    if name is not None:
        return _uninitialized(graph, session, name)
    return error


def _graph(error, session):
    if session is not None and getattr(session, "graph", None) is not None:
        return session.graph
    op = getattr(error, "op", None)
    return getattr(op, "graph", None)


def _by_name(graph):
    return {variable_name(v): v for v in graph_variables(graph)}


def _uninitialized(graph, session, named: str) -> UninitializedVariablesError:
    by_name = _by_name(graph)
    missing: List = []
    if session is not None:
        try:
            raw = as_session(session)
            variables = graph_variables(graph)
            missing = [v for v, done in zip(variables, initialized_flags(raw, variables)) if not done]
        except (Tf1initError, RuntimeError, tf.errors.OpError):  # closed or broken: name TF's
            missing = []
    if not missing and named in by_name:
        missing = [by_name[named]]
    names = [variable_name(v) for v in missing]
    count = len(missing)
    lines = [f"{count} variable{'s' if count != 1 else ''} hold{'s' if count == 1 else ''} "
             f"no value (TF named {named!r}):"]
    lines += [f"  {describe(v)}" for v in missing] or [f"  {named}  (not a variable of this graph)"]
    lines.append("Fix: " + _fix_for(graph, missing))
    return UninitializedVariablesError("\n".join(lines), names)


def _fix_for(graph, missing) -> str:
    fix = "tf1init.initialize_uninitialized(session) initializes exactly these"
    roles = {role(v) for v in missing}
    notes = []
    if any(is_local(v) for v in missing):
        notes.append("local variables (metrics, epoch counters) are not covered by "
                     "tf.compat.v1.global_variables_initializer(); tf1init.initialize_all(session) "
                     "covers global and local ones")
    if roles & {"optimizer slot", "optimizer accumulator", "step counter"}:
        notes.append("optimizer slots, beta1_power/beta2_power and global_step appear when the "
                     "optimizer changes: after a restore, tf1init.restore_or_initialize(session, "
                     "checkpoint) restores what the checkpoint holds and initializes the rest")
    fed = set(fed_placeholders(graph).values()) & {variable_name(v) for v in missing}
    if fed:
        notes.append(f"{sorted(fed)} are fed from arrays (tf1init.variable_from_array): only "
                     "tf1init's calls, or a run fed with tf1init.array_feeds(graph), initialize them")
    return fix + "".join(f"; {note}" for note in notes) + "."


def _checkpoint_keys(checkpoint) -> Optional[set]:
    if checkpoint is None:
        return None
    path = os.fspath(checkpoint)
    if os.path.isdir(path):
        path = tf.train.latest_checkpoint(path) or path
    try:
        return set(tf.train.load_checkpoint(path).get_variable_to_shape_map())
    except (tf.errors.OpError, ValueError):
        return None


def _not_in_checkpoint(graph, named: str, checkpoint) -> NotInCheckpointError:
    by_name = _by_name(graph)
    keys = _checkpoint_keys(checkpoint)
    if keys is None:
        names = [named]
    else:
        saved = graph.get_collection("variables")
        names = [variable_name(v) for v in saved if variable_name(v) not in keys] or [named]
    where = f" {os.fspath(checkpoint)!r}" if checkpoint is not None else ""
    count = len(names)
    lines = [f"the checkpoint{where} holds no value for {count} variable{'s' if count != 1 else ''}"
             f" of the graph (TF named {named!r}):"]
    lines += [f"  {describe(by_name[n])}" if n in by_name else f"  {n}" for n in names]
    lines.append(
        "Fix: tf1init.restore_or_initialize(session, checkpoint) restores what the checkpoint "
        "holds and initializes the rest; or build the Saver with var_list= the variables the "
        "checkpoint holds, then tf1init.initialize_uninitialized(session)."
        + ("" if keys is not None else " Pass checkpoint= to tf1init.explained_errors to list "
           "every variable the checkpoint lacks, not only the first.")
    )
    return NotInCheckpointError("\n".join(lines), names, "" if checkpoint is None else os.fspath(checkpoint))


def _shape_mismatch(error, graph_shape: str, checkpoint_shape: str) -> CheckpointShapeError:
    op = getattr(error, "op", None)
    name = "?"
    if op is not None and op.inputs:
        name = op.inputs[0].op.name
    return CheckpointShapeError(
        f"the checkpoint holds shape [{checkpoint_shape}] for {name!r}, the graph's variable has "
        f"shape [{graph_shape}]: the checkpoint comes from a different model version. Fix: "
        "restore with tf1init.restore_or_initialize(session, checkpoint, mapping=...) to map it, "
        "or leave it out and initialize it (exclude=...).",
        [name],
    )


def _not_fed(graph, names) -> ArrayNotFedError:
    by_name = _by_name(graph)
    lines = [f"{names} are initialized from arrays by feeding (tf1init.variable_from_array), and "
             "this run did not feed them:"]
    lines += [f"  {describe(by_name[n])}" for n in names if n in by_name]
    lines.append("Fix: initialize with tf1init.initialize_all(session) (or initialize / "
                 "initialize_uninitialized), or run your init op with "
                 "feed_dict=tf1init.array_feeds(graph).")
    return ArrayNotFedError("\n".join(lines), names)
