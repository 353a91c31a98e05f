"""``dense`` for session code on Keras 3, where ``tf.compat.v1.layers.dense`` is gone.

TF 2.21 ships Keras 3 as ``tf.keras``; ``tf.compat.v1.layers.dense`` raises "dense is not
available with Keras 3". Two ways out, both tested:

1. ``tf1init.layers.dense``: the TF1 layer rebuilt on ``tf.compat.v1.get_variable``, with the
   same variable names (``dense/kernel``, ``dense_1/bias``...), the same default initializers
   (Glorot uniform kernel, zero bias) and the same checkpoint layout, and no extra package.
2. Keras 2 itself: ``pip install tf-keras`` and set ``TF_USE_LEGACY_KERAS=1`` before
   TensorFlow is imported; ``tf.compat.v1.layers.dense`` then works as it did on TF 1.x.

Either way the variables land in the usual collections, so tf1init initializes them.
"""
from typing import Callable, Optional

from tf1init._tf import tf, v1


def dense(
    inputs,
    units: int,
    activation: Optional[Callable] = None,
    use_bias: bool = True,
    kernel_initializer=None,
    bias_initializer=None,
    trainable: bool = True,
    name: Optional[str] = None,
    reuse=None,
):
    """``tf.compat.v1.layers.dense`` for graph mode on Keras 3: ``activation(x @ kernel + bias)``.

        >>> import tf1init
        >>> import tensorflow as tf; v1 = tf.compat.v1
        >>> from tf1init.layers import dense
        >>> graph = tf.Graph()
        >>> with graph.as_default():
        ...     x = v1.placeholder(tf.float32, [None, 4])
        ...     y = dense(x, 3, activation=tf.nn.relu)
        >>> sorted(v.op.name for v in graph.get_collection("trainable_variables"))
        ['dense/bias', 'dense/kernel']
    """
    inputs = tf.convert_to_tensor(inputs)
    in_features = inputs.shape[-1]
    if in_features is None:
        raise ValueError(
            f"dense needs the last dimension of its input to be known, got shape {inputs.shape}"
        )
    with v1.variable_scope(name, default_name="dense", reuse=reuse):
        kernel = v1.get_variable(
            "kernel",
            [int(in_features), units],
            dtype=inputs.dtype.base_dtype,
            initializer=kernel_initializer or v1.glorot_uniform_initializer(),
            trainable=trainable,
        )
        if inputs.shape.rank == 2:
            outputs = tf.matmul(inputs, kernel)
        else:
            outputs = tf.tensordot(inputs, kernel, [[inputs.shape.rank - 1], [0]])
        if use_bias:
            bias = v1.get_variable(
                "bias",
                [units],
                dtype=inputs.dtype.base_dtype,
                initializer=bias_initializer or v1.zeros_initializer(),
                trainable=trainable,
            )
            outputs = tf.nn.bias_add(outputs, bias)
        return activation(outputs) if activation is not None else outputs
