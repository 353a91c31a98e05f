"""Pitfall 8: seeds. A small graph edit changes every later initial value; tf_keras / Keras 3
initializers ignore the graph seed. Ours: per-variable seeds from names, seed_everything, and
fingerprints that compare runs (or TF1 and TF2) variable by variable."""
import random

import numpy as np
import pytest

import tf1init
from tf1init.observe.fingerprints import value_fingerprint


def build(tf, v1, kind, *, edit=False, keras_init=False):
    """A graph with a graph seed; `edit` adds an unrelated random op (a dropout mask, say) and
    an unrelated truncated_normal before the model, as a small code change would."""
    graph = tf.Graph()
    with graph.as_default():
        v1.set_random_seed(1234)
        if edit:
            tf.identity(v1.random_uniform([8]), name="dropout_mask")
            v1.truncated_normal([2])  # takes the op name 'truncated_normal'
        w = v1.Variable(v1.truncated_normal([20, 20]), name="w", use_resource=kind == "resource")
        initializer = tf.keras.initializers.GlorotUniform() if keras_init else None
        k = v1.get_variable("dense/kernel", [6, 4], initializer=initializer,
                            use_resource=kind == "resource")
    return graph, (w, k)


def draw(graph, variables, seed=None):
    session = v1_session(graph)
    if seed is None:
        with graph.as_default():
            session.run([v.initializer for v in variables])
    else:
        tf1init.initialize_all(session, seed=seed)
    return session.run(list(variables)), session


def v1_session(graph):
    from tf1init._tf import v1

    return v1.Session(graph=graph)


def test_raw_graph_seed_values_change_when_an_unrelated_op_is_added(tf, v1, kind):
    (w1, k1), _ = draw(*build(tf, v1, kind))
    (w2, k2), _ = draw(*build(tf, v1, kind))
    (w3, k3), _ = draw(*build(tf, v1, kind, edit=True))
    np.testing.assert_array_equal(w1, w2)  # the same graph repeats...
    np.testing.assert_array_equal(k1, k2)
    assert not np.array_equal(w1, w3)  # ...but one unrelated op earlier changes everything
    assert not np.array_equal(k1, k3)


def test_raw_keras_initializers_ignore_the_graph_seed(tf, v1):
    (_, k1), _ = draw(*build(tf, v1, "resource", keras_init=True))
    (_, k2), _ = draw(*build(tf, v1, "resource", keras_init=True))
    assert not np.array_equal(k1, k2)  # Keras 3 draws a Python seed per initializer object


def test_ours_name_derived_seeds_survive_unrelated_edits(tf, v1, kind):
    (w1, k1), s1 = draw(*build(tf, v1, kind), seed=7)
    (w2, k2), s2 = draw(*build(tf, v1, kind, edit=True), seed=7)
    (w3, k3), _ = draw(*build(tf, v1, kind), seed=8)
    np.testing.assert_array_equal(w1, w2)
    np.testing.assert_array_equal(k1, k2)
    assert not np.array_equal(w1, w3) and not np.array_equal(k1, k3)
    diff = tf1init.compare_fingerprints(s1, s2)  # the edit's own variables are not variables
    assert diff.identical and diff.same == ("dense/kernel", "w")


def test_ours_seeds_keras_initializers_in_graph_mode(tf, v1):
    (_, k1), _ = draw(*build(tf, v1, "resource", keras_init=True), seed=7)
    (_, k2), _ = draw(*build(tf, v1, "resource", keras_init=True, edit=True), seed=7)
    np.testing.assert_array_equal(k1, k2)


def test_tf_keras_compat_layers_under_tf_use_legacy_keras(mode_results):
    """In a process with TF_USE_LEGACY_KERAS=1 and disable_eager_execution(): two identical
    graphs with set_random_seed(1) and tf.compat.v1.layers.dense get different kernels."""
    report = mode_results[("disable_eager_execution", "v2")]["tf_keras"]
    assert report["keras"] == "tf_keras" and report["stateless"] is True
    assert report["raw"] is False
    assert report["seed_everything"] is True  # seeds Python's random, where tf_keras draws
    assert report["initialize_all(seed=1)"] is True  # rewrites the stateless seeds by name


def test_seed_everything_fixes_python_numpy_and_tf(tf, v1):
    graph = tf.Graph()
    report = tf1init.seed_everything(11, graph=graph)
    assert report.fixed[:4] == ("python random", "numpy", "tf.compat.v1 graph seed",
                                "tf.random global seed")
    assert graph.seed == 11
    first = (random.random(), np.random.rand(), float(tf.random.uniform([])))
    tf1init.seed_everything(11)
    assert first == (random.random(), np.random.rand(), float(tf.random.uniform([])))


def test_fingerprints_compare_tf1_sessions_with_tf2_eager_variables(tf, v1):
    rng = np.random.default_rng(3)
    kernel, bias = rng.standard_normal((3, 2)).astype(np.float32), np.zeros(2, np.float32)
    graph = tf.Graph()
    with graph.as_default():
        v1.get_variable("dense/weights", initializer=kernel)
        v1.get_variable("dense/biases", initializer=bias)
    session = v1.Session(graph=graph)
    tf1init.initialize_all(session)
    tf1 = tf1init.fingerprint(session)
    assert tf1["dense/weights"] == value_fingerprint(kernel)
    assert tf1["dense/weights"].startswith("float32[3,2]:")
    model = tf.keras.Sequential([tf.keras.Input((3,)), tf.keras.layers.Dense(2, name="dense")])
    model.layers[0].set_weights([kernel, bias])
    rename = {"dense/weights": "dense/kernel", "dense/biases": "dense/bias"}
    assert tf1init.compare_fingerprints(tf1, model, mapping=rename).identical
    eager = [tf.Variable(kernel, name="dense/kernel"), tf.Variable(bias + 1, name="dense/bias")]
    diff = tf1init.compare_fingerprints(tf1, eager, mapping=lambda n: rename[n])
    assert diff.different == ("dense/bias",) and diff.same == ("dense/kernel",)
    assert str(diff).splitlines()[1] == "  differs: dense/bias"
    unmapped = tf1init.compare_fingerprints(tf1, eager)
    assert unmapped.only_in_first == ("dense/biases", "dense/weights")
    assert unmapped.only_in_second == ("dense/bias", "dense/kernel")
