# A two-layer classifier on the wine data in an InteractiveSession, layers under tf.name_scope:
# the initializer's .run(), train_step.run(feed_dict=...), and .eval() on the cost, a weight and
# the accuracy, all without naming the session.
import numpy as np
import tensorflow as tf
from sklearn.datasets import load_wine

tf.set_random_seed(2017)

wine = load_wine()
features = wine.data.astype(np.float32)
features = (features - features.mean(axis=0)) / features.std(axis=0)
targets = np.eye(3, dtype=np.float32)[wine.target]

sess = tf.InteractiveSession()

with tf.name_scope("input"):
    x = tf.placeholder(tf.float32, [None, 13], name="x-input")
    y_ = tf.placeholder(tf.float32, [None, 3], name="y-input")

with tf.name_scope("hidden"):
    W1 = tf.Variable(tf.truncated_normal([13, 16], stddev=0.1), name="weights")
    b1 = tf.Variable(tf.zeros([16]), name="biases")
    hidden = tf.nn.relu(tf.matmul(x, W1) + b1)

with tf.name_scope("softmax_linear"):
    W2 = tf.Variable(tf.truncated_normal([16, 3], stddev=0.1), name="weights")
    b2 = tf.Variable(tf.zeros([3]), name="biases")
    y = tf.matmul(hidden, W2) + b2

with tf.name_scope("cross_entropy"):
    cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y_, logits=y))

with tf.name_scope("train"):
    train_step = tf.train.GradientDescentOptimizer(0.1).minimize(cost)

with tf.name_scope("accuracy"):
    correct_prediction = tf.equal(tf.argmax(y, 1), tf.argmax(y_, 1))
    accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))

tf.global_variables_initializer().run()
print("initial W2:", W2.eval())

for i in range(201):
    train_step.run(feed_dict={x: features, y_: targets})
    if i % 50 == 0:
        print("step", i, "cost", cost.eval(feed_dict={x: features, y_: targets}))

print("W2 after training:", W2.eval()[0])
print("accuracy", accuracy.eval(feed_dict={x: features, y_: targets}))
sess.close()
