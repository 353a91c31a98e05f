# Softmax regression on iris with an InteractiveSession: initializer.run(), op.run(),
# tensor.eval() without naming the session.
import numpy as np
import tensorflow as tf
from sklearn.datasets import load_iris

tf.set_random_seed(123)

iris = load_iris()
data = iris.data.astype(np.float32)
data = (data - data.mean(axis=0)) / data.std(axis=0)
onehot = np.eye(3, dtype=np.float32)[iris.target]

sess = tf.InteractiveSession()

x = tf.placeholder(tf.float32, shape=[None, 4])
y_ = tf.placeholder(tf.float32, shape=[None, 3])
W = tf.Variable(tf.random_normal([4, 3], stddev=0.1))
b = tf.Variable(tf.random_normal([3], stddev=0.1))
y = tf.matmul(x, W) + b

cross_entropy = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y_, logits=y))
train_step = tf.train.GradientDescentOptimizer(0.5).minimize(cross_entropy)
correct_prediction = tf.equal(tf.argmax(y, 1), tf.argmax(y_, 1))
accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))

tf.global_variables_initializer().run()
print("initial W:", W.eval())
print("initial b:", b.eval())

for i in range(100):
    train_step.run(feed_dict={x: data, y_: onehot})
    if i % 25 == 0:
        print(i, cross_entropy.eval(feed_dict={x: data, y_: onehot}))

print("accuracy:", accuracy.eval(feed_dict={x: data, y_: onehot}))
print("trained b:", b.eval())
sess.close()
