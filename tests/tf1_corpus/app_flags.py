# A command-line training script in the tf.app.flags / tf.app.run style: a one-hidden-layer
# classifier on the iris data, Momentum, hyper-parameters from flags.
import shutil
import tempfile

import numpy as np
import tensorflow as tf
from sklearn.datasets import load_iris

flags = tf.app.flags
FLAGS = flags.FLAGS
flags.DEFINE_float("learning_rate", 0.1, "Initial learning rate.")
flags.DEFINE_float("momentum", 0.9, "Momentum.")
flags.DEFINE_integer("max_steps", 200, "Number of steps to run trainer.")
flags.DEFINE_integer("hidden1", 16, "Number of units in hidden layer 1.")
# Not "log_dir": absl.logging, which tf.app.flags is built on in TF 1.15, defines that flag already.
flags.DEFINE_string("summaries_dir", "", "Directory for summaries (a temporary one when empty).")


def main(_):
    tf.set_random_seed(0)
    iris = load_iris()
    features = iris.data.astype(np.float32)
    features = (features - features.mean(axis=0)) / features.std(axis=0)
    order = np.random.RandomState(0).permutation(len(features))
    features, species = features[order], iris.target[order]
    train_x, test_x = features[:120], features[120:]
    train_y, test_y = species[:120], species[120:]

    x = tf.placeholder(tf.float32, [None, 4], name="x")
    labels = tf.placeholder(tf.int64, [None], name="labels")
    with tf.name_scope("hidden1"):
        weights = tf.Variable(tf.truncated_normal([4, FLAGS.hidden1], stddev=0.5), name="weights")
        biases = tf.Variable(tf.zeros([FLAGS.hidden1]), name="biases")
        hidden = tf.nn.relu(tf.matmul(x, weights) + biases)
    with tf.name_scope("softmax_linear"):
        weights2 = tf.Variable(tf.truncated_normal([FLAGS.hidden1, 3], stddev=0.5), name="weights")
        biases2 = tf.Variable(tf.zeros([3]), name="biases")
        logits = tf.matmul(hidden, weights2) + biases2
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits))
    tf.summary.scalar("loss", loss)
    train_op = tf.train.MomentumOptimizer(FLAGS.learning_rate, FLAGS.momentum).minimize(loss)
    accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), labels), tf.float32))
    summary = tf.summary.merge_all()

    log_dir = FLAGS.summaries_dir or tempfile.mkdtemp()
    with tf.Session() as sess:
        writer = tf.summary.FileWriter(log_dir, sess.graph)
        sess.run(tf.global_variables_initializer())
        print("initial hidden1 weights[0]:", sess.run(weights)[0, :8])
        for step in range(FLAGS.max_steps):
            feed = {x: train_x, labels: train_y}
            _, loss_value, summary_str = sess.run([train_op, loss, summary], feed_dict=feed)
            writer.add_summary(summary_str, step)
            if step % 50 == 0:
                print("Step %d: loss = %.6f" % (step, loss_value))
        writer.close()
        print("learning_rate=%g max_steps=%d" % (FLAGS.learning_rate, FLAGS.max_steps))
        print("test accuracy:", sess.run(accuracy, feed_dict={x: test_x, labels: test_y}))
    if not FLAGS.summaries_dir:
        shutil.rmtree(log_dir)


if __name__ == "__main__":
    tf.app.run()
