"""Every private TensorFlow attribute tf1init touches, in one place, each with why.

TensorFlow has no public way to do these few things. Keeping them here means a TensorFlow
release that renames one breaks one small function (its test names it), not the package;
``tests/test_package.py`` fails if private TensorFlow attributes are used anywhere else.
"""
from tf1init._tf import v1


def session_closed(session) -> bool:
    """Whether a ``tf.compat.v1.Session`` was closed (no public property says so)."""
    return bool(getattr(session, "_closed", False))


def monitored_raw_session(session):
    """(is it a ``MonitoredSession`` or ``SingularMonitoredSession``, the plain session inside
    it or None once closed). Running through the monitored session would call its hooks and
    count as a training step; tf1init's initialization must not."""
    monitored = (v1.train.MonitoredSession, v1.train.SingularMonitoredSession)
    if not isinstance(session, monitored):
        return False, None
    raw = session._tf_sess()  # noqa: SLF001 - the plain session the hooks' run_context gets
    while raw is not None and not isinstance(raw, v1.Session) and hasattr(raw, "_sess"):
        raw = raw._sess  # noqa: SLF001 - hook / recovery / coordinated wrappers
    return True, raw


def set_attr(op, name: str, value) -> None:
    """Change an attribute of an existing op (a random op's seed); TF has no public setter."""
    op._set_attr(name, value)  # noqa: SLF001


def op_id(op) -> int:
    """The op's creation number in its graph (graph.version is the last one given)."""
    return op._id  # noqa: SLF001


def unsafe_unfinalize(graph) -> None:
    """Reopen a finalized graph (TensorFlow's own Scaffold does this for its savers)."""
    graph._unsafe_unfinalize()  # noqa: SLF001

