"""Dispatch rules and framework presets, on a TF1 graph in a session and on a Keras 3 model."""
import math

import numpy as np
import pytest

from tf1init.catalogue import Law, law_of


@pytest.fixture(scope="module")
def tfm():
    from tf1init._tf import tf, v1

    return tf, v1


@pytest.fixture(scope="module")
def graph(tfm):
    """dense1 (400x250) -> dense2 (250x100), and a conv (5x5x40x100), with the forward pass."""
    tf, v1 = tfm
    g = tf.Graph()
    with g.as_default():
        x = v1.placeholder(tf.float32, (None, 400))
        h = x
        for name, shape in [("dense1", (400, 250)), ("dense2", (250, 100))]:
            with v1.variable_scope(name):
                w = v1.get_variable("kernel", shape)
                b = v1.get_variable("bias", shape[-1:])
                h = tf.nn.relu(tf.matmul(h, w) + b)
        img = v1.placeholder(tf.float32, (None, 8, 8, 40))
        with v1.variable_scope("conv"):
            k = v1.get_variable("kernel", (5, 5, 40, 100))
            cb = v1.get_variable("bias", (100,))
            tf.nn.conv2d(img, k, 1, "SAME") + cb
        init = v1.global_variables_initializer()
    sess = v1.Session(graph=g)
    sess.run(init)
    yield sess
    sess.close()


def values(sess):
    with sess.graph.as_default():
        from tf1init._tf import v1

        vs = v1.trainable_variables()
    return dict(zip([v.op.name for v in vs], sess.run(vs)))


def check(values_, law):
    from tf1init.catalogue.evidence import check_sample

    assert check_sample(values_, law) == []


def test_graph_layers_types_and_roles(graph):
    from tf1init.catalogue.dispatch import graph_slots

    slots = {s.name: s for s in graph_slots(graph.graph)}
    assert [(s.layer, s.layer_type, s.layer_number, s.type_number, s.role) for s in slots.values()] == [
        ("dense1", "Dense", 0, 0, "kernel"), ("dense1", "Dense", 0, 0, "bias"),
        ("dense2", "Dense", 1, 1, "kernel"), ("dense2", "Dense", 1, 1, "bias"),
        ("conv", "Conv2D", 2, 0, "kernel"), ("conv", "Conv2D", 2, 0, "bias")]
    assert slots["conv/bias"].kernel_shape == (5, 5, 40, 100)


def test_rules_in_a_tf1_graph(graph, tfm):
    from tf1init.catalogue.dispatch import Rule, apply_rules

    tf, _ = tfm
    rules = [Rule("glorot_uniform", layer_type="Dense", layer_index=0, role="kernel"),
             Rule(tf.keras.initializers.Constant(0.25), layer_type="Dense", layer_index=1, role="kernel"),
             Rule("zeros", role="bias"),
             Rule("he_normal", layer_type="Conv2D"),
             Rule("ones", name=r"^decoder/")]
    with pytest.warns(UserWarning, match="rule 4 matched no variable"):
        report = apply_rules(graph, rules)
    assert report.unmatched_rules == (4,) and report.untouched == ()
    assert [a.rule for a in report.assigned] == [0, 2, 1, 2, 3, 2]  # first match wins
    assert "rule 4 matched nothing: Rule('ones', name='^decoder/')" in str(report)
    v = values(graph)
    check(v["dense1/kernel"], law_of("tf.keras.initializers.GlorotUniform", {}, (400, 250)))
    assert np.all(v["dense2/kernel"] == 0.25)
    assert all(np.all(v[n] == 0) for n in ("dense1/bias", "dense2/bias", "conv/bias"))
    check(v["conv/kernel"], law_of("he_normal", {}, (5, 5, 40, 100)))


KERNEL_LAWS = {
    "keras": lambda s: law_of("glorot_uniform", {}, s),
    "pytorch": lambda s: Law("uniform", s, low=-1 / math.sqrt(_fan_in(s)), high=1 / math.sqrt(_fan_in(s))),
    "flax": lambda s: law_of("lecun_normal", {}, s),
    "mxnet_legacy": lambda s: Law("uniform", s, low=-0.07, high=0.07),
}


