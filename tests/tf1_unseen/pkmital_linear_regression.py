# tf1init unseen-evaluation program: pkmital_linear_regression
# Source: https://github.com/pkmital/tensorflow_tutorials/blob/50fa9fecfe824e0ba87441511bbe9c2d8cad4e8b/python/02_linear_regression.py
# Repository pkmital/tensorflow_tutorials, commit 50fa9fecfe824e0ba87441511bbe9c2d8cad4e8b,
# path python/02_linear_regression.py.
# License: Apache-2.0, Copyright 2016 Parag K. Mital (notice: LICENSES/NOTICE-pkmital-tensorflow_tutorials.txt,
# full text: LICENSES/Apache-2.0.txt).
# Changed (each change is marked "tf1init"): matplotlib import and plotting removed, the plotted
# prediction (Y_pred.eval(..., session=sess)) printed instead; graph and numpy seeds set after the
# imports; n_epochs 1000 -> 50.
"""Simple tutorial for using TensorFlow to compute a linear regression.

Parag K. Mital, Jan. 2016"""
# %% imports
import numpy as np
import tensorflow as tf
# tf1init: removed `import matplotlib.pyplot as plt` (plots only)
tf.set_random_seed(1)  # tf1init: fixed graph seed, for a stable output
np.random.seed(1)  # tf1init: fixed numpy seed (the toy data comes from np.random)


# %% Let's create some toy data
# tf1init: removed plt.ion() and fig, ax = plt.subplots(1, 1)
n_observations = 100
xs = np.linspace(-3, 3, n_observations)
ys = np.sin(xs) + np.random.uniform(-0.5, 0.5, n_observations)
# tf1init: removed ax.scatter(xs, ys), fig.show(), plt.draw()

# %% tf.placeholders for the input and output of the network. Placeholders are
# variables which we need to fill in when we are ready to compute the graph.
X = tf.placeholder(tf.float32)
Y = tf.placeholder(tf.float32)

# %% We will try to optimize min_(W,b) ||(X*w + b) - y||^2
# The `Variable()` constructor requires an initial value for the variable,
# which can be a `Tensor` of any type and shape. The initial value defines the
# type and shape of the variable. After construction, the type and shape of
# the variable are fixed. The value can be changed using one of the assign
# methods.
W = tf.Variable(tf.random_normal([1]), name='weight')
b = tf.Variable(tf.random_normal([1]), name='bias')
Y_pred = tf.add(tf.multiply(X, W), b)

# %% Loss function will measure the distance between our observations
# and predictions and average over them.
cost = tf.reduce_sum(tf.pow(Y_pred - Y, 2)) / (n_observations - 1)

# %% if we wanted to add regularization, we could add other terms to the cost,
# e.g. ridge regression has a parameter controlling the amount of shrinkage
# over the norm of activations. the larger the shrinkage, the more robust
# to collinearity.
# cost = tf.add(cost, tf.mul(1e-6, tf.global_norm([W])))

# %% Use gradient descent to optimize W,b
# Performs a single step in the negative gradient
learning_rate = 0.01
optimizer = tf.train.GradientDescentOptimizer(learning_rate).minimize(cost)

# %% We create a session to use the graph
n_epochs = 50  # tf1init: was 1000 (run time)
with tf.Session() as sess:
    # Here we tell tensorflow that we want to initialize all
    # the variables in the graph so we can use them
    sess.run(tf.global_variables_initializer())

    # Fit all training data
    prev_training_cost = 0.0
    for epoch_i in range(n_epochs):
        for (x, y) in zip(xs, ys):
            sess.run(optimizer, feed_dict={X: x, Y: y})

        training_cost = sess.run(
            cost, feed_dict={X: xs, Y: ys})
        print(training_cost)

        if epoch_i % 20 == 0:
            # tf1init: was ax.plot(xs, Y_pred.eval(...), 'k', alpha=epoch_i / n_epochs), fig.show(),
            # plt.draw(); the first predictions are printed instead
            print(Y_pred.eval(
                feed_dict={X: xs}, session=sess)[:3])

        # Allow the training to quit if we've reached a minimum
        if np.abs(prev_training_cost - training_cost) < 0.000001:
            break
        prev_training_cost = training_cost
# tf1init: removed fig.show() and plt.waitforbuttonpress()
