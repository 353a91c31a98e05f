"""`tf1init ckpt ls` and `tf1init ckpt diff` on real checkpoints, some of them damaged on purpose."""
import doctest
import json
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

from tf1init.checkpoints import compare
from tf1init.checkpoints.compare import compare_values, diff_checkpoints
from tf1init.cli import main


def save(tf, v1, prefix, values) -> str:
    with tf.Graph().as_default():
        variables = [v1.Variable(value, name=name) for name, value in values.items()]
        with v1.Session() as session:
            session.run(v1.global_variables_initializer())
            return v1.train.Saver(variables).save(session, str(prefix))


def copy_checkpoint(prefix, directory) -> str:
    os.makedirs(directory, exist_ok=True)
    base = os.path.basename(prefix)
    for name in os.listdir(os.path.dirname(prefix)):
        if name.startswith(base + "."):
            shutil.copy(os.path.join(os.path.dirname(prefix), name), directory)
    return os.path.join(str(directory), base)


def cli(capsys, *argv):
    code = main(["ckpt", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def pair(tmp_path_factory, tf, v1):
    """Checkpoints A and B with one tensor of each kind of difference."""
    folder = tmp_path_factory.mktemp("pair")
    kernel = np.arange(12, dtype=np.float32).reshape(3, 4) / 8
    changed = kernel.copy()
    changed[1, 2] += 0.25
    changed[2, 3] -= 0.5
    a = save(tf, v1, folder / "a", {
        "dense/kernel": kernel, "dense/bias": np.zeros([4], np.float32), "step": np.int64(7),
        "same": np.ones([2, 2], np.float64), "old": np.int32([1, 2]), "cast": np.zeros([3], np.float32),
    })
    b = save(tf, v1, folder / "b", {
        "dense/kernel": changed, "dense/bias": np.zeros([5], np.float32), "step": np.int64(7),
        "same": np.ones([2, 2], np.float64), "new": np.int32([1, 2]), "cast": np.zeros([3], np.float64),
    })
    return a, b


def test_docstring_examples():
    result = doctest.testmod(compare, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def test_ls_table(small_checkpoint, capsys):
    directory, prefix, _ = small_checkpoint
    code, out, err = cli(capsys, "ls", str(directory))  # a directory: its latest checkpoint
    assert (code, err) == (0, "")
    assert out == (
        f"{prefix}\n"
        "name          shape   dtype    size\n"
        "dense/bias    [4]     float64  32 B\n"
        "dense/kernel  [3, 4]  float32  48 B\n"
        "step          []      int64     8 B\n"
        "3 tensors, 17 parameters, 88 B (88 bytes)\n"
    )


def test_ls_json_sorted_by_size(small_checkpoint, capsys):
    _, prefix, _ = small_checkpoint
    code, out, _ = cli(capsys, "ls", "--json", "--sort", "size", prefix)
    assert code == 0
    assert json.loads(out) == {
        "checkpoint": prefix,
        "tensors": [
            {"name": "dense/kernel", "shape": [3, 4], "dtype": "float32", "bytes": 48},
            {"name": "dense/bias", "shape": [4], "dtype": "float64", "bytes": 32},
            {"name": "step", "shape": [], "dtype": "int64", "bytes": 8},
        ],
        "total": {"tensors": 3, "parameters": 17, "bytes": 88},
    }


def test_diff_text_and_exit_code(pair, capsys):
    a, b = pair
    code, out, err = cli(capsys, "diff", a, b)
    assert (code, err) == (1, "")
    assert out == (
        f"--- {a}\n"
        f"+++ {b}\n"
        "~ cast          [3] float32 -> [3] float64\n"
        "~ dense/bias    [4] float32 -> [5] float32\n"
        "~ dense/kernel  [3, 4] float32  max |a-b| = 0.5, 2 of 12 values differ\n"
        "+ new           [2] int32  only in B\n"
        "- old           [2] int32  only in A\n"
        "different: 2 identical, 1 with different values, 2 with a different shape or dtype, "
        "1 added, 1 removed\n"
    )


def test_diff_json_and_atol(pair, capsys):
    a, b = pair
    code, out, _ = cli(capsys, "diff", "--json", a, b)
    report = json.loads(out)
    assert code == 1 and report["identical"] is False
    assert report["counts"] == {"same": 2, "close": 0, "values": 1, "shape": 2, "added": 1, "removed": 1}
    kernel = [t for t in report["tensors"] if t["name"] == "dense/kernel"][0]
    assert kernel == {"name": "dense/kernel", "status": "values", "max_abs_diff": 0.5, "differing": 2, "bits_only": 0,
                      "a": {"shape": [3, 4], "dtype": "float32", "bytes": 48},
                      "b": {"shape": [3, 4], "dtype": "float32", "bytes": 48}}
    assert "same" not in [t["name"] for t in report["tensors"]]
    result = diff_checkpoints(a, b, atol=0.5)
    assert [t.status for t in result.tensors if t.name == "dense/kernel"] == ["close"]
    assert result.identical is False  # shapes and names still differ


def test_identical_checkpoints_exit_0(small_checkpoint, tmp_path, capsys):
    _, prefix, _ = small_checkpoint
    copy = copy_checkpoint(prefix, tmp_path)
    code, out, _ = cli(capsys, "diff", "--all", prefix, copy)
    assert code == 0
    assert out.splitlines()[2:] == [
        "= dense/bias    [4] float64  identical",
        "= dense/kernel  [3, 4] float32  identical",
        "= step          [] int64  identical",
        "identical: 3 identical, 0 with different values, 0 with a different shape or dtype, 0 added, 0 removed",
    ]


def test_values_within_atol_count_as_identical(tf, v1, tmp_path, capsys):
    a = save(tf, v1, tmp_path / "a", {"w": np.float32([1.0, 2.0])})
    b = save(tf, v1, tmp_path / "b", {"w": np.float32([1.0, 2.0009765625])})
    assert cli(capsys, "diff", a, b)[0] == 1
    code, out, _ = cli(capsys, "diff", "--atol", "0.001", a, b)
    assert code == 0
    assert "= w  [2] float32  max |a-b| = 0.000976562, 1 of 2 values differ  (within --atol 0.001)" in out


def test_compare_values_bits_nan_strings():
    nan = np.float32("nan")
    same = compare_values(np.float32([nan, 1.0]), np.float32([nan, 1.0]))
    assert (same.differing, same.bits_only) == (0, 0)
    found = compare_values(np.float32([nan, 1.0]), np.float32([0.0, 1.0]))
    assert found.differing == 1 and np.isnan(found.max_abs_diff)
    found = compare_values(np.float32([0.0]), np.float32([-0.0]))  # bits differ, |a-b| = 0
    assert (found.differing, found.bits_only, found.max_abs_diff) == (1, 1, 0.0)
    assert compare_values(np.int64([2**40, 5]), np.int64([2**40, -5])).max_abs_diff == 10
    assert compare_values(np.array([True, False]), np.array([True, True])).differing == 1
    words = compare_values(np.array([b"x", b"y"], object), np.array([b"x", b"z"], object))
    assert (words.differing, words.max_abs_diff) == (1, None)
    assert compare_values(np.complex64([1 + 1j]), np.complex64([1 + 2j])).max_abs_diff == 1.0


def test_strings_and_big_tensors_compare_in_chunks(tf, v1, tmp_path, monkeypatch):
    big = np.arange(1000, dtype=np.float32)
    other = big.copy()
    other[[3, 997]] = [100.0, -7.0]
    a = save(tf, v1, tmp_path / "a", {"big": big, "words": np.array([b"a", b"b"])})
    b = save(tf, v1, tmp_path / "b", {"big": other, "words": np.array([b"a", b"c"])})
    monkeypatch.setattr(compare, "_CHUNK", 64)
    result = {t.name: t for t in diff_checkpoints(a, b).tensors}
    assert (result["big"].differing, result["big"].max_abs_diff) == (2, 1004.0)
    assert (result["words"].status, result["words"].differing, result["words"].max_abs_diff) == ("values", 1, None)


# --- bad input: exit 2, one line naming the path, no traceback --------------------------------


def test_missing_paths(small_checkpoint, tmp_path, capsys):
    _, prefix, _ = small_checkpoint
    missing = str(tmp_path / "nowhere" / "model.ckpt")
    for argv in (["ls", missing], ["diff", prefix, missing], ["diff", missing, prefix]):
        code, out, err = cli(capsys, *argv)
        assert code == 2 and out == ""
        assert err.startswith(f"tf1init ckpt {argv[0]}: error: no checkpoint at {missing!r}")
        assert err.count("\n") == 1


def test_truncated_data_and_corrupt_index(small_checkpoint, tmp_path, capsys):
    _, prefix, _ = small_checkpoint
    truncated = copy_checkpoint(prefix, tmp_path / "truncated")
    data = truncated + ".data-00000-of-00001"
    os.truncate(data, os.path.getsize(data) - 3)
    broken = copy_checkpoint(prefix, tmp_path / "index")
    index = broken + ".index"
    with open(index, "r+b") as handle:
        handle.seek(20)
        byte = handle.read(1)
        handle.seek(20)
        handle.write(bytes([byte[0] ^ 0x40]))
    for argv, named in ((["ls", truncated], data), (["diff", prefix, truncated], data),
                        (["ls", broken], index), (["diff", broken, prefix], index)):
        code, out, err = cli(capsys, *argv)
        assert code == 2, argv
        assert repr(named) in err and "Traceback" not in err and err.count("\n") == 1


def test_damaged_data_bytes_are_caught_by_the_checksum(small_checkpoint, tmp_path, capsys):
    _, prefix, _ = small_checkpoint
    damaged = copy_checkpoint(prefix, tmp_path)
    data = damaged + ".data-00000-of-00001"
    with open(data, "r+b") as handle:  # same length: only the tensor's CRC can tell
        handle.seek(0)
        handle.write(b"\xff\xff")
    code, out, err = cli(capsys, "diff", prefix, damaged)
    assert code == 2
    assert err.startswith(f"tf1init ckpt diff: error: cannot read 'dense/bias' from checkpoint {damaged!r}")
    assert "Traceback" not in err


def test_bad_atol(small_checkpoint, capsys):
    _, prefix, _ = small_checkpoint
    code, _, err = cli(capsys, "diff", "--atol", "-1", prefix, prefix)
    assert code == 2 and "--atol must be a number >= 0, got -1.0" in err


def test_ls_and_a_diff_without_values_to_compare_do_not_import_tensorflow(small_checkpoint, tf, v1, tmp_path):
    _, prefix, _ = small_checkpoint
    other = save(tf, v1, tmp_path / "other", {"step": np.int32(7), "x": np.float32([1.0])})
    code = (
        "import sys, io, contextlib\n"
        "from tf1init.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    codes = [main(['ckpt', 'ls', {prefix!r}]), main(['ckpt', 'diff', {prefix!r}, {other!r}])]\n"
        "print(codes, 'tensorflow' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd="/", check=True)
    assert out.stdout.strip() == "[0, 1] False"


def test_bad_paths_and_damaged_files_fail_before_tensorflow_is_imported(small_checkpoint, tmp_path):
    _, prefix, _ = small_checkpoint
    truncated = copy_checkpoint(prefix, tmp_path / "truncated")
    os.truncate(truncated + ".data-00000-of-00001", 5)
    missing = str(tmp_path / "nowhere")
    code = (
        "import sys, io, contextlib\n"
        "from tf1init.cli import main\n"
        "err = io.StringIO()\n"
        "with contextlib.redirect_stderr(err):\n"
        f"    codes = [main(['ckpt', 'ls', {missing!r}]), main(['ckpt', 'diff', {prefix!r}, {missing!r}]),\n"
        f"             main(['ckpt', 'diff', {prefix!r}, {truncated!r}]),\n"
        f"             main(['ckpt', 'diff', '--atol', '-1', {prefix!r}, {prefix!r}])]\n"
        "print(codes, 'tensorflow' in sys.modules, err.getvalue().count('\\n'), 'Traceback' in err.getvalue())\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd="/", check=True)
    assert out.stdout.strip() == "[2, 2, 2, 2] False 4 False"
