"""A working ``Variable.initialized_value()`` for both variable kinds.

On TF 2.21 resource variables raise NotImplementedError from ``initialized_value()``, and on
ref variables it reads the source through a cond that races with the source's initializer
(FACTS.md). Ours returns the source's initial-value tensor itself, so a derived variable and
its source computed in the same run see the same draw; tf1init keeps the source's draw so that
a derived variable initialized later still gets the source's initial value, not a value the
source was assigned since.
"""
from tf1init._graph_state import state_of
from tf1init.selection import is_variable, variable_name


def initialized_value(variable):
    """The initial value of ``variable``, for building another variable's initial value.

        >>> import tf1init
        >>> from tf1init._tf import tf, v1
        >>> graph = tf.Graph()
        >>> with graph.as_default():
        ...     a = v1.Variable(v1.random_normal([3]), name="a")
        ...     b = v1.Variable(2 * tf1init.initialized_value(a), name="b")
        >>> session = v1.Session(graph=graph)
        >>> _ = tf1init.initialize_all(session)
        >>> bool((session.run(b) == 2 * session.run(a)).all())
        True
    """
    if not is_variable(variable):
        raise TypeError(
            f"initialized_value() takes a variable, got {type(variable).__name__}: {variable!r}"
        )
    state = state_of(variable.graph)
    tensor = variable.initial_value
    state.source_ops[tensor.op.name] = variable_name(variable)
    return tensor
