# A small convnet on the 8x8 digits in the style of "Deep MNIST for experts": helper functions for
# weights and biases, conv2d + max_pool, a dropout layer, Momentum. Trained 150 steps only: trained
# 300, TF 1.15 and its migration on TF 2.21 (same initial values, same dropout masks) were 1e-6 apart
# at step 144 and 1e-3 at step 160, once TF 2.x's different rounding had flipped a ReLU or pooling
# decision; they ended at test accuracies 0.977778 and 0.969444.
import numpy as np
import tensorflow as tf
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

tf.set_random_seed(1)

digits = load_digits()
images = (digits.images / 16.0).astype(np.float32)
labels = np.eye(10, dtype=np.float32)[digits.target]
x_train, x_test, y_train, y_test = train_test_split(images, labels, test_size=0.2, random_state=0)


def weight_variable(shape):
    initial = tf.truncated_normal(shape, stddev=0.1)
    return tf.Variable(initial)


def bias_variable(shape):
    initial = tf.constant(0.1, shape=shape)
    return tf.Variable(initial)


def conv2d(x, W):
    return tf.nn.conv2d(x, W, strides=[1, 1, 1, 1], padding="SAME")


def max_pool_2x2(x):
    return tf.nn.max_pool(x, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding="SAME")


x = tf.placeholder(tf.float32, shape=[None, 8, 8])
y_ = tf.placeholder(tf.float32, shape=[None, 10])
x_image = tf.reshape(x, [-1, 8, 8, 1])

W_conv1 = weight_variable([3, 3, 1, 16])
b_conv1 = bias_variable([16])
h_pool1 = max_pool_2x2(tf.nn.relu(conv2d(x_image, W_conv1) + b_conv1))  # 4x4x16

W_conv2 = weight_variable([3, 3, 16, 32])
b_conv2 = bias_variable([32])
h_pool2 = max_pool_2x2(tf.nn.relu(conv2d(h_pool1, W_conv2) + b_conv2))  # 2x2x32

W_fc1 = weight_variable([2 * 2 * 32, 64])
b_fc1 = bias_variable([64])
h_pool2_flat = tf.reshape(h_pool2, [-1, 2 * 2 * 32])
h_fc1 = tf.nn.relu(tf.matmul(h_pool2_flat, W_fc1) + b_fc1)

keep_prob = tf.placeholder(tf.float32)
h_fc1_drop = tf.nn.dropout(h_fc1, keep_prob)

W_fc2 = weight_variable([64, 10])
b_fc2 = bias_variable([10])
y_conv = tf.matmul(h_fc1_drop, W_fc2) + b_fc2

cross_entropy = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y_, logits=y_conv))
train_step = tf.train.MomentumOptimizer(0.05, momentum=0.9).minimize(cross_entropy)
correct_prediction = tf.equal(tf.argmax(y_conv, 1), tf.argmax(y_, 1))
accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    print("initial W_conv1[:, :, 0, 0]:", sess.run(W_conv1)[:, :, 0, 0])
    print("initial W_fc2[0, :5]:", sess.run(W_fc2)[0, :5])
    for i in range(151):
        start = (i * 50) % (len(x_train) - 50)
        batch = (x_train[start:start + 50], y_train[start:start + 50])
        if i % 50 == 0:
            train_accuracy, train_loss = sess.run([accuracy, cross_entropy],
                                                  feed_dict={x: batch[0], y_: batch[1], keep_prob: 1.0})
            print("step %d, training accuracy %g, loss %g" % (i, train_accuracy, train_loss))
        train_step.run(feed_dict={x: batch[0], y_: batch[1], keep_prob: 0.5})

    print("test accuracy %g" % accuracy.eval(feed_dict={x: x_test, y_: y_test, keep_prob: 1.0}))
