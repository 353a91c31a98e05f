"""Weight statistics: every number checked against numpy on known tensors, for each source."""
import doctest
import json
import math
import re

import numpy as np
import pytest

import tf1init
from tf1init.observe import stats
from tf1init.errors import SelectionError, UninitializedVariablesError

RNG = np.random.default_rng(0)
KERNEL = RNG.normal(0.0, 0.3, (6, 4)).astype(np.float32)
KERNEL[0, :2] = 0.0  # 2 exact zeros out of 24
CONV = RNG.uniform(-1.0, 1.0, (3, 3, 2, 5))  # float64


def expected(array):
    flat = np.asarray(array, dtype=np.float64).ravel()
    return dict(mean=flat.mean(), std=flat.std(), min=flat.min(), max=flat.max(),
                zero_fraction=np.count_nonzero(flat == 0) / flat.size)


def assert_matches(row, array):
    for key, value in expected(array).items():
        assert getattr(row, key) == pytest.approx(value, rel=1e-12, abs=1e-15), key


@pytest.fixture
def session_graph(tf, v1, make):
    graph = tf.Graph()
    with graph.as_default():
        make(KERNEL, "dense/kernel")
        make(np.zeros(4, np.float32), "dense/bias")
        make(CONV, "conv/kernel")
        make(np.int64(7), "global_step")
        make(np.zeros((0, 3), np.float32), "empty")
        init = v1.global_variables_initializer()
    session = v1.Session(graph=graph)
    session.run(init)
    yield graph, session
    session.close()


def test_session_statistics_match_numpy(session_graph):
    graph, session = session_graph
    report = tf1init.weight_stats(session)
    assert report.names == ("dense/kernel", "dense/bias", "conv/kernel", "global_step", "empty")
    kernel = report["dense/kernel"]
    assert (kernel.shape, kernel.dtype, kernel.fan_in, kernel.fan_out, kernel.size, kernel.layer) == (
        (6, 4), "float32", 6, 4, 24, "dense")
    assert_matches(kernel, KERNEL)
    assert kernel.zero_fraction == pytest.approx(2 / 24)
    bias = report["dense/bias"]
    assert (bias.fan_in, bias.fan_out, bias.zero_fraction, bias.std) == (4, 4, 1.0, 0.0)
    conv = report["conv/kernel"]
    assert (conv.dtype, conv.fan_in, conv.fan_out) == ("float64", 3 * 3 * 2, 3 * 3 * 5)
    assert_matches(conv, CONV)
    step = report["global_step"]  # a scalar: no fans, numbers still defined
    assert (step.shape, step.dtype, step.fan_in, step.fan_out, step.mean, step.std) == (
        (), "int64", None, None, 7.0, 0.0)
    empty = report["empty"]  # a zero-size dimension: no fans and no numbers
    assert (empty.fan_in, empty.mean, empty.zero_fraction) == (None, None, None)


def test_session_values_come_from_one_run_and_the_graph_does_not_grow(session_graph, v1):
    graph, session = session_graph
    runs = []

    class CountingSession(v1.Session):
        def run(self, *args, **kwargs):
            runs.append(args[0])
            return super().run(*args, **kwargs)

    counting = CountingSession(graph=graph)
    counting.run([v.initializer for v in graph.get_collection("variables")])
    runs.clear()
    ops = len(graph.get_operations())
    first = tf1init.weight_stats(counting)
    second = tf1init.weight_stats(counting)
    assert len(runs) == 2 and len(runs[0]) == 5  # one run per report, all variables at once
    assert len(graph.get_operations()) == ops
    assert first == second
    counting.close()


def test_selection_by_scope_regex_and_names(session_graph):
    _, session = session_graph
    assert tf1init.weight_stats(session, "dense").names == ("dense/kernel", "dense/bias")
    assert tf1init.weight_stats(session, re.compile(r".*/kernel")).names == ("dense/kernel", "conv/kernel")
    assert tf1init.weight_stats(session, ["conv/kernel", "global_step"]).names == (
        "conv/kernel", "global_step")
    with pytest.raises(SelectionError, match="dense"):
        tf1init.weight_stats(session, "dens")


def test_uninitialized_variables_are_named(tf, v1):
    graph = tf.Graph()
    with graph.as_default():
        v1.Variable(np.ones((2, 2), np.float32), name="ready")
        v1.Variable(np.ones((3, 2), np.float32), name="not_yet")
    with v1.Session(graph=graph) as session:
        session.run(graph.get_collection("variables")[0].initializer)
        with pytest.raises(UninitializedVariablesError, match=r"not_yet\s+shape \(3, 2\)") as info:
            tf1init.weight_stats(session)
    assert info.value.variables == ("not_yet",)


