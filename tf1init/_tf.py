"""The one module that imports TensorFlow (its public API only).

Importing TensorFlow costs about 5 s, so nothing else in tf1init imports it at module load:
the public facade loads the modules that need it on first use, and they import ``tf`` and
``v1`` from here. The few private TensorFlow attributes tf1init needs are read in
``tf1init._tf_private``, and nowhere else.
"""
import os

# TensorFlow's C++ start-up chatter (CUDA probes, oneDNN notices) drowns our own messages.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import tensorflow as tf  # noqa: E402

v1 = tf.compat.v1

__all__ = ["tf", "v1"]
