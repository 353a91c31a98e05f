"""The Keras callback and the session hook record real statistics during real training."""
import doctest
import json

import numpy as np
import pytest

import tf1init
from tf1init.observe import monitor

X = np.random.default_rng(0).normal(size=(32, 3)).astype(np.float32)
Y = (X @ np.array([[1.0], [-2.0], [0.5]], np.float32) + 0.3).astype(np.float32)
W0 = np.array([[0.1], [0.2], [0.3]], np.float32)


@pytest.fixture
def keras_model(tf):
    model = tf.keras.Sequential([tf.keras.Input((3,)), tf.keras.layers.Dense(4, name="hidden"),
                                 tf.keras.layers.Dense(1, name="out")], name="reg")
    model.compile(tf.keras.optimizers.SGD(0.05), "mse")
    return model


def test_callback_records_before_training_and_every_epoch(keras_model, tmp_path):
    before = tf1init.weight_stats(keras_model)
    callback = tf1init.WeightStatsCallback(path=tmp_path / "epochs.png")
    keras_model.fit(X, Y, epochs=3, batch_size=8, verbose=0, callbacks=[callback])
    history = callback.history
    assert history.unit == "epoch" and history.steps == [0, 1, 2, 3]
    assert history.points[0][1] == before
    assert history.points[-1][1] == tf1init.weight_stats(keras_model)
    xs, stds = history.series("reg/out/kernel", "std")
    assert xs == [0, 1, 2, 3] and stds[0] != stds[-1]  # training moved the weights
    assert callback.plot_file.axes == 5
    assert open(callback.plot_file.path, "rb").read(4) == b"\x89PNG"
    data = json.loads(history.to_json())
    assert [p["epoch"] for p in data["points"]] == [0, 1, 2, 3]
    assert data["points"][0]["variables"][0]["name"] == "reg/hidden/kernel"


def test_callback_every_n_epochs_keeps_the_last_and_a_selection(keras_model):
    callback = tf1init.WeightStatsCallback("reg/out", every=2)
    keras_model.fit(X, Y, epochs=3, batch_size=8, verbose=0, callbacks=[callback])
    assert callback.history.steps == [0, 2, 3]
    assert callback.history.points[0][1].names == ("reg/out/kernel", "reg/out/bias")
    with pytest.raises(KeyError, match="reg/hidden/kernel"):
        callback.history.series("reg/hidden/kernel", "std")
    with pytest.raises(ValueError, match="every=0"):
        tf1init.WeightStatsCallback(every=0)


def _regression_graph(tf, v1, global_step: bool):
    graph = tf.Graph()
    with graph.as_default():
        step = v1.train.get_or_create_global_step() if global_step else None
        w = v1.Variable(W0, name="model/w")
        b = v1.Variable(np.zeros(1, np.float32), name="model/b")
        loss = tf.reduce_mean(tf.square(tf.matmul(X, w) + b - Y))
        train = v1.train.GradientDescentOptimizer(0.05).minimize(loss, global_step=step)
    return graph, train, w


def test_hook_records_every_n_global_steps_in_a_monitored_training_session(tf, v1, tmp_path):
    graph, train, w = _regression_graph(tf, v1, global_step=True)
    hook = tf1init.WeightStatsHook(every_n_steps=5, selection="model", path=tmp_path / "steps.png")
    with graph.as_default():
        with v1.train.MonitoredTrainingSession(hooks=[hook], save_summaries_steps=None,
                                               save_checkpoint_secs=None, log_step_count_steps=None) as session:
            for _ in range(12):
                session.run(train)
            final = session.run(w)
    history = hook.history
    assert history.unit == "step" and history.steps == [0, 5, 10, 12]
    start = history.points[0][1]["model/w"]
    assert (start.mean, start.min, start.max) == pytest.approx((0.2, 0.1, 0.3))
    end = history.points[-1][1]["model/w"]
    assert end.mean == pytest.approx(float(final.mean()), rel=1e-6)
    assert end.std == pytest.approx(float(final.std()), rel=1e-5)
    assert history.points[0][1].names == ("model/w", "model/b")
    assert history.series("model/b", "zero_fraction")[1][0] == 1.0
    assert hook.plot_file.axes == 5


def test_hook_counts_runs_without_a_global_step(tf, v1):
    graph, train, w = _regression_graph(tf, v1, global_step=False)
    hook = tf1init.WeightStatsHook(every_n_steps=2)
    with graph.as_default():
        with v1.train.MonitoredSession(hooks=[hook]) as session:
            for _ in range(5):
                session.run(train)
    assert hook.history.steps == [0, 2, 4, 5]
    assert hook.plot_file is None
    with pytest.raises(ValueError, match="every_n_steps=0"):
        tf1init.WeightStatsHook(every_n_steps=0)


def test_docstring_examples():
    result = doctest.testmod(monitor)
    assert result.attempted > 0 and result.failed == 0
