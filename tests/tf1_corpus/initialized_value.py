# Variables initialized from another variable's initial value, as the TF1 "Variables" guide shows:
# w2 = tf.Variable(weights.initialized_value()), w_twice = tf.Variable(weights.initialized_value() * 2).
import numpy as np
import tensorflow as tf

tf.set_random_seed(5)

weights = tf.Variable(tf.random_normal([4, 3], stddev=0.35), name="weights")
biases = tf.Variable(tf.zeros([3]), name="biases")
w2 = tf.Variable(weights.initialized_value(), name="w2")
w_twice = tf.Variable(weights.initialized_value() * 2.0, name="w_twice")
# A moving average starts from the value the weights start from.
ema_weights = tf.Variable(weights.initialized_value(), trainable=False, name="ema_weights")

x = tf.placeholder(tf.float32, [None, 4])
t = tf.placeholder(tf.float32, [None, 3])
loss = tf.reduce_mean(tf.square(tf.matmul(x, weights) + biases - t))
train = tf.train.GradientDescentOptimizer(0.05).minimize(loss)
update_ema = tf.assign(ema_weights, 0.9 * ema_weights + 0.1 * weights)

x_data = np.arange(20, dtype=np.float32).reshape(5, 4) / 10.0
t_data = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0], [0, 1, 1]], np.float32)

init_op = tf.global_variables_initializer()
with tf.Session() as sess:
    sess.run(init_op)
    print("initial weights:", sess.run(weights))
    print("w2 == weights:", np.array_equal(sess.run(w2), sess.run(weights)))
    print("w_twice == 2 * weights:", np.array_equal(sess.run(w_twice), 2 * sess.run(weights)))
    for step in range(60):
        _, l = sess.run([train, loss], feed_dict={x: x_data, t: t_data})
        sess.run(update_ema)
        if step % 20 == 0:
            print("step", step, "loss", l)
    print("trained weights[0]:", sess.run(weights)[0])
    print("ema weights[0]:", sess.run(ema_weights)[0])

# A second session starts each random op's sequence again: the same initial values.
with tf.Session() as sess:
    sess.run(init_op)
    print("second session weights[0]:", sess.run(weights)[0])
