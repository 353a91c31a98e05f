# The digits RNN again, in the style later TF1 tutorials used: tf.nn.rnn_cell.BasicRNNCell unrolled
# by tf.nn.dynamic_rnn. Keras 3 (TF >= 2.16) has no BasicRNNCell: the migration is expected to
# report it, not to guess.
import numpy as np
import tensorflow as tf
from sklearn.datasets import load_digits

tf.set_random_seed(2017)

digits = load_digits()
images = (digits.images / 16.0).astype(np.float32)  # [n, 8 steps, 8 inputs]
targets = digits.target.astype(np.int64)
train_x, test_x = images[:1400], images[1400:]
train_y, test_y = targets[:1400], targets[1400:]

x = tf.placeholder(tf.float32, [None, 8, 8])
y = tf.placeholder(tf.int64, [None])
cell = tf.nn.rnn_cell.BasicRNNCell(num_units=32)
outputs, state = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
W = tf.Variable(tf.truncated_normal([32, 10], stddev=0.1))
b = tf.Variable(tf.zeros([10]))
logits = tf.matmul(state, W) + b

loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
train_op = tf.train.AdamOptimizer(0.01).minimize(loss)
accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), y), tf.float32))

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    kernel = [v for v in tf.global_variables() if "basic_rnn_cell/kernel" in v.name][0]
    print("initial %s[0]: %s" % (kernel.op.name, sess.run(kernel)[0, :5]))
    print("initial W[0]:", sess.run(W)[0, :5])
    for step in range(151):
        start = (step * 100) % 1400
        _, l = sess.run([train_op, loss], feed_dict={x: train_x[start:start + 100], y: train_y[start:start + 100]})
        if step % 50 == 0:
            print("step %d loss %.6f" % (step, l))
    print("test accuracy:", sess.run(accuracy, feed_dict={x: test_x, y: test_y}))
