"""Variables initialized from large NumPy arrays without putting the array in the graph.

``tf.Variable(array)`` stores the array as a constant in the GraphDef, which protobuf caps at
2 GB ("Cannot create a tensor proto whose content is larger than 2GB"), and even below that
every copy of the graph (sessions, meta graphs, exports) carries it. Here the initial value is
a placeholder, and tf1init's initialization calls feed the array to it; the graph holds only
the shape. The array is kept by reference (never copied) so the variable can be initialized
again; :func:`array_feeds` gives the feed for code that runs the initializer itself.
"""
import threading
import weakref
from typing import Dict, Iterable, Optional

import numpy as np

from tf1init._tf import tf, v1
from tf1init.graph.selection import variable_name

# graph -> {variable name: (placeholder, array)}
_FEEDS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def variable_from_array(array, name: str, *, dtype=None, trainable: bool = True,
                        collections=None, use_resource: Optional[bool] = None):
    """A ``tf.compat.v1.Variable`` of the default graph initialized from ``array`` by feeding.

    ``tf1init.initialize_all`` / ``initialize`` / ``initialize_uninitialized`` feed the array;
    the GraphDef stays small whatever the array's size.

        >>> import numpy as np, tf1init
        >>> import tensorflow as tf; v1 = tf.compat.v1
        >>> graph = tf.Graph()
        >>> with graph.as_default():
        ...     table = tf1init.variable_from_array(np.arange(6.0).reshape(2, 3), "table")
        >>> graph.as_graph_def().ByteSize() < 2000
        True
        >>> session = v1.Session(graph=graph)
        >>> tf1init.initialize_all(session)
        ('table',)
        >>> session.run(table).tolist()
        [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    """
    if tf.executing_eagerly():
        raise RuntimeError(
            f"variable_from_array({name!r}) builds a graph-mode variable: call it under "
            "`with graph.as_default():` (or after tf.compat.v1.disable_eager_execution())"
        )
    array = np.asarray(array, dtype=None if dtype is None else tf.as_dtype(dtype).as_numpy_dtype)
    if array.dtype == object:
        raise TypeError(f"variable_from_array({name!r}) needs a numeric array, got dtype object")
    made = []

    def feed():
        made.append(v1.placeholder(tf.as_dtype(array.dtype), array.shape, name="array_feed"))
        return made[0]

    variable = v1.Variable(feed, name=name, trainable=trainable, collections=collections,
                           use_resource=use_resource, dtype=tf.as_dtype(array.dtype))
    with _LOCK:
        _FEEDS.setdefault(variable.graph, {})[variable_name(variable)] = (made[0], array)
    return variable


def array_feeds(graph_or_variables, names: Optional[Iterable[str]] = None) -> Dict:
    """The feed dict that gives each array-backed variable its array (all of the graph's, or
    those named), e.g. ``session.run(init_op, feed_dict=tf1init.array_feeds(graph))``."""
    if isinstance(graph_or_variables, tf.Graph):
        graph = graph_or_variables
    else:
        variables = list(graph_or_variables)
        if not variables:
            return {}
        graph = variables[0].graph
        names = [variable_name(v) for v in variables] if names is None else names
    registered = _FEEDS.get(graph)
    if not registered:
        return {}
    if names is None:
        return dict(registered.values())
    return dict(registered[n] for n in names if n in registered)


def fed_array(variable):
    """The array a variable made by :func:`variable_from_array` is initialized from, or None."""
    entry = _FEEDS.get(variable.graph, {}).get(variable_name(variable))
    return None if entry is None else entry[1]


def fed_placeholders(graph) -> Dict[str, str]:
    """Placeholder op name -> variable name, for every array-backed variable of ``graph``."""
    return {entry[0].op.name: name for name, entry in _FEEDS.get(graph, {}).items()}
