"""TF 1.15's graph-mode seed rule, and the builders whose graphs TF 2.x made with other op counts.

With a graph seed and no op seed, TF 1.15 seeded a random op with the number of ops its graph
held at that moment, so every op made before it counts. TF 2.x builds three random ops with
fewer or other ops than TF 1.15 did (measured in docs/tf1_seeds.md):

- ``random_uniform`` with ``minval`` the Python int 0 skips its ``min``/``max`` constants (when
  ``maxval`` is 1) and the ``(max - min)`` arithmetic: 2 ops fewer before the draw, up to 5 in all;
- ``dropout`` selects with ``where`` instead of scaling and multiplying by a cast mask: 7 or 8
  ops fewer, and a division where TF 1.15 multiplied by ``1 / keep_prob`` (other roundings);
- ``random_gamma`` broadcasts ``alpha`` against ``beta`` with ``BroadcastTo``: 2 ops more;
- ``split`` into a Python int of pieces (LSTM and GRU gates, RNN inputs) no longer converts the
  int to an unused ``Const`` first: 1 op fewer.

Here each is TF 1.15's own code (tensorflow 1.15.0, python/ops/random_ops.py, nn_ops.py and
array_ops.py), written with TensorFlow's public API, so the graph gets the same ops in the same order and the
later ops the same seeds. In eager mode, op counts mean nothing; TF 2.x's functions run.
"""
import numbers

import numpy as np

from tf1init._tf import tf, v1
from tf1init._tf_private import mark_seed_used, set_static_shape_in_function

# name here -> (the TensorFlow module, under its python package, and the TF 2.x function replaced)
REPLACES = {
    "get_seed": ("framework.random_seed", "get_seed"),
    "random_uniform": ("ops.random_ops", "random_uniform"),
    "random_gamma": ("ops.random_ops", "random_gamma"),
    "dropout_v2": ("ops.nn_ops", "dropout_v2"),
    "split": ("ops.array_ops", "split"),
}
# The TF 2.x functions, filled in by tf1init.graph.tf1_seeds before the first switch.
TF2 = {}

_UNIFORM_DTYPES = (tf.float16, tf.bfloat16, tf.float32, tf.float64, tf.int32, tf.int64)


def get_seed(op_seed):
    """TF 1.15's ``random_seed.get_seed``: in graph mode, an op without a seed takes the op
    count of its graph (TF 1.15's ``Graph._last_id``; ``Graph.version`` in TF 2.x)."""
    if op_seed is None and not tf.executing_eagerly():
        graph = v1.get_default_graph()
        if graph.seed is not None:
            mark_seed_used(graph)
            op_seed = graph.version
    return TF2["get_seed"](op_seed)


def _shape_tensor(shape):
    """TF 1.15's ``tensor_util.shape_tensor``: int32 for an empty list, Dimensions unwrapped."""
    dtype = None
    if isinstance(shape, (tuple, list)):
        if not shape:
            dtype = tf.int32
        else:
            shape = tuple(map(v1.dimension_value, shape))
    return v1.convert_to_tensor(shape, dtype=dtype, name="shape")


def random_uniform(shape, minval=0, maxval=None, dtype=tf.float32, seed=None, name=None):
    """TF 1.15's ``random_uniform``: ``min`` and ``max`` always made, ``rnd * (max - min) + min``."""
    if tf.executing_eagerly():
        return TF2["random_uniform"](shape, minval, maxval, dtype, seed, name)
    dtype = tf.as_dtype(dtype)
    if dtype not in _UNIFORM_DTYPES:
        raise ValueError("Invalid dtype %r" % dtype)
    if maxval is None:
        if dtype.is_integer:
            raise ValueError("Must specify maxval for integer dtype %r" % dtype)
        maxval = 1
    with v1.name_scope(name, "random_uniform", [shape, minval, maxval]) as name:
        shape = _shape_tensor(shape)
        minval = v1.convert_to_tensor(minval, dtype=dtype, name="min")
        maxval = v1.convert_to_tensor(maxval, dtype=dtype, name="max")
        seed1, seed2 = get_seed(seed)
        if dtype.is_integer:
            result = tf.raw_ops.RandomUniformInt(
                shape=shape, minval=minval, maxval=maxval, seed=seed1, seed2=seed2, name=name
            )
        else:
            rnd = tf.raw_ops.RandomUniform(shape=shape, dtype=dtype, seed=seed1, seed2=seed2)
            result = tf.add(rnd * (maxval - minval), minval, name=name)
        set_static_shape_in_function(result, shape)
        return result


