"""Which session tf1init runs in, and settings that make first runs several times faster.

tf1init's calls take a ``tf.compat.v1.Session``, an ``InteractiveSession`` or a
``MonitoredSession`` (what ``MonitoredTrainingSession`` returns); :func:`as_session` finds the
plain session to run in and refuses anything else with a message that says what to pass.

The first run of a new set of ops pays graph optimisation and executor set-up, not arithmetic.
Grappler's meta-optimizer works on the whole graph for every new set of fetches (it dominates
a default session's first initialization); graph optimisation at L0 skips CSE and constant
folding; ``place_pruned_graph`` places only the ops a run needs instead of the whole graph at
the first run. Flags alone made the first global initialization about 4x faster;
``bench/init.py`` measures them together with tf1init's own calls. The trade: Grappler also
fuses ops for training steps, so use this config for sessions that mostly initialize, restore,
evaluate or export, or measure your training step with and without it.
"""
from tf1init._tf import tf, v1
from tf1init._tf_private import monitored_raw_session, session_closed
from tf1init.errors import NotASessionError, SessionClosedError


def as_session(session, caller: str = "tf1init"):
    """The plain ``tf.compat.v1.Session`` to run in, checked to be open.

    A ``MonitoredSession`` is unwrapped: running through it would call its hooks and count as
    a training step."""
    if isinstance(session, (v1.Session, v1.InteractiveSession)):
        raw = session
    else:
        monitored, raw = monitored_raw_session(session)
        if not monitored:
            if isinstance(session, tf.Graph):
                hint = "a tf.Graph; open a session on it: tf.compat.v1.Session(graph=graph)"
            elif isinstance(session, tf.Variable):
                hint = "a variable; pass the session first: " + f"{caller}(session, ...)"
            else:
                hint = f"{type(session).__name__} {str(session)[:60]!r}"
            raise NotASessionError(
                f"{caller} runs in a tf.compat.v1.Session (or InteractiveSession or "
                f"MonitoredSession); it got {hint}"
            )
    if raw is None or session_closed(raw):
        raise SessionClosedError(
            "the session is closed; create a new tf.compat.v1.Session and initialize in it"
        )
    return raw


def session_config(config=None):
    """A copy of ``config`` (or a new ConfigProto) tuned for fast first runs.

        >>> import tf1init
        >>> cfg = tf1init.session_config()
        >>> cfg.graph_options.rewrite_options.disable_meta_optimizer
        True
    """
    tuned = v1.ConfigProto()
    if config is not None:
        tuned.CopyFrom(config)
    tuned.graph_options.rewrite_options.disable_meta_optimizer = True
    tuned.graph_options.optimizer_options.opt_level = v1.OptimizerOptions.L0
    # Place only the ops a run needs, not the whole graph at the first run.
    tuned.graph_options.place_pruned_graph = True
    return tuned


def fast_session(graph=None, config=None, target: str = ""):
    """A ``tf.compat.v1.Session`` with :func:`session_config` applied."""
    return v1.Session(target=target, graph=graph, config=session_config(config))
