"""The light install (`pip install tf1init`, no TensorFlow): the codemods work, the runtime says
what to install. Runs where TensorFlow is absent: CI's codemod-only environments."""
import importlib.util
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(importlib.util.find_spec("tensorflow") is not None,
                                reason="TensorFlow is installed: this checks the light install")


def test_codemods_work_without_tensorflow(tmp_path):
    program = tmp_path / "train.py"
    program.write_text("import tensorflow as tf\nx = tf.placeholder(tf.float32)\nsess = tf.Session()\n")
    done = subprocess.run([sys.executable, "-m", "tf1init", "migrate", "--write", "-q", "--no-cache", str(program)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1, done.stderr  # changed
    assert program.read_text().startswith("import tensorflow.compat.v1 as tf\ntf.disable_v2_behavior()\n")
    assert "tensorflow" not in sys.modules


def test_the_runtime_names_what_to_install():
    import tf1init

    with pytest.raises(ImportError, match=r"pip install 'tf1init\[tf\]'") as raised:
        tf1init.initialize_all  # noqa: B018 - the lazy facade loads the runtime here
    assert type(raised.value).__name__ == "TensorFlowMissingError"


def test_a_command_that_needs_tensorflow_says_what_to_install(tmp_path):
    (tmp_path / "model.py").write_text("def build():\n    return None\n")  # good arguments: work begins
    done = subprocess.run([sys.executable, "-m", "tf1init", "doctor", f"{tmp_path / 'model.py'}:build"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "pip install 'tf1init[tf]'" in done.stderr and "Traceback" not in done.stderr


def test_commands_built_on_numpy_say_what_to_install(tmp_path):
    program = tmp_path / "p.py"
    program.write_text("print(1)\n")
    done = subprocess.run([sys.executable, "-m", "tf1init", "verify", str(program), str(program)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "pip install 'tf1init[tf]'" in done.stderr and "Traceback" not in done.stderr
