"""The layers of a Keras 3 model: kernels, fans, the initializer's law, activations.

The variance comes from the layer's ``kernel_initializer`` config through the catalogue's
closed-form laws (exact); an initializer the catalogue does not know (a custom class) falls
back to the variance of the kernel's current values. Layers are chained in model order (the
order of ``model.layers``, nested models flattened); the activation is the layer's own, or the
first activation layer (ReLU, LeakyReLU, Activation...) before the next layer with a kernel.
"""
from typing import Iterable, List, Optional, Tuple

import numpy as np

from tf1init.catalogue import SPELLINGS, law_of
from tf1init.catalogue.fans import compute_fans
from tf1init.doctor._initial_value import describe, from_law, from_values
from tf1init.doctor._model import FROM_INITIALIZER, FROM_SAMPLE, Layer
from tf1init.errors import Tf1initError

_NORMALIZATION = ("BatchNormalization", "LayerNormalization", "GroupNormalization",
                  "UnitNormalization", "RMSNormalization")


def _flatten(model) -> Iterable:
    for layer in getattr(model, "layers", ()):
        if getattr(layer, "layers", None):
            yield from _flatten(layer)
        else:
            yield layer


def _kernel_of(layer):
    for attr, init_attr in (("kernel", "kernel_initializer"),
                            ("depthwise_kernel", "depthwise_initializer")):
        try:
            kernel = getattr(layer, attr, None)
        except (AttributeError, ValueError):  # an unbuilt layer
            kernel = None
        if kernel is not None and len(kernel.shape) >= 2:
            return kernel, getattr(layer, init_attr, None), attr == "depthwise_kernel"
    return None, None, False


def _function_activation(fn) -> Tuple[str, Optional[float]]:
    if fn is None:
        return "linear", None
    as_layer = _layer_activation(fn)  # a layer passed as activation=, e.g. LeakyReLU(0.1)
    if as_layer is not None:
        return as_layer
    name = getattr(fn, "__name__", type(fn).__name__)
    return ("silu" if name == "swish" else name), None


def _layer_activation(layer) -> Optional[Tuple[str, Optional[float]]]:
    """The activation an activation layer applies, or None for any other layer."""
    kind = type(layer).__name__
    if kind == "Activation":
        return _function_activation(layer.activation)
    if kind == "ReLU":
        slope = float(getattr(layer, "negative_slope", 0.0) or 0.0)
        return ("leaky_relu", slope) if slope else ("relu", None)
    if kind == "LeakyReLU":
        return "leaky_relu", float(layer.negative_slope)
    if kind == "PReLU":  # its slopes start at alpha_initializer: zeros by default, i.e. ReLU
        return "relu", None
    if kind == "ELU":
        return "elu", None
    if kind == "Softmax":
        return "softmax", None
    return None


def _initial_law(initializer, shape):
    """(description, InitialLaw) from a Keras initializer's config, or None if unknown."""
    if initializer is None:
        return None
    cls = type(initializer).__name__
    spelling = SPELLINGS.get(cls)
    if spelling is None or not spelling.is_tf2 or spelling.kind != "initializer":
        return None
    try:
        config = initializer.get_config()
        args = {k: v for k, v in config.items() if k in spelling.params and k != "seed"}
        law = law_of(cls, args, shape)
    except (Tf1initError, TypeError, ValueError, KeyError):
        return None
    shown = ", ".join(f"{k}={v!r}" for k, v in args.items() if v != spelling.defaults.get(k))
    return f"{cls}({shown})", from_law(law), describe(law)


def keras_layers(model) -> Tuple[List[Layer], List[str]]:
    """(layers in model order, notes) of a Keras 3 model."""
    flat = list(_flatten(model))
    notes = []
    if not getattr(model, "weights", None):
        notes.append(f"model {getattr(model, 'name', '?')!r} has no weights yet: build it (give it "
                     "an Input or call it once) so that its kernels exist")
        return [], notes
    rows, parent = [], None
    for i, layer in enumerate(flat):
        kernel, initializer, depthwise = _kernel_of(layer)
        if kernel is None:
            continue
        shape = tuple(int(d) for d in kernel.shape)
        if depthwise:
            field = int(np.prod(shape[:-2]))
            fan_in, fan_out = field, field * shape[-1]
        else:
            fan_in, fan_out = compute_fans(shape)
        activation, slope = _function_activation(getattr(layer, "activation", None))
        normalized = False
        for following in flat[i + 1:]:
            if _kernel_of(following)[0] is not None:
                break
            if type(following).__name__ in _NORMALIZATION:
                normalized = True
            found = _layer_activation(following)
            if found is not None and activation == "linear":
                activation, slope = found
        values = np.asarray(kernel.numpy())
        current = from_values(values, "current values")
        read = _initial_law(initializer, shape)
        note = ""
        if read is not None:
            label, law, _ = read
            source, variance, constant = FROM_INITIALIZER, law.variance, law.constant
            if constant is None and current.constant is not None:
                constant = current.constant
                note = f"the initializer is random but the current values are all {constant:.4g}"
        else:
            label = f"{type(initializer).__name__} (sampled)" if initializer is not None else "sampled"
            source, variance, constant = FROM_SAMPLE, current.variance, current.constant
            note = "variance of the kernel's current values (the initializer is not in the catalogue)"
        path = getattr(kernel, "path", None) or kernel.name
        rows.append(Layer(
            name=layer.name, kernel=path, layer_type=type(layer).__name__, shape=shape,
            fan_in=int(fan_in), fan_out=int(fan_out), activation=activation,
            initializer=label, variance=variance, source=source, constant=constant, parent=parent,
            normalized=normalized, negative_slope=slope, note=note))
        parent = path
    return rows, notes
