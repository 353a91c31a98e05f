"""regression_tf1.py left unmigrated: TF 2.x has no tf.placeholder, so it fails on line 6."""
import tensorflow as tf

print("starting")

x = tf.placeholder(tf.float32, [None, 4], name="x")
