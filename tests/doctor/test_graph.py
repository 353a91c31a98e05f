"""How the doctor reads TF1 graphs: activations, fans, parents, sampling fallback, sessions."""
import numpy as np
import pytest

import tf1init


def kernel(v1, name, shape, initializer=None):
    return v1.get_variable(name, shape, initializer=initializer or v1.initializers.he_normal())


def test_activations_fans_and_parents(tf, v1):
    graph = tf.Graph()
    with graph.as_default():
        x = v1.placeholder(tf.float32, [None, 8, 8, 3])
        conv = kernel(v1, "conv/kernel", [3, 3, 3, 4])
        bias = v1.get_variable("conv/bias", [4], initializer=v1.zeros_initializer())
        h = tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(x, conv, 1, "SAME"), bias))
        h = tf.reshape(tf.nn.max_pool2d(h, 2, 2, "VALID"), [-1, 64])
        # A kernel stored (out, in) and used transposed: fan-in is its second dimension.
        wt = kernel(v1, "transposed/kernel", [16, 64])
        h = tf.nn.leaky_relu(tf.matmul(h, wt, transpose_b=True), alpha=0.1)
        w2 = kernel(v1, "sig/kernel", [16, 5], v1.glorot_uniform_initializer())
        out = tf.nn.sigmoid(tf.matmul(h, w2))
        loss = tf.reduce_mean(out)
        v1.train.AdamOptimizer().minimize(loss)  # backward MatMuls must not count as layers
    diagnosis = tf1init.diagnose(graph)
    rows = {r.name: r for r in diagnosis.layers}
    assert list(rows) == ["conv", "transposed", "sig"]
    assert (rows["conv"].layer_type, rows["conv"].fan_in, rows["conv"].activation) == ("Conv2D", 27, "relu")
    assert (rows["transposed"].fan_in, rows["transposed"].fan_out) == (64, 16)
    assert (rows["transposed"].activation, rows["transposed"].negative_slope) == ("leaky_relu", 0.1)
    assert rows["transposed"].activation_label == "leaky_relu(0.1)"
    assert rows["sig"].activation == "sigmoid"
    assert (rows["conv"].parent, rows["transposed"].parent, rows["sig"].parent) == (
        None, "conv/kernel", "transposed/kernel")
    # He computed its fans on the stored (16, 64) layout: variance 2/16 for a true fan-in of 64.
    assert rows["transposed"].variance == pytest.approx(2 / 16, rel=1e-6)
    assert rows["transposed"].gain == pytest.approx(64 * (2 / 16) / (2 / 1.01), rel=1e-6)


def test_batch_norm_resets_the_product(tf, v1):
    graph = tf.Graph()
    with graph.as_default():
        h = v1.placeholder(tf.float32, [None, 1, 1, 16])
        for i in range(4):
            w = kernel(v1, f"block_{i}/kernel", [1, 1, 16, 16], v1.random_normal_initializer(stddev=0.01))
            h = tf.nn.conv2d(h, w, 1, "SAME")
            h, _, _ = v1.nn.fused_batch_norm(h, tf.ones([16]), tf.zeros([16]))
            h = tf.nn.relu(h)
    diagnosis = tf1init.diagnose(graph)
    assert [r.normalized for r in diagnosis.layers] == [True] * 4
    assert [r.product for r in diagnosis.layers] == [1.0] * 4
    assert diagnosis.ok
    assert "relu (after norm)" in diagnosis.table()


def test_sampled_when_the_law_is_not_an_affine_random_op(tf, v1):
    graph = tf.Graph()
    graph.seed = 1  # the sampled variances are the same every run (unseeded, 1/32 +- 1% failed 0.06%)
    with graph.as_default():
        x = v1.placeholder(tf.float32, [None, 32])
        w = kernel(v1, "orth/kernel", [32, 32], v1.orthogonal_initializer())
        h = tf.tanh(tf.matmul(x, w))
        base = v1.Variable(v1.random_uniform([32, 32], -0.3, 0.3), name="base")
        derived = v1.Variable(base * 1.0, name="derived/kernel")  # reads the variable
        h = tf.tanh(tf.matmul(h, derived))
        shared = v1.Variable(tf1init.initialized_value(base) * 2.0, name="shared/kernel")
        tf.tanh(tf.matmul(h, shared))
    rows = tf1init.diagnose(graph).layers
    orth = rows[0]
    assert (orth.source, orth.initializer.startswith("sampled")) == ("empirical", True)
    assert orth.variance == pytest.approx(1 / 32, rel=0.01)  # orthogonal columns: 1 / n exactly
    assert rows[1].kernel == "derived/kernel" and rows[1].source == "empirical"
    assert rows[1].variance == pytest.approx(0.6 ** 2 / 12, rel=0.15)
    # tf1init.initialized_value shares the source's initial-value ops: read exactly.
    assert (rows[2].source, rows[2].initializer) == ("initializer", "uniform [-0.6, 0.6)")


def test_unreadable_initial_value_is_reported_not_guessed(tf, v1):
    graph = tf.Graph()
    with graph.as_default():
        fed = v1.placeholder(tf.float32, [16, 16], name="fed_init")
        w = v1.Variable(fed, name="fed/kernel")
        tf.nn.relu(tf.matmul(v1.placeholder(tf.float32, [None, 16]), w))
    diagnosis = tf1init.diagnose(graph)
    row = diagnosis.layers[0]
    assert (row.source, row.variance, row.gain) == ("unknown", None, None)
    assert any("fed/kernel: its initial value could not be read" in n for n in diagnosis.notes)
    assert diagnosis.ok


def test_two_kernels_in_one_scope_are_named_by_variable_and_sessions_work(tf, v1):
    graph = tf.Graph()
    with graph.as_default():
        x = v1.placeholder(tf.float32, [None, 8])
        w1 = kernel(v1, "net/w1", [8, 8])
        w2 = kernel(v1, "net/w2", [8, 8], v1.zeros_initializer())
        tf.matmul(tf.nn.relu(tf.matmul(x, w1)), w2)
    with v1.Session(graph=graph) as session:
        diagnosis = tf1init.diagnose(session)
    assert [r.name for r in diagnosis.layers] == ["net/w1", "net/w2"]
    assert diagnosis.codes == ("TFD101",)
    assert diagnosis.findings[0].layers == ("net/w2",)


def test_a_graph_without_layers(tf, v1):
    graph = tf.Graph()
    with graph.as_default():
        v1.Variable(np.ones(3, np.float32), name="just_a_vector")
    diagnosis = tf1init.diagnose(graph)
    assert (diagnosis.layers, diagnosis.ok) == ((), True)
    assert "no kernel found" in str(diagnosis)
