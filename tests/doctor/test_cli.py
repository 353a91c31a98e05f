"""``tf1init doctor``: files and entry points in, a table or JSON out, exit 0 / 1 / 2."""
import json
import textwrap

import pytest

import tf1init
from tf1init.cli import main
from tf1init.errors import DoctorInputError

ENTRY = textwrap.dedent('''
    from tf1init._tf import tf, v1
    from tf1init.layers import dense

    def _stack(init, activation, depth):
        h = v1.placeholder(tf.float32, [None, 16])
        for _ in range(depth):
            h = dense(h, 16, activation=activation, kernel_initializer=init)

    def healthy_graph():
        graph = tf.Graph()
        with graph.as_default():
            _stack(v1.initializers.he_normal(), tf.nn.relu, 4)
        return graph

    def default_graph():   # builds in the default graph, returns nothing
        _stack(v1.glorot_uniform_initializer(), tf.nn.relu, 4)

    def keras_model():
        return tf.keras.Sequential([tf.keras.Input((16,))] + [
            tf.keras.layers.Dense(16, activation="tanh", kernel_initializer="he_normal")
            for _ in range(3)])

    def wrong_type():
        return 42

    def broken():
        raise ValueError("no data here")

    def empty():
        return None

    NOT_CALLABLE = 3
''')


@pytest.fixture
def entry_file(tmp_path):
    path = tmp_path / "models.py"
    path.write_text(ENTRY)
    return path


def doctor(capsys, *argv):
    code = main(["doctor", *map(str, argv)])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def test_entry_points_that_build_graphs(entry_file, capsys):
    code, out, _ = doctor(capsys, f"{entry_file}:healthy_graph")
    assert code == 0
    assert out.startswith(f"TF1 graph {entry_file}:healthy_graph: 4 layers, 0 findings")
    assert "no findings" in out
    code, out, _ = doctor(capsys, f"{entry_file}:default_graph")
    assert code == 1
    assert "TFD105 ReLU layers with a variance-1 initializer" in out


def test_module_entry_point_returning_a_keras_model_with_json(entry_file, capsys, monkeypatch):
    monkeypatch.chdir(entry_file.parent)
    code, out, _ = doctor(capsys, "models:keras_model", "--json")
    assert code == 1
    data = json.loads(out)
    assert data["kind"] == "Keras model" and data["ok"] is False
    assert [f["code"] for f in data["findings"]] == ["TFD104", "TFD106"]
    assert [l["activation"] for l in data["layers"]] == ["tanh"] * 3
    assert data["layers"][0]["source"] == "initializer"


def test_meta_graph_and_keras_files(tf1_stack, keras_stack, export_meta, tmp_path, capsys):
    layers = [("relu", "tf.initializers.he_normal", {})] * 3
    meta = export_meta(tf1_stack(layers), tmp_path / "ok.meta")
    assert doctor(capsys, meta)[0] == 0
    bad = [("relu", "tf.random_normal_initializer", {"stddev": 0.01})] * 3
    model = keras_stack(bad)
    model.save(tmp_path / "small.keras")
    code, out, _ = doctor(capsys, tmp_path / "small.keras")
    assert code == 1 and "TFD103 vanishing signal" in out
    assert "RandomNormal(stddev=0.01)" in out


@pytest.mark.parametrize("target, message", [
    ("{dir}/missing.meta", "missing.meta: no such file; expected a TF1 meta graph"),
    ("{dir}/garbage.meta", "garbage.meta: not a readable MetaGraphDef"),
    ("{dir}/garbage.keras", "garbage.keras: not a readable Keras model file"),
    ("{dir}", "is a folder, not a file (it holds garbage.keras, garbage.meta: pass one of them)"),
    ("{dir}/models.py", "unknown kind of file"),
    ("{dir}/models.py:wrong_type", "wrong_type() returned a builtins.int; expected a TF1 meta graph"),
    ("{dir}/models.py:nope", "has no function 'nope'; its functions: broken, default_graph, empty, "
                             "healthy_graph, keras_model, wrong_type"),
    ("{dir}/models.py:NOT_CALLABLE", "has a non-callable 'NOT_CALLABLE'"),
    ("{dir}/models.py:broken", "calling broken() raised ValueError: no data here"),
    ("{dir}/models.py:empty", "empty() returned None and built no variable in the default graph"),
    ("{dir}/other.py:f", "no such file"),
    ("no_such_module_xyz:f", "no module named 'no_such_module_xyz'"),
    ("just-a-word", "no such file, and not an entry point"),
])
def test_bad_input_exits_2_with_a_clear_message(target, message, entry_file, capsys):
    folder = entry_file.parent
    (folder / "garbage.meta").write_bytes(b"\x00\x01 not a protobuf")
    (folder / "garbage.keras").write_text("not a zip")
    code, out, err = doctor(capsys, target.format(dir=folder))
    assert code == 2 and out == ""
    assert err.startswith("tf1init doctor: ")
    assert message in err


def test_python_api_rejects_other_objects():
    with pytest.raises(DoctorInputError, match="cannot diagnose a int; expected a TF1 meta graph"):
        tf1init.diagnose(42)


def test_rule_codes_are_stable_and_documented():
    from tf1init.doctor import RULES

    assert [r.code for r in RULES] == [f"TFD10{i}" for i in range(1, 8)]
    assert all(r.title and r.why for r in RULES)


def test_docstring_examples():
    import doctest
    import importlib

    for name in ("tf1init.doctor", "tf1init.doctor.rules"):
        result = doctest.testmod(importlib.import_module(name))
        assert result.attempted > 0 and result.failed == 0, name


def test_help_does_not_import_tensorflow():
    import subprocess
    import sys

    code = ("import sys, contextlib, io\n"
            "from tf1init.cli import main\n"
            "for command in ('doctor', 'stats'):\n"
            "    with contextlib.redirect_stdout(io.StringIO()):\n"
            "        try:\n"
            "            main([command, '--help'])\n"
            "        except SystemExit:\n"
            "            pass\n"
            "print('tensorflow' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd="/").stdout.strip()
    assert out == "False"
