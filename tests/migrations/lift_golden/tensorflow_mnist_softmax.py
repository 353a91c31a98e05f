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
from _mnist_from_digits import input_data  # tf1init: data (was: from tensorflow.examples.tutorials.mnist import input_data)

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
