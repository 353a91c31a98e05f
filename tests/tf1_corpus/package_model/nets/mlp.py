"""A regression MLP: two hidden tanh layers and a linear output, all from nets.ops.dense."""
import tensorflow as tf

from nets.ops import dense


def mlp_regressor(inputs, hidden=(16, 8), reuse=False):
    with tf.variable_scope("mlp", reuse=reuse):
        net = inputs
        for i, units in enumerate(hidden):
            net = dense(net, units, "layer%d" % (i + 1), activation=tf.tanh, stddev=0.3)
        output = tf.get_variable("out_weights", [net.get_shape()[-1].value, 1],
                                 initializer=tf.random_normal_initializer(stddev=0.05))
        bias = tf.get_variable("out_bias", [1], initializer=tf.zeros_initializer())
        return tf.squeeze(tf.matmul(net, output) + bias, axis=1)
