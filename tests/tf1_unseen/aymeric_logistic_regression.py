# tf1init unseen-evaluation program: aymeric_logistic_regression
# Source: https://github.com/aymericdamien/TensorFlow-Examples/blob/2670df560e8e98bcfe93523ecb37a1fafe3538e5/examples/2_BasicModels/logistic_regression.py
# Repository aymericdamien/TensorFlow-Examples, commit 2670df560e8e98bcfe93523ecb37a1fafe3538e5,
# path examples/2_BasicModels/logistic_regression.py.
# License: MIT, Copyright (c) 2015, Aymeric Damien (full text: LICENSES/MIT-aymericdamien-TensorFlow-Examples.txt).
# Changed (each change is marked "tf1init"): the MNIST download is replaced by scikit-learn's digits
# in MNIST's shape (data block). No random op, so no seed was added.
'''
A logistic regression learning algorithm example using TensorFlow library.
This example is using the MNIST database of handwritten digits
(http://yann.lecun.com/exdb/mnist/)

Author: Aymeric Damien
Project: https://github.com/aymericdamien/TensorFlow-Examples/
'''

from __future__ import print_function

import tensorflow as tf

# Import MNIST data
# --- tf1init: data (was: from tensorflow.examples.tutorials.mnist import input_data) ---
# scikit-learn's 8x8 digits scaled to 20x20 and centred in 28x28 = 784 pixels in [0, 1], as MNIST's are;
# one-hot labels; 1297 train / 200 validation / 300 test images; next_batch walks the train set in order.
import types as _types
import numpy as _np
from sklearn.datasets import load_digits as _load_digits


class _DataSet(object):
    def __init__(self, images, labels):
        self.images, self.labels, self.num_examples, self._at = images, labels, len(images), 0

    def next_batch(self, batch_size):
        idx = _np.arange(self._at, self._at + batch_size) % self.num_examples
        self._at = (self._at + batch_size) % self.num_examples
        return self.images[idx], self.labels[idx]


def _read_data_sets(train_dir, one_hot=True):
    digits = _load_digits()
    images = _np.kron(digits.images / 16.0, _np.ones((5, 5))).reshape(-1, 20, 2, 20, 2).mean(axis=(2, 4))
    images = _np.pad(images, ((0, 0), (4, 4), (4, 4))).reshape(-1, 784).astype(_np.float32)
    labels = _np.eye(10, dtype=_np.float32)[digits.target]
    return _types.SimpleNamespace(train=_DataSet(images[:1297], labels[:1297]),
                                  validation=_DataSet(images[1297:1497], labels[1297:1497]),
                                  test=_DataSet(images[1497:], labels[1497:]))


input_data = _types.SimpleNamespace(read_data_sets=_read_data_sets)
# --- end data ---
mnist = input_data.read_data_sets("/tmp/data/", one_hot=True)

# Parameters
learning_rate = 0.01
training_epochs = 25
batch_size = 100
display_step = 1

# tf Graph Input
x = tf.placeholder(tf.float32, [None, 784]) # mnist data image of shape 28*28=784
y = tf.placeholder(tf.float32, [None, 10]) # 0-9 digits recognition => 10 classes

# Set model weights
W = tf.Variable(tf.zeros([784, 10]))
b = tf.Variable(tf.zeros([10]))

# Construct model
pred = tf.nn.softmax(tf.matmul(x, W) + b) # Softmax

# Minimize error using cross entropy
cost = tf.reduce_mean(-tf.reduce_sum(y*tf.log(tf.clip_by_value(pred,1e-10,1.0)), reduction_indices=1))
# Gradient Descent
optimizer = tf.train.GradientDescentOptimizer(learning_rate).minimize(cost)

# Initialize the variables (i.e. assign their default value)
init = tf.global_variables_initializer()

# Start training
with tf.Session() as sess:

    # Run the initializer
    sess.run(init)

    # Training cycle
    for epoch in range(training_epochs):
        avg_cost = 0.
        total_batch = int(mnist.train.num_examples/batch_size)
        # Loop over all batches
        for i in range(total_batch):
            batch_xs, batch_ys = mnist.train.next_batch(batch_size)
            # Run optimization op (backprop) and cost op (to get loss value)
            _, c = sess.run([optimizer, cost], feed_dict={x: batch_xs,
                                                          y: batch_ys})
            # Compute average loss
            avg_cost += c / total_batch
        # Display logs per epoch step
        if (epoch+1) % display_step == 0:
            print("Epoch:", '%04d' % (epoch+1), "cost=", "{:.9f}".format(avg_cost))

    print("Optimization Finished!")

    # Test model
    correct_prediction = tf.equal(tf.argmax(pred, 1), tf.argmax(y, 1))
    # Calculate accuracy
    accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))
    print("Accuracy:", accuracy.eval({x: mnist.test.images, y: mnist.test.labels}))
