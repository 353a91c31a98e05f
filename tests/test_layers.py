"""`tf.compat.v1.layers.dense` on Keras 3: our rebuild and the tf-keras route, same names."""
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import tf1init
from tf1init.layers import dense


def test_raw_compat_layers_dense_is_gone_on_keras_3(tf, v1):
    graph = tf.Graph()
    with graph.as_default():
        x = v1.placeholder(tf.float32, [None, 4])
        with pytest.raises(AttributeError, match="not available with Keras 3"):
            v1.layers.dense(x, 3)


def test_dense_builds_tf1_names_and_initializes_with_tf1init(tf, v1):
    graph = tf.Graph()
    with graph.as_default():
        x = v1.placeholder(tf.float32, [None, 4])
        hidden = dense(x, 8, activation=tf.nn.relu)
        logits = dense(hidden, 3, kernel_initializer=v1.constant_initializer(0.5), name="head")
        again = dense(hidden, 3, name="head", reuse=True)
    names = sorted(v.op.name for v in graph.get_collection("trainable_variables"))
    assert names == ["dense/bias", "dense/kernel", "head/bias", "head/kernel"]
    session = v1.Session(graph=graph)
    tf1init.initialize_all(session, seed=1)
    by_name = {v.op.name: v for v in graph.get_collection("trainable_variables")}
    kernel, bias = session.run([by_name["dense/kernel"], by_name["dense/bias"]])
    limit = np.sqrt(6.0 / (4 + 8))  # Glorot uniform, as tf.layers.dense did
    assert kernel.shape == (4, 8) and np.abs(kernel).max() <= limit and not bias.any()
    feed = {x: np.ones([2, 4], np.float32)}
    out, out_again, h = session.run([logits, again, hidden], feed)
    np.testing.assert_allclose(out, h @ np.full([8, 3], 0.5, np.float32), rtol=1e-6)
    np.testing.assert_array_equal(out, out_again)


def test_tf_keras_route_gives_the_same_variable_names(tmp_path):
    pytest.importorskip("tf_keras")
    script = tmp_path / "legacy.py"
    script.write_text(textwrap.dedent(
        """
        import os
        os.environ["TF_USE_LEGACY_KERAS"] = "1"
        import tensorflow as tf
        v1 = tf.compat.v1
        v1.disable_eager_execution()
        import tf1init
        x = v1.placeholder(tf.float32, [None, 4])
        y = v1.layers.dense(v1.layers.dense(x, 8), 3)
        with v1.Session() as session:
            tf1init.initialize_all(session)
            tf1init.assert_initialized(session, y)
            print(sorted(v.op.name for v in v1.trainable_variables()))
        """
    ))
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().splitlines()[-1] == str(
        ["dense/bias", "dense/kernel", "dense_1/bias", "dense_1/kernel"]
    )