def _fan_in(shape):
    from tf1init.catalogue import compute_fans

    return compute_fans(shape)[0]


def _check_bias(preset, bias, kernel_shape):
    if preset == "pytorch":
        bound = 1 / math.sqrt(_fan_in(kernel_shape))
        assert np.abs(bias).max() <= bound * (1 + 1e-6) and np.abs(bias).max() > 0.8 * bound
    else:
        assert np.all(bias == 0)


@pytest.mark.parametrize("preset", ["keras", "pytorch", "flax", "mxnet_legacy"])
def test_presets_on_a_tf1_graph(graph, preset):
    from tf1init.catalogue.presets import apply_preset

    report = apply_preset(preset, graph)
    assert len(report.assigned) == 6 and report.unmatched_rules == ()
    v = values(graph)
    for layer, shape in [("dense1", (400, 250)), ("conv", (5, 5, 40, 100))]:
        check(v[f"{layer}/kernel"], KERNEL_LAWS[preset](shape))
        _check_bias(preset, v[f"{layer}/bias"], shape)


@pytest.mark.parametrize("preset", ["keras", "pytorch", "flax", "mxnet_legacy"])
def test_presets_on_a_keras_model(tfm, preset):
    from tf1init.catalogue.presets import apply_preset

    tf, _ = tfm
    model = tf.keras.Sequential([
        tf.keras.Input((10, 10, 40)), tf.keras.layers.Conv2D(100, 5),
        tf.keras.layers.Flatten(), tf.keras.layers.Dense(250)])
    apply_preset(preset, model)
    conv, dense = model.layers[0], model.layers[-1]
    check(conv.kernel.numpy(), KERNEL_LAWS[preset]((5, 5, 40, 100)))
    _check_bias(preset, conv.bias.numpy(), (5, 5, 40, 100))
    _check_bias(preset, dense.bias.numpy(), (3600, 250))


def test_same_shaped_layers_do_not_start_identical(tfm):
    from tf1init.catalogue.dispatch import Rule, apply_rules

    tf, _ = tfm
    shared = tf.keras.initializers.GlorotUniform()
    # the Keras 3 pitfall this guards against: one unseeded object, same shape, same values
    np.testing.assert_array_equal(shared((8, 8)).numpy(), shared((8, 8)).numpy())
    model = tf.keras.Sequential([tf.keras.Input((8,)), tf.keras.layers.Dense(8), tf.keras.layers.Dense(8)])
    apply_rules(model, [Rule(shared, role="kernel")])
    a, b = (layer.kernel.numpy() for layer in model.layers)
    assert not np.array_equal(a, b)


def test_bad_rules_and_presets():
    from tf1init.catalogue.dispatch import Rule
    from tf1init.catalogue.presets import preset_rules
    from tf1init.errors import Tf1initError

    with pytest.raises(Tf1initError, match="'weights' is not one of kernel, bias, other"):
        Rule("zeros", role="weights")
    with pytest.raises(Tf1initError, match="did you mean 'pytorch'"):
        preset_rules("pytorh")


def test_ref_variables_and_var_list(tfm):
    """TF1 ref variables (disable_v2_behavior style) and an explicit var_list."""
    from tf1init.catalogue.dispatch import Rule, apply_rules

    tf, v1 = tfm
    g = tf.Graph()
    with g.as_default():
        w = v1.get_variable("fc/weights", (30, 20), use_resource=False)
        b = v1.get_variable("fc/biases", (20,), use_resource=False)
        other = v1.get_variable("step", (), use_resource=False)
        init = v1.global_variables_initializer()
    with v1.Session(graph=g) as sess:
        sess.run(init)
        report = apply_rules(sess, [Rule("ones", role="kernel"), Rule("zeros", role="bias")],
                             var_list=[w, b, other])
        assert report.untouched == ("step",)
        wv, bv = sess.run([w, b])
    assert np.all(wv == 1) and np.all(bv == 0)
    assert "RefVariable" in type(w).__name__
