"""`ckpt diff` is bit-exact by default, exact for integers always, and tolerant only for floats.

Every case is a pair of real checkpoints written by tf.compat.v1 Savers: the values below are
what TensorFlow stored, bit for bit (NaN payloads and the sign of zero survive a save).
"""
import json

import numpy as np
import pytest

from tf1init.checkpoints.compare import diff_checkpoints
from tf1init.cli import main


def bits32(*words):
    return np.array(words, np.uint32).view(np.float32)


NAN, OTHER_NAN, NEGATIVE_NAN = 0x7FC00000, 0x7FC00001, 0xFFC00000

# name -> (value in A, value in B)
PAIRS = {
    "big_int": (np.int64(2**62), np.int64(2**62 + 1)),  # equal once rounded to float64
    "extreme_int": (np.int64([-(2**63), 5]), np.int64([2**63 - 1, 5])),  # gap 2**64 - 1
    "small_int": (np.int32([1, 2]), np.int32([1, 3])),
    "bytes": (np.uint8([0, 255]), np.uint8([255, 255])),
    "zero": (np.float32([0.0, 1.0]), np.float32([-0.0, 1.0])),
    "zero64": (np.float64(0.0), np.float64(-0.0)),
    "same_nan": (bits32(NAN, OTHER_NAN), bits32(NAN, OTHER_NAN)),
    "nan_payload": (bits32(NAN, NAN), bits32(OTHER_NAN, NEGATIVE_NAN)),
    "nan_vs_number": (np.float64([np.nan, 1.0]), np.float64([0.0, 1.0])),
    "infinities": (np.float32([np.inf, 1e30]), np.float32([-np.inf, np.inf])),
    "relative": (np.float64([1000.0, 0.0]), np.float64([1000.5, 0.0])),
    "complex_zero": (np.complex64([1 + 0j]), np.complex64([complex(1, -0.0)])),
    "flags": (np.array([True, False]), np.array([True, True])),
    "words": (np.array([b"a", b"b"]), np.array([b"a", b"c"])),
    "same_words": (np.array([b"x"]), np.array([b"x"])),
}


def save(tf, v1, prefix, values) -> str:
    with tf.Graph().as_default():
        variables = [v1.Variable(value, name=name) for name, value in values.items()]
        with v1.Session() as session:
            session.run(v1.global_variables_initializer())
            return v1.train.Saver(variables).save(session, str(prefix))


@pytest.fixture(scope="module")
def pair(tmp_path_factory, tf, v1):
    folder = tmp_path_factory.mktemp("exact")
    a = save(tf, v1, folder / "a", {name: values[0] for name, values in PAIRS.items()})
    b = save(tf, v1, folder / "b", {name: values[1] for name, values in PAIRS.items()})
    reader = v1.train.NewCheckpointReader(b)  # the premise: TensorFlow stored these exact bits
    assert reader.get_tensor("nan_payload").view(np.uint32).tolist() == [OTHER_NAN, NEGATIVE_NAN]
    assert np.signbit(reader.get_tensor("zero")).tolist() == [True, False]
    assert int(reader.get_tensor("big_int")) == 2**62 + 1
    return a, b


def by_name(result):
    return {t.name: t for t in result.tensors}


def test_default_is_bit_exact(pair):
    found = by_name(diff_checkpoints(*pair))
    statuses = {name: t.status for name, t in found.items()}
    assert statuses == {
        "big_int": "values", "extreme_int": "values", "small_int": "values", "bytes": "values",
        "zero": "values", "zero64": "values", "same_nan": "same", "nan_payload": "values",
        "nan_vs_number": "values", "infinities": "values", "relative": "values",
        "complex_zero": "values", "flags": "values", "words": "values", "same_words": "same",
    }
    # Integers: exact differences, never through float64 (where 2**62 + 1 == 2**62).
    assert found["big_int"].max_abs_diff == 1 and type(found["big_int"].max_abs_diff) is int
    assert found["extreme_int"].max_abs_diff == 2**64 - 1
    assert (found["extreme_int"].differing, found["bytes"].max_abs_diff) == (1, 255)
    # Equal as numbers, different bits: counted, |a-b| = 0.
    for name in ("zero", "zero64", "nan_payload", "complex_zero"):
        t = found[name]
        assert (t.differing, t.bits_only, t.max_abs_diff) == ((2, 2, 0.0) if name == "nan_payload" else (1, 1, 0.0))
    assert np.isnan(found["nan_vs_number"].max_abs_diff) and found["nan_vs_number"].bits_only == 0
    assert found["infinities"].max_abs_diff == np.inf
    assert (found["flags"].max_abs_diff, found["words"].max_abs_diff) == (None, None)


