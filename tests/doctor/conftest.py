"""Builders for the doctor's test models: the same stack as a TF1 graph and as a Keras model.

Each layer's initializer is a catalogue spelling with arguments; the Keras model gets its exact
Keras 3 translation, so both backends describe the same law.
"""
import pytest

WIDTH = 32


@pytest.fixture(scope="session")
def tf1_stack(tf, v1):
    """tf1_stack(layers) -> tf.Graph; layers: [(activation or None, spelling, args)]."""
    from tf1init.catalogue.build import tf1_initializer
    from tf1init.layers import dense

    activations = {"relu": tf.nn.relu, "tanh": tf.nn.tanh, "selu": tf.nn.selu,
                   "sigmoid": tf.nn.sigmoid, None: None}

    def build(layers, width=WIDTH):
        graph = tf.Graph()
        with graph.as_default():
            h = v1.placeholder(tf.float32, [None, width], name="x")
            for i, (activation, spelling, args) in enumerate(layers):
                h = dense(h, width, activation=activations[activation], name=f"layer_{i}",
                          kernel_initializer=tf1_initializer(spelling, args))
        return graph

    return build


@pytest.fixture(scope="session")
def keras_stack(tf):
    """keras_stack(layers) -> a built Keras Sequential with the same layers."""
    from tf1init.catalogue import translate
    from tf1init.catalogue.build import keras_initializer

    def build(layers, width=WIDTH):
        stack = [tf.keras.Input((width,))]
        for i, (activation, spelling, args) in enumerate(layers):
            stack.append(tf.keras.layers.Dense(
                width, activation=activation, name=f"layer_{i}",
                kernel_initializer=keras_initializer(translate(spelling, args))))
        return tf.keras.Sequential(stack, name="stack")

    return build


@pytest.fixture(scope="session")
def export_meta(v1):
    """export_meta(graph, path) -> path of the graph's meta graph file."""

    def export(graph, path):
        with graph.as_default():
            v1.train.export_meta_graph(str(path))
        return str(path)

    return export
