# tf1init unseen-evaluation program: tensorflow_mnist_softmax
# Source: https://github.com/tensorflow/tensorflow/blob/1d109e21ab2c2d0079b7aa058cd8fcc3c1e9d0f0/tensorflow/examples/tutorials/mnist/mnist_softmax.py
# Repository tensorflow/tensorflow, commit 1d109e21ab2c2d0079b7aa058cd8fcc3c1e9d0f0,
# path tensorflow/examples/tutorials/mnist/mnist_softmax.py.
# License: Apache-2.0, Copyright 2015 The TensorFlow Authors (full text: LICENSES/Apache-2.0.txt).
# Changed (each change is marked "tf1init"): the MNIST download is replaced by scikit-learn's digits
# in MNIST's shape (data block); softmax_cross_entropy_with_logits(y, y_) given as keywords, which
# TF >= 1.5 requires. No random op, so no seed was added.
# Copyright 2015 The TensorFlow Authors. All Rights Reserved.
#
# Licensed under the Apache License, Version 2.0 (the "License");
# you may not use this file except in compliance with the License.
# You may obtain a copy of the License at
#
#     http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS,
# WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
# See the License for the specific language governing permissions and
# limitations under the License.
# ==============================================================================
"""A very simple MNIST classifier.

See extensive documentation at
http://tensorflow.org/tutorials/mnist/beginners/index.md
"""
from __future__ import absolute_import
from __future__ import division
from __future__ import print_function

import argparse

# Import data
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
import tensorflow as tf
from absl import app
from absl import flags

FLAGS = None


def main(_):
  mnist = input_data.read_data_sets(FLAGS.data_dir, one_hot=True)

  # Create the model
  W = tf.Variable(tf.zeros([784, 10]))
  b = tf.Variable(tf.zeros([10]))

  # Define loss and optimizer

  optimizer = tf.keras.optimizers.SGD(learning_rate=0.5)
  trainable_variables = [W, b]

  # Train

  @tf.function(input_signature=[tf.TensorSpec([None, 784], tf.float32), tf.TensorSpec([None, 10], tf.float32)])
  def train_step(x, y_):
      with tf.GradientTape() as tape:
          y = tf.matmul(x, W) + b
          # The raw formulation of cross-entropy,
          #
          #   tf.reduce_mean(-tf.reduce_sum(y_ * tf.log(tf.softmax(y)),
          #                                 reduction_indices=[1]))
          #
          # can be numerically unstable.
          #
          # So here we use tf.nn.softmax_cross_entropy_with_logits on the raw
          # outputs of 'y', and then average across the batch.
          cross_entropy = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(logits=y, labels=y_))  # tf1init: was (y, y_)
      gradients = tape.gradient(cross_entropy, trainable_variables)
      optimizer.apply_gradients(zip(gradients, trainable_variables))

  @tf.function(input_signature=[tf.TensorSpec([None, 784], tf.float32), tf.TensorSpec([None, 10], tf.float32)])
  def compute_accuracy(x, y_):
      y = tf.matmul(x, W) + b
      # Test trained model
      correct_prediction = tf.equal(tf.argmax(y, 1), tf.argmax(y_, 1))
      accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))
      return accuracy

  for _ in range(1000):
    batch_xs, batch_ys = mnist.train.next_batch(100)
    train_step(batch_xs, batch_ys)

  print(compute_accuracy(mnist.test.images, mnist.test.labels).numpy())

if __name__ == '__main__':
  parser = argparse.ArgumentParser()
  parser.add_argument('--data_dir', type=str, default='/tmp/data',
                      help='Directory for storing data')
  FLAGS = parser.parse_args()
  app.run(main, flags_parser=lambda argv: flags.FLAGS(argv, known_only=True))
