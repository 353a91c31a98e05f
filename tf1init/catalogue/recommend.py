"""Which initializer suits an activation, and why (TensorFlow-free).

    >>> r = recommend("relu")
    >>> r.initializer, r.call.to_source()
    ('he_normal', 'tf.keras.initializers.HeNormal()')
    >>> recommend("leaky_relu", negative_slope=0.2).call.kwargs["scale"]    # 2 / (1 + 0.2**2)
    1.923076923076923
"""
from collections import OrderedDict
from dataclasses import dataclass
from typing import Optional

from tf1init.catalogue._translate import KerasCall
from tf1init.errors import UnknownActivationError, closest

_K = "tf.keras.initializers."

_HE = ("he_normal", "ReLU zeroes half of its input, halving the variance each layer passes on; "
       "He (Kaiming) scale 2 / fan_in restores it (He et al., 2015)")
_GLOROT = ("glorot_uniform", "{act} is close to linear around 0, so the variance should be kept in "
           "both the forward and the backward pass: Glorot (Xavier) scale 2 / (fan_in + fan_out) "
           "(Glorot & Bengio, 2010)")
_LECUN = ("lecun_normal", "SELU's self-normalising fixed point (mean 0, variance 1) assumes weights "
          "with variance 1 / fan_in: LeCun normal (Klambauer et al., 2017)")

# activation -> (recommended initializer, reason template)
_TABLE = {
    "relu": _HE, "relu6": _HE, "elu": _HE, "gelu": _HE, "swish": _HE, "silu": _HE,
    "leaky_relu": _HE,
    "tanh": _GLOROT, "sigmoid": _GLOROT, "linear": _GLOROT, "softmax": _GLOROT,
    "selu": _LECUN,
}
_ALIASES = {"leakyrelu": "leaky_relu", "none": "linear", "identity": "linear", "prelu": "leaky_relu"}
_CLASS = {"he_normal": "HeNormal", "glorot_uniform": "GlorotUniform", "lecun_normal": "LecunNormal"}


@dataclass(frozen=True)
class Recommendation:
    """The initializer for an activation: its Keras string name, the exact call, and the reason."""

    activation: str
    initializer: str
    call: KerasCall
    reason: str


def recommend(activation: Optional[str], negative_slope: float = 0.2) -> Recommendation:
    """He for the ReLU family, Glorot for tanh/sigmoid/linear, LeCun normal for SELU.

    ``negative_slope`` (leaky ReLU only; Keras and ``tf.nn.leaky_relu`` default 0.2) gives the
    exact He gain 2 / (1 + slope**2).
    """
    key = "linear" if activation is None else str(activation).lower().replace("-", "_")
    key = _ALIASES.get(key, key)
    if key not in _TABLE:
        near = closest(key, list(_TABLE) + list(_ALIASES))
        hint = f"; closest known: {', '.join(near)}" if near else ""
        raise UnknownActivationError(
            f"unknown activation {activation!r}{hint}; known: {', '.join(sorted(_TABLE))}"
        )
    name, reason = _TABLE[key]
    reason = reason.format(act=key)
    if key == "leaky_relu":
        scale = 2.0 / (1.0 + float(negative_slope) ** 2)
        call = KerasCall(_K + "VarianceScaling", OrderedDict(
            scale=scale, mode="fan_in", distribution="truncated_normal"))
        reason += f"; with negative slope {negative_slope} the gain is 2 / (1 + slope**2) = {scale:.6g}"
    else:
        call = KerasCall(_K + _CLASS[name], OrderedDict())
    return Recommendation(key, name, call, reason)