def test_a_tolerance_applies_to_floats_only(pair):
    found = by_name(diff_checkpoints(*pair, atol=1e-6))
    for name in ("zero", "zero64", "nan_payload", "complex_zero"):  # equal as numbers: close
        assert found[name].status == "close", name
    for name in ("big_int", "small_int", "bytes", "flags", "words",  # exact, whatever the tolerance
                 "nan_vs_number", "infinities", "relative"):
        assert found[name].status == "values", name
    huge = by_name(diff_checkpoints(*pair, atol=10.0, rtol=1.0))
    assert [huge[n].status for n in ("relative", "small_int", "big_int", "nan_vs_number", "infinities")] == [
        "close", "values", "values", "values", "values"]  # inf - 1e30 is never within rtol * inf
    # rtol scales with the larger magnitude: |1000 - 1000.5| = 0.5 <= 1e-3 * 1000.5, not 1e-4 * 1000.5
    assert by_name(diff_checkpoints(*pair, rtol=1e-3))["relative"].status == "close"
    assert by_name(diff_checkpoints(*pair, rtol=1e-4))["relative"].status == "values"


def test_a_checkpoint_equals_its_own_nans(pair):
    a, _ = pair
    result = diff_checkpoints(a, a)
    assert result.identical and {t.status for t in result.tensors} == {"same"}


def test_command_line(pair, capsys):
    a, b = pair
    assert main(["ckpt", "diff", "--json", a, b]) == 1
    report = {t["name"]: t for t in json.loads(capsys.readouterr().out)["tensors"]}
    assert report["extreme_int"]["max_abs_diff"] == 2**64 - 1  # JSON keeps the exact integer
    assert report["nan_vs_number"]["max_abs_diff"] == "nan"  # JSON has no NaN: a string, as in stats
    assert report["zero"]["bits_only"] == 1 and "same_nan" not in report
    assert main(["ckpt", "diff", a, b]) == 1
    lines = {line.split()[1]: line for line in capsys.readouterr().out.splitlines()[2:-1]}
    assert lines["big_int"].endswith("[] int64  max |a-b| = 1, 1 of 1 values differ")
    assert lines["words"].endswith("[2] string  1 of 2 values differ")
    assert "max |a-b| = 18446744073709551615," in lines["extreme_int"]
    assert lines["zero"].endswith(
        "max |a-b| = 0, 1 of 2 values differ (1 only in their bits: 0.0 vs -0.0, or NaNs with different payloads)")
    assert main(["ckpt", "diff", "--atol", "1", a, b]) == 1
    lines = {line.split()[1]: line for line in capsys.readouterr().out.splitlines()[2:-1]}
    assert lines["zero"].startswith("= zero") and lines["zero"].endswith("(within --atol 1)")
    assert lines["small_int"].endswith("(integers are compared exactly: --atol and --rtol apply to floats)")


def test_only_equal_checkpoints_exit_0(tf, v1, tmp_path, capsys):
    a = save(tf, v1, tmp_path / "a", {"w": np.float32([0.0, 2.0]), "step": np.int64(2**62)})
    b = save(tf, v1, tmp_path / "b", {"w": np.float32([-0.0, 2.0]), "step": np.int64(2**62)})
    assert main(["ckpt", "diff", a, b]) == 1  # was 0: "identical (within --atol 0)"
    assert main(["ckpt", "diff", "--rtol", "1e-9", a, b]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-1].startswith("identical: 2 identical")


def test_bad_tolerances(pair, capsys):
    a, b = pair
    assert main(["ckpt", "diff", "--rtol", "nan", a, b]) == 2
    assert "--rtol must be a number >= 0, got nan" in capsys.readouterr().err
    with pytest.raises(ValueError, match="atol and rtol must be numbers >= 0"):
        diff_checkpoints(a, b, rtol=-1.0)


def test_help_says_what_the_default_means(capsys):
    with pytest.raises(SystemExit):
        main(["ckpt", "diff", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "(--atol 0 --rtol 0) the comparison is bit-exact: 0.0 and -0.0 differ" in text
    assert "Integer, bool and string tensors are always compared exactly" in text