def test_keras_model_statistics_match_numpy(tf):
    model = tf.keras.Sequential(
        [tf.keras.Input((6,)), tf.keras.layers.Dense(4, name="hidden"),
         tf.keras.layers.Dense(1, name="out", use_bias=False)], name="net")
    bias = np.array([0.0, 1.5, 0.0, -2.0], np.float32)
    model.layers[0].set_weights([KERNEL, bias])
    report = tf1init.weight_stats(model)
    assert report.names == ("net/hidden/kernel", "net/hidden/bias", "net/out/kernel")
    assert_matches(report["net/hidden/kernel"], KERNEL)
    assert_matches(report["net/hidden/bias"], bias)
    assert report["net/hidden/bias"].zero_fraction == 0.5
    assert (report["net/out/kernel"].fan_in, report["net/out/kernel"].layer) == (4, "net/out")
    assert tf1init.weight_stats(model, "net/out").names == ("net/out/kernel",)


def test_checkpoint_statistics(tf, v1, tmp_path):
    graph = tf.Graph()
    with graph.as_default():
        v1.Variable(KERNEL, name="layer/w")
        saver = v1.train.Saver()
    with v1.Session(graph=graph) as session:
        session.run(v1.global_variables_initializer())
        prefix = saver.save(session, str(tmp_path / "model.ckpt"))
    report = tf1init.weight_stats(prefix)
    assert report.names == ("layer/w",)
    assert_matches(report["layer/w"], KERNEL)
    assert tf1init.weight_stats(str(tmp_path)).names == ("layer/w",)  # a folder: its latest


def test_table_and_json():
    report = tf1init.weight_stats({"a/kernel": np.array([[1.0, -1.0], [0.0, 2.0]]),
                                   "step": np.int64(3), "bad": np.array([1.0, np.nan, np.inf])})
    lines = str(report).splitlines()
    assert lines[0].split() == ["variable", "shape", "dtype", "fan_in", "fan_out", "mean", "std",
                                "min", "max", "zeros"]
    assert lines[1].split() == ["a/kernel", "2x2", "float64", "2", "2", "0.5", "1.118", "-1", "2",
                                "25.0%"]
    assert lines[2].split() == ["step", "scalar", "int64", "-", "-", "3", "0", "3", "3", "0.0%"]
    assert lines[0].index("dtype") == lines[1].index("float64") == lines[2].index("int64")  # aligned
    data = json.loads(report.to_json())
    first = data["variables"][0]
    assert first["shape"] == [2, 2] and first["fan_in"] == 2 and first["std"] == pytest.approx(math.sqrt(1.25))
    assert data["variables"][1]["fan_in"] is None
    assert data["variables"][2]["mean"] == "nan" and data["variables"][2]["std"] == "nan"


def test_bad_source_and_unknown_name():
    with pytest.raises(TypeError, match="a tf.compat.v1.Session, a Keras model"):
        tf1init.weight_stats(42)
    report = tf1init.weight_stats({"dense/kernel": np.ones((2, 2))})
    with pytest.raises(KeyError, match="dense/kernel"):
        report["dense/kernal"]


def test_docstring_examples():
    result = doctest.testmod(stats, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def test_stats_command(tf, v1, tmp_path, capsys):
    from tf1init.cli import main

    graph = tf.Graph()
    with graph.as_default():
        v1.Variable(KERNEL, name="layer/w")
        v1.Variable(np.zeros(4, np.float32), name="layer/b")
        v1.Variable(v1.random_uniform([50, 40], -0.5, 0.5), name="other/w")
        saver = v1.train.Saver()
        v1.train.export_meta_graph(str(tmp_path / "graph.meta"))
    with v1.Session(graph=graph) as session:
        session.run(v1.global_variables_initializer())
        saver.save(session, str(tmp_path / "model.ckpt"))

    assert main(["stats", str(tmp_path), "--json", "--select", "layer"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [v["name"] for v in data["variables"]] == ["layer/b", "layer/w"]  # checkpoint order
    assert data["variables"][1]["std"] == pytest.approx(float(KERNEL.astype(np.float64).std()))

    png = tmp_path / "hist.png"
    assert main(["stats", str(tmp_path / "graph.meta"), "--select", ".*/w", "--regex",
                 "--histograms", str(png)]) == 0
    out, err = capsys.readouterr()
    table = out.splitlines()
    assert [line.split()[0] for line in table] == ["variable", "layer/w", "other/w"]
    other = table[2].split()  # initial values of a uniform [-0.5, 0.5): drawn in a fresh session
    assert -0.5 <= float(other[7]) < -0.45 and 0.45 < float(other[8]) <= 0.5  # printed rounded: 0.49996 reads 0.5
    assert f"wrote {png} (2 panels)" in err and png.read_bytes()[:4] == b"\x89PNG"

    assert main(["stats", str(tmp_path / "nothing.meta")]) == 2
    assert "nothing.meta: no such file" in capsys.readouterr().err
    assert main(["stats", str(tmp_path), "--select", "lyer"]) == 2
    assert "no variable is in the scope 'lyer'; closest: ['layer/w', 'layer/b']" in capsys.readouterr().err
