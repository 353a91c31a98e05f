# Multi-variable linear regression (quiz scores -> final exam, "lab 4" style) trained by Momentum,
# with a non-trainable global_step variable that minimize() increments, printed with the cost.
import numpy as np
import tensorflow as tf

tf.set_random_seed(777)  # for reproducibility

xy = np.array([[73., 80., 75., 152.],
               [93., 88., 93., 185.],
               [89., 91., 90., 180.],
               [96., 98., 100., 196.],
               [73., 66., 70., 142.],
               [53., 46., 55., 101.]], dtype=np.float32)
x_data = xy[:, 0:-1] / 100.0
y_data = xy[:, [-1]] / 100.0

X = tf.placeholder(tf.float32, shape=[None, 3])
Y = tf.placeholder(tf.float32, shape=[None, 1])

W = tf.Variable(tf.random_normal([3, 1]), name="weight")
b = tf.Variable(tf.random_normal([1]), name="bias")
global_step = tf.Variable(0, trainable=False, name="global_step")

hypothesis = tf.matmul(X, W) + b
cost = tf.reduce_mean(tf.square(hypothesis - Y))

optimizer = tf.train.MomentumOptimizer(learning_rate=0.01, momentum=0.9)
train = optimizer.minimize(cost, global_step=global_step)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    print("initial W:", sess.run(W).ravel(), "b:", sess.run(b))
    print("initial global_step:", sess.run(global_step))

    for step in range(1000):
        cost_val, _ = sess.run([cost, train], feed_dict={X: x_data, Y: y_data})
        if step % 200 == 0:
            print("global_step:", sess.run(global_step), "cost:", cost_val)

    print("final global_step:", sess.run(global_step))
    print("W:", sess.run(W).ravel(), "b:", sess.run(b))
    print("Prediction:", sess.run(hypothesis, feed_dict={X: x_data}).ravel())
