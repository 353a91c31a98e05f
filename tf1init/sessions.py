"""Session settings that make first runs (initialization, restore) several times faster.

The first run of a new set of ops pays graph optimisation and executor set-up, not arithmetic:
initializing 3,000 small variables took 4.9 s in a default session and 1.3 s with Grappler's
meta-optimizer off and graph optimisation at L0 (FACTS.md, bench/init.py). The trade: Grappler
also fuses ops for training steps, so use this config for sessions that mostly initialize,
restore, evaluate or export, or measure your training step with and without it.
"""
from tf1init._tf import v1


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
