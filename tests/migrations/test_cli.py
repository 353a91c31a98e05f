"""`tf1init migrate` on real files in temporary folders: modes, notebooks, reports, safety."""
import json
import os
import subprocess
import sys

import pytest

from tf1init.cli import main
from tf1init.migrations import _files

TF1 = (
    "import tensorflow as tf\n"
    "\n"
    "w = tf.Variable(tf.random_normal([2, 2]), name=\"w\")  # weights\n"
    "with tf.Session() as sess:\n"
    "    sess.run(tf.global_variables_initializer())\n"
    "    print(sess.run(w))\n"
)
TF2 = (
    "import tensorflow as tf\n"
    "\n"
    "w = tf.Variable(tf.random.normal([2, 2]), name=\"w\")  # weights\n"
    "print(w.numpy())\n"
)
GRAPH = "import tensorflow as tf\nx = tf.placeholder(tf.float32)\nk = tf.zeros_initializer()\nh = tf.contrib.layers.fully_connected(x, 2)\n"
PY2 = "import tensorflow as tf\nprint 'hello'\nw = tf.random_normal([1])\n"


@pytest.fixture
def tree(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "model.py").write_text(TF1)
    (tmp_path / "pkg" / "graph.py").write_text(GRAPH)
    (tmp_path / "pkg" / "old.py").write_text(PY2)
    (tmp_path / "plain.py").write_text("x = 1\n")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "hook.py").write_text(TF1)
    return tmp_path


def test_diff_is_the_default_and_changes_nothing(tree, capsys):
    assert main(["migrate", "-q", "--jobs", "1", str(tree)]) == 2  # old.py does not parse
    out, err = capsys.readouterr()
    assert "-    sess.run(tf.global_variables_initializer())" in out and "+print(w.numpy())" in out
    assert (tree / "pkg" / "model.py").read_text() == TF1
    assert "4 files, 1 would change, 1 failed" in err
    assert "old.py:2:" in err and "does not parse" in err


def test_write_then_check_is_clean(tree, capsys):
    before = (tree / "pkg" / "old.py").read_bytes()
    assert main(["migrate", "--write", "-q", str(tree)]) == 2  # a file that does not parse: an error
    assert (tree / "pkg" / "model.py").read_text() == TF2
    assert (tree / "pkg" / "graph.py").read_text() == GRAPH
    assert (tree / "pkg" / "old.py").read_bytes() == before  # byte-identical
    assert (tree / ".git" / "hook.py").read_text() == TF1  # hidden folders skipped
    assert main(["migrate", "--check", "-q", str(tree)]) == 2  # still there: still an error
    (tree / "pkg" / "old.py").unlink()
    assert main(["migrate", "--check", "-q", str(tree)]) == 0
    assert main(["migrate", "--write", "-q", str(tree)]) == 0  # idempotent on disk


def test_check_fails_when_something_would_change(tree, capsys):
    assert main(["migrate", "--check", "-q", str(tree / "pkg" / "model.py")]) == 1
    assert "would migrate" in capsys.readouterr().err
    assert (tree / "pkg" / "model.py").read_text() == TF1


def test_report_lists_changes_and_what_is_left(tree, capsys):
    report = tree / "report.json"
    main(["migrate", "-q", "--report", str(report), str(tree)])
    data = json.loads(report.read_text())
    assert data["summary"]["changed"] == 1 and data["summary"]["failed"] == 1
    rules = {(f["rule"], f["kind"]) for f in data["findings"]}
    assert ("TFI104", "fixed") in rules and ("TFI101", "fixed") in rules and ("TFI107", "manual") in rules
    left = [f for f in data["findings"] if f["kind"] == "manual"][0]
    assert left["file"].endswith("graph.py") and (left["line"], left["column"]) == (4, 5)
    assert "tf.contrib was removed" in left["message"] and "left as it is" in left["message"]
    assert any(f["status"] == "failed" and "does not parse" in f["error"] for f in data["files"])


def test_select_and_ignore(tree, capsys):
    path = str(tree / "pkg" / "model.py")
    main(["migrate", "-q", "--select", "TFI101", path])
    out = capsys.readouterr().out
    assert "+w = tf.Variable(tf.random.normal" in out and "print(w.numpy())" not in out
    main(["migrate", "-q", "--ignore", "TFI101,TFI104", path])  # sessions stay: compat route
    assert "+import tensorflow.compat.v1 as tf" in capsys.readouterr().out
    main(["migrate", "-q", "--ignore", "TFI101,TFI104,TFI107", path])
    assert capsys.readouterr().out == ""
    assert main(["migrate", "--select", "NOPE", path]) == 2


