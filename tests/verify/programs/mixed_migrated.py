"""The migration of mixed_tf1.py, with W_wrong's stddev wrong on purpose (0.2 for 0.1).

The original: a TF1 program with three kinds of initial values, for the three verdicts of verify.

- W_op has an explicit op seed: TF 1.15 and TF 2.x draw it bit for bit alike;
- W_graph has only the graph-level seed: TF 2.x derives its op seed differently, so the values
  differ between the two, but the law is the same;
- W_wrong is migrated with a different stddev in mixed_migrated.py: a wrong migration.
"""
import numpy as np
import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()

tf.set_random_seed(777)
x = tf.placeholder(tf.float32, [None, 8], name="x")
W_op = tf.Variable(tf.random_normal([8, 16], seed=5), name="W_op")
W_graph = tf.Variable(tf.random_normal([16, 64], stddev=0.1), name="W_graph")
W_wrong = tf.get_variable("W_wrong", [64, 32],
                          initializer=tf.truncated_normal_initializer(stddev=0.2, seed=7))
output = tf.matmul(tf.nn.tanh(tf.matmul(tf.nn.tanh(tf.matmul(x, W_op)), W_graph)), W_wrong)
init = tf.global_variables_initializer()

sess = tf.InteractiveSession()
sess.run(init)
print("W_op sum: %.5f" % sess.run(tf.reduce_sum(W_op)))
print("output sum: %.5f" % sess.run(tf.reduce_sum(output), {x: np.ones((2, 8), np.float32)}))
sess.close()
