"""The result cache on real files: clean results are reused (findings included), anything else is
worked out again, a bad cache file is never an error, and a warm run does no engine work.

The stat shortcut trusts only files older than the racy margin (2 s): files a test has just
written are read and hashed on every run, unless the test sets the margin to 0 (``trusted``)."""
import json
import marshal
import os
import subprocess
import sys
from types import SimpleNamespace

import pytest

from tf1init.cli import main
from tf1init.migrations import _cache, _files

# Left for a person (tf.contrib is gone): it keeps TF1 tokens, so without a cache
# every run would parse it again.
GRAPH = (
    "import tensorflow as tf\n"
    "x = tf.placeholder(tf.float32, [None, 3])\n"
    "w = tf.get_variable('w', [3], initializer=tf.zeros_initializer())\n"
    "h = tf.contrib.layers.fully_connected(x, 4)\n"
    "f = tf.contrib.layers.flatten(h)\n"
)
MIGRATED = "import tensorflow as tf\nw = tf.Variable(tf.random.normal([2]), name='w')\n"
TF1 = "import tensorflow as tf\nw = tf.Variable(tf.random_normal([2]), name='w')\n"
assert len(TF1) == len(MIGRATED)  # a same-size edit


@pytest.fixture
def tree(tmp_path):
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "graph.py").write_text(GRAPH)
    (folder / "migrated.py").write_text(MIGRATED)
    (folder / "plain.py").write_text("x = 1\n")
    return folder


@pytest.fixture
def trusted(monkeypatch):
    """Trust the stats of files changed before the run began (the margin is for coarse clocks)."""
    monkeypatch.setattr(_cache, "RACY_MARGIN_NS", 0)


@pytest.fixture
def reads(monkeypatch):
    """The paths whose bytes a run reads."""
    seen = []
    real = _files.read_with_stat

    def counting(path):
        seen.append(os.path.basename(path))
        return real(path)

    monkeypatch.setattr(_files, "read_with_stat", counting)
    return seen


@pytest.fixture
def parsed(monkeypatch):
    """The paths a run hands to the engine."""
    seen = []
    real = _files._engine_outcomes

    def counting(pending, options, jobs):
        seen.extend(os.path.basename(path) for path, *_ in pending)
        return real(pending, options, jobs)

    monkeypatch.setattr(_files, "_engine_outcomes", counting)
    return seen


def cache_files(folder):
    return sorted(p for p in os.listdir(folder) if p.endswith(".cache")) if os.path.isdir(folder) else []


def cache_path(folder):
    (name,) = cache_files(folder)
    return os.path.join(folder, name)


def load(folder):
    """(results, stats) of the one cache file in ``folder``."""
    path = cache_path(folder)
    with open(path, "rb") as handle:
        return _cache.loads(handle.read(), os.path.basename(path)[:-len(".cache")])


def save(folder, results, stats):
    path = cache_path(folder)
    with open(path, "wb") as handle:
        handle.write(_cache.dumps(os.path.basename(path)[:-len(".cache")], results, stats))


def check(tree, *extra, quiet=True):
    return main(["migrate", "--check", "--jobs", "1", *(["-q"] if quiet else []), *extra, str(tree)])


def test_clean_results_are_cached_with_their_findings(tree, tmp_path, capsys):
    folder = os.environ["TF1INIT_CACHE_DIR"]
    cold, warm = tmp_path / "cold.json", tmp_path / "warm.json"
    assert check(tree, "--report", str(cold)) == 0
    cold_err = capsys.readouterr().err
    # graph.py and migrated.py hold "tensorflow": both recorded; plain.py is not worth an entry
    results, stats = load(folder)
    assert sorted(len(rows) for _, rows in results.values()) == [0, 2]
    assert stats == {}  # written just now: within the racy margin, so no stat is trusted yet
    assert check(tree, "--report", str(warm), quiet=False) == 0
    assert json.loads(warm.read_text()) == json.loads(cold.read_text())  # the report stays complete
    warm_err = capsys.readouterr().err
    assert "2 left for a person" in warm_err and "2 left for a person" in cold_err
    assert "graph.py:4:5: TFI107 manual: tf.contrib.layers.fully_connected (tf.contrib)" in warm_err


