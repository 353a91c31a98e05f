"""The one module that imports TensorFlow.

Importing TensorFlow costs about 5 s, so nothing else in tf1init imports it at module load:
the public facade loads the modules that need it on first use, and they import ``tf`` and
``v1`` from here.
"""
import os

# TensorFlow's C++ start-up chatter (CUDA probes, oneDNN notices) drowns our own messages.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import tensorflow as tf  # noqa: E402

v1 = tf.compat.v1

__all__ = ["tf", "v1"]

# Private TensorFlow pieces for tf1init.replay: eager kernels that run even where a TF1 program
# has disabled eager execution. Imported here so that this stays the one TensorFlow importer.
from tensorflow.python import pywrap_tfe  # noqa: E402
from tensorflow.python.eager import context as eager_context  # noqa: E402
from tensorflow.python.framework import ops as framework_ops  # noqa: E402
# For tf1init.background_run: a run's set-up requested by name, ahead of the run itself.
from tensorflow.core.protobuf import config_pb2  # noqa: E402
# For tf1init.graph_import: the C graph import and Python op twins, without import_graph_def's
# per-op Python work.
from tensorflow.python.client import pywrap_tf_session as c_api  # noqa: E402
from tensorflow.python.framework import c_api_util, importer  # noqa: E402
