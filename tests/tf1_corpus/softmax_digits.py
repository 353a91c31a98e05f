# Softmax regression on scikit-learn's 8x8 digits, in the style of "MNIST for ML beginners":
# cross-entropy by hand with tf.log and reduction_indices, mini-batches fed in a loop.
# The weights carry an explicit op seed as well as the graph seed.
import numpy as np
import tensorflow as tf
from sklearn.datasets import load_digits

tf.set_random_seed(42)

digits = load_digits()
images = digits.data.astype(np.float32) / 16.0
labels = np.eye(10, dtype=np.float32)[digits.target]
train_x, test_x = images[:1500], images[1500:]
train_y, test_y = labels[:1500], labels[1500:]

x = tf.placeholder(tf.float32, [None, 64])
W = tf.Variable(tf.random_normal([64, 10], stddev=0.01, seed=1))
b = tf.Variable(tf.zeros([10]))
y = tf.nn.softmax(tf.matmul(x, W) + b)

y_ = tf.placeholder(tf.float32, [None, 10])
cross_entropy = tf.reduce_mean(-tf.reduce_sum(y_ * tf.log(y), reduction_indices=[1]))
train_step = tf.train.GradientDescentOptimizer(0.5).minimize(cross_entropy)

correct_prediction = tf.equal(tf.argmax(y, 1), tf.argmax(y_, 1))
accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))

sess = tf.Session()
sess.run(tf.global_variables_initializer())
print("initial W[0]:", sess.run(W)[0])

for i in range(300):
    start = (i * 100) % 1500
    batch_xs, batch_ys = train_x[start:start + 100], train_y[start:start + 100]
    _, loss = sess.run([train_step, cross_entropy], feed_dict={x: batch_xs, y_: batch_ys})
    if i % 100 == 0:
        print("step", i, "cross entropy", loss)

print("test accuracy", sess.run(accuracy, feed_dict={x: test_x, y_: test_y}))
sess.close()
