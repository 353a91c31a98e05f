# Linear regression with placeholders, fitted by gradient descent (the classic TF1 "lab 2").
# A session without `with`, a cost summary written to a temporary log directory.
import shutil
import tempfile

import tensorflow as tf

tf.set_random_seed(777)  # for reproducibility

X = tf.placeholder(tf.float32, shape=[None])
Y = tf.placeholder(tf.float32, shape=[None])

W = tf.Variable(tf.random_normal([1]), name="weight")
b = tf.Variable(tf.random_normal([1]), name="bias")

hypothesis = X * W + b
cost = tf.reduce_mean(tf.square(hypothesis - Y))
tf.summary.scalar("cost", cost)

optimizer = tf.train.GradientDescentOptimizer(learning_rate=0.01)
train = optimizer.minimize(cost)
merged = tf.summary.merge_all()

logdir = tempfile.mkdtemp()
sess = tf.Session()
writer = tf.summary.FileWriter(logdir, sess.graph)
sess.run(tf.global_variables_initializer())
print("initial W:", sess.run(W), "b:", sess.run(b))

for step in range(2001):
    cost_val, W_val, b_val, summary, _ = sess.run(
        [cost, W, b, merged, train],
        feed_dict={X: [1, 2, 3, 4, 5], Y: [2.1, 3.1, 4.1, 5.1, 6.1]})
    writer.add_summary(summary, step)
    if step % 400 == 0:
        print(step, cost_val, W_val, b_val)

# Testing our model
print("prediction for 5:", sess.run(hypothesis, feed_dict={X: [5]}))
print("prediction for 2.5, 1.5:", sess.run(hypothesis, feed_dict={X: [2.5, 1.5]}))
writer.close()
sess.close()
shutil.rmtree(logdir)
