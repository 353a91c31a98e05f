# tf1init unseen-evaluation program: aymeric_save_restore_model
# Source: https://github.com/aymericdamien/TensorFlow-Examples/blob/ad217b429f752ca7debcabe71a9316c56d31ab6c/examples/4_Utils/save_restore_model.py
# Repository aymericdamien/TensorFlow-Examples, commit ad217b429f752ca7debcabe71a9316c56d31ab6c,
# path examples/4_Utils/save_restore_model.py.
# License: MIT, Copyright (c) 2015, Aymeric Damien (full text: LICENSES/MIT-aymericdamien-TensorFlow-Examples.txt).
# Changed (each change is marked "tf1init"): the MNIST download is replaced by scikit-learn's digits
# in MNIST's shape (data block); a graph seed is set after the imports.
# Note: as written by its author it saves to and restores from /tmp/model.ckpt.
'''
Save and Restore a model using TensorFlow.
This example is using the MNIST database of handwritten digits
(http://yann.lecun.com/exdb/mnist/)

Author: Aymeric Damien
Project: https://github.com/aymericdamien/TensorFlow-Examples/
'''

from __future__ import print_function

# Import MNIST data
from _mnist_from_digits import input_data  # tf1init: data (was: from tensorflow.examples.tutorials.mnist import input_data)
mnist = input_data.read_data_sets("MNIST_data/", one_hot=True)

import tensorflow as tf
import tf1init
tf.random.set_seed(1)  # tf1init: fixed graph seed, for a stable output

# Parameters
learning_rate = 0.001
batch_size = 100
display_step = 1
model_path = "model.ckpt"  # tf1init: was "/tmp/model.ckpt" (a run writes beside the program, so two can run at once)

# Network Parameters
n_hidden_1 = 256 # 1st layer number of features
n_hidden_2 = 256 # 2nd layer number of features
n_input = 784 # MNIST data input (img shape: 28*28)
n_classes = 10 # MNIST total classes (0-9 digits)

# tf Graph input


# Create model
def multilayer_perceptron(x, weights, biases):
    # Hidden layer with RELU activation
    layer_1 = tf.add(tf.matmul(x, weights['h1']), biases['b1'])
    layer_1 = tf.nn.relu(layer_1)
    # Hidden layer with RELU activation
    layer_2 = tf.add(tf.matmul(layer_1, weights['h2']), biases['b2'])
    layer_2 = tf.nn.relu(layer_2)
    # Output layer with linear activation
    out_layer = tf.matmul(layer_2, weights['out']) + biases['out']
    return out_layer

# Store layers weight & bias
weights = {
    'h1': tf.Variable(tf.random.normal([n_input, n_hidden_1], seed=5)),
    'h2': tf.Variable(tf.random.normal([n_hidden_1, n_hidden_2], seed=14)),
    'out': tf.Variable(tf.random.normal([n_hidden_2, n_classes], seed=23))
}
biases = {
    'b1': tf.Variable(tf.random.normal([n_hidden_1], seed=32)),
    'b2': tf.Variable(tf.random.normal([n_hidden_2], seed=41)),
    'out': tf.Variable(tf.random.normal([n_classes], seed=50))
}

optimizer = tf.keras.optimizers.Adam(learning_rate=learning_rate, epsilon=1e-08)
trainable_variables = [*weights.values(), *biases.values()]

# Initialize the variables (i.e. assign their default value)

# 'Saver' op to save and restore all the variables
checkpoint = tf.train.Checkpoint(weights=weights, biases=biases, optimizer=optimizer)

# Running first session
print("Starting 1st session...")
# Run the initializer
all_variables = [*weights.values(), *biases.values()]
initial_values = [variable.numpy() for variable in all_variables]


@tf.function(input_signature=[tf.TensorSpec([None, n_input], "float"), tf.TensorSpec([None, n_classes], "float")])
def train_step(x, y):
    with tf.GradientTape() as tape:
        # Construct model
        pred = multilayer_perceptron(x, weights, biases)
        # Define loss and optimizer
        cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(logits=pred, labels=y))
    gradients = tape.gradient(cost, trainable_variables)
    optimizer.apply_gradients(zip(gradients, trainable_variables))
    return cost


@tf.function(input_signature=[tf.TensorSpec([None, n_input], "float"), tf.TensorSpec([None, n_classes], "float")])
def compute_accuracy(x, y):
    # Construct model
    pred = multilayer_perceptron(x, weights, biases)
    # Test model
    correct_prediction = tf.equal(tf.argmax(pred, 1), tf.argmax(y, 1))
    # Calculate accuracy
    accuracy = tf.reduce_mean(tf.cast(correct_prediction, "float"))
    return accuracy


# Training cycle
for epoch in range(3):
    avg_cost = 0.
    total_batch = int(mnist.train.num_examples/batch_size)
    # Loop over all batches
    for i in range(total_batch):
        batch_x, batch_y = mnist.train.next_batch(batch_size)
        # Run optimization op (backprop) and cost op (to get loss value)
        c = train_step(batch_x, batch_y).numpy()
        # Compute average loss
        avg_cost += c / total_batch
    # Display logs per epoch step
    if epoch % display_step == 0:
        print("Epoch:", '%04d' % (epoch+1), "cost=", \
            "{:.9f}".format(avg_cost))
print("First Optimization Finished!")

print("Accuracy:", compute_accuracy(mnist.test.images, mnist.test.labels).numpy())

# Save model weights to disk
save_path = tf1init.saver_save(checkpoint, model_path)
print("Model saved in file: %s" % save_path)

# Running a new session
print("Starting 2nd session...")
# Initialize variables
for variable, value in zip(all_variables, initial_values):
    variable.assign(value)

# Restore model weights from previously saved model
tf1init.saver_restore(checkpoint, model_path)
print("Model restored from file: %s" % save_path)

# Resume training
for epoch in range(7):
    avg_cost = 0.
    total_batch = int(mnist.train.num_examples / batch_size)
    # Loop over all batches
    for i in range(total_batch):
        batch_x, batch_y = mnist.train.next_batch(batch_size)
        # Run optimization op (backprop) and cost op (to get loss value)
        c = train_step(batch_x, batch_y).numpy()
        # Compute average loss
        avg_cost += c / total_batch
    # Display logs per epoch step
    if epoch % display_step == 0:
        print("Epoch:", '%04d' % (epoch + 1), "cost=", \
            "{:.9f}".format(avg_cost))
print("Second Optimization Finished!")

print("Accuracy:", compute_accuracy(mnist.test.images, mnist.test.labels).numpy())
