# One graph, two sessions: train in the first, then open a second session that runs the
# initializer again and evaluates the untrained model (each session holds its own variable values,
# and the initializer draws the same values again under the graph seed).
import numpy as np
import tensorflow as tf

tf.set_random_seed(1234)

x_data = np.array([[1., 1.], [1., 3.], [2., 1.], [3., 4.], [4., 2.], [5., 5.]], dtype=np.float32)
y_data = np.array([[0.], [0.], [0.], [1.], [1.], [1.]], dtype=np.float32)

X = tf.placeholder(tf.float32, [None, 2])
Y = tf.placeholder(tf.float32, [None, 1])

W = tf.Variable(tf.random_normal([2, 1]), name="weight")
b = tf.Variable(tf.zeros([1]), name="bias")

hypothesis = tf.sigmoid(tf.matmul(X, W) + b)
cost = -tf.reduce_mean(Y * tf.log(hypothesis) + (1 - Y) * tf.log(1 - hypothesis))
train = tf.train.GradientDescentOptimizer(learning_rate=0.1).minimize(cost)

predicted = tf.cast(hypothesis > 0.5, dtype=tf.float32)
accuracy = tf.reduce_mean(tf.cast(tf.equal(predicted, Y), dtype=tf.float32))

# Training session
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    print("initial W:", sess.run(W).ravel(), "b:", sess.run(b))
    for step in range(1001):
        cost_val, _ = sess.run([cost, train], feed_dict={X: x_data, Y: y_data})
        if step % 250 == 0:
            print(step, cost_val)
    print("trained W:", sess.run(W).ravel(), "b:", sess.run(b))
    print("trained cost:", sess.run(cost, feed_dict={X: x_data, Y: y_data}),
          "accuracy:", sess.run(accuracy, feed_dict={X: x_data, Y: y_data}))

# A fresh session on the same graph: the variables start again from their initializers
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    print("initial W again:", sess.run(W).ravel(), "b:", sess.run(b))
    print("untrained cost:", sess.run(cost, feed_dict={X: x_data, Y: y_data}),
          "accuracy:", sess.run(accuracy, feed_dict={X: x_data, Y: y_data}))
