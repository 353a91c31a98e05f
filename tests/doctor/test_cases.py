"""Models built to have each problem, and healthy ones, as TF1 meta graphs and Keras models."""
import pytest

import tf1init

HE = ("tf.initializers.he_normal", {})
GLOROT = ("tf.glorot_uniform_initializer", {})
LECUN = ("tf.initializers.lecun_normal", {})
SMALL = ("tf.random_normal_initializer", {"stddev": 0.01})


def stack(activation, spec, depth):
    return [(activation, *spec)] * depth


# id -> (layers, expected finding codes, layers named by the first finding)
CASES = {
    "zero kernel": (stack("relu", HE, 2) + [("relu", "tf.zeros_initializer", {})] + stack("relu", HE, 2),
                    ("TFD101",), ("layer_2",)),
    "constant kernel": (stack("relu", HE, 1) + [("relu", "tf.constant_initializer", {"value": 0.5})]
                        + stack("relu", HE, 1), ("TFD102",), ("layer_1",)),
    "20-layer small normal vanishes": (stack("relu", SMALL, 20), ("TFD103",),
                                       tuple(f"layer_{i}" for i in range(20))),
    "Glorot under ReLU, deep": (stack("relu", GLOROT, 8), ("TFD103", "TFD105"),
                                tuple(f"layer_{i}" for i in range(8))),
    "He under tanh": (stack("tanh", HE, 4), ("TFD104", "TFD106"),
                      ("layer_0", "layer_1", "layer_2", "layer_3")),
    "He under SELU": (stack("selu", HE, 3), ("TFD104", "TFD107"), ("layer_0", "layer_1", "layer_2")),
    "healthy He + ReLU": (stack("relu", HE, 10), (), ()),
    "healthy Glorot + tanh": (stack("tanh", GLOROT, 10), (), ()),
    "healthy LeCun + SELU": (stack("selu", LECUN, 10), (), ()),
    "two Glorot + ReLU layers are not deep": (stack("relu", GLOROT, 2), ("TFD103",),
                                              ("layer_0", "layer_1")),
}


@pytest.fixture(params=["tf1 meta graph", "keras model"])
def backend(request, tf1_stack, keras_stack, export_meta, tmp_path):
    if request.param == "keras model":
        return keras_stack
    return lambda layers: export_meta(tf1_stack(layers), tmp_path / "model.meta")


@pytest.mark.parametrize("case", list(CASES))
def test_findings(case, backend):
    layers, codes, named = CASES[case]
    diagnosis = tf1init.diagnose(backend(layers))
    assert diagnosis.codes == codes
    assert diagnosis.ok == (not codes) and diagnosis.exit_code == (1 if codes else 0)
    assert len(diagnosis.layers) == len(layers)
    if codes:
        assert diagnosis.findings[0].layers == named
        assert all(f.instead for f in diagnosis.findings)


def test_numbers_are_exact_and_agree_between_backends(tf1_stack, keras_stack):
    layers = stack("relu", GLOROT, 3) + [("tanh", *HE), (None, *LECUN)]
    tf1 = tf1init.diagnose(tf1_stack(layers))
    keras = tf1init.diagnose(keras_stack(layers))
    gains = [0.5, 0.5, 0.5, 2.0, 1.0]
    variances = [1 / 32, 1 / 32, 1 / 32, 2 / 32, 1 / 32]
    for diagnosis in (tf1, keras):
        rows = diagnosis.layers
        assert [r.name for r in rows] == [f"layer_{i}" for i in range(5)]
        assert [r.activation for r in rows] == ["relu"] * 3 + ["tanh", "linear"]
        assert [(r.fan_in, r.fan_out, r.source) for r in rows] == [(32, 32, "initializer")] * 5
        assert [r.variance for r in rows] == pytest.approx(variances, rel=1e-6)
        assert [r.gain for r in rows] == pytest.approx(gains, rel=1e-6)
        products = [0.5, 0.25, 0.125, 0.25, 0.25]
        assert [r.product for r in rows] == pytest.approx(products, rel=1e-6)
        assert [r.parent for r in rows][1:] == [r.kernel for r in rows][:-1]
    assert [r.kernel for r in tf1.layers][0] == "layer_0/kernel"
    assert [r.kernel for r in keras.layers][0] == "stack/layer_0/kernel"
    assert tf1.layers[3].initializer == "truncated normal (stddev 0.2842)"
    assert keras.layers[3].initializer == "HeNormal()"
    assert tf1.codes == keras.codes == ("TFD103", "TFD105", "TFD106")


def test_what_to_use_instead_is_spelled_for_keras_and_tf1(keras_stack):
    diagnosis = tf1init.diagnose(keras_stack(stack("relu", GLOROT, 4) + stack("tanh", HE, 1)))
    instead = {f.code: f.instead for f in diagnosis.findings}
    assert instead["TFD105"] == ("relu layers: tf.keras.initializers.HeNormal() (Keras) / "
                                 "tf.compat.v1.initializers.he_normal() (TF1)",)
    assert instead["TFD106"] == ("tanh layers: tf.keras.initializers.GlorotUniform() (Keras) / "
                                 "tf.compat.v1.glorot_uniform_initializer() (TF1)",)
    text = str(diagnosis)
    assert "TFD105 ReLU layers with a variance-1 initializer: 4 ReLU-family layers" in text
    assert "use instead: relu layers: tf.keras.initializers.HeNormal()" in text
