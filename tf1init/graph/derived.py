"""A working ``Variable.initialized_value()`` for both variable kinds.

On TF 2.21 resource variables raise NotImplementedError from ``initialized_value()``, and on
ref variables it reads the source through a cond that races with the source's initializer.
Ours is a tensor of its own (an identity of the source's initial value) that tf1init
recognises: when the source is initialized in the same call, the derived variable is computed
from the same draw; when it is not, tf1init feeds the tensor the source's current value in
that session, which is what TF1's ``initialized_value()`` read (after a restore, the restored
value; with two sessions, each session's own).
"""
from tf1init._tf import tf
from tf1init.graph.selection import check_graph_variable, is_variable, variable_name
from tf1init.graph.state import state_of


def initialized_value(variable):
    """The initial value of ``variable``, for building another variable's initial value.

        >>> import tensorflow as tf, tf1init
        >>> graph = tf.Graph()
        >>> with graph.as_default():
        ...     a = tf.compat.v1.Variable(tf.compat.v1.random_normal([3]), name="a")
        ...     b = tf.compat.v1.Variable(2 * tf1init.initialized_value(a), name="b")
        >>> session = tf.compat.v1.Session(graph=graph)
        >>> _ = tf1init.initialize_all(session)
        >>> bool((session.run(b) == 2 * session.run(a)).all())
        True
    """
    if not is_variable(variable):
        raise TypeError(
            f"initialized_value() takes a variable, got {type(variable).__name__}: {variable!r}"
        )
    check_graph_variable(variable, "initialized_value()")
    state = state_of(variable.graph)
    name = variable_name(variable)
    tensor = state.derived_tensors.get(name)
    if tensor is None:
        with variable.graph.as_default(), tf.control_dependencies(None):
            tensor = tf.identity(variable.initial_value, name=f"{name.split('/')[-1]}_initialized_value")
        state.derived[tensor.op.name] = name
        state.derived_tensors[name] = tensor
    return tensor