@pytest.mark.parametrize("margin", ["racy", "trusted"])
def test_changed_content_is_worked_out_again(tree, margin, request, capsys):
    if margin == "trusted":
        request.getfixturevalue("trusted")
    assert check(tree) == 0
    (tree / "migrated.py").write_text(TF1 + "# longer\n")  # same path, new bytes: a cache miss
    assert check(tree) == 1
    assert "would migrate" in capsys.readouterr().err


def test_unchanged_stats_are_trusted_without_reading(tree, trusted, reads, parsed, capsys):
    assert check(tree) == 0
    # every file that imports TensorFlow is parsed once (any TF1 name may need the compat route)
    assert sorted(reads) == ["graph.py", "migrated.py", "plain.py"] and sorted(parsed) == ["graph.py", "migrated.py"]
    _, stats = load(os.environ["TF1INIT_CACHE_DIR"])
    assert len(stats) == 3  # plain.py too: a file without TensorFlow is not even read again
    capsys.readouterr()
    reads.clear(), parsed.clear()
    assert check(tree, quiet=False) == 0
    assert reads == [] and parsed == []
    err = capsys.readouterr().err
    assert "2 left for a person" in err
    assert "graph.py:5:5: TFI107 manual: tf.contrib.layers.flatten (tf.contrib): tf.contrib was removed" in err


def test_touched_file_is_hashed_again_not_parsed(tree, trusted, reads, parsed, capsys):
    assert check(tree) == 0
    path = tree / "graph.py"
    os.utime(path)  # touch: same bytes, new mtime
    reads.clear(), parsed.clear()
    capsys.readouterr()
    assert check(tree) == 0
    assert reads == ["graph.py"] and parsed == []  # read and hashed: a known content, not parsed
    assert "2 left for a person" in capsys.readouterr().err
    reads.clear()
    assert check(tree) == 0
    assert reads == []  # its record now holds the new stat


@pytest.mark.parametrize("margin", ["racy", "trusted"])
def test_same_size_edit_with_its_mtime_put_back_is_found(tree, margin, request, capsys):
    """Racy: the file changed within the margin, so it is hashed on every run. Trusted: its
    stat is recorded, and the edit shows in its ctime, which os.utime cannot set back."""
    if margin == "trusted":
        request.getfixturevalue("trusted")
    path = tree / "migrated.py"
    assert check(tree) == 0
    before = path.stat()
    _, stats = load(os.environ["TF1INIT_CACHE_DIR"])
    assert ((before.st_dev, before.st_ino) in stats) == (margin == "trusted")
    with open(path, "r+") as handle:  # same inode, same size, new content
        handle.write(TF1)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (before.st_size, before.st_mtime_ns, before.st_ino)
    assert after.st_ctime_ns != before.st_ctime_ns  # (the filesystem's clock moved between the writes)
    assert check(tree) == 1
    assert "would migrate" in capsys.readouterr().err


def test_racy_margin_decides_which_stats_are_recorded(tmp_path):
    cache = _cache.ResultCache(str(tmp_path / "c.cache"), "space")
    second = 1_000_000_000

    def stat(ino, mtime, ctime):
        return SimpleNamespace(st_dev=1, st_ino=ino, st_size=10, st_mode=0o100644,
                               st_mtime_ns=cache.started - mtime, st_ctime_ns=cache.started - ctime)

    cache.remember(stat(1, 3 * second, 3 * second), b"k")  # both older than the margin: trusted
    cache.remember(stat(2, 3 * second, 1 * second), b"k")  # changed (ctime) within the margin
    cache.remember(stat(3, 1 * second, 3 * second), b"k")  # modified within the margin
    cache.remember(stat(0, 3 * second, 3 * second), b"k")  # no inode numbers on this filesystem
    assert sorted(cache.stats) == [(1, 1)]
    cache.put(b"k", ())
    assert cache.known(stat(1, 3 * second, 3 * second)) == ()
    moved = [stat(1, 3 * second, 3 * second) for _ in range(4)]
    moved[0].st_size, moved[1].st_mtime_ns, moved[2].st_ctime_ns, moved[3].st_mode = 11, 1, 1, 0o100755
    assert [cache.known(s) for s in moved] == [None] * 4  # any difference: read it