def test_parallel_jobs_give_the_same_diff(tmp_path, capsys):
    for i in range(12):
        (tmp_path / f"m{i:02d}.py").write_text(TF1.replace("w =", f"w{i} =").replace("(w)", f"(w{i})"))
    main(["migrate", "-q", "--jobs", "1", str(tmp_path)])
    one = capsys.readouterr().out
    main(["migrate", "-q", "--jobs", "2", str(tmp_path)])
    assert capsys.readouterr().out == one and one.count("+++ ") == 12


def test_notebook_code_cells_migrate_outputs_kept(tmp_path, capsys):
    notebook = {
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": ["# tf.random_normal in prose stays\n"]},
            {"cell_type": "code", "execution_count": 1, "metadata": {}, "outputs": [],
             "source": ["%matplotlib inline\n", "import tensorflow as tf"]},
            {"cell_type": "code", "execution_count": 2, "metadata": {},
             "outputs": [{"output_type": "stream", "name": "stdout", "text": ["[1.0]\n"]}],
             "source": ["x = tf.random_uniform([1])\n", "print(x)"]},
        ],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
    }
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps(notebook, indent=1) + "\n")
    assert main(["migrate", "--write", "-q", str(path)]) == 1
    new = json.loads(path.read_text())
    assert new["cells"][2]["source"] == ["x = tf.random.uniform([1])\n", "print(x)"]
    assert new["cells"][1]["source"] == notebook["cells"][1]["source"]
    assert new["cells"][2]["outputs"] == notebook["cells"][2]["outputs"]
    assert new["cells"][0] == notebook["cells"][0]
    assert main(["migrate", "--check", "-q", str(path)]) == 0


def test_interrupted_write_leaves_the_original(tree, monkeypatch):
    path = tree / "pkg" / "model.py"

    def crash(src, dst):
        raise KeyboardInterrupt  # between the temporary file and the rename

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        _files.migrate_file(str(path), _files.Options("write"))
    assert path.read_text() == TF1
    assert [p.name for p in path.parent.iterdir() if p.name.startswith(".tf1init-")] == []


def test_write_keeps_permissions_and_bom(tmp_path):
    path = tmp_path / "s.py"
    path.write_bytes(b"\xef\xbb\xbf" + TF1.encode())
    path.chmod(0o750)
    _files.migrate_file(str(path), _files.Options("write"))
    assert path.read_bytes() == b"\xef\xbb\xbf" + TF2.encode()
    assert path.stat().st_mode & 0o777 == 0o750


