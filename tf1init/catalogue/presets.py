"""Start a model exactly as another framework would: the defaults people compare, as rules.

=============  =====================================================  =========================
preset         kernel (weights)                                        bias
=============  =====================================================  =========================
keras          Glorot uniform                                          zeros
pytorch        Kaiming uniform, a = sqrt(5): U(+-1/sqrt(fan_in))       U(+-1/sqrt(fan_in)), the
               (``nn.Linear`` / ``nn.Conv*`` ``reset_parameters``)      kernel's fan_in
flax           LeCun normal (truncated, variance 1/fan_in)             zeros
mxnet_legacy   U(-0.07, 0.07) (``mx.init.Uniform()``)                  zeros
=============  =====================================================  =========================

PyTorch's fan_in for a conv weight (out, in, kh, kw) is in * kh * kw, the same number as Keras'
for a kernel (kh, kw, in, out), so the bound is the one PyTorch computes. Kaiming uniform with
a = sqrt(5) has gain sqrt(2 / (1 + 5)) and bound gain * sqrt(3 / fan_in) = 1 / sqrt(fan_in):
``VarianceScaling(scale=1/3, mode="fan_in", distribution="uniform")`` exactly.

    >>> import tensorflow as tf
    >>> model = tf.keras.Sequential([tf.keras.Input((400,)), tf.keras.layers.Dense(250)])
    >>> report = apply_preset("pytorch", model)
    >>> bound = 1 / 400 ** 0.5
    >>> float(abs(model.layers[0].bias.numpy()).max()) <= bound
    True
"""
from typing import Dict, Tuple

from tf1init._tf import tf
from tf1init.catalogue.custom import FanInBiasUniform, UniformRange
from tf1init.catalogue.dispatch import DispatchReport, Rule, apply_rules
from tf1init.errors import Tf1initError, closest

PRESET_NAMES = ("keras", "pytorch", "flax", "mxnet_legacy")


def preset_rules(name: str, seed=None) -> Tuple[Rule, ...]:
    """The rules of a preset (kernels, then biases); other variables are left alone."""
    k = tf.keras.initializers
    table: Dict[str, Tuple[object, object]] = {
        "keras": (k.GlorotUniform(seed=seed), k.Zeros()),
        "pytorch": (k.VarianceScaling(scale=1.0 / 3.0, mode="fan_in", distribution="uniform",
                                      seed=seed), FanInBiasUniform(seed=seed)),
        "flax": (k.LecunNormal(seed=seed), k.Zeros()),
        "mxnet_legacy": (UniformRange(-0.07, 0.07, seed=seed), k.Zeros()),
    }
    if name not in table:
        near = closest(name, PRESET_NAMES)
        hint = f" (did you mean {near[0]!r}?)" if near else ""
        raise Tf1initError(f"unknown preset {name!r}{hint}; presets: {', '.join(PRESET_NAMES)}")
    kernel, bias = table[name]
    return (Rule(kernel, role="kernel"), Rule(bias, role="bias"))


def apply_preset(name: str, target, session=None, var_list=None, seed=None) -> DispatchReport:
    """Initialize a Keras model, or a TF1 graph through ``session``, as framework ``name`` would."""
    return apply_rules(target, preset_rules(name, seed), session=session, var_list=var_list)
