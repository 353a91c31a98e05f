"""Trains digits_model with a feed dictionary, after TensorFlow's fully_connected_feed.py:
argparse for the options, tf.app.run(main=..., argv=...), the graph built inside
`with tf.Graph().as_default()`, summaries into a temporary directory."""
import argparse
import shutil
import sys
import tempfile

import numpy as np
import tensorflow as tf
from sklearn.datasets import load_digits

import digits_model

FLAGS = None


def fill_feed_dict(images, labels, step, images_pl, labels_pl):
    start = (step * FLAGS.batch_size) % (len(images) - FLAGS.batch_size)
    return {images_pl: images[start:start + FLAGS.batch_size], labels_pl: labels[start:start + FLAGS.batch_size]}


def do_eval(sess, eval_correct, images_placeholder, labels_placeholder, images, labels):
    true_count = sess.run(eval_correct, feed_dict={images_placeholder: images, labels_placeholder: labels})
    precision = float(true_count) / len(images)
    print("Num examples: %d  Num correct: %d  Precision @ 1: %0.04f" % (len(images), true_count, precision))


def run_training():
    digits = load_digits()
    images = digits.data.astype(np.float32) / 16.0
    labels = digits.target.astype(np.int32)
    train_images, test_images = images[:1500], images[1500:]
    train_labels, test_labels = labels[:1500], labels[1500:]

    with tf.Graph().as_default():
        tf.set_random_seed(FLAGS.seed)
        images_placeholder = tf.placeholder(tf.float32, shape=(None, digits_model.IMAGE_PIXELS))
        labels_placeholder = tf.placeholder(tf.int32, shape=(None,))
        logits = digits_model.inference(images_placeholder, FLAGS.hidden1, FLAGS.hidden2)
        loss = digits_model.loss(logits, labels_placeholder)
        train_op = digits_model.training(loss, FLAGS.learning_rate)
        eval_correct = digits_model.evaluation(logits, labels_placeholder)
        summary = tf.summary.merge_all()
        init = tf.global_variables_initializer()

        log_dir = tempfile.mkdtemp()
        sess = tf.Session()
        summary_writer = tf.summary.FileWriter(log_dir, sess.graph)
        sess.run(init)
        first = tf.trainable_variables()[0]
        print("initial %s[0, :5]: %s" % (first.op.name, sess.run(first)[0, :5]))

        for step in range(FLAGS.max_steps):
            feed_dict = fill_feed_dict(train_images, train_labels, step, images_placeholder, labels_placeholder)
            _, loss_value = sess.run([train_op, loss], feed_dict=feed_dict)
            if step % 100 == 0:
                print("Step %d: loss = %.4f" % (step, loss_value))
                summary_writer.add_summary(sess.run(summary, feed_dict=feed_dict), step)
        print("Training Data Eval:")
        do_eval(sess, eval_correct, images_placeholder, labels_placeholder, train_images, train_labels)
        print("Test Data Eval:")
        do_eval(sess, eval_correct, images_placeholder, labels_placeholder, test_images, test_labels)
        summary_writer.close()
        sess.close()
        shutil.rmtree(log_dir)


def main(_):
    run_training()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--learning_rate", type=float, default=0.1, help="Initial learning rate.")
    parser.add_argument("--max_steps", type=int, default=400, help="Number of steps to run trainer.")
    parser.add_argument("--hidden1", type=int, default=32, help="Number of units in hidden layer 1.")
    parser.add_argument("--hidden2", type=int, default=16, help="Number of units in hidden layer 2.")
    parser.add_argument("--batch_size", type=int, default=100, help="Batch size.")
    parser.add_argument("--seed", type=int, default=66478, help="Graph-level random seed.")
    FLAGS, unparsed = parser.parse_known_args()
    tf.app.run(main=main, argv=[sys.argv[0]] + unparsed)
