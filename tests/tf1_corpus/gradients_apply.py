# Softmax classifier on iris with the optimizer's two halves spelled out: compute_gradients, then
# apply_gradients (the shape tutorials use before clipping or inspecting gradients), with Adam.
import numpy as np
import tensorflow as tf
from sklearn.datasets import load_iris

tf.set_random_seed(777)  # for reproducibility

iris = load_iris()
x_data = iris.data.astype(np.float32)
x_data = (x_data - np.mean(x_data, axis=0)) / np.std(x_data, axis=0)
y_data = np.eye(3, dtype=np.float32)[iris.target]
nb_classes = 3

X = tf.placeholder(tf.float32, [None, 4])
Y = tf.placeholder(tf.float32, [None, nb_classes])

W = tf.Variable(tf.random_normal([4, nb_classes]), name="weight")
b = tf.Variable(tf.random_normal([nb_classes]), name="bias")

logits = tf.matmul(X, W) + b
hypothesis = tf.nn.softmax(logits)
cost = tf.reduce_mean(-tf.reduce_sum(Y * tf.log(hypothesis), axis=1))

optimizer = tf.train.AdamOptimizer(learning_rate=0.01)
grads_and_vars = optimizer.compute_gradients(cost)
train = optimizer.apply_gradients(grads_and_vars)

prediction = tf.argmax(hypothesis, 1)
correct_prediction = tf.equal(prediction, tf.argmax(Y, 1))
accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    print("initial W:", sess.run(W))
    print("initial b:", sess.run(b))

    for step in range(501):
        cost_val, _ = sess.run([cost, train], feed_dict={X: x_data, Y: y_data})
        if step % 100 == 0:
            print("Step: {:5}\tCost: {:.4f}\tAcc: {:.2%}".format(
                step, cost_val, sess.run(accuracy, feed_dict={X: x_data, Y: y_data})))

    print("Accuracy:", sess.run(accuracy, feed_dict={X: x_data, Y: y_data}))
    print("First predictions:", sess.run(prediction, feed_dict={X: x_data[::30]}))
