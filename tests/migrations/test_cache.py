"""The result cache on real files: clean results are reused (findings included), anything else is
worked out again, a bad cache file is never an error, and a warm run does no engine work."""
import json
import os
import subprocess
import sys

import pytest

from tf1init.cli import main
from tf1init.migrations import _cache

# Left for a person: it keeps TF1 tokens, so without a cache every run would parse it again.
GRAPH = (
    "import tensorflow as tf\n"
    "x = tf.placeholder(tf.float32, [None, 3])\n"
    "w = tf.get_variable('w', [3], initializer=tf.zeros_initializer())\n"
)
MIGRATED = "import tensorflow as tf\nw = tf.Variable(tf.random.normal([2]), name='w')\n"
TF1 = "import tensorflow as tf\nw = tf.Variable(tf.random_normal([2]), name='w')\n"


@pytest.fixture
def tree(tmp_path):
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "graph.py").write_text(GRAPH)
    (folder / "migrated.py").write_text(MIGRATED)
    (folder / "plain.py").write_text("x = 1\n")
    return folder


def cache_files(folder):
    return sorted(p for p in os.listdir(folder) if p.endswith(".json")) if os.path.isdir(folder) else []


def entries(folder):
    (name,) = cache_files(folder)
    with open(os.path.join(folder, name), encoding="utf-8") as handle:
        return json.load(handle)["entries"]


def check(tree, *extra, quiet=True):
    return main(["migrate", "--check", "--jobs", "1", *(["-q"] if quiet else []), *extra, str(tree)])


def test_clean_results_are_cached_with_their_findings(tree, tmp_path, capsys):
    folder = os.environ["TF1INIT_CACHE_DIR"]
    cold, warm = tmp_path / "cold.json", tmp_path / "warm.json"
    assert check(tree, "--report", str(cold)) == 0
    cold_err = capsys.readouterr().err
    # graph.py and migrated.py hold "tensorflow": both recorded; plain.py is not worth an entry
    recorded = entries(folder)
    assert len(recorded) == 2
    assert sorted(len(rows) for _, rows in recorded.values()) == [0, 2]
    assert check(tree, "--report", str(warm), quiet=False) == 0
    assert json.loads(warm.read_text()) == json.loads(cold.read_text())  # the report stays complete
    warm_err = capsys.readouterr().err
    assert "2 left for a person" in warm_err and "2 left for a person" in cold_err
    assert "graph.py:3:5: TFI103 manual: tf.get_variable left as it is" in warm_err
    assert "graph.py:3:43: TFI102 manual: tf.zeros_initializer left as it is" in warm_err


def test_changed_content_is_worked_out_again(tree, capsys):
    assert check(tree) == 0
    (tree / "migrated.py").write_text(TF1)  # same path, new bytes: a cache miss
    assert check(tree) == 1
    assert "would migrate" in capsys.readouterr().err


def test_files_that_would_change_or_fail_are_not_cached(tree):
    (tree / "tf1.py").write_text(TF1)
    (tree / "old.py").write_text("import tensorflow as tf\nprint 'py2'\nx = tf.random_normal([1])\n")
    assert check(tree) == 1
    assert check(tree) == 1  # still found: a cache never hides a change
    assert len(entries(os.environ["TF1INIT_CACHE_DIR"])) == 2


def test_rule_selection_uses_another_cache_file(tree):
    folder = os.environ["TF1INIT_CACHE_DIR"]
    check(tree)
    check(tree, "--select", "TFI101")
    assert len(cache_files(folder)) == 2
    assert _cache.namespace(("TFI101",)) != _cache.namespace(("TFI101", "TFI102"))


@pytest.mark.parametrize("content", [b"", b"{not json", b"\x00\xff", b'{"format": 99, "entries": {}}',
                                     b'{"format": 1, "namespace": "someone else", "entries": {}}', b"[1, 2]"])
def test_corrupt_or_foreign_cache_is_ignored_and_rewritten(tree, content, capsys):
    folder = os.environ["TF1INIT_CACHE_DIR"]
    check(tree)
    (name,) = cache_files(folder)
    path = os.path.join(folder, name)
    with open(path, "wb") as handle:
        handle.write(content)
    assert check(tree) == 0
    assert "2 left for a person" in capsys.readouterr().err
    assert len(entries(folder)) == 2  # a valid file again


