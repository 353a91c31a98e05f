# A convnet built with tf.get_variable and tf.contrib.layers initializers, as courses and model zoos
# did: xavier_initializer (uniform and normal, one with an explicit seed), xavier_initializer_conv2d,
# variance_scaling_initializer (defaults, keyword arguments, uniform=False, arguments from variables).
import numpy as np
import tensorflow as tf
from sklearn.datasets import load_digits

tf.set_random_seed(1)  # so that your "random" numbers match ours

digits = load_digits()
images = (digits.images / 16.0).astype(np.float32)[..., np.newaxis]  # [n, 8, 8, 1]
labels = np.eye(10, dtype=np.float32)[digits.target]
X_train, X_test = images[:1500], images[1500:]
Y_train, Y_test = labels[:1500], labels[1500:]

FC_FACTOR = 2.0
FC_MODE = "FAN_IN"


def initialize_parameters():
    W1 = tf.get_variable("W1", [3, 3, 1, 8], initializer=tf.contrib.layers.xavier_initializer(seed=0))
    W2 = tf.get_variable("W2", [3, 3, 8, 16], initializer=tf.contrib.layers.xavier_initializer_conv2d())
    W3 = tf.get_variable("W3", [64, 32], initializer=tf.contrib.layers.variance_scaling_initializer())
    W4 = tf.get_variable("W4", [32, 32], initializer=tf.contrib.layers.variance_scaling_initializer(
        factor=1.0, mode="FAN_AVG", uniform=False))
    W5 = tf.get_variable("W5", [32, 32], initializer=tf.contrib.layers.variance_scaling_initializer(
        factor=FC_FACTOR, mode=FC_MODE, uniform=True))
    W6 = tf.get_variable("W6", [32, 10], initializer=tf.contrib.layers.xavier_initializer(uniform=False))
    b3 = tf.get_variable("b3", [32], initializer=tf.zeros_initializer())
    b6 = tf.get_variable("b6", [10], initializer=tf.zeros_initializer())
    return {"W1": W1, "W2": W2, "W3": W3, "W4": W4, "W5": W5, "W6": W6, "b3": b3, "b6": b6}


def forward_propagation(X, parameters):
    Z1 = tf.nn.conv2d(X, parameters["W1"], strides=[1, 1, 1, 1], padding="SAME")
    P1 = tf.nn.max_pool(tf.nn.relu(Z1), ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding="SAME")
    Z2 = tf.nn.conv2d(P1, parameters["W2"], strides=[1, 1, 1, 1], padding="SAME")
    P2 = tf.nn.max_pool(tf.nn.relu(Z2), ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding="SAME")
    F = tf.reshape(P2, [-1, 64])
    A3 = tf.nn.relu(tf.matmul(F, parameters["W3"]) + parameters["b3"])
    A4 = tf.nn.relu(tf.matmul(A3, parameters["W4"]))
    A5 = tf.nn.relu(tf.matmul(A4, parameters["W5"]))
    return tf.matmul(A5, parameters["W6"]) + parameters["b6"]


X = tf.placeholder(tf.float32, [None, 8, 8, 1])
Y = tf.placeholder(tf.float32, [None, 10])
parameters = initialize_parameters()
Z = forward_propagation(X, parameters)
cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(logits=Z, labels=Y))
optimizer = tf.train.AdamOptimizer(learning_rate=0.005).minimize(cost)
accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(Z, 1), tf.argmax(Y, 1)), "float"))

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for name in ["W1", "W2", "W3", "W4", "W5", "W6"]:
        value = sess.run(parameters[name])
        print("initial %s[:4]: %s std %.6f" % (name, value.ravel()[:4], value.std()))
    for epoch in range(10):
        minibatch_cost = 0.0
        for i in range(0, 1500, 100):
            _, c = sess.run([optimizer, cost], feed_dict={X: X_train[i:i + 100], Y: Y_train[i:i + 100]})
            minibatch_cost += c / 15
        if epoch % 3 == 0:
            print("Cost after epoch %i: %f" % (epoch, minibatch_cost))
    print("Train Accuracy:", accuracy.eval({X: X_train, Y: Y_train}))
    print("Test Accuracy:", accuracy.eval({X: X_test, Y: Y_test}))
