"""Fan-in and fan-out exactly as Keras 3 computes them, but refusing shapes that have none.

Keras (``keras.src.initializers.random_initializers.compute_fans``) and TF1
(``init_ops._compute_fans``) give a scalar fans of 1 and then divide by ``max(1, fan)``, so a
zero-size dimension silently becomes fan 1. A limit like sqrt(6 / (fan_in + fan_out)) is then a
number nobody would compute by hand; we raise instead.

    >>> compute_fans((784, 256))
    (784, 256)
    >>> compute_fans((3, 3, 64, 128))     # receptive field 9 times channels
    (576, 1152)
"""
from typing import Optional, Sequence, Tuple

from tf1init.errors import FanError, UnsupportedDtypeError

FLOAT_DTYPES = ("float16", "bfloat16", "float32", "float64")


def normalize_shape(shape) -> Tuple[int, ...]:
    """A shape as a tuple of ints; TensorShape, lists and numpy ints all work."""
    if hasattr(shape, "as_list"):
        shape = shape.as_list()
    try:
        out = tuple(int(d) for d in shape)
    except TypeError:
        raise FanError(f"shape {shape!r} is not a sequence of integers") from None
    if any(d < 0 for d in out):
        raise FanError(f"shape {out} has a negative dimension")
    return out


def compute_fans(
    shape: Sequence[int],
    input_axes: Optional[Sequence[int]] = None,
    output_axes: Optional[Sequence[int]] = None,
) -> Tuple[int, int]:
    """(fan_in, fan_out) for a weight shape, as Keras 3 computes them.

    Rank 1: both are the length; rank 2: (rows, columns); rank >= 3 (convolution kernels laid
    out (..., in_channels, out_channels)): the receptive field size times each channel count.
    A scalar or a zero-size dimension raises :class:`FanError`.
    """
    shape = normalize_shape(shape)
    if len(shape) == 0:
        raise FanError(
            "shape () is a scalar: it has no fan-in or fan-out, so fan-scaled initializers "
            "(Glorot, He, LeCun, variance scaling) are undefined; use a constant or a fixed-scale "
            "initializer (RandomNormal, RandomUniform) for scalars"
        )
    if 0 in shape:
        raise FanError(
            f"shape {shape} has a zero-size dimension: its fan would be 0 and the scale 1/0 "
            "(TF and Keras silently use 1 instead); give the variable a non-empty shape"
        )
    if input_axes is not None and output_axes is not None:
        fan_in = fan_out = 1
        for axis in input_axes:
            fan_in *= shape[axis]
        for axis in output_axes:
            fan_out *= shape[axis]
        return fan_in, fan_out
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive_field = 1
    for dim in shape[:-2]:
        receptive_field *= dim
    return shape[-2] * receptive_field, shape[-1] * receptive_field


def fan_for_mode(shape: Sequence[int], mode: str, input_axes=None, output_axes=None) -> float:
    """The n of a variance-scaling law: fan_in, fan_out or their mean."""
    fan_in, fan_out = compute_fans(shape, input_axes, output_axes)
    mode = mode.lower()
    if mode == "fan_in":
        return float(fan_in)
    if mode == "fan_out":
        return float(fan_out)
    if mode == "fan_avg":
        return (fan_in + fan_out) / 2.0
    raise ValueError(f"mode {mode!r} is not one of 'fan_in', 'fan_out', 'fan_avg'")


def check_dtype(dtype) -> str:
    """The dtype's name if an initializer can draw it, else :class:`UnsupportedDtypeError`.

    Accepts a string, a numpy dtype or a ``tf.DType`` (anything with ``.name``).
    """
    name = getattr(dtype, "name", None) or str(dtype)
    name = name.replace("tf.", "").replace("np.", "")
    if name in FLOAT_DTYPES:
        return name
    raise UnsupportedDtypeError(
        f"dtype {name!r} is not supported: random initializers draw floating-point values; "
        f"use one of {', '.join(FLOAT_DTYPES)}"
    )
