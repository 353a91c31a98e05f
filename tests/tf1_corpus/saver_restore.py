# Train, save a checkpoint with tf.train.Saver, then restore it: into a new session of the same
# graph, and into a freshly built graph (the way an evaluation script would).
# usage: saver_restore.py [CHECKPOINT_DIR]   (a temporary directory when none is given)
import os
import shutil
import sys
import tempfile

import numpy as np
import tensorflow as tf

ckpt_dir = sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp()
x_data = np.array([[0.5, 1.0, -1.5], [1.0, -0.5, 2.0], [-1.0, 0.5, 0.5], [2.0, 1.5, -0.5]], np.float32)
y_data = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5], [1.0, 1.0]], np.float32)


def build_model():
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    y = tf.placeholder(tf.float32, [None, 2], name="y")
    W = tf.Variable(tf.truncated_normal([3, 2], stddev=0.5), name="W")
    b = tf.Variable(tf.zeros([2]), name="b")
    global_step = tf.Variable(0, name="global_step", trainable=False)
    loss = tf.reduce_mean(tf.square(tf.matmul(x, W) + b - y))
    return x, y, W, b, global_step, loss


tf.set_random_seed(1234)
x, y, W, b, global_step, loss = build_model()
train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss, global_step=global_step)
saver = tf.train.Saver()

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    print("initial W:", sess.run(W))
    for i in range(50):
        l, _ = sess.run([loss, train_op], feed_dict={x: x_data, y: y_data})
        if i % 10 == 0:
            print("step", i, "loss", l)
    saver.save(sess, os.path.join(ckpt_dir, "model.ckpt"), global_step=global_step)
    print("saved at step", sess.run(global_step))
    print("trained W:", sess.run(W))
    print("trained b:", sess.run(b))

# A new session on the same graph: restore instead of initializing.
with tf.Session() as sess:
    saver.restore(sess, tf.train.latest_checkpoint(ckpt_dir))
    print("restored W:", sess.run(W))
    print("restored step:", sess.run(global_step))

# A new graph, as an evaluation script builds it: same names, restored values.
tf.reset_default_graph()
x, y, W, b, global_step, loss = build_model()
saver = tf.train.Saver()
with tf.Session() as sess:
    saver.restore(sess, tf.train.latest_checkpoint(ckpt_dir))
    print("restored b:", sess.run(b))
    print("restored loss:", sess.run(loss, feed_dict={x: x_data, y: y_data}))

if len(sys.argv) <= 1:
    shutil.rmtree(ckpt_dir)
