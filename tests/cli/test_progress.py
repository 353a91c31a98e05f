"""The shared progress line: drawn only on a terminal (a real pseudo-terminal here), erased
before the summary; nothing of it reaches a stderr that is a pipe or a file."""
import contextlib
import os
import sys
import threading

import numpy as np
import pytest

from tf1init.cli import main
from tf1init.cli.progress import Progress, bytes_of, human_bytes


class Terminal:
    """A pseudo-terminal: ``stream`` is its writing end, ``text()`` what arrived (read by a
    thread, so that a long output cannot fill the terminal's buffer and block the writer)."""

    def __init__(self):
        self.master, slave = os.openpty()
        self.stream = open(slave, "w", encoding="utf-8", closefd=True)
        self.chunks = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # the writing end closed
                return
            if not chunk:
                return
            self.chunks.append(chunk)

    def text(self) -> str:
        self.stream.close()
        self.reader.join(10)
        os.close(self.master)
        return b"".join(self.chunks).decode("utf-8").replace("\r\n", "\n")  # the tty adds \r


@contextlib.contextmanager
def stderr_on_a_terminal():
    """sys.stderr is a terminal (set in the test itself: pytest resets it between phases)."""
    term, saved = Terminal(), sys.stderr
    sys.stderr = term.stream
    try:
        yield term
    finally:
        sys.stderr = saved


def test_bar_stage_and_erasing_on_a_terminal():
    term = Terminal()
    progress = Progress(4, "files", stream=term.stream)
    progress.stage("reading")
    for _ in range(4):
        progress.advance()
    assert progress.bar() == f"[{'#' * 30}] 4/4 files"
    progress.close()
    text = term.text()
    assert text.startswith("\rreading ...")
    assert f"\r[{'#' * 30}] 4/4 files" in text  # the last step is always drawn
    assert text.endswith("\r" + " " * len(progress.bar()) + "\r")  # erased: nothing left behind


def test_nothing_on_a_pipe_or_when_disabled(tmp_path):
    read, write = os.pipe()
    with open(write, "w") as pipe, open(tmp_path / "log", "w") as log:
        for stream, enabled in ((pipe, True), (log, True), (Terminal().stream, False)):
            with Progress(3, enabled=enabled, stream=stream) as progress:
                progress.stage("working")
                progress(3)  # a progress callback, as compare.diff_checkpoints calls it
            assert not progress.enabled
    assert os.read(read, 100) == b""
    os.close(read)
    assert (tmp_path / "log").read_text() == ""


def test_words():
    assert [human_bytes(n) for n in (512, 1536, 300 << 20, 5 << 40)] == ["512 B", "1.5 KiB", "300.0 MiB",
                                                                         "5.0 TiB"]
    assert bytes_of("compared")(1 << 20, 3 << 20) == "1.0 MiB of 3.0 MiB compared"
    bar = Progress(200, describe=bytes_of("read"), enabled=False)
    bar.done = 50
    assert bar.bar() == f"[{'#' * 7}{'.' * 23}] 50 B of 200 B read"


@pytest.fixture
def tree(tmp_path):
    for i in range(60):
        (tmp_path / f"plain_{i:02}.py").write_text(f"x = {i}\n")
    (tmp_path / "model.py").write_text("import tensorflow as tf\nw = tf.Variable(tf.random_normal([2]))\n")
    return tmp_path


def test_migrate_draws_its_bar_on_a_terminal_only(tree, capsys):
    with stderr_on_a_terminal() as terminal:
        assert main(["migrate", "--jobs", "1", "--no-cache", str(tree)]) == 0
    text = terminal.text()
    assert f"[{'#' * 30}] 61/61 files" in text
    assert "+w = tf.Variable(tf.random.normal([2]))" in capsys.readouterr().out
    summary = text.rsplit("\r", 1)[1]  # after the erased bar
    assert summary.startswith("tf1init migrate: 61 files, 1 would change, 0 failed; 1 fixes")


def test_migrate_on_a_pipe_gets_only_its_summary(tree, capsys):
    assert main(["migrate", "--jobs", "1", "--no-cache", str(tree)]) == 0
    err = capsys.readouterr().err
    assert "\r" not in err and "#" not in err
    assert err.startswith("tf1init migrate: 61 files, 1 would change, 0 failed; 1 fixes")


@pytest.fixture
def checkpoints(tmp_path, tf, v1):
    paths = []
    for name, scale in (("a", 1.0), ("b", 2.0)):
        with tf.Graph().as_default():
            variables = [v1.Variable(np.full((64, 64), scale * i, np.float32), name=f"layer_{i}/kernel")
                         for i in range(3)]
            with v1.Session() as session:
                session.run(v1.global_variables_initializer())
                paths.append(v1.train.Saver(variables).save(session, str(tmp_path / name / "model.ckpt")))
    return paths


def test_ckpt_diff_bar_on_a_terminal(checkpoints, capsys, monkeypatch):
    from tf1init.checkpoints import ckpt_cli

    monkeypatch.setattr(ckpt_cli, "BAR_FROM", 1)  # what 256 MiB of tensors would do
    with stderr_on_a_terminal() as terminal:
        assert main(["ckpt", "diff", *checkpoints]) == 1
    text = terminal.text()
    assert "96.0 KiB of 96.0 KiB compared" in text and text.endswith("\r")  # 2 x 3 x 64 x 64 x 4 bytes
    assert capsys.readouterr().out.splitlines()[-1] == (
        "different: 1 identical, 2 with different values, 0 with a different shape or dtype, 0 added, "
        "0 removed")
    with stderr_on_a_terminal() as terminal:
        assert main(["ckpt", "diff", "--quiet", *checkpoints]) == 1
    assert terminal.text() == ""


def test_stats_on_a_terminal(checkpoints, capsys):
    with stderr_on_a_terminal() as terminal:
        assert main(["stats", os.path.dirname(checkpoints[0])]) == 0
    text = terminal.text()
    assert "[##############################] 48.0 KiB of 48.0 KiB read" in text
    progress, summary = text.rsplit("\r", 1)
    assert summary.startswith(f"tf1init stats: {os.path.dirname(checkpoints[0])}: 3 variables, "
                              "12,288 values in ")
    assert "\r" in progress and capsys.readouterr().out.splitlines()[0].split()[:3] == [
        "variable", "shape", "dtype"]


def test_doctor_on_a_terminal(checkpoints, capsys):
    meta = checkpoints[0] + ".meta"  # written by the Saver
    with stderr_on_a_terminal() as terminal:
        assert main(["doctor", meta]) == 0
    progress, summary = terminal.text().rsplit("\r", 1)
    assert f"\rtf1init doctor: reading and diagnosing {meta} ..." in progress
    assert summary.startswith(f"tf1init doctor: {meta}: 0 layers, 0 findings in ")
    assert capsys.readouterr().out.startswith(f"TF1 graph {meta}: 0 layers, 0 findings")
