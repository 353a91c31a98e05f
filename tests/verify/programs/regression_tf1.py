"""A TF1 training script in the usual style: placeholders, a session, a few steps, prints.

Every random op has an explicit op seed, so TF 1.15 and TF 2.x draw the same initial values.
"""
import sys

import numpy as np
import tensorflow as tf

data = np.loadtxt("data.csv", delimiter=",", dtype=np.float32)
features, targets = data[:, :4], data[:, 4:]
steps = int(sys.argv[1]) if len(sys.argv) > 1 else 5

x = tf.placeholder(tf.float32, [None, 4], name="x")
y = tf.placeholder(tf.float32, [None, 1], name="y")
W1 = tf.Variable(tf.random_normal([4, 32], stddev=0.5, seed=11), name="W1")
b1 = tf.Variable(tf.zeros([32]), name="b1")
W2 = tf.get_variable("W2", [32, 1], initializer=tf.truncated_normal_initializer(stddev=0.3, seed=12))
b2 = tf.Variable(tf.constant(0.1, shape=[1]), name="b2")
hidden = tf.nn.relu(tf.matmul(x, W1) + b1)
prediction = tf.matmul(hidden, W2) + b2
loss = tf.reduce_mean(tf.square(prediction - y))
train = tf.train.GradientDescentOptimizer(0.05).minimize(loss)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(steps):
        _, value = sess.run([train, loss], feed_dict={x: features, y: targets})
        print("step %d loss %.6f" % (step, value))
    print("W1 sum:", sess.run(tf.reduce_sum(W1)))
