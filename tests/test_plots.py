"""Figures: real PNG files with one panel per layer (histograms) or per statistic (history)."""
import doctest
import subprocess
import sys

import numpy as np
import pytest

import tf1init
from tf1init.observe import plots
from tf1init.observe.monitor import StatsHistory

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def assert_png(path, min_bytes=10_000):
    data = open(path, "rb").read()
    assert data[:8] == PNG_MAGIC
    assert len(data) > min_bytes
    from matplotlib.image import imread

    height, width = imread(str(path)).shape[:2]
    return height, width


def test_one_panel_per_layer_from_a_session(tf, v1, tmp_path):
    rng = np.random.default_rng(1)
    graph = tf.Graph()
    with graph.as_default():
        for i, (n_in, n_out) in enumerate([(20, 16), (16, 8), (8, 2)]):
            v1.Variable(rng.normal(0, 1 / np.sqrt(n_in), (n_in, n_out)).astype(np.float32),
                        name=f"layer_{i}/kernel")
            v1.Variable(np.zeros(n_out, np.float32), name=f"layer_{i}/bias")
        init = v1.global_variables_initializer()
    with v1.Session(graph=graph) as session:
        session.run(init)
        plot = tf1init.plot_histograms(session, tmp_path / "figs" / "init.png")
    assert plot.panels == ("layer_0", "layer_1", "layer_2")
    assert plot.axes == 3
    assert plot.path == str(tmp_path / "figs" / "init.png")
    height, width = assert_png(plot.path)
    assert width > height  # three panels side by side


def test_keras_model_and_selection(tf, tmp_path):
    model = tf.keras.Sequential([tf.keras.Input((10,)), tf.keras.layers.Dense(8, name="a"),
                                 tf.keras.layers.Dense(4, name="b"),
                                 tf.keras.layers.Dense(1, name="c")], name="m")
    plot = tf1init.plot_histograms(model, tmp_path / "all.png")
    assert (plot.panels, plot.axes) == (("m/a", "m/b", "m/c"), 3)
    some = tf1init.plot_histograms(model, tmp_path / "some.png", selection=["m/a/kernel", "m/c/kernel"])
    assert (some.panels, some.axes) == (("m/a", "m/c"), 2)
    assert_png(some.path)


def test_constant_layers_and_many_layers(tmp_path):
    values = {f"l{i}/w": np.full((4, 4), float(i)) for i in range(7)}
    values["l0/w"] = np.zeros((4, 4))
    plot = tf1init.plot_histograms(values, tmp_path / "c.png", bins=10)
    assert plot.axes == 7  # a 3x3 grid with two empty cells removed
    height, width = assert_png(plot.path)
    assert height > width / 2  # three rows


def test_empty_selection_is_an_error(tmp_path):
    with pytest.raises(ValueError, match="selection is empty"):
        tf1init.plot_histograms({}, tmp_path / "x.png")
    assert not (tmp_path / "x.png").exists()


def test_history_figure_has_a_panel_per_statistic(tmp_path):
    history = StatsHistory("epoch")
    rng = np.random.default_rng(2)
    for epoch in range(4):
        history.record(epoch, tf1init.weight_stats({
            "dense/kernel": rng.normal(0, 0.1 * (1 + epoch), (8, 8)),
            "dense/bias": np.zeros(8), "out/kernel": rng.normal(0, 0.2, (8, 1))}))
    plot = tf1init.plot_history(history, tmp_path / "history.png")
    assert plot.panels == ("Standard deviation", "Change of std since the first record", "Mean",
                           "Largest magnitude", "Exact zeros")
    assert plot.axes == 5
    assert_png(plot.path)
    only = history.plot(tmp_path / "std.png", stats=["std"], variables=["dense/bias"])
    assert (only.panels, only.axes) == (("Standard deviation",), 1)
    with pytest.raises(ValueError, match="unknown statistic 'median'"):
        history.plot(tmp_path / "bad.png", stats=["median"])
    with pytest.raises(ValueError, match="history is empty"):
        StatsHistory("step").plot(tmp_path / "empty.png")


def test_matplotlib_loads_only_to_draw_and_pyplot_never():
    code = (
        "import sys, numpy as np, tempfile, os\n"
        "import tf1init, tf1init.observe.plots\n"
        "before = 'matplotlib' in sys.modules\n"
        "tf1init.plot_histograms({'a/w': np.ones((2, 2))}, os.path.join(tempfile.mkdtemp(), 'p.png'))\n"
        "print(before, 'matplotlib' in sys.modules, 'matplotlib.pyplot' in sys.modules,\n"
        "      'tensorflow' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd="/").stdout.split()
    assert out == ["False", "True", "False", "False"]


def test_docstring_examples():
    result = doctest.testmod(plots)
    assert result.attempted > 0 and result.failed == 0
