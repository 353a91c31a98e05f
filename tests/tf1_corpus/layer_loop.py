# A deep-ish MLP on the breast cancer data whose layers are built by a `for` loop over the layer
# sizes at module level, the weights and biases kept in lists, trained by gradient descent.
import numpy as np
import tensorflow as tf
from sklearn.datasets import load_breast_cancer

tf.set_random_seed(0)

cancer = load_breast_cancer()
data = cancer.data.astype(np.float32)
data = (data - data.mean(axis=0)) / data.std(axis=0)
target = cancer.target.astype(np.float32).reshape(-1, 1)
x_train, x_test = data[:450], data[450:]
y_train, y_test = target[:450], target[450:]

layer_sizes = [30, 64, 32, 16]

x = tf.placeholder(tf.float32, [None, 30])
y = tf.placeholder(tf.float32, [None, 1])

weights = []
biases = []
h = x
for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:]):
    W = tf.Variable(tf.truncated_normal([n_in, n_out], stddev=0.1))
    b = tf.Variable(tf.constant(0.1, shape=[n_out]))
    weights.append(W)
    biases.append(b)
    h = tf.nn.relu(tf.matmul(h, W) + b)

W_out = tf.Variable(tf.truncated_normal([layer_sizes[-1], 1], stddev=0.1))
b_out = tf.Variable(tf.constant(0.1, shape=[1]))
logits = tf.matmul(h, W_out) + b_out

loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=logits))
train_step = tf.train.GradientDescentOptimizer(0.05).minimize(loss)

predicted = tf.cast(logits > 0, tf.float32)
accuracy = tf.reduce_mean(tf.cast(tf.equal(predicted, y), tf.float32))

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for i, W in enumerate(weights):
        print("initial W%d[0, :4]:" % (i + 1), sess.run(W)[0, :4])
    print("initial W_out:", sess.run(W_out).ravel()[:4])

    for step in range(301):
        _, loss_val = sess.run([train_step, loss], feed_dict={x: x_train, y: y_train})
        if step % 100 == 0:
            print("step", step, "loss", loss_val)

    print("train accuracy", sess.run(accuracy, feed_dict={x: x_train, y: y_train}))
    print("test accuracy", sess.run(accuracy, feed_dict={x: x_test, y: y_test}))
