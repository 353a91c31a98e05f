"""The initializer catalogue: every TF1 spelling, its exact Keras 3 equivalent, TensorFlow-free.

One source of truth for the session runtime and the codemods. This package and its data never
import TensorFlow (the codemods read it); the TensorFlow-using parts live in
``tf1init.catalogue.build`` (TF1 graph-mode and Keras objects), ``.custom`` (serialisable
initializers), ``.dispatch`` and ``.presets``, and load only when imported.

    >>> from tf1init.catalogue import find, translate
    >>> find("tf.contrib.layers.variance_scaling_initializer").defaults["factor"]
    2.0
    >>> call = translate("tf.random_uniform_initializer", {})
    >>> call.target, dict(call.kwargs)
    ('tf.keras.initializers.RandomUniform', {'minval': 0.0, 'maxval': 1.0})
"""
from tf1init.catalogue._spellings import IMPLS, SPELLINGS, TRUNC_STD, Spelling
from tf1init.catalogue._translate import (
    CONTRIB_NORMAL_SCALE,
    KerasCall,
    Source,
    find,
    lookup,
    translate,
)
from tf1init.catalogue.fans import FLOAT_DTYPES, check_dtype, compute_fans, fan_for_mode
from tf1init.catalogue.laws import Law, law_of, law_of_call, resolve_args
from tf1init.catalogue.recommend import Recommendation, recommend
from tf1init.errors import FanError, UnknownInitializerError, UnsupportedDtypeError, Untranslatable

__all__ = [
    "CONTRIB_NORMAL_SCALE",
    "FLOAT_DTYPES",
    "FanError",
    "IMPLS",
    "KerasCall",
    "Law",
    "Recommendation",
    "SPELLINGS",
    "Source",
    "Spelling",
    "TRUNC_STD",
    "UnknownInitializerError",
    "UnsupportedDtypeError",
    "Untranslatable",
    "check_dtype",
    "compute_fans",
    "fan_for_mode",
    "find",
    "law_of",
    "law_of_call",
    "lookup",
    "recommend",
    "resolve_args",
    "translate",
]