def test_migrate_help_does_not_import_tensorflow_or_libcst():
    code = ("import sys, contextlib, io\nfrom tf1init.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    try:\n        main(['migrate', '--help'])\n    except SystemExit:\n        pass\n"
            "print('tensorflow' in sys.modules, 'libcst' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd="/")
    assert out.stdout.split() == ["False", "False"]


def test_notebook_cell_that_starts_with_a_removed_statement(tmp_path):
    cells = [["import tensorflow as tf\n", "w = tf.Variable(tf.zeros([2]), name='w')"],
             ["# build the initializer\n", "init = tf.global_variables_initializer()"],
             ["with tf.Session() as sess:\n", "    sess.run(init)\n", "    print(sess.run(w))"]]
    notebook = {"cells": [{"cell_type": "code", "execution_count": i, "metadata": {}, "outputs": [], "source": s}
                          for i, s in enumerate(cells)], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "init.ipynb"
    path.write_text(json.dumps(notebook, indent=1) + "\n")
    assert main(["migrate", "--write", "-q", str(path)]) == 1
    assert [c["source"] for c in json.loads(path.read_text())["cells"]] == [
        cells[0], ["# build the initializer"], ["print(w.numpy())"]]


def test_notebook_session_program_lifted_or_kept_runnable(tmp_path):
    """A session program spread over notebook cells: lifting would move code across cells, so it
    takes the compat route (graph mode), with the warning saying why; the cells stay cells."""
    cells = [["import tensorflow as tf"],
             ["x = tf.placeholder(tf.float32, [None, 1])\n", "w = tf.Variable(tf.zeros([1, 1]))"],
             ["loss = tf.reduce_mean(tf.square(tf.matmul(x, w) - 2.0))\n",
              "train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)"],
             ["sess = tf.Session()\n", "sess.run(tf.global_variables_initializer())\n",
              "l, _ = sess.run([loss, train], {x: [[1.0]]})\n", "print(l)"]]
    notebook = {"cells": [{"cell_type": "code", "execution_count": i, "metadata": {}, "outputs": [], "source": s}
                          for i, s in enumerate(cells)], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "lift.ipynb"
    path.write_text(json.dumps(notebook, indent=1) + "\n")
    report = tmp_path / "report.json"
    assert main(["migrate", "--write", "-q", "--report", str(report), str(path)]) == 1
    new = [c["source"] for c in json.loads(path.read_text())["cells"]]
    assert new[0] == ["import tensorflow.compat.v1 as tf\n", "tf.disable_v2_behavior()"] and new[1:] == cells[1:]
    warnings = [f["message"] for f in json.loads(report.read_text())["findings"] if f["rule"] == "TFI109"]
    assert warnings == ["(cell 4) session program kept in graph mode, not lifted to eager TF2: lifting would "
                        "move code across the notebook's cells"]


# ---- the command line: the plain reading (no argparse) against argparse ----------------------
PLAIN = [["--check", "-q", "src"], ["src", "a.py", "--check"], ["--jobs", "2", "a.py"], ["--jobs=2", "a.py"],
         ["-j2", "a"], ["-j", "3", "a"], ["--select", "TFI101,TFI102", "--ignore=TFI104", "a"],
         ["--report", "r.json", "--cache-dir", "c", "--no-cache", "a"], ["--write", "a", "b"], ["--diff", "a"],
         ["--check", "--check", "a"], ["--quiet", "a"], ["", "a"], ["-", "a"], ["--select=", "a"],
         ["--select=a=b", "a"], ["-j=4", "a"]]
FOR_ARGPARSE = [["a", "--check", "b"], ["--chec", "a"], ["-qj2", "a"], ["--check", "--write", "a"], ["--help"],
                ["-h"], ["--jobs", "x", "a"], ["--jobs"], [], ["--select", "-x", "a"], ["--", "-a"],
                ["--jobs", "-1", "a"], ["--jobs", "2", "--jobs", "3", "a"], ["-j2x", "a"], ["--quiet=1", "a"],
                ["--nope", "a"], ["-q"]]


@pytest.mark.parametrize("argv", PLAIN + FOR_ARGPARSE, ids=lambda argv: " ".join(argv) or "(nothing)")
def test_plain_reading_agrees_with_argparse(argv, capsys):
    from tf1init.cli import build_parser
    from tf1init.migrations import cli

    fast = cli.parse(argv)
    assert (fast is not None) == (argv in PLAIN)
    try:
        expected = vars(build_parser(["migrate", *argv]).parse_args(["migrate", *argv]))
    except SystemExit:
        expected = None  # argparse refuses it (or prints help): so must the command
    capsys.readouterr()
    if fast is not None:
        assert {k: v for k, v in expected.items() if k not in ("command", "run")} == vars(fast)


def test_plain_reading_knows_every_option():
    import argparse

    from tf1init.migrations import cli

    parser = argparse.ArgumentParser()
    cli.configure(parser)
    options = {option for action in parser._actions for option in action.option_strings}
    assert options == set(cli.FLAGS) | set(cli.VALUES) | {"-h", "--help"}
    defaults = {action.dest: parser.get_default(action.dest) for action in parser._actions}
    assert {k: v for k, v in defaults.items() if k not in ("help", "paths")} == cli.DEFAULTS


def test_top_level_help_lists_every_command_and_a_bad_one_fails(capsys):
    from tf1init.cli import COMMANDS

    with pytest.raises(SystemExit) as exit:
        main(["--help"])
    out = " ".join(capsys.readouterr().out.split())  # (argparse wraps long summaries)
    assert exit.value.code == 0
    for name, (_, summary) in COMMANDS.items():
        assert name in out and summary in out
    with pytest.raises(SystemExit) as exit:
        main(["nope"])
    assert exit.value.code == 2 and "invalid choice: 'nope'" in capsys.readouterr().err
    assert main([]) == 0 and "usage: tf1init" in capsys.readouterr().out


def test_a_bad_migrate_command_line_gets_argparse_errors(tree, capsys):
    for argv, message in ((["--check", "--write", str(tree)], "not allowed with argument"),
                          (["--jobs", "x", str(tree)], "invalid int value: 'x'"),
                          ([], "the following arguments are required: PATH")):
        with pytest.raises(SystemExit) as exit:
            main(["migrate", *argv])
        assert exit.value.code == 2 and message in capsys.readouterr().err


@pytest.mark.parametrize("mode,status", [("--diff", 2), ("--check", 2), ("--write", 2)])
def test_a_file_that_does_not_parse_fails_every_mode(tmp_path, mode, status, capsys):
    (tmp_path / "old.py").write_text(PY2)
    assert main(["migrate", mode, "-q", "--no-cache", str(tmp_path)]) == status
    assert (tmp_path / "old.py").read_text() == PY2
    assert "old.py:2:" in capsys.readouterr().err


def test_write_through_a_symlink_keeps_the_link(tmp_path):
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "model.py"
    target.write_text(TF1)
    link = tmp_path / "link.py"
    link.symlink_to(target)
    assert main(["migrate", "--write", "-q", "--no-cache", str(link)]) == 1
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text() == TF2
    assert not [p for p in (tmp_path / "real").iterdir() if p.name != "model.py"]  # no temp file left
