"""Build, once and up front, every op tf1init's calls will need, so the graph can be finalized.

``global_variables_initializer()`` built inside a training loop adds a node on every call and
slows every step; ``graph.finalize()`` turns that into an error, which is why production loops
finalize. tf1init's calls add no op to initialize; the only ops they ever add are the
"is it initialized?" checks of ref variables that nothing asked about before. On a finalized
graph without them tf1init still answers, one slower run per variable; :func:`prepare` builds
them now (with the analysis of every initial value).
"""
from tf1init._tf import tf
from tf1init.graph.analysis import analyse
from tf1init.graph.selection import select_variables
from tf1init.session.flags import flag_of


def prepare(graph_or_session, selection=None) -> int:
    """Build everything tf1init's initialization, readiness and error calls need for the
    (selected) variables of the graph; returns how many ops were added. Call it before
    ``graph.finalize()``; calling it again adds nothing.

        >>> import tensorflow as tf, tf1init
        >>> graph = tf.Graph()
        >>> with graph.as_default():
        ...     w = tf.compat.v1.Variable(tf.ones([2]), name="w", use_resource=False)
        >>> tf1init.prepare(graph)
        1
        >>> graph.finalize()
        >>> session = tf.compat.v1.Session(graph=graph)
        >>> tf1init.initialize_uninitialized(session)
        ('w',)
    """
    graph = graph_or_session if isinstance(graph_or_session, tf.Graph) else graph_or_session.graph
    before = graph.version
    variables = select_variables(graph, selection)
    analyse(variables)
    for variable in variables:
        flag_of(variable)
    return graph.version - before