def test_malformed_entries_are_misses(tree, capsys):
    folder = os.environ["TF1INIT_CACHE_DIR"]
    check(tree)
    (name,) = cache_files(folder)
    path = os.path.join(folder, name)
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    for key in data["entries"]:
        data["entries"][key] = [data["entries"][key][0], [["x", 1, "TFI102", "manual", "m"]]]
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(data, handle)
    capsys.readouterr()
    assert check(tree) == 0
    assert "2 left for a person" in capsys.readouterr().err


def test_no_cache_and_cache_dir(tree, tmp_path, monkeypatch):
    folder = os.environ["TF1INIT_CACHE_DIR"]
    check(tree, "--no-cache")
    assert cache_files(folder) == []
    mine = tmp_path / "mine"
    check(tree, "--cache-dir", str(mine))
    assert len(cache_files(mine)) == 1 and cache_files(folder) == []
    assert (mine / ".gitignore").read_text().endswith("*\n")  # a created cache is never committed
    monkeypatch.delenv("TF1INIT_CACHE_DIR")
    monkeypatch.chdir(tmp_path)
    check(tree)
    assert len(cache_files(tmp_path / ".tf1init_cache")) == 1  # the default, like ruff's


def test_unwritable_cache_is_not_an_error(tree, tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert check(tree, "--cache-dir", str(blocker / "cache")) == 0
    assert "2 left for a person" in capsys.readouterr().err


def test_concurrent_runs_never_corrupt_the_cache(tmp_path):
    folder = tmp_path / "cache"
    trees = []
    for n in range(4):
        src = tmp_path / f"src{n}"
        src.mkdir()
        for i in range(6):
            (src / f"m{i}.py").write_text(GRAPH.replace("'w'", f"'w{n}_{i}'"))
        trees.append(src)
    code = "import sys\nfrom tf1init.cli import main\nsys.exit(main(sys.argv[1:]))"
    runs = [subprocess.Popen([sys.executable, "-c", code, "migrate", "--check", "-q", "--jobs", "1",
                              "--cache-dir", str(folder), str(src)], cwd="/", stderr=subprocess.PIPE)
            for src in trees]
    assert [run.wait(timeout=120) for run in runs] == [0, 0, 0, 0]
    (name,) = cache_files(folder)
    recorded = entries(folder)  # parses: the file is whole
    assert 6 <= len(recorded) <= 24  # the last writer wins, after merging what was there
    assert [p for p in os.listdir(folder) if p.startswith(".tmp-")] == []


def test_warm_check_does_no_engine_work(tree, tmp_path):
    for i in range(12):  # enough files that a cold run with two jobs starts workers
        (tree / f"g{i}.py").write_text(GRAPH.replace("'w'", f"'w{i}'"))
    code = (
        "import sys, contextlib, io\nfrom tf1init.cli import main\n"
        "with contextlib.redirect_stderr(io.StringIO()):\n"
        f"    status = main(['migrate', '--check', '-q', '--jobs', '2', {str(tree)!r}])\n"
        "heavy = ['concurrent.futures.process', 'libcst', 'tf1init.migrations._engine',"
        " 'tf1init.migrations.rules.tfi104_session_init', 'tf1init.catalogue', 'tensorflow']\n"
        "print(status, *[name in sys.modules for name in heavy])"
    )
    env = {**os.environ, "TF1INIT_CACHE_DIR": str(tmp_path / "cache")}

    def run():
        return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                              cwd="/", env=env).stdout.split()

    assert run()[:3] == ["0", "True", "False"]  # cold: workers analysed the files
    assert run() == ["0"] + ["False"] * 6  # warm: no workers, no engine, no rules, no catalogue


def test_cold_check_of_files_left_for_a_person_does_not_import_libcst(tree):
    code = (
        "import sys, contextlib, io\nfrom tf1init.cli import main\n"
        "with contextlib.redirect_stderr(io.StringIO()):\n"
        f"    status = main(['migrate', '--check', '-q', '--no-cache', '--jobs', '1', {str(tree)!r}])\n"
        "print(status, 'tf1init.migrations._engine' in sys.modules, 'libcst' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd="/")
    assert out.stdout.split() == ["0", "True", "False"]
