"""Check, before a step runs, that every variable it needs holds a value.

TF's own answer is a FailedPreconditionError naming one variable deep inside a long message.
Ours lists every uninitialized variable the fetches need: name, shape, kind, and the op that
reads it, with the call that fixes it.
"""
from typing import Dict, List, Optional, Sequence

from tf1init.errors import UninitializedVariablesError
from tf1init.graph.analysis import VARIABLE_OPS
from tf1init.graph.selection import graph_variables, variable_name
from tf1init.session.flags import initialized_flags
from tf1init.session.sessions import as_session


_READS = frozenset({"Identity", "ReadVariableOp"})


def _fetch_ops(graph, fetches) -> List:
    """The ops a run's fetches name: tensors, ops, variables, or their names ('total:0')."""
    if isinstance(fetches, (list, tuple, set)):
        return [op for item in fetches for op in _fetch_ops(graph, item)]
    if isinstance(fetches, dict):
        return _fetch_ops(graph, list(fetches.values()))
    if isinstance(fetches, str):
        try:
            fetches = graph.as_graph_element(fetches)
        except (KeyError, ValueError) as error:
            raise ValueError(f"the fetch {fetches!r} names nothing in the session's graph: {error}") from None
    if hasattr(fetches, "op") and hasattr(fetches.op, "inputs"):
        return [fetches.op]
    if hasattr(fetches, "inputs") and hasattr(fetches, "control_inputs"):
        return [fetches]
    raise TypeError(f"cannot tell which ops the fetch {fetches!r} runs: pass tensors, ops or their names")


def variables_needed(graph, fetches) -> Dict[str, str]:
    """Variable name -> name of the first op found that reads it, for the ops ``fetches`` run."""
    needed: Dict[str, str] = {}
    stack = [(op, op.name) for op in _fetch_ops(graph, fetches)]
    seen = set()
    while stack:
        op, consumer = stack.pop()
        if op.name in seen:
            continue
        seen.add(op.name)
        # A read op ('w/read', ReadVariableOp) says little: name the op that uses the value.
        reader = consumer if op.type in _READS else op.name
        for producer in [t.op for t in op.inputs] + list(op.control_inputs):
            if producer.type in VARIABLE_OPS:
                needed.setdefault(producer.name, reader)
            elif producer.name not in seen:
                stack.append((producer, reader))
    return needed


def assert_initialized(session, fetches=None, *, fix: Optional[str] = None) -> None:
    """Raise UninitializedVariablesError if a variable that ``fetches`` read (all variables when
    ``fetches`` is None) holds no value. One cheap run; nothing is changed.

        >>> import tensorflow as tf, tf1init
        >>> graph = tf.Graph()
        >>> with graph.as_default():
        ...     w = tf.compat.v1.Variable(tf.zeros([2, 3]), name="w")
        ...     y = tf.reduce_sum(w, name="total")
        >>> session = tf.compat.v1.Session(graph=graph)
        >>> tf1init.assert_initialized(session, y)
        Traceback (most recent call last):
        ...
        tf1init.errors.UninitializedVariablesError: 1 variable needed by this run holds no value:
          w  shape (2, 3)  float32  resource variable  read by total
        Initialize them first, e.g. tf1init.initialize_uninitialized(session).
    """
    session = as_session(session, "assert_initialized")
    graph = session.graph
    variables = graph_variables(graph)
    readers: Dict[str, str] = {}
    if fetches is not None:
        readers = variables_needed(graph, fetches)
        variables = [v for v in variables if v.op.name in readers]
    flags = initialized_flags(session, variables)
    missing = [v for v, done in zip(variables, flags) if not done]
    if not missing:
        return
    raise UninitializedVariablesError(_message(missing, readers, fix), [variable_name(v) for v in missing])


def _message(missing: Sequence, readers: Dict[str, str], fix: Optional[str]) -> str:
    count = len(missing)
    lines = [f"{count} variable{'s' if count > 1 else ''} needed by this run hold{'s' if count == 1 else ''} no value:"]
    for variable in missing:
        kind = "ref variable" if variable.op.type in ("VariableV2", "Variable") else "resource variable"
        local = any(variable is v for v in variable.graph.get_collection("local_variables"))
        where = readers.get(variable.op.name)
        lines.append(
            f"  {variable_name(variable)}  shape {tuple(variable.shape.as_list()) if variable.shape.rank is not None else '?'}"
            f"  {variable.dtype.base_dtype.name}  {'local ' if local else ''}{kind}"
            + (f"  read by {where}" if where else "")
        )
    lines.append(fix or "Initialize them first, e.g. tf1init.initialize_uninitialized(session).")
    return "\n".join(lines)
