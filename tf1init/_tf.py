"""The one module that imports TensorFlow (its public API only).

Importing TensorFlow costs about 5 s, so nothing else in tf1init imports it at module load:
the public facade loads the modules that need it on first use, and they import ``tf`` and
``v1`` from here. The few private TensorFlow attributes tf1init needs are read in
``tf1init._tf_private``, and nowhere else.
"""
import os

# TensorFlow's C++ start-up chatter (CUDA probes, oneDNN notices) drowns our own messages.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")



class TensorFlowMissingError(ImportError):
    """tf1init's runtime was used where TensorFlow is not installed (the codemods need none)."""


try:
    import tensorflow as tf  # noqa: E402
except ModuleNotFoundError as error:
    if error.name != "tensorflow":
        raise
    raise TensorFlowMissingError(
        "tf1init's runtime (initialization, checkpoints, doctor, stats) needs TensorFlow, which is not "
        "installed here: pip install 'tf1init[tf]' (or install tensorflow, tensorflow-cpu or your "
        "vendor's build yourself; tf1init is tested with 2.21). The codemods (tf1init migrate, "
        "explain) work without it."
    ) from None

v1 = tf.compat.v1

__all__ = ["TensorFlowMissingError", "tf", "v1"]
