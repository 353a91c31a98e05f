"""Layer helpers over tf.get_variable, in variable scopes (so names read layer1/weights)."""
import tensorflow as tf


def dense(inputs, units, scope, activation=None, stddev=0.1):
    with tf.variable_scope(scope):
        fan_in = inputs.get_shape()[-1].value
        weights = tf.get_variable("weights", [fan_in, units],
                                  initializer=tf.truncated_normal_initializer(stddev=stddev))
        biases = tf.get_variable("biases", [units], initializer=tf.constant_initializer(0.0))
        outputs = tf.matmul(inputs, weights) + biases
        if activation is not None:
            outputs = activation(outputs)
        return outputs
