"""The TensorFlow-free contract the codemods code against: find, translate, Source, KerasCall."""
import dataclasses
import doctest
import importlib
import math
import subprocess
import sys

import pytest

from tf1init.catalogue import (
    CONTRIB_NORMAL_SCALE,
    SPELLINGS,
    TRUNC_STD,
    KerasCall,
    Source,
    Spelling,
    Untranslatable,
    find,
    law_of,
    law_of_call,
    lookup,
    translate,
)
from tf1init.errors import Tf1initError, UnknownInitializerError

K = "tf.keras.initializers."


def test_import_catalogue_leaves_tensorflow_out():
    code = ("import sys, tf1init.catalogue, tf1init.catalogue.laws, tf1init.catalogue.recommend; "
            "print('tensorflow' in sys.modules, 'keras' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd="/").stdout.strip()
    assert out == "False False"


@pytest.mark.parametrize("module", ["tf1init.catalogue", "tf1init.catalogue._translate",
                                    "tf1init.catalogue.fans", "tf1init.catalogue.laws",
                                    "tf1init.catalogue.recommend"])
def test_docstring_examples_run(module):
    result = doctest.testmod(importlib.import_module(module))
    assert result.failed == 0 and result.attempted > 0


CONTRACT_NAMES = [
    "tf.random_normal_initializer", "tf.compat.v1.random_normal_initializer",
    "tf.initializers.random_normal", "tf.compat.v1.initializers.random_normal",
    "tf.keras.initializers.RandomNormal", "tf.glorot_uniform_initializer",
    "tf.contrib.layers.xavier_initializer", "tf.contrib.layers.variance_scaling_initializer",
    "tf.truncated_normal", "tf.random.truncated_normal", "tf.random_normal", "tf.random_uniform",
    "tf.zeros_initializer", "tf.constant_initializer", "tf.orthogonal_initializer",
    "tf.initializers.identity", "tf.keras.initializers.he_normal",
]


@pytest.mark.parametrize("name", CONTRACT_NAMES)
def test_find_knows_the_contract_names(name):
    s = find(name)
    assert isinstance(s, Spelling) and s.name == name
    assert s.kind in ("initializer", "tensor")


def test_spelling_is_frozen_with_contract_fields():
    s = find("tf.contrib.layers.variance_scaling_initializer")
    assert (s.kind, s.family, s.params, s.is_tf2) == (
        "initializer", "variance_scaling", ("factor", "mode", "uniform", "seed", "dtype"), False)
    assert dict(s.defaults) == {"factor": 2.0, "mode": "FAN_IN", "uniform": False, "seed": None,
                                "dtype": "float32"}
    assert "0.29%" in s.note
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.name = "x"
    assert find("tf.random_normal").kind == "tensor"
    assert find("tf.random_normal").params == ("shape", "mean", "stddev", "dtype", "seed", "name")
    assert find("tf.random.normal").is_tf2 and not find("tf.random_normal").is_tf2
    assert find("tf.keras.initializers.he_normal").is_tf2
    assert find("he_normal").is_tf2 and find("he_normal").target == K + "HeNormal"
    assert find("tf.nope_initializer") is None


def test_every_name_starts_tf_or_is_a_keras_string():
    for name in SPELLINGS:
        assert name.startswith("tf.") or "." not in name, name


def test_random_normal_writes_tf1_defaults():
    call = translate("tf.random_normal_initializer", {})
    assert call == KerasCall(K + "RandomNormal", {"mean": 0.0, "stddev": 1.0}, call.note)
    assert list(call.kwargs) == ["mean", "stddev"]
    assert call.note.startswith("TF1 default stddev 1.0; Keras default is 0.05: written out")


def test_random_uniform_writes_range_and_keeps_seed_drops_dtype():
    call = translate("tf.compat.v1.random_uniform_initializer",
                     {"maxval": None, "seed": 7, "dtype": Source("tf.float64")})
    assert call.target == K + "RandomUniform"
    assert dict(call.kwargs) == {"minval": 0.0, "maxval": 1.0, "seed": 7}
    assert "dtype dropped" in call.note and "same values on every call" in call.note


def test_source_values_pass_through():
    call = translate("tf.truncated_normal_initializer", {"stddev": Source("1.0 / math.sqrt(n)")})
    assert call.kwargs["stddev"] == Source("1.0 / math.sqrt(n)")
    assert call.to_source() == K + "TruncatedNormal(mean=0.0, stddev=1.0 / math.sqrt(n))"


def test_contrib_variance_scaling_exact_scale():
    call = translate("tf.contrib.layers.variance_scaling_initializer", {})
    assert call.target == K + "VarianceScaling"
    assert call.kwargs == {"scale": 2.0 * 1.3 * 0.87962566103423978**2, "mode": "fan_in",
                           "distribution": "truncated_normal"}
    assert call.kwargs["scale"] == pytest.approx(2.011727389229801, rel=1e-15)
    # the whole point: stddev equals contrib's sqrt(1.3 * factor / n), not HeNormal's
    for shape in [(400, 250), (5, 5, 40, 100)]:
        assert law_of_call(call, shape).same_as(law_of("tf.contrib.layers.variance_scaling_initializer", {}, shape))
        assert not law_of("tf.keras.initializers.HeNormal", {}, shape).same_as(law_of_call(call, shape))
        ratio = law_of_call(call, shape).stddev / law_of("tf.keras.initializers.HeNormal", {}, shape).stddev
        assert ratio == pytest.approx(math.sqrt(1.3) * TRUNC_STD, rel=1e-12)  # 1.0029...


def test_contrib_variance_scaling_source_factor_and_modes():
    call = translate("tf.contrib.layers.variance_scaling_initializer",
                     {"factor": Source("FLAGS.f"), "mode": "FAN_AVG"})
    assert call.kwargs["scale"] == Source("(FLAGS.f) * 1.3 * 0.87962566103423978 ** 2")
    assert call.kwargs["mode"] == "fan_avg"
    uni = translate("tf.contrib.layers.variance_scaling_initializer",
                    {"factor": 1.0, "mode": "FAN_OUT", "uniform": True})
    assert uni.kwargs == {"scale": 1.0, "mode": "fan_out", "distribution": "uniform"}


def test_contrib_non_literal_uniform_and_mode_are_written_out():
    """Exact whatever they evaluate to: both branches of the law, the mode lower-cased."""
    call = translate("tf.contrib.layers.variance_scaling_initializer",
                     {"uniform": Source("FLAGS.u"), "mode": Source("FLAGS.m")})
    assert call.to_source() == (
        "tf.keras.initializers.VarianceScaling(scale=2.0 if FLAGS.u else 2.011727389229801, "
        "mode=FLAGS.m.lower(), distribution='uniform' if FLAGS.u else 'truncated_normal')")
    xavier = translate("tf.contrib.layers.xavier_initializer", {"uniform": Source("a or b")})
    assert xavier.kwargs["scale"] == Source(f"1.0 if (a or b) else {CONTRIB_NORMAL_SCALE!r}")


@pytest.mark.parametrize("args", [{"mode": "fan_in"}, {"factor": 0.0}])
def test_contrib_untranslatable(args):
    with pytest.raises(Untranslatable) as info:
        translate("tf.contrib.layers.variance_scaling_initializer", args)
    assert isinstance(info.value, Tf1initError) and info.value.reason


def test_xavier():
    assert translate("tf.contrib.layers.xavier_initializer", {}) == KerasCall(K + "GlorotUniform", {})
    normal = translate("tf.contrib.layers.xavier_initializer", {"uniform": False})
    assert normal.target == K + "VarianceScaling"
    assert normal.kwargs == {"scale": CONTRIB_NORMAL_SCALE, "mode": "fan_avg",
                             "distribution": "truncated_normal"}
    # contrib xavier normal is NOT GlorotNormal: 0.29% wider
    shape = (400, 250)
    contrib = law_of("tf.contrib.layers.xavier_initializer", {"uniform": False}, shape)
    assert contrib.stddev == pytest.approx(math.sqrt(1.3 * 2 / 650), rel=1e-12)
    assert contrib.stddev / law_of("tf.keras.initializers.GlorotNormal", {}, shape).stddev == \
        pytest.approx(1.0029276, rel=1e-6)


def test_v1_variance_scaling_normal_means_truncated():
    call = translate("tf.variance_scaling_initializer",
                     {"scale": 2.0, "mode": "fan_out", "distribution": "normal"})
    assert call.kwargs == {"scale": 2.0, "mode": "fan_out", "distribution": "truncated_normal"}
    with pytest.raises(Untranslatable):
        translate("tf.variance_scaling_initializer", {"distribution": Source("d")})
    with pytest.raises(Untranslatable):
        translate("tf.variance_scaling_initializer", {"mode": "FAN_IN"})


def test_tensor_ops_keep_keywords():
    args = {"shape": Source("[3, 4]"), "stddev": 0.1, "seed": 1, "name": "w"}
    assert translate("tf.random_normal", args) == KerasCall("tf.random.normal", args)
    assert translate("tf.truncated_normal", {}).target == "tf.random.truncated_normal"
    assert translate("tf.random_uniform", {}).target == "tf.random.uniform"
    const = translate("tf.constant", {"value": 1.0, "verify_shape": True})
    assert const.target == "tf.constant" and "verify_shape" not in const.kwargs and const.note


def test_simple_families():
    assert translate("tf.zeros_initializer", {}) == KerasCall(K + "Zeros", {})
    assert translate("tf.initializers.ones", {}) == KerasCall(K + "Ones", {})
    assert translate("tf.constant_initializer", {"value": 0.5}).kwargs == {"value": 0.5}
    assert translate("tf.orthogonal_initializer", {"gain": 2.0, "seed": 1}).kwargs == {"gain": 2.0, "seed": 1}
    assert translate("tf.initializers.identity", {}) == KerasCall(K + "Identity", {})
    assert translate("tf.initializers.he_normal", {"seed": 3}).target == K + "HeNormal"
    assert translate("tf.initializers.lecun_uniform", {}).target == K + "LecunUniform"
    assert translate("tf.glorot_normal_initializer", {}).target == K + "GlorotNormal"
    assert translate("tf.keras.initializers.he_normal", {"seed": 1}) == KerasCall(K + "HeNormal", {"seed": 1})
    uus = translate("tf.uniform_unit_scaling_initializer", {"factor": 1.15})
    assert uus.kwargs == {"scale": 1.15**2, "mode": "fan_in", "distribution": "uniform"}


def test_integer_dtype_and_unknown_parameter_are_untranslatable():
    with pytest.raises(Untranslatable, match="integers"):
        translate("tf.random_uniform_initializer", {"dtype": Source("tf.int32")})
    with pytest.raises(Untranslatable, match="did you mean 'stddev'"):
        translate("tf.random_normal_initializer", {"stdev": 1.0})


def test_unknown_name_lists_closest():
    with pytest.raises(UnknownInitializerError, match="tf.random_normal_initializer"):
        translate("tf.random_normal_initialiser", {})
    with pytest.raises(UnknownInitializerError, match="closest known: .*glorot_uniform"):
        lookup("glorot_unifrom")


def test_facade_names_resolve():
    import tf1init

    for name in ["find_initializer", "translate_initializer", "recommend_initializer", "compute_fans",
                 "Untranslatable", "FanError", "UnknownInitializerError", "UnsupportedDtypeError"]:
        assert getattr(tf1init, name) is not None
    assert tf1init.find_initializer is find and tf1init.Untranslatable is Untranslatable


def test_facade_tensorflow_names_resolve():
    code = ("import tf1init; print(tf1init.apply_preset.__name__, tf1init.get_initializer('uniform_range'), "
            "tf1init.Rule.__name__, tf1init.apply_rules.__name__, tf1init.ClippedNormal.__name__, "
            "tf1init.ThresholdedUniform.__name__, tf1init.FanInBiasUniform.__name__, "
            "tf1init.UniformRange.__name__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd="/").stdout.strip()
    assert out == ("apply_preset UniformRange(minval=-1.0, maxval=1.0, seed=None) Rule apply_rules "
                   "ClippedNormal ThresholdedUniform FanInBiasUniform UniformRange")