def random_gamma(shape, alpha, beta=None, dtype=tf.float32, seed=None, name=None):
    """TF 1.15's ``random_gamma``: ``alpha`` broadcast by adding ``zeros_like(beta)``."""
    if tf.executing_eagerly():
        return TF2["random_gamma"](shape, alpha, beta, dtype, seed, name)
    with v1.name_scope(name, "random_gamma", [shape, alpha, beta]):
        shape = v1.convert_to_tensor(shape, name="shape", dtype=tf.int32)
        alpha = v1.convert_to_tensor(alpha, name="alpha", dtype=dtype)
        beta = v1.convert_to_tensor(beta if beta is not None else 1, name="beta", dtype=dtype)
        alpha_broadcast = alpha + tf.zeros_like(beta)
        seed1, seed2 = get_seed(seed)
        gamma = tf.raw_ops.RandomGamma(shape=shape, alpha=alpha_broadcast, seed=seed1, seed2=seed2)
        result = tf.maximum(np.finfo(alpha.dtype.as_numpy_dtype).tiny, gamma / beta)
        set_static_shape_in_function(result, shape, alpha_broadcast)
        return result


def _noise_shape(x, noise_shape):
    """TF 1.15's ``nn_ops._get_noise_shape`` (unchanged in TF 2.x): unknown dims from ``x``."""
    if noise_shape is None:
        return tf.shape(x)
    try:
        wanted = tf.TensorShape(noise_shape)
    except (TypeError, ValueError):
        return noise_shape
    if x.shape.dims is not None and wanted.dims is not None and len(x.shape.dims) == len(wanted.dims):
        return tf.TensorShape([
            have if want is None and have is not None else want
            for have, want in zip(x.shape.as_list(), wanted.as_list())
        ])
    return noise_shape


def dropout_v2(x, rate, noise_shape=None, seed=None, name=None):
    """TF 1.15's ``dropout_v2`` (``tf.nn.dropout`` with ``keep_prob`` calls it with
    ``rate = 1 - keep_prob``): ``x * (1 / (1 - rate)) * cast(uniform >= rate)``."""
    if tf.executing_eagerly():
        return TF2["dropout_v2"](x, rate, noise_shape=noise_shape, seed=seed, name=name)
    with v1.name_scope(name, "dropout", [x]) as name:
        x = v1.convert_to_tensor(x, name="x")
        if not x.dtype.is_floating:
            raise ValueError(
                "x has to be a floating point tensor since it's going to be scaled. "
                f"Got a {x.dtype} tensor instead."
            )
        if isinstance(rate, numbers.Real):
            if not (0 <= rate < 1):
                raise ValueError(f"rate must be a scalar tensor or a float in the range [0, 1), got {rate:g}")
            if rate == 0:
                return x
        rate = v1.convert_to_tensor(rate, dtype=x.dtype, name="rate")
        rate.get_shape().assert_has_rank(0)
        if tf.get_static_value(rate) == 0:
            return x
        noise_shape = _noise_shape(x, noise_shape)
        random_tensor = random_uniform(noise_shape, seed=seed, dtype=x.dtype)
        keep_prob = 1 - rate
        scale = 1 / keep_prob
        keep_mask = random_tensor >= rate
        ret = x * scale * tf.cast(keep_mask, x.dtype)
        ret.set_shape(x.get_shape())
        return ret


def split(value, num_or_size_splits, axis=0, num=None, name="split"):
    """TF 1.15's ``split``: ``num_or_size_splits`` made a tensor before it is looked at, so a
    Python int leaves an unused ``Const`` in the graph; the split itself is TF 2.x's (the same)."""
    if not tf.executing_eagerly() and isinstance(num_or_size_splits, (numbers.Integral, v1.Dimension)):
        v1.convert_to_tensor(num_or_size_splits)
    return TF2["split"](value, num_or_size_splits, axis=axis, num=num, name=name)
