"""Custom initializers: serialisation round trips, the registry, and their laws in both worlds."""
import math

import numpy as np
import pytest

N = 100_000


@pytest.fixture(scope="module")
def mod():
    from tf1init.catalogue import custom

    return custom


@pytest.fixture(scope="module")
def tf():
    from tf1init._tf import tf

    return tf


def examples(mod):
    return [mod.UniformRange(-0.07, 0.07, seed=3), mod.ClippedNormal(0.5, 2.0, k=3.0),
            mod.ThresholdedUniform(10.0, 5.0, seed=11), mod.FanInBiasUniform(fan_in=400)]


def assert_moments(values, moments):
    mean, std, lo, hi = moments
    v = np.asarray(values, dtype=np.float64).ravel()
    assert abs(v.mean() - mean) < 6 * std / math.sqrt(v.size)
    assert v.std() == pytest.approx(std, rel=0.02)
    assert v.min() >= lo - 1e-6 * abs(lo) and v.max() <= hi + 1e-6 * abs(hi)
    assert v.min() < lo + 0.01 * (hi - lo) and v.max() > hi - 0.01 * (hi - lo)


def test_every_custom_round_trips_config(mod, tf):
    for init in examples(mod):
        cls = type(init)
        again = cls.from_config(init.get_config())
        assert again == init and again.get_config() == init.get_config()
        keras_again = tf.keras.initializers.deserialize(tf.keras.initializers.serialize(init))
        assert type(keras_again) is cls and keras_again == init


def test_get_accepts_every_identifier_kind(mod, tf):
    u = mod.UniformRange(-2.0, 2.0)
    assert type(mod.get("uniform_range")) is mod.UniformRange
    assert type(mod.get("ClippedNormal")) is mod.ClippedNormal
    assert mod.get({"class_name": "UniformRange", "config": u.get_config()}) == u
    assert mod.get(tf.keras.initializers.serialize(u)) == u
    assert type(mod.get(mod.ThresholdedUniform)) is mod.ThresholdedUniform
    assert mod.get(u) is u
    fn = lambda shape, dtype=None: tf.zeros(shape, dtype)  # noqa: E731
    assert mod.get(fn) is fn
    assert mod.get(None) is None
    # Keras names, including the one Keras 3.15's own get() breaks on
    assert type(mod.get("he_normal")).__name__ == "HeNormal"
    assert type(mod.get("constant")).__name__ == "Constant"
    assert mod.get({"class_name": "RandomNormal", "config": {"stddev": 0.3}}).stddev == 0.3
    # a TF1 spelling gives its exact Keras form
    rn = mod.get("tf.random_normal_initializer")
    assert (type(rn).__name__, rn.stddev) == ("RandomNormal", 1.0)
    cvs = mod.get("tf.contrib.layers.variance_scaling_initializer")
    assert cvs.scale == pytest.approx(2 * 1.3 * 0.87962566103423978**2, rel=1e-15)


def test_get_errors_name_the_value(mod):
    from tf1init.errors import Tf1initError, UnknownInitializerError

    with pytest.raises(UnknownInitializerError, match="'uniform_rnage'.*uniform_range"):
        mod.get("uniform_rnage")
    with pytest.raises(Tf1initError, match="42"):
        mod.get(42)
    with pytest.raises(Tf1initError, match="minval < maxval"):
        mod.UniformRange(1.0, -1.0)


def test_unsupported_dtype_lists_the_working_ones(mod):
    from tf1init.errors import UnsupportedDtypeError

    with pytest.raises(UnsupportedDtypeError, match="'int32'.*float16, bfloat16, float32, float64"):
        mod.UniformRange()((3, 3), dtype="int32")
    assert mod.UniformRange()((3, 3), dtype="float64").dtype.name == "float64"


def test_laws_in_keras_and_in_a_tf1_graph(mod, tf):
    from scipy.stats import ks_2samp

    from tf1init._tf import v1

    # Every draw is seeded, so the test gives the same answer on every run; the Keras side
    # takes other seeds than the graph side, or the stateless ops would make both identical.
    inits = [type(init).from_config({**init.get_config(), "seed": seed})
             for init, seed in zip(examples(mod), (1, 2, 3, 4))]
    g = tf.Graph()
    with g.as_default():
        vs = [v1.get_variable(f"w{i}", shape=(400, 250), initializer=init)
              for i, init in enumerate(inits)]
        init_op = v1.variables_initializer(vs)
    with v1.Session(graph=g) as sess:
        sess.run(init_op)
        graph_values = sess.run(vs)
    for init, gv in zip(inits, graph_values):
        other = type(init).from_config({**init.get_config(), "seed": init.seed + 100})
        ev = other((400, 250)).numpy()
        assert not np.array_equal(gv, ev)
        assert_moments(gv, init.moments())
        assert_moments(ev, init.moments())
        assert ks_2samp(gv.ravel(), ev.ravel()).pvalue > 0.01
    thresholded = graph_values[2]
    assert np.mean(thresholded == 0) == pytest.approx(0.5, abs=0.006)
    nonzero = np.abs(thresholded[thresholded != 0])
    assert nonzero.min() >= 5.0 and nonzero.max() < 10.0


def test_clipped_normal_at_two_is_keras_truncated_normal(mod, tf):
    from scipy.stats import ks_2samp

    ours = mod.ClippedNormal(0.0, 0.3, k=2.0, seed=1)((N,)).numpy()
    keras = tf.keras.initializers.TruncatedNormal(0.0, 0.3, seed=2)((N,)).numpy()
    assert ks_2samp(ours, keras).pvalue > 0.01
    assert ours.std() == pytest.approx(0.3 * 0.87962566103423978, rel=0.015)


def test_seed_semantics(mod, tf):
    from tf1init._tf import v1

    seeded, fresh = mod.UniformRange(seed=5), mod.UniformRange()
    np.testing.assert_array_equal(seeded((4, 4)).numpy(), seeded((4, 4)).numpy())
    assert not np.array_equal(fresh((4, 4)).numpy(), fresh((4, 4)).numpy())
    g = tf.Graph()
    with g.as_default():
        a = v1.get_variable("a", shape=(4, 4), initializer=mod.ClippedNormal())
    with v1.Session(graph=g) as sess:
        sess.run(a.initializer)
        first = sess.run(a)
        sess.run(a.initializer)
        assert not np.array_equal(first, sess.run(a))  # TF1: re-running the initializer redraws


def test_keras_model_keeps_custom_initializer_through_config(mod, tf):
    layer = tf.keras.layers.Dense(250, kernel_initializer=mod.ThresholdedUniform(8.0, 2.0, seed=4))
    layer.build((None, 400))
    again = tf.keras.layers.Dense.from_config(layer.get_config())
    assert again.kernel_initializer == mod.ThresholdedUniform(8.0, 2.0, seed=4)
    assert_moments(layer.kernel.numpy(), mod.ThresholdedUniform(8.0, 2.0).moments())
