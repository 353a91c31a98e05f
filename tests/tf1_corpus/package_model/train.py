# Regression with a model from the `nets` package: iris petal width from the other three
# measurements. Train and evaluation graphs share variables through reuse=True; Adam; held-out MSE.
# (Not load_diabetes: scikit-learn >= 1.1 computes its scaled features instead of reading rounded
# ones, so its values differ between the TF 1.15 and today's environments.)
import numpy as np
import tensorflow as tf
from sklearn.datasets import load_iris

from nets import mlp_regressor

tf.set_random_seed(2018)

iris = load_iris()
order = np.random.RandomState(1).permutation(150)
measurements = iris.data[order].astype(np.float32)
features = measurements[:, :3]
features = (features - features.mean(axis=0)) / features.std(axis=0)
targets = measurements[:, 3]
train_x, test_x = features[:120], features[120:]
train_y, test_y = targets[:120], targets[120:]

x = tf.placeholder(tf.float32, [None, 3])
y = tf.placeholder(tf.float32, [None])
train_pred = mlp_regressor(x)
eval_pred = mlp_regressor(x, reuse=True)
loss = tf.reduce_mean(tf.square(train_pred - y))
eval_mse = tf.reduce_mean(tf.square(eval_pred - y))
train_op = tf.train.AdamOptimizer(0.01).minimize(loss)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for v in tf.trainable_variables()[:3]:
        print("initial %s: %s" % (v.op.name, sess.run(v).ravel()[:4]))
    for step in range(301):
        batch = np.arange(step * 40, step * 40 + 40) % 120
        _, l = sess.run([train_op, loss], feed_dict={x: train_x[batch], y: train_y[batch]})
        if step % 100 == 0:
            print("step %d loss %.5f" % (step, l))
    print("test mse:", sess.run(eval_mse, feed_dict={x: test_x, y: test_y}))
