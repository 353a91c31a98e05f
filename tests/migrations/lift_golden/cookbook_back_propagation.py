# tf1init unseen-evaluation program: cookbook_back_propagation
# Source: https://github.com/nfmcclure/tensorflow_cookbook/blob/dcab4be5932c66af5177de8c8d688c3c32c6e0d7/02_TensorFlow_Way/05_Implementing_Back_Propagation/05_back_propagation.py
# Repository nfmcclure/tensorflow_cookbook, commit dcab4be5932c66af5177de8c8d688c3c32c6e0d7,
# path 02_TensorFlow_Way/05_Implementing_Back_Propagation/05_back_propagation.py.
# License: MIT, Copyright (c) 2016 Nick McClure, (c) 2016 Packt Publishing
# (full text: LICENSES/MIT-nfmcclure-tensorflow_cookbook.txt).
# Changed (each change is marked "tf1init"): unused matplotlib import removed; graph and numpy seeds
# set after the imports, and the graph seed set again after the second reset_default_graph().
# Back Propagation
#----------------------------------
#
# This python function shows how to implement back propagation
# in regression and classification models.

# tf1init: removed `import matplotlib.pyplot as plt` (unused)
import numpy as np
import tensorflow as tf
from tensorflow.python.framework import ops
tf.random.set_seed(1)  # tf1init: fixed graph seed, for a stable output
np.random.seed(1)  # tf1init: fixed numpy seed (data and samples come from np.random)

# Create graph

# Regression Example:
# We will create sample data as follows:
# x-data: 100 random samples from a normal ~ N(1, 0.1)
# target: 100 values of the value 10.
# We will fit the model:
# x-data * A = target
# Theoretically, A = 10.

# Create data
x_vals = np.random.normal(1, 0.1, 100)
y_vals = np.repeat(10., 100)

# Create variable (one model parameter = A)
A = tf.Variable(tf.random.normal(shape=[1], seed=5))


# Initialize variables

# Create Optimizer
my_opt = tf.keras.optimizers.SGD(learning_rate=0.02)
trainable_variables = [A]


@tf.function(input_signature=[tf.TensorSpec([1], tf.float32), tf.TensorSpec([1], tf.float32)])
def train_step_2(x_data, y_target):
    with tf.GradientTape() as tape:
        # Add operation to graph
        my_output = tf.multiply(x_data, A)
        # Add L2 loss operation to graph
        loss = tf.square(my_output - y_target)
    gradients = tape.gradient(loss, trainable_variables)
    my_opt.apply_gradients(zip(gradients, trainable_variables))


@tf.function(input_signature=[tf.TensorSpec([1], tf.float32), tf.TensorSpec([1], tf.float32)])
def compute_loss(x_data, y_target):
    # Add operation to graph
    my_output = tf.multiply(x_data, A)
    # Add L2 loss operation to graph
    loss = tf.square(my_output - y_target)
    return loss


# Run Loop
for i in range(100):
    rand_index = np.random.choice(100)
    rand_x = [x_vals[rand_index]]
    rand_y = [y_vals[rand_index]]
    train_step_2(rand_x, rand_y)
    if (i+1)%25==0:
        print('Step #' + str(i+1) + ' A = ' + str(A.numpy()))
        print('Loss = ' + str(compute_loss(rand_x, rand_y).numpy()))

# Classification Example
# We will create sample data as follows:
# x-data: sample 50 random values from a normal = N(-1, 1)
#         + sample 50 random values from a normal = N(1, 1)
# target: 50 values of 0 + 50 values of 1.
#         These are essentially 100 values of the corresponding output index
# We will fit the binary classification model:
# If sigmoid(x+A) < 0.5 -> 0 else 1
# Theoretically, A should be -(mean1 + mean2)/2
tf.random.set_seed(1)  # tf1init: the new default graph has no seed

# Create graph

# Create data
x_vals = np.concatenate((np.random.normal(-1, 1, 50), np.random.normal(3, 1, 50)))
y_vals = np.concatenate((np.repeat(0., 50), np.repeat(1., 50)))

# Create variable (one model parameter = A)
A = tf.Variable(tf.random.normal(mean=10, shape=[1], seed=5))


# Initialize variables


# Create Optimizer
my_opt = tf.keras.optimizers.SGD(learning_rate=0.05)
trainable_variables_2 = [A]


@tf.function(input_signature=[tf.TensorSpec([1], tf.float32), tf.TensorSpec([1], tf.float32)])
def train_step_3(x_data, y_target):
    with tf.GradientTape() as tape:
        # Add operation to graph
        # Want to create the operstion sigmoid(x + A)
        # Note, the sigmoid() part is in the loss function
        my_output = tf.add(x_data, A)
        # Now we have to add another dimension to each (batch size of 1)
        my_output_expanded = tf.expand_dims(my_output, 0)
        y_target_expanded = tf.expand_dims(y_target, 0)
        # Add classification loss (cross entropy)
        xentropy = tf.nn.sigmoid_cross_entropy_with_logits(logits=my_output_expanded, labels=y_target_expanded)
    gradients = tape.gradient(xentropy, trainable_variables_2)
    my_opt.apply_gradients(zip(gradients, trainable_variables_2))


@tf.function(input_signature=[tf.TensorSpec([1], tf.float32), tf.TensorSpec([1], tf.float32)])
def compute_xentropy(x_data, y_target):
    # Add operation to graph
    # Want to create the operstion sigmoid(x + A)
    # Note, the sigmoid() part is in the loss function
    my_output = tf.add(x_data, A)
    # Now we have to add another dimension to each (batch size of 1)
    my_output_expanded = tf.expand_dims(my_output, 0)
    y_target_expanded = tf.expand_dims(y_target, 0)
    # Add classification loss (cross entropy)
    xentropy = tf.nn.sigmoid_cross_entropy_with_logits(logits=my_output_expanded, labels=y_target_expanded)
    return xentropy


@tf.function(input_signature=[tf.TensorSpec([1], tf.float32)])
def compute_round(x_data):
    # Add operation to graph
    # Want to create the operstion sigmoid(x + A)
    # Note, the sigmoid() part is in the loss function
    my_output = tf.add(x_data, A)
    return tf.round(tf.sigmoid(my_output))


# Run loop
for i in range(1400):
    rand_index = np.random.choice(100)
    rand_x = [x_vals[rand_index]]
    rand_y = [y_vals[rand_index]]

    train_step_3(rand_x, rand_y)
    if (i+1)%200==0:
        print('Step #' + str(i+1) + ' A = ' + str(A.numpy()))
        print('Loss = ' + str(compute_xentropy(rand_x, rand_y).numpy()))

# Evaluate Predictions
predictions = []
for i in range(len(x_vals)):
    x_val = [x_vals[i]]
    prediction = compute_round(x_val).numpy()
    predictions.append(prediction[0])
    
accuracy = sum(x==y for x,y in zip(predictions, y_vals))/100.
print('Ending Accuracy = ' + str(np.round(accuracy, 2)))
