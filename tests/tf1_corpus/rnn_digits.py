# A vanilla RNN on the digits, each image's 8 rows read as 8 time steps. The cell is written by
# hand (tf.matmul + tf.tanh, unrolled over tf.unstack), as many early TF1 tutorials did.
import numpy as np
import tensorflow as tf
from sklearn.datasets import load_digits

tf.set_random_seed(2017)

digits = load_digits()
images = (digits.images / 16.0).astype(np.float32)  # [n, 8 steps, 8 inputs]
targets = np.eye(10, dtype=np.float32)[digits.target]
train_x, test_x = images[:1400], images[1400:]
train_y, test_y = targets[:1400], targets[1400:]

n_steps, n_inputs, n_hidden, n_classes = 8, 8, 32, 10

x = tf.placeholder(tf.float32, [None, n_steps, n_inputs])
y = tf.placeholder(tf.float32, [None, n_classes])

weights = {
    "in": tf.Variable(tf.random_normal([n_inputs, n_hidden], stddev=0.1)),
    "rec": tf.Variable(tf.random_normal([n_hidden, n_hidden], stddev=0.1)),
    "out": tf.Variable(tf.random_normal([n_hidden, n_classes], stddev=0.1)),
}
biases = {
    "rec": tf.Variable(tf.zeros([n_hidden])),
    "out": tf.Variable(tf.zeros([n_classes])),
}


def rnn(inputs):
    steps = tf.unstack(inputs, n_steps, 1)
    # tf.stack, not a list: TF 1.15 with numpy >= 1.20 cannot turn [tensor, int] into a shape.
    state = tf.zeros(tf.stack([tf.shape(inputs)[0], n_hidden]))
    for step in steps:
        state = tf.tanh(tf.matmul(step, weights["in"]) + tf.matmul(state, weights["rec"]) + biases["rec"])
    return tf.matmul(state, weights["out"]) + biases["out"]


pred = rnn(x)
cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(logits=pred, labels=y))
optimizer = tf.train.AdamOptimizer(learning_rate=0.01).minimize(cost)
correct_pred = tf.equal(tf.argmax(pred, 1), tf.argmax(y, 1))
accuracy = tf.reduce_mean(tf.cast(correct_pred, tf.float32))

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    print("initial in[0]:", sess.run(weights["in"])[0, :6])
    print("initial rec[0]:", sess.run(weights["rec"])[0, :6])
    for step in range(200):
        start = (step * 100) % 1400
        batch_x, batch_y = train_x[start:start + 100], train_y[start:start + 100]
        sess.run(optimizer, feed_dict={x: batch_x, y: batch_y})
        if step % 50 == 0:
            loss, acc = sess.run([cost, accuracy], feed_dict={x: batch_x, y: batch_y})
            print("Iter %d, minibatch loss= %.6f, training accuracy= %.5f" % (step, loss, acc))
    print("Testing accuracy:", sess.run(accuracy, feed_dict={x: test_x, y: test_y}))