def test_files_that_would_change_or_fail_are_not_cached(tree, trusted):
    (tree / "tf1.py").write_text(TF1)
    (tree / "old.py").write_text("import tensorflow as tf\nprint 'py2'\nx = tf.random_normal([1])\n")
    assert check(tree) == 2  # old.py does not parse: an error, whatever else would change
    assert check(tree) == 2  # still found: a cache never hides a change
    results, stats = load(os.environ["TF1INIT_CACHE_DIR"])
    assert len(results) == 2
    recorded = {(s.st_dev, s.st_ino) for s in (os.stat(p) for p in tree.iterdir())} & set(stats)
    assert recorded == {(s.st_dev, s.st_ino) for s in (os.stat(tree / n) for n in ("graph.py", "migrated.py", "plain.py"))}


def test_rule_selection_uses_another_cache_file(tree):
    folder = os.environ["TF1INIT_CACHE_DIR"]
    check(tree)
    check(tree, "--select", "TFI101")
    assert len(cache_files(folder)) == 2
    assert _cache.namespace(("TFI101",)) != _cache.namespace(("TFI101", "TFI102"))


def _variants(data: bytes, space: str):
    """Broken, truncated, foreign and other-layout versions of a good cache file's bytes."""
    payload = data[len(_cache.MAGIC) + 16:]

    def sign(body):  # right header and checksum, wrong content
        return _cache.MAGIC + _cache.blake2b(body, digest_size=16).digest() + body

    def signed(value):
        return sign(marshal.dumps(value))

    results, stats = _cache.loads(data, space)
    return {
        "empty": b"",
        "text": b"{not json",
        "binary": b"\x00\xff",
        "format 1 (JSON)": json.dumps({"format": 1, "namespace": space, "entries": {}}).encode(),
        "truncated": data[:len(data) // 2],
        "one byte flipped": data[:-3] + bytes([data[-3] ^ 1]) + data[-2:],
        "header only": data[:len(_cache.MAGIC) + 16],
        "bad payload": sign(payload[:5]),
        "a list": signed([1, 2]),
        "another format": signed((99, space, results, stats)),
        "another namespace": signed((_cache.FORMAT, "someone else", results, stats)),
        "entries not a dict": signed((_cache.FORMAT, space, [], stats)),
    }


@pytest.mark.parametrize("variant", ["empty", "text", "binary", "format 1 (JSON)", "truncated", "one byte flipped",
                                     "header only", "bad payload", "a list", "another format",
                                     "another namespace", "entries not a dict"])
def test_corrupt_or_foreign_cache_is_ignored_and_rewritten(tree, variant, capsys):
    folder = os.environ["TF1INIT_CACHE_DIR"]
    check(tree)
    path = cache_path(folder)
    with open(path, "rb") as handle:
        data = handle.read()
    broken = _variants(data, os.path.basename(path)[:-len(".cache")])[variant]
    with pytest.raises(ValueError):
        _cache.loads(broken, os.path.basename(path)[:-len(".cache")])
    with open(path, "wb") as handle:
        handle.write(broken)
    capsys.readouterr()
    assert check(tree) == 0
    assert "2 left for a person" in capsys.readouterr().err
    assert len(load(folder)[0]) == 2  # a valid file again


def test_malformed_entries_are_misses(tree, trusted, capsys):
    folder = os.environ["TF1INIT_CACHE_DIR"]
    check(tree)
    results, stats = load(folder)
    bad_results = {key: (day, (("x", 1, "TFI102", "manual", "m"),)) for key, (day, _) in results.items()}
    shapes = [(1, 2), "record", (0, 0, 0, 0, ["a", "list"], 0), (0, 0, 0, 0, b"key", 0, "extra")]
    bad_stats = {where: shapes[n % len(shapes)] for n, where in enumerate(stats)}
    # and records that match the files' stats but name a malformed result
    bad_stats[next(iter(stats))] = stats[next(iter(stats))]
    save(folder, bad_results, bad_stats)
    capsys.readouterr()
    assert check(tree) == 0
    assert "2 left for a person" in capsys.readouterr().err
    results, stats = load(folder)
    assert sorted(len(rows) for _, rows in results.values()) == [0, 2] and len(stats) == 3  # repaired


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
    results, _ = load(folder)  # parses: the file is whole
    assert 6 <= len(results) <= 24  # the last writer wins, after merging what was there
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
