# A deep MLP on the digits: truncated-normal weights, constant biases, ReLU, dropout fed through a
# keep_prob placeholder, Adam, an epoch loop over mini-batches.
import numpy as np
import tensorflow as tf
from sklearn.datasets import load_digits

tf.set_random_seed(777)  # reproducibility

digits = load_digits()
data = digits.data.astype(np.float32) / 16.0
onehot = np.eye(10, dtype=np.float32)[digits.target]
x_train, x_test = data[:1500], data[1500:]
y_train, y_test = onehot[:1500], onehot[1500:]

learning_rate = 0.001
training_epochs = 15
batch_size = 100


def weight(shape):
    return tf.Variable(tf.truncated_normal(shape, stddev=0.1))


def bias(shape):
    return tf.Variable(tf.constant(0.1, shape=shape))


X = tf.placeholder(tf.float32, [None, 64])
Y = tf.placeholder(tf.float32, [None, 10])
keep_prob = tf.placeholder(tf.float32)

W1, b1 = weight([64, 128]), bias([128])
L1 = tf.nn.dropout(tf.nn.relu(tf.matmul(X, W1) + b1), keep_prob=keep_prob)
W2, b2 = weight([128, 128]), bias([128])
L2 = tf.nn.dropout(tf.nn.relu(tf.matmul(L1, W2) + b2), keep_prob=keep_prob)
W3, b3 = weight([128, 64]), bias([64])
L3 = tf.nn.dropout(tf.nn.relu(tf.matmul(L2, W3) + b3), keep_prob=keep_prob)
W4, b4 = weight([64, 10]), bias([10])
hypothesis = tf.matmul(L3, W4) + b4

cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(logits=hypothesis, labels=Y))
optimizer = tf.train.AdamOptimizer(learning_rate=learning_rate).minimize(cost)

correct_prediction = tf.equal(tf.argmax(hypothesis, 1), tf.argmax(Y, 1))
accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    print("initial W1[0, :6]:", sess.run(W1)[0, :6])
    print("initial W4[0]:", sess.run(W4)[0])
    total_batch = len(x_train) // batch_size
    for epoch in range(training_epochs):
        avg_cost = 0
        for i in range(total_batch):
            batch_xs = x_train[i * batch_size:(i + 1) * batch_size]
            batch_ys = y_train[i * batch_size:(i + 1) * batch_size]
            c, _ = sess.run([cost, optimizer], feed_dict={X: batch_xs, Y: batch_ys, keep_prob: 0.7})
            avg_cost += c / total_batch
        if epoch % 5 == 0 or epoch == training_epochs - 1:
            print("Epoch:", "%04d" % (epoch + 1), "cost =", "{:.9f}".format(avg_cost))

    print("Accuracy:", sess.run(accuracy, feed_dict={X: x_test, Y: y_test, keep_prob: 1.0}))
