# Initialize a subset of variables: a pretrained "body" and a "head" reset with
# tf.variables_initializer, tf.report_uninitialized_variables, and a counter updated by tf.assign.
import numpy as np
import tensorflow as tf

tf.set_random_seed(10)

x_data = np.array([[1.0, 2.0], [2.0, 1.0], [3.0, 3.0], [0.5, 4.0], [4.0, 0.5]], np.float32)
y_data = np.array([[3.0], [3.0], [6.0], [4.5], [4.5]], np.float32)

X = tf.placeholder(tf.float32, [None, 2])
Y = tf.placeholder(tf.float32, [None, 1])
with tf.variable_scope("body"):
    W1 = tf.Variable(tf.random_normal([2, 3], stddev=0.5), name="W1")
    b1 = tf.Variable(tf.zeros([3]), name="b1")
with tf.variable_scope("head"):
    W2 = tf.Variable(tf.random_normal([3, 1], stddev=0.5), name="W2")
    b2 = tf.Variable(tf.zeros([1]), name="b2")
epoch = tf.Variable(0, name="epoch", trainable=False)
increment_epoch = tf.assign(epoch, epoch + 1)

hidden = tf.nn.relu(tf.matmul(X, W1) + b1)
output = tf.matmul(hidden, W2) + b2
loss = tf.reduce_mean(tf.square(output - Y))
train = tf.train.GradientDescentOptimizer(0.01).minimize(loss)

body_init = tf.variables_initializer([W1, b1])
head_init = tf.variables_initializer([W2, b2, epoch])

with tf.Session() as sess:
    sess.run(body_init)
    print("uninitialized:", sess.run(tf.report_uninitialized_variables()))
    sess.run(head_init)
    print("initial W1:", sess.run(W1))
    print("initial W2:", sess.run(W2).ravel())
    for _ in range(3):
        for _ in range(100):
            sess.run(train, feed_dict={X: x_data, Y: y_data})
        print("epoch", sess.run(increment_epoch), "loss", sess.run(loss, feed_dict={X: x_data, Y: y_data}))

    # Fine-tune from a fresh head: running its initializer again draws new values.
    sess.run(head_init)
    print("reset W2:", sess.run(W2).ravel(), "epoch", sess.run(epoch))
    print("body kept W1[0]:", sess.run(W1)[0])
    for _ in range(100):
        sess.run(train, feed_dict={X: x_data, Y: y_data})
    print("after fine-tuning, loss", sess.run(loss, feed_dict={X: x_data, Y: y_data}))
