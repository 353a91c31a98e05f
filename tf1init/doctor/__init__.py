"""The initialization doctor: does this graph or model start in a state that can train?

For each layer with a kernel: fan-in, the initializer's variance (read exactly from the
initial-value ops of a TF1 graph or from a Keras initializer's config; else sampled, and the
report says which), the activation that follows, the gain fan_in * var(w) * c(activation)
and the product of gains through depth. Findings (rules TFD101-TFD107 in
:mod:`tf1init.doctor.rules`): zero or constant kernels, depth products outside [0.5, 2], and
initializers that do not suit their activation, each with what to use instead.

    >>> import tf1init
    >>> import tensorflow as tf
    >>> stack = [tf.keras.Input((64,))] + [
    ...     tf.keras.layers.Dense(64, activation="relu", kernel_initializer="glorot_uniform")
    ...     for _ in range(6)]
    >>> diagnosis = tf1init.diagnose(tf.keras.Sequential(stack))
    >>> diagnosis.codes
    ('TFD103', 'TFD105')
    >>> print(diagnosis.findings[1].instead[0])
    relu layers: tf.keras.initializers.HeNormal() (Keras) / tf.compat.v1.initializers.he_normal() (TF1)
"""
from dataclasses import replace
from typing import Dict, List, Optional

from tf1init.doctor._gains import activation_scale
from tf1init.doctor._model import Diagnosis, Finding, Layer
from tf1init.doctor.rules import RULES, find_problems

__all__ = ["Diagnosis", "Finding", "Layer", "RULES", "diagnose"]


def _with_gains(layers: List[Layer], notes: List[str]) -> List[Layer]:
    """Fill in each layer's gain and the product of gains along its chain of parents."""
    products: Dict[str, Optional[float]] = {}
    gains: Dict[str, Optional[float]] = {}
    for layer in layers:
        scale, note = activation_scale(layer.activation, layer.negative_slope or 0.2)
        if note and note not in notes:
            notes.append(note)
        known = layer.variance is not None and layer.constant is None
        gains[layer.kernel] = layer.fan_in * layer.variance / scale if known else None

    for layer in layers:  # forward order: a parent comes before the layers it feeds
        upstream = products.get(layer.parent) if layer.parent else None
        gain = gains[layer.kernel]
        if layer.normalized:
            value: Optional[float] = 1.0  # a normalization after the layer restores unit variance
        elif gain is None:
            value = upstream
        else:
            value = gain * (1.0 if upstream is None else upstream)
        products[layer.kernel] = value
    return [replace(layer, gain=gains[layer.kernel], product=products[layer.kernel])
            for layer in layers]


def diagnose(target) -> Diagnosis:
    """Diagnose the initialization of a TF1 graph or a Keras 3 model.

    ``target``: a ``tf.Graph``, a ``tf.compat.v1.Session`` (its graph), a Keras model, a path to
    a ``.meta`` / ``.keras`` / ``.h5`` file, or an entry point ``module:function`` /
    ``file.py:function``. Unreadable input raises :class:`tf1init.DoctorInputError` saying what
    was expected.
    """
    from tf1init.doctor._load import GRAPH, resolve  # TensorFlow: only when diagnosing

    kind, value, source = resolve(target)
    if kind == GRAPH:
        from tf1init.doctor._graph import graph_layers

        layers, notes = graph_layers(value)
        if not layers:
            notes.append("no kernel found: no variable of rank >= 2 is read by a MatMul or a "
                         "convolution in this graph")
    else:
        from tf1init.doctor._keras import keras_layers

        layers, notes = keras_layers(value)
        if not layers and not notes:
            notes.append("no layer with a kernel (Dense, Conv...) in this model")
    layers = _with_gains(layers, notes)
    return Diagnosis(source, kind, tuple(layers), find_problems(layers), tuple(notes))
