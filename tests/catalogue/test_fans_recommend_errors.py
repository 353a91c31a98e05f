"""Fans as Keras computes them, activation recommendations, and the bad-input errors."""
import math

import pytest

from tf1init.catalogue import (
    FanError,
    UnknownInitializerError,
    UnsupportedDtypeError,
    check_dtype,
    compute_fans,
    law_of,
    recommend,
)
from tf1init.errors import Tf1initError, UnknownActivationError


@pytest.mark.parametrize("shape, fans", [
    ((7,), (7, 7)), ((784, 256), (784, 256)), ((3, 128, 64), (384, 192)),
    ((3, 3, 64, 128), (576, 1152)), ((2, 3, 3, 16, 32), (288, 576)),
])
def test_fans_are_keras_fans(shape, fans):
    assert compute_fans(shape) == fans


def test_fans_match_installed_keras():
    from tf1init._tf import tf  # noqa: F401  (loads keras)
    from keras.src.initializers.random_initializers import compute_fans as keras_fans  # noqa

    for shape in [(7,), (784, 256), (3, 128, 64), (3, 3, 64, 128), (2, 3, 3, 16, 32)]:
        assert compute_fans(shape) == keras_fans(shape)


def test_glorot_limit_is_the_hand_computed_number():
    assert law_of("tf.glorot_uniform_initializer", {}, (784, 256)).high == math.sqrt(6 / (784 + 256))
    conv = law_of("tf.keras.initializers.HeUniform", {}, (3, 3, 64, 128))
    assert conv.high == pytest.approx(math.sqrt(6 / (3 * 3 * 64)), rel=1e-15)


@pytest.mark.parametrize("shape, words", [((), "scalar"), ((0, 5), "zero-size"), ((3, 0, 2, 2), "zero-size")])
def test_no_fan_is_an_error_not_nan(shape, words):
    with pytest.raises(FanError, match=words):
        compute_fans(shape)
    with pytest.raises(FanError):
        law_of("tf.keras.initializers.GlorotUniform", {}, shape)
    with pytest.raises(FanError):
        law_of("tf.contrib.layers.variance_scaling_initializer", {}, shape)


def test_fixed_scale_laws_accept_scalars():
    assert law_of("tf.random_normal_initializer", {}, ()).stddev == 1.0


def test_dtypes():
    import numpy as np

    assert check_dtype("float64") == "float64" and check_dtype(np.dtype("float16")) == "float16"
    with pytest.raises(UnsupportedDtypeError, match="'int32' is not supported.*float16, bfloat16, float32, float64"):
        check_dtype("int32")
    assert issubclass(UnsupportedDtypeError, Tf1initError)


def test_unsupported_dtype_in_a_tf1_build():
    from tf1init.catalogue.build import tf1_tensor

    with pytest.raises(UnsupportedDtypeError, match="'int64'"):
        tf1_tensor("tf.glorot_uniform_initializer", {}, (3, 3), dtype="int64")


def test_unknown_name_error_lists_closest():
    with pytest.raises(UnknownInitializerError) as info:
        law_of("tf.glorot_unform_initializer", {}, (3, 3))
    assert "closest known: tf.glorot_uniform_initializer" in str(info.value)


@pytest.mark.parametrize("activation, initializer", [
    ("relu", "he_normal"), ("leaky_relu", "he_normal"), ("gelu", "he_normal"), ("elu", "he_normal"),
    ("tanh", "glorot_uniform"), ("sigmoid", "glorot_uniform"), ("linear", "glorot_uniform"),
    (None, "glorot_uniform"), ("selu", "lecun_normal"), ("SELU", "lecun_normal"),
])
def test_recommend(activation, initializer):
    r = recommend(activation)
    assert r.initializer == initializer and r.reason


def test_recommend_calls_and_reasons():
    assert recommend("relu").call.target == "tf.keras.initializers.HeNormal"
    assert "Glorot" in recommend("tanh").reason and "SELU" in recommend("selu").reason
    leaky = recommend("leaky_relu", negative_slope=0.01)
    assert leaky.call.kwargs["scale"] == pytest.approx(2 / 1.0001, rel=1e-15)
    assert recommend("selu").call.target == "tf.keras.initializers.LecunNormal"


def test_unknown_activation():
    with pytest.raises(UnknownActivationError, match="'rlu'.*closest known: relu"):
        recommend("rlu")


@pytest.mark.parametrize("module", ["tf1init.catalogue.build", "tf1init.catalogue.custom",
                                    "tf1init.catalogue.dispatch", "tf1init.catalogue.presets"])
def test_tensorflow_module_docstring_examples_run(module):
    import doctest
    import importlib
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = doctest.testmod(importlib.import_module(module))
    assert result.failed == 0 and result.attempted > 0
