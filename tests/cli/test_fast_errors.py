"""Mistakes in arguments and paths are reported at once: exit 2, one line naming the path and
what was expected, and TensorFlow (5-10 s to import) never imported."""
import os

import pytest

from tf1init.doctor._target import check_target
from tf1init.errors import DoctorInputError as _TargetError  # the same error early and late

# Seconds in main(). Each takes 0.01-0.2 s alone and up to 2.2 s when all run at once on two busy
# cores; importing TensorFlow takes 4-13 s alone. (That TensorFlow is not imported is the test.)
FAST = 5.0

ENTRY = "def build():\n    return None\n"


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "models.py").write_text(ENTRY)
    (tmp_path / "notes.txt").write_text("not a model")
    (tmp_path / "graphs").mkdir()
    (tmp_path / "graphs" / "a.meta").write_bytes(b"")
    (tmp_path / "dir.meta").mkdir()
    return tmp_path


# argv -> words the one-line error must contain
CASES = {
    ("doctor", "missing.meta"): "tf1init doctor: missing.meta: no such file; expected a TF1 meta graph",
    ("doctor", "missing.keras"): "tf1init doctor: missing.keras: no such file; expected",
    ("doctor", "model.h5"): "tf1init doctor: model.h5: no such file",
    ("doctor", "dir.meta"): "tf1init doctor: dir.meta: is a folder, not a file",
    ("doctor", "graphs"): "graphs: is a folder, not a file (it holds a.meta: pass one of them)",
    ("doctor", "notes.txt"): "notes.txt: unknown kind of file (by its extension)",
    ("doctor", "just-a-word"): "just-a-word: no such file, and not an entry point (no ':function')",
    ("doctor", "nowhere/build.py:make"): "nowhere/build.py:make: no such file 'nowhere/build.py'",
    ("doctor", "no_such_module_xyz:make"): "no module named 'no_such_module_xyz' (searched the current folder",
    ("doctor", "models.py:1x"): "models.py:1x: not an entry point",
    ("--verbose", "doctor", "missing.meta"): "tf1init doctor: missing.meta: no such file",
    ("stats", "missing.meta"): "tf1init stats: error: missing.meta: no such file",
    ("stats", "--verbose", "missing.meta"): "tf1init stats: error: missing.meta: no such file",
    ("stats", "nowhere/model.ckpt"): "tf1init stats: error: nowhere/model.ckpt: no such file or folder",
    ("ckpt", "ls", "nowhere"): "tf1init ckpt ls: error: no checkpoint at 'nowhere'",
    ("ckpt", "diff", "nowhere", "elsewhere"): "tf1init ckpt diff: error: no checkpoint at 'nowhere'",
    ("ckpt", "diff", "--atol", "-1", "a", "b"): "--atol must be a number >= 0, got -1.0",
    ("migrate", "missing.py"): "tf1init migrate: missing.py: no such file or directory",
    ("explain", "TFI999"): "tf1init explain: unknown rule 'TFI999'",
    ("verify", "a.py", "b.py"): "tf1init verify: original program 'a.py' does not exist",
}


def test_bad_arguments_exit_2_at_once_without_tensorflow(folder, run_all):
    results = run_all([list(argv) for argv in CASES], cwd=folder)
    for result, words in zip(results, CASES.values()):
        assert result.codes == [2], result
        assert not result.imported_tensorflow, result
        assert words in result.err, result
        assert "Traceback" not in result.err, result
        if result.argv[0] != "migrate":  # migrate adds its summary line
            assert result.err.count("\n") == 1, result
    slowest = max(results, key=lambda r: r.seconds)
    assert slowest.seconds < FAST, f"{len(results)} commands at once; the slowest: {slowest}"


def test_good_targets_pass_the_early_check(folder, monkeypatch):
    monkeypatch.chdir(folder)
    (folder / "graph.meta").write_bytes(b"only TensorFlow can tell")
    for target in ("graph.meta", "models.py:build", f"{folder / 'models.py'}:build", "models:build",
                   "os.path:join", "tf1init.doctor:diagnose"):
        check_target(target)  # the loader decides the rest


def test_the_early_check_says_what_the_loader_says(folder, monkeypatch, tf):
    """Each message before TensorFlow is the one tf1init.doctor._load gives after it."""
    from tf1init.doctor._load import load
    from tf1init.errors import DoctorInputError

    monkeypatch.chdir(folder)
    targets = [argv[1] for argv in CASES if argv[0] == "doctor"]
    if os.geteuid() != 0:  # root reads everything
        (folder / "locked.meta").write_bytes(b"")
        (folder / "locked.meta").chmod(0)
        targets.append("locked.meta")
    for target in targets:
        with pytest.raises(_TargetError) as early:
            check_target(target)
        with pytest.raises(DoctorInputError) as late:
            load(target)
        assert str(early.value) == str(late.value), target
