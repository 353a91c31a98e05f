"""Build, once and up front, every op tf1init's calls will need, so the graph can be finalized.

``global_variables_initializer()`` built inside a training loop adds a node on every call and
slows every step (FACTS.md); ``graph.finalize()`` turns that into an error, which is why
production loops finalize. tf1init's calls already reuse their ops (``_graph_state``); the only
ops they ever add are the per-variable "is it initialized?" checks of ref variables and the
dependency analysis cache. :func:`prepare` builds those now.
"""
from tf1init._tf import tf
from tf1init.dependencies import analyse
from tf1init.initialization import is_initialized_tensor
from tf1init.selection import select_variables


def prepare(graph_or_session, selection=None) -> int:
    """Build everything tf1init's initialization, readiness and error calls need for the
    (selected) variables of the graph; returns how many ops were added. Call it before
    ``graph.finalize()``; calling it again adds nothing.

        >>> import tf1init
        >>> from tf1init._tf import tf, v1
        >>> graph = tf.Graph()
        >>> with graph.as_default():
        ...     w = v1.Variable(v1.ones([2]), name="w", use_resource=False)
        >>> tf1init.prepare(graph)
        1
        >>> graph.finalize()
        >>> session = v1.Session(graph=graph)
        >>> tf1init.initialize_uninitialized(session)
        ('w',)
    """
    graph = graph_or_session if isinstance(graph_or_session, tf.Graph) else graph_or_session.graph
    before = graph.version
    variables = select_variables(graph, selection)
    analyse(variables)
    with graph.as_default():
        for variable in variables:
            is_initialized_tensor(variable)
    return graph.version - before
