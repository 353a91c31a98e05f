"""Every private TensorFlow attribute tf1init touches, in one place, each with why.

TensorFlow has no public way to do these few things. Keeping them here means a TensorFlow
release that renames one breaks one small function (its test names it), not the package;
``tests/test_package.py`` fails if private TensorFlow attributes are used anywhere else.
"""
import importlib
import sys

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


# TF1-exact op seeds (tf1init.graph.tf1_seeds, tf1init.graph.tf1_random_ops). TF 2.x has no
# switch back to TF 1.15's op seeds, so the functions that decide them are replaced where
# TensorFlow looks them up: its ops call ``random_seed.get_seed`` and ``random_ops.random_uniform``
# through their modules, and the public names (tf.compat.v1.random_uniform, tf.random.uniform,
# tf.nn.dropout ...) are the same function objects bound in TensorFlow's API modules.
def tensorflow_function(module: str, name: str):
    """The function ``name`` of TensorFlow's internal module ``tensorflow.python.<module>``."""
    return getattr(importlib.import_module(f"tensorflow.python.{module}"), name)


def rebind_everywhere(replacements) -> int:
    """Bind ``replacements[f]`` wherever a loaded TensorFlow module binds a function ``f``; how
    many places changed.

    Covers the defining module, star re-exports (``standard_ops``) and every public endpoint
    (``tf.compat.v1.random_uniform``, ``tf.compat.v1.random.uniform``, ``tf.random.uniform``).
    ``vars()`` so that looking does not import lazily loaded modules; ``setattr`` so that
    TensorFlow's module wrappers update their attribute caches too. About 20 ms.
    """
    by_id = {id(old): new for old, new in replacements.items()}
    places = [
        (module, attribute, by_id[id(value)])
        for name, module in list(sys.modules.items())
        if name.startswith("tensorflow") and module is not None
        for attribute, value in list(getattr(module, "__dict__", {}).items())
        if id(value) in by_id  # replacements keeps each old function alive: ids are unique
    ]
    for module, attribute, new in places:
        setattr(module, attribute, new)
    return len(places)


def mark_seed_used(graph) -> None:
    """Record on a FuncGraph that an op took the graph seed, as ``get_seed`` does for ops
    without an op seed (TensorFlow's functions consult it; a plain Graph has no such flag)."""
    if hasattr(graph, "_seed_used"):
        graph._seed_used = True  # noqa: SLF001


def set_static_shape_in_function(tensor, shape, postfix=None) -> None:
    """What TensorFlow's random ops do after drawing: inside a function, give the result the
    static shape read from ``shape`` (C++ shape inference does not cross function boundaries).
    ``postfix`` (random_gamma's alpha) adds its dimensions after those of ``shape``."""
    if postfix is None:
        tensorflow_function("ops.shape_util", "maybe_set_static_shape")(tensor, shape)
    else:
        tensorflow_function("ops.random_ops", "_maybe_set_static_shape_helper")(tensor, shape, postfix)
