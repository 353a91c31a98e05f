"""Build catalogue entries as real TensorFlow objects: TF1 graph-mode forms and Keras 3 forms.

``tf.contrib`` is gone from TensorFlow 2, so its two initializers are rebuilt here from the TF
1.15 formulas (truncated normal with stddev sqrt(1.3 * factor / n), no 0.8796 correction) on
the same ``tf.compat.v1`` random ops contrib used; every other TF1 spelling resolves to the real
``tf.compat.v1`` symbol.

    >>> import tensorflow as tf
    >>> g = tf.Graph()
    >>> with g.as_default():
    ...     t = tf1_tensor("tf.random_normal_initializer", {"stddev": 2.0}, (3, 4))
    >>> t.graph is g, t.shape.as_list()
    (True, [3, 4])
"""
import math
from typing import Mapping, Optional, Sequence

from tf1init._tf import tf, v1
from tf1init.catalogue._spellings import SPELLINGS
from tf1init.catalogue._translate import KerasCall, Source, lookup, translate
from tf1init.catalogue.fans import check_dtype, fan_for_mode, normalize_shape


def contrib_variance_scaling_initializer(factor=2.0, mode="FAN_IN", uniform=False, seed=None,
                                         dtype=tf.float32):
    """``tf.contrib.layers.variance_scaling_initializer`` of TF 1.x, on ``tf.compat.v1`` ops."""
    dtype = tf.as_dtype(dtype)
    check_dtype(dtype)
    if mode not in ("FAN_IN", "FAN_OUT", "FAN_AVG"):
        raise TypeError(f"mode {mode!r} is not one of 'FAN_IN', 'FAN_OUT', 'FAN_AVG'")

    def _initializer(shape, dtype=dtype, partition_info=None):
        n = fan_for_mode(normalize_shape(shape), mode.lower())
        if uniform:
            limit = math.sqrt(3.0 * factor / n)
            return v1.random_uniform(shape, -limit, limit, dtype, seed=seed)
        return v1.truncated_normal(shape, 0.0, math.sqrt(1.3 * factor / n), dtype, seed=seed)

    return _initializer


def contrib_xavier_initializer(uniform=True, seed=None, dtype=tf.float32):
    """``tf.contrib.layers.xavier_initializer`` of TF 1.x: variance scaling, factor 1, FAN_AVG."""
    return contrib_variance_scaling_initializer(1.0, "FAN_AVG", uniform, seed, dtype)


_CONTRIB = {
    "contrib.variance_scaling": contrib_variance_scaling_initializer,
    "contrib.xavier": contrib_xavier_initializer,
}


def resolve(name: str):
    """The Python object a catalogue spelling names in this TensorFlow.

    TF1 spellings resolve in ``tf.compat.v1`` (``tf.random_normal_initializer`` there is the v1
    class with stddev 1.0; on TF2 the top-level name is a different class), TF2 spellings in
    ``tf``, Keras string names to the class they name.
    """
    spelling = lookup(name)
    if spelling.impl in _CONTRIB:
        return _CONTRIB[spelling.impl]
    if not name.startswith("tf."):
        # Not tf.keras.initializers.get(name): in Keras 3.15 get("constant") raises KeyError.
        return getattr(tf.keras.initializers, spelling.target.rsplit(".", 1)[1])
    parts = name.split(".")[1:]
    if spelling.is_tf2 or name.startswith("tf.compat.v1."):
        obj = tf
    else:
        obj = v1
    for part in parts:
        obj = getattr(obj, part)
    return obj


def _literal_args(args: Mapping[str, object]) -> dict:
    bad = [k for k, v in args.items() if isinstance(v, Source)]
    if bad:
        raise ValueError(f"argument {bad[0]}={args[bad[0]].text} is not a value: give literals")
    return dict(args)


def tf1_initializer(name: str, args: Optional[Mapping[str, object]] = None):
    """The TF1 graph-mode initializer object for an ``initializer`` spelling."""
    spelling = lookup(name)
    if spelling.kind != "initializer":
        raise ValueError(f"{name} is a tensor op, not an initializer: use tf1_tensor")
    return resolve(name)(**_literal_args(args or {}))


def tf1_tensor(name: str, args: Optional[Mapping[str, object]], shape: Sequence[int],
               dtype="float32"):
    """A graph tensor drawn by spelling ``name`` for ``shape`` in the current default graph.

    Initializer spellings are constructed with ``args`` and called with (shape, dtype); tensor
    ops get ``shape`` (or, for ``tf.constant``, the value broadcast to ``shape``) plus ``args``.
    """
    spelling = lookup(name)
    shape = list(normalize_shape(shape))
    dtype = tf.as_dtype(check_dtype(dtype))
    args = _literal_args(args or {})
    if spelling.kind == "initializer":
        init = tf1_initializer(name, args)
        # Keras 3 objects want a dtype name; TF1 ones accept either.
        return init(shape, dtype=dtype.name if spelling.is_tf2 else dtype)
    fn = resolve(name)
    if spelling.family == "constant":
        return fn(args.pop("value", 0.0), dtype=dtype, shape=shape, **args)
    return fn(shape, dtype=dtype, **{k: v for k, v in args.items() if k not in ("shape", "dtype")})


def keras_initializer(call):
    """A Keras 3 initializer object from a :class:`KerasCall` (or a TF1 spelling, translated)."""
    if isinstance(call, str):
        call = translate(call, {})
    if not call.target.startswith("tf.keras.initializers."):
        raise ValueError(f"{call.target} is not a Keras initializer")
    cls = getattr(tf.keras.initializers, call.target.rsplit(".", 1)[1])
    return cls(**_literal_args(call.kwargs))


def keras_values(call: KerasCall, shape: Sequence[int], dtype="float32"):
    """Eager numpy values drawn by the Keras (or TF2 tensor-op) form of a translation."""
    shape = list(normalize_shape(shape))
    dtype = check_dtype(dtype)
    if call.target.startswith("tf.keras.initializers."):
        return keras_initializer(call)(shape, dtype=dtype).numpy()
    spelling = SPELLINGS[call.target]
    fn = resolve(call.target)
    kwargs = {k: v for k, v in _literal_args(call.kwargs).items() if k not in ("shape", "dtype")}
    if spelling.family == "constant":
        return fn(kwargs.pop("value", 0.0), dtype=dtype, shape=shape, **kwargs).numpy()
    return fn(shape, dtype=dtype, **kwargs).numpy()
