# An iris classifier built with tf.layers.dense, as TF 1.4+ tutorials did. Keras 3 (TF >= 2.16)
# has no tf.compat.v1.layers.dense: the migration is expected to report it, not to guess.
import numpy as np
import tensorflow as tf
from sklearn.datasets import load_iris

tf.set_random_seed(777)

iris = load_iris()
features = iris.data.astype(np.float32)
features = (features - features.mean(axis=0)) / features.std(axis=0)
species = iris.target

X = tf.placeholder(tf.float32, [None, 4])
Y = tf.placeholder(tf.int32, [None])
hidden = tf.layers.dense(X, 10, activation=tf.nn.relu, name="hidden")
logits = tf.layers.dense(hidden, 3, name="logits")

loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=Y, logits=logits))
train = tf.train.AdamOptimizer(learning_rate=0.05).minimize(loss)
accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1, output_type=tf.int32), Y), tf.float32))

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    kernel = [v for v in tf.global_variables() if v.op.name == "hidden/kernel"][0]
    print("initial hidden/kernel[0]:", sess.run(kernel)[0, :5])
    for step in range(101):
        _, l = sess.run([train, loss], feed_dict={X: features, Y: species})
        if step % 50 == 0:
            print("step", step, "loss", l)
    print("accuracy:", sess.run(accuracy, feed_dict={X: features, Y: species}))
