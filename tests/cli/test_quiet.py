"""TensorFlow's own log lines stay out of the commands' output unless asked for.

Real runs on a small real checkpoint, meta graph and entry point, each in a fresh interpreter
(so that TensorFlow's import-time lines are really printed), all at once. Without our quieting
TensorFlow 2.21 prints six absl lines while it loads, whatever TF_CPP_MIN_LOG_LEVEL says, then
``failed call to cuInit`` on a machine without a GPU, and ``WARNING:tensorflow:`` deprecations.
"""
import os
import re

import pytest

from tf1init.cli import tf_logs

# Anything TensorFlow logs by itself: absl's C++ lines, its start-up notice, the Python loggers.
TF_LINE = re.compile(r"^([IWEF]\d{4} [\d:.]+\s+\d+ \S+:\d+\]|WARNING: All log messages before absl"
                     r"|WARNING:(tensorflow|absl):)", re.M)

ENTRY = '''
import tensorflow as tf

v1 = tf.compat.v1
v1.disable_v2_behavior()  # logs a WARNING:tensorflow: deprecation


def build():
    h = v1.placeholder(tf.float32, [None, 8])
    for i in range(2):
        w = v1.get_variable(f"dense_{i}/kernel", [8, 8], initializer=v1.initializers.he_normal())
        h = tf.nn.relu(tf.matmul(h, w))
'''


@pytest.fixture(scope="module")
def models(tmp_path_factory, tf, v1):
    folder = tmp_path_factory.mktemp("models")
    graph = tf.Graph()
    with graph.as_default():
        h = v1.placeholder(tf.float32, [None, 4], name="x")
        for i in range(3):
            w = v1.get_variable(f"dense_{i}/kernel", [4, 4], initializer=v1.initializers.he_normal())
            v1.get_variable(f"dense_{i}/bias", [4], initializer=v1.zeros_initializer())
            h = tf.nn.relu(tf.matmul(h, w))
        saver = v1.train.Saver()
        with v1.Session(graph=graph) as session:
            session.run(v1.global_variables_initializer())
            saver.save(session, str(folder / "ckpt" / "model.ckpt"), global_step=1)
    (folder / "entry.py").write_text(ENTRY)
    return folder


@pytest.fixture(scope="module")
def runs(models, run_all):
    """Two interpreters: by default, and verbose (first a command's own --verbose, then the
    global one: the Python loggers are back to normal between the two)."""
    quiet, verbose = run_all([
        ["stats", "ckpt/model.ckpt-1.meta", "+++", "doctor", "entry.py:build"],
        ["stats", "--verbose", "ckpt", "+++", "--verbose", "doctor", "entry.py:build"],
    ], cwd=models)
    return quiet, verbose


def test_no_tensorflow_lines_by_default(runs):
    quiet, _ = runs  # stats on a meta graph makes a session (cuInit); entry.py logs a deprecation
    assert quiet.codes == [0, 0] and quiet.imported_tensorflow, quiet
    assert TF_LINE.search(quiet.err) is None, quiet
    assert quiet.err.splitlines()[0].startswith("tf1init stats: ckpt/model.ckpt-1.meta: 6 variables, 60 values in ")
    assert quiet.err.splitlines()[1].startswith("tf1init doctor: entry.py:build: 2 layers, 0 findings in ")
    assert len(quiet.err.splitlines()) == 2, quiet
    assert "TF1 graph entry.py:build: 2 layers, 0 findings" in quiet.stdout


def test_verbose_shows_them(runs):
    _, verbose = runs
    assert verbose.codes == [0, 0], verbose
    stats_part, doctor_part = verbose.err.split("tf1init stats: ckpt: 6 variables, 60 values in ")
    assert "WARNING: All log messages before absl::InitializeLog() is called" in stats_part  # stats --verbose
    assert "WARNING:tensorflow:From " in doctor_part and "disable_resource_variables" in doctor_part


def test_which_lines_are_dropped():
    dropped = [
        "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n",
        "I0000 00:00:1796636514.611604   13007 port.cc:153] oneDNN custom operations are on.\n",
        "I0000 00:00:1796636553.055144   13456 cudart_stub.cc:31] Could not find cuda drivers\n",
        "W0513 10:01:02.123456   13456 some/file.cc:12] a warning\n",
    ]
    kept = [
        "E0000 00:00:1796636602.446336   14280 cuda_platform.cc:52] failed call to cuInit\n",
        "F0000 00:00:1796636602.446336   14280 cpu_feature_guard.cc:1] fatal: AVX is missing\n",
        "/site-packages/numpy/__init__.py:1: UserWarning: a Python warning\n",
        "I0000 is how a user's own line may start\n",
    ]
    assert [tf_logs.is_tensorflow_log(line) for line in dropped + kept] == [True] * 4 + [False] * 4


def test_the_users_setting_wins(monkeypatch):
    import logging
    import sys

    tensorflow, absl = logging.getLogger("tensorflow"), logging.getLogger("absl")
    monkeypatch.setattr(tensorflow, "level", logging.NOTSET)
    monkeypatch.setattr(absl, "level", logging.INFO)
    meta_path = list(sys.meta_path)
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "1")
    with tf_logs.tensorflow_logs(verbose=False):  # the user chose: nothing changes
        assert os.environ["TF_CPP_MIN_LOG_LEVEL"] == "1"
        assert (tensorflow.level, absl.level) == (logging.NOTSET, logging.INFO)
        assert sys.meta_path == meta_path
    monkeypatch.delenv("TF_CPP_MIN_LOG_LEVEL")
    with tf_logs.tensorflow_logs(verbose=False):
        assert os.environ["TF_CPP_MIN_LOG_LEVEL"] == "3"
        assert tensorflow.level == absl.level == logging.ERROR
    assert "TF_CPP_MIN_LOG_LEVEL" not in os.environ  # everything as it was
    assert (tensorflow.level, absl.level) == (logging.NOTSET, logging.INFO) and sys.meta_path == meta_path
    with tf_logs.tensorflow_logs(verbose=True):
        assert os.environ["TF_CPP_MIN_LOG_LEVEL"] == "0"
        assert (tensorflow.level, absl.level) == (logging.NOTSET, logging.INFO)


def test_only_log_lines_written_while_loading_are_dropped(tmp_path, monkeypatch, capfd):
    """A package that writes to file descriptor 2 as it loads, as TensorFlow's libraries do."""
    import sys

    (tmp_path / "noisy").mkdir()
    (tmp_path / "noisy" / "__init__.py").write_text(
        "import os, sys\n"
        "os.write(2, b'I0000 00:00:1796636514.611604   13007 port.cc:153] oneDNN notice\\n')\n"
        "os.write(2, b'E0000 00:00:1796636514.611604   13007 load.cc:1] a real error\\n')\n"
        "print('a Python warning', file=sys.stderr)\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    finder = tf_logs._QuietFinder("noisy")
    sys.meta_path.insert(0, finder)
    try:
        import noisy
    finally:
        sys.modules.pop("noisy", None)
    assert finder not in sys.meta_path  # used once
    assert type(noisy.__loader__).__name__ == type(noisy.__spec__.loader).__name__ == "SourceFileLoader"
    assert sorted(capfd.readouterr().err.splitlines()) == [  # (pytest's sys.stderr is not fd 2)
        "E0000 00:00:1796636514.611604   13007 load.cc:1] a real error", "a Python warning"]
