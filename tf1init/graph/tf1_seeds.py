"""TF 1.15's op seeds on today's TensorFlow, so a seeded TF1 program draws what it drew then.

A TF1 program sets a graph seed (``tf.set_random_seed(777)``) and no op seeds. TF 1.15 then
seeded each random op with the number of ops the graph held when the op was made; TF 2.x seeds
it with the number of seeded ops made before it. The kernels are the same, so the seeds alone
make ``tf.Variable(tf.random_normal([1]))`` draw 2.2086694 on TF 1.15 and 0.58597755 on TF 2.21.
The switch puts back TF 1.15's rule, and TF 1.15's graphs for the random ops whose op count
TF 2.x changed (``tf1init.graph.tf1_random_ops``). What stays different (ops made after
``tf.gradients`` / ``minimize``, RNN cells, stateless ops) is measured in docs/tf1_seeds.md.
"""
import threading

from tf1init._tf_private import rebind_everywhere, tensorflow_function
from tf1init.graph import tf1_random_ops

_LOCK = threading.Lock()


def _tf2_functions() -> dict:
    if not tf1_random_ops.TF2:
        for name, (module, attribute) in tf1_random_ops.REPLACES.items():
            tf1_random_ops.TF2[name] = tensorflow_function(module, attribute)
    return tf1_random_ops.TF2


def tf1_seeds_enabled() -> bool:
    """Whether graph-mode random ops take TF 1.15's seeds now."""
    name, (module, attribute) = next(iter(tf1_random_ops.REPLACES.items()))
    return tensorflow_function(module, attribute) is getattr(tf1_random_ops, name)


def use_tf1_seeds(enabled: bool = True) -> bool:
    """Seed graph-mode random ops as TF 1.15 did (``enabled=False``: as TF 2.x does); returns
    the previous setting.

    For programs that set only a graph seed (``tf.set_random_seed``): each random op made after
    the call, in any graph, gets the seed TF 1.15 gave it in the same program, so initial
    values, dropout masks and shuffles repeat TF 1.15's bit for bit (where they cannot, see
    docs/tf1_seeds.md). Process-wide and idempotent. Call it before building any op: in
    migrated programs it follows ``tf.disable_v2_behavior()``. Ops made before it keep TF 2.x's
    seeds, and the builders it replaces (``dropout``, ``random_uniform``, ``random_gamma``,
    ``split``) leave TF 2.x's op counts if used before it, even before the graph seed is set.
    Explicit op seeds, graphs without a seed and eager execution keep TF 2.x's seeds, which are
    TF 1.15's there already; functions traced into graphs (``tf.function``, ``tf.data``) get
    TF 1.15's rule, as they did on TF 1.15. Switched off, TF 2.x's rule and builders come back.

        >>> import tf1init
        >>> import tensorflow.compat.v1 as tf
        >>> was = tf1init.use_tf1_seeds()
        >>> with tf.Graph().as_default():
        ...     tf.set_random_seed(777)
        ...     draw = tf.random_normal([1])
        ...     with tf.Session() as session:
        ...         print(session.run(draw))
        [2.2086694]
        >>> tf1init.use_tf1_seeds(was)
        True
    """
    enabled = bool(enabled)
    with _LOCK:
        was = tf1_seeds_enabled()
        if enabled != was:
            tf1 = {name: getattr(tf1_random_ops, name) for name in tf1_random_ops.REPLACES}
            tf2 = _tf2_functions()
            if enabled:
                rebind_everywhere({tf2[name]: tf1[name] for name in tf1})
            else:
                rebind_everywhere({tf1[name]: tf2[name] for name in tf1})
        return was
