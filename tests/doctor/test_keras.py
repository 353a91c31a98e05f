"""How the doctor reads Keras models: activation layers, normalization, custom initializers."""
import numpy as np
import pytest

import tf1init


def test_activation_layers_and_layer_objects_as_activations(tf):
    layers = tf.keras.layers
    model = tf.keras.Sequential([
        tf.keras.Input((16,)),
        layers.Dense(16, kernel_initializer="he_uniform", name="a"), layers.ReLU(),
        layers.Dense(16, kernel_initializer="glorot_uniform", name="b"), layers.Activation("sigmoid"),
        layers.Dense(16, activation=layers.LeakyReLU(negative_slope=0.1), name="c"),
        layers.Dropout(0.5),
        layers.Dense(4, kernel_initializer="lecun_normal", name="d"), layers.Softmax()], name="m")
    rows = tf1init.diagnose(model).layers
    assert [(r.name, r.activation, r.negative_slope) for r in rows] == [
        ("a", "relu", None), ("b", "sigmoid", None), ("c", "leaky_relu", 0.1), ("d", "softmax", None)]
    assert rows[0].initializer == "HeUniform()" and rows[0].variance == pytest.approx(2 / 16)
    assert rows[2].gain == pytest.approx(16 * (2 / 32) / (2 / 1.01))


def test_conv_fans_and_batch_norm(tf):
    layers = tf.keras.layers
    model = tf.keras.Sequential([
        tf.keras.Input((8, 8, 3)),
        layers.Conv2D(8, 3, kernel_initializer=tf.keras.initializers.RandomNormal(stddev=0.01),
                      name="conv"),
        layers.BatchNormalization(), layers.ReLU(),
        layers.Conv2D(8, 3, kernel_initializer="he_normal", activation="relu", name="conv_2")])
    rows = tf1init.diagnose(model).layers
    assert (rows[0].fan_in, rows[0].fan_out, rows[0].normalized) == (27, 72, True)
    assert rows[0].initializer == "RandomNormal(stddev=0.01)"
    assert [r.product for r in rows] == pytest.approx([1.0, 1.0])


def test_custom_initializer_is_sampled_and_reassigned_zeros_are_caught(tf):
    model = tf.keras.Sequential([
        tf.keras.Input((64,)),
        tf.keras.layers.Dense(64, activation="tanh", name="clipped",
                              kernel_initializer=tf1init.ClippedNormal(stddev=0.125, k=3.0, seed=1)),
        tf.keras.layers.Dense(64, activation="tanh", name="zeroed")])
    model.get_layer("zeroed").kernel.assign(np.zeros((64, 64), np.float32))
    diagnosis = tf1init.diagnose(model)
    clipped, zeroed = diagnosis.layers
    assert (clipped.source, clipped.initializer) == ("empirical", "ClippedNormal (sampled)")
    assert clipped.variance == pytest.approx(float(np.var(model.get_layer("clipped").kernel.numpy())))
    assert (zeroed.source, zeroed.constant) == ("initializer", 0.0)
    assert "current values are all 0" in zeroed.note
    assert diagnosis.codes == ("TFD101",)


def test_unbuilt_model_says_so(tf):
    model = tf.keras.Sequential([tf.keras.layers.Dense(4)])
    diagnosis = tf1init.diagnose(model)
    assert diagnosis.layers == ()
    assert "has no weights yet" in diagnosis.notes[0]
