"""The parts of verify that need no TensorFlow: statistics, pairing, printed lines, the report."""
import ast
import dataclasses
import doctest
import importlib
import json
import pathlib
import subprocess
import sys

import numpy as np
import pytest

from tf1init.verify import compare, ks, match, prints
from tf1init.verify.compare import DIFFERENT, IDENTICAL, INCONCLUSIVE, MISSING, SAME_LAW, UNREAD
from tf1init.verify.report import Settings, VerifyReport
from tf1init.verify.run import HARNESS, Program, ProgramRun, Variable

DOCTESTED = ["tf1init.verify.ks", "tf1init.verify.match", "tf1init.verify.compare", "tf1init.verify.prints"]


@pytest.mark.parametrize("name", DOCTESTED)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0 and result.failed == 0


# -- statistics --------------------------------------------------------------------------------
@pytest.mark.parametrize("n,m,shift,scale", [(20, 20, 0, 1), (30, 50, 0.2, 1.3), (200, 300, 0, 1.1),
                                             (5000, 4000, 0, 1.02), (64, 64, 0.5, 1)])
def test_ks_matches_scipy(n, m, shift, scale):
    stats = pytest.importorskip("scipy.stats")
    rng = np.random.default_rng(n + m)
    a, b = rng.normal(0, 1, n), rng.normal(shift, scale, m)
    statistic, p = ks.ks_2samp(a, b)
    reference = stats.ks_2samp(a, b)
    assert statistic == pytest.approx(reference.statistic, abs=1e-12)
    root = np.sqrt(n * m / (n + m))
    assert p == pytest.approx(stats.kstwobign.sf((root + 0.12 + 0.11 / root) * statistic), rel=1e-9)
    assert p == pytest.approx(reference.pvalue, rel=0.5, abs=0.02)  # scipy's exact p, loosely


def test_ks_handles_ties_and_rejects_empty_samples():
    assert ks.ks_2samp([0, 0, 1, 1], [0, 0, 1, 1]) == (0.0, 1.0)
    assert ks.ks_2samp([0, 0, 0, 0], [1, 1, 1, 1])[0] == 1.0
    with pytest.raises(ValueError, match="non-empty"):
        ks.ks_2samp([], [1.0])


@pytest.mark.parametrize("p,z", [(0.5, 0.0), (0.975, 1.959964), (0.9995, 3.290527), (1e-6, -4.753424)])
def test_normal_quantile(p, z):
    assert ks.normal_quantile(p) == pytest.approx(z, abs=1e-5)


def test_same_law_false_alarm_rate_is_near_alpha():
    """Same-law samples are called different about as often as the three tests' levels allow."""
    rng = np.random.default_rng(7)
    verdicts = [compare.compare_values(rng.normal(0, 0.1, 400), rng.normal(0, 0.1, 400),
                                       compare.Thresholds(alpha=0.05))[0] for _ in range(300)]
    rate = verdicts.count(DIFFERENT) / len(verdicts)
    assert 0.02 < rate < 0.2, rate  # three tests at 5 %, positively correlated


@pytest.mark.parametrize("a,b,status", [
    (np.zeros(5, np.float32), np.zeros(5, np.float32), IDENTICAL),
    (np.array([0.0, -0.0]), np.array([-0.0, 0.0]), INCONCLUSIVE),  # equal values, other bits
    (np.full(100, 0.1), np.full(100, 0.2), DIFFERENT),
    (np.arange(5.0), np.arange(5.0) + 1, INCONCLUSIVE),
    (np.array([np.nan] * 30), np.array([np.nan] * 30), IDENTICAL),
    (np.array([np.nan] * 30), np.array([np.inf] * 30), DIFFERENT),
], ids=["zeros", "signed-zeros", "constants", "few", "nan", "nan-inf"])
def test_compare_values_edge_cases(a, b, status):
    assert compare.compare_values(a, b)[0] == status


def test_uniform_against_normal_of_the_same_std_is_different():
    rng = np.random.default_rng(3)
    limit = np.sqrt(3) * 0.05
    status, detail, stats = compare.compare_values(rng.uniform(-limit, limit, (128, 128)),
                                                   rng.normal(0, 0.05, (128, 128)))
    assert status == DIFFERENT and "KS" in detail
    assert stats.std_original == pytest.approx(stats.std_migrated, rel=0.02)


# -- pairing -----------------------------------------------------------------------------------
def var(name, shape=(4, 4), order=0, values=..., dtype="float32", read_at="creation"):
    if values is ...:
        values = np.full(shape, order, np.float32)
    return Variable(name, shape, dtype, "ref", order, 1, read_at, None, values)


def test_match_by_name_then_suffix_then_order_shape_and_dtype():
    original = [var("W:0", order=0), var("dense/kernel:0", (3, 2), 1), var("b:0", (4,), 2),
                var("step:0", (), 3, dtype="int64"), var("extra:0", (9,), 4)]
    migrated = [var("model/dense/kernel", (3, 2), 0), var("W:0", order=1), var("Variable:0", (), 2),
                var("bias:0", (4,), 3), var("new:0", (7,), 4)]
    pairs = match.match(original, migrated)
    found = [(p.original and p.original.name, p.migrated and p.migrated.name, p.matched_by) for p in pairs]
    assert found == [
        ("W:0", "W:0", "name"),
        ("dense/kernel:0", "model/dense/kernel", "name suffix"),
        ("b:0", "bias:0", "creation order, shape and dtype"),
        ("step:0", None, None),  # () float32 Variable:0 is another dtype
        ("extra:0", None, None),
        (None, "Variable:0", None),
        (None, "new:0", None),
    ]


def test_suffix_pairing_needs_a_single_candidate():
    pairs = match.match([var("kernel:0", order=0)], [var("a/kernel:0", order=0), var("b/kernel:0", order=1)])
    assert pairs[0].matched_by == "creation order, shape and dtype"


# -- printed output ----------------------------------------------------------------------------
@pytest.mark.parametrize("a,b,rtol,same", [
    ("step 1 loss 0.25", "step 1 loss 0.25", 0, True),
    ("loss 0.2500001", "loss 0.25", 1e-6, True),
    ("loss 0.2500001", "loss 0.25", 1e-8, False),
    ("acc 0.5", "acc 0.6", 1e-6, False),  # a coarse print: no rounding allowance
    ("sum 1.57904", "sum 1.57903", 1e-6, True),  # one unit in the 6th significant digit
    ("sum 1.57904", "sum 1.57902", 1e-6, False),
    ("loss: 0.25", "loss = 0.25", 1, False),
    ("[np.float32(0.25), np.int64(3)]", "[0.25, 3]", 0, True),
    ("np.True_", "True", 0, True),
    ("W1 sum: 3", "W2 sum: 3", 1, False),  # digits inside names are text
    ("x 1e-05", "x 1.0e-05", 0, True),
    ("nan", "nan", 0, True),
    ("nan", "0.0", 1, False),
])
def test_printed_lines(a, b, rtol, same):
    assert (prints.compare_line(a, b, rtol, 0.0)[0] is None) is same


def test_compare_prints_counts_missing_lines():
    result = prints.compare_prints("a 1\nb 2\nc 3\n", "a 1\nb 2.5\n")
    assert not result.match and result.differing == 2
    assert [(d.line, d.reason) for d in result.differences] == [
        (2, "number 2 vs 2.5 (relative difference 0.2)"), (3, "only the original printed it")]


# -- the report --------------------------------------------------------------------------------
def fake_run(label, variables, stdout="", failure=None):
    return ProgramRun(Program(label, f"/p/{label}.py", "/usr/bin/python"), 0 if not failure else 1,
                      1.0, stdout, "Traceback\nValueError: boom\n", {"tensorflow": "x", "python": "3"},
                      tuple(variables), failure)


def report_of(original, migrated, settings=Settings(), out_a="", out_b=""):
    a, b = fake_run("original", original, out_a), fake_run("migrated", migrated, out_b)
    results = tuple(compare.compare_pair(p, settings.thresholds) for p in match.match(a.variables, b.variables))
    return VerifyReport(a, b, settings, results, prints.compare_prints(out_a, out_b, settings.rtol))


def test_exit_codes_same_law_strict_missing_and_prints():
    rng = np.random.default_rng(0)
    same = report_of([var("w:0", values=rng.normal(0, 1, (32, 32)))],
                     [var("w:0", values=rng.normal(0, 1, (32, 32)))])
    assert same.variables[0].status == SAME_LAW and same.exit_code == 0
    assert dataclasses.replace(same, settings=Settings(strict=True)).exit_code == 1
    missing = report_of([var("w:0"), var("v:0", (2,), 1)], [var("w:0")])
    assert [r.status for r in missing.variables] == [IDENTICAL, MISSING] and missing.exit_code == 1
    unread = report_of([var("u:0", values=None)], [var("u:0", values=None)])
    assert unread.variables[0].status == UNREAD and unread.exit_code == 0
    half = report_of([var("u:0")], [var("u:0", values=None)])
    assert half.variables[0].status == DIFFERENT and "not read" in half.variables[0].detail
    printed = report_of([var("w:0")], [var("w:0")], out_a="loss 1.0\n", out_b="loss 1.5\n")
    assert printed.exit_code == 1 and "printed output differs in 1 of 1 lines" in printed.table()


def test_shape_and_dtype_changes_are_different_and_late_reads_are_flagged():
    values = np.zeros((8, 8), np.float32)
    report = report_of([var("a:0", values=values), var("b:0", order=1, values=values)],
                       [var("a:0", values=values.reshape(64)),
                        var("b:0", order=1, values=values.astype(np.float64), dtype="float64",
                            read_at="program exit (created inside a tf.function)")])
    details = [(r.status, r.detail) for r in report.variables]
    assert details[0] == (DIFFERENT, "shape [8, 8] vs [64] (the same values, flattened)")
    assert details[1][0] == DIFFERENT and "dtype float32 vs float64" in details[1][1]
    assert "migrated read at program exit" in details[1][1]


def test_a_failed_run_gives_exit_2_with_its_stderr_tail_and_json():
    a = fake_run("original", [])
    b = fake_run("migrated", [], failure="/p/migrated.py failed under /usr/bin/python: ValueError: boom")
    report = VerifyReport(a, b, Settings())
    assert report.exit_code == 2
    table = report.table()
    assert "migrated program failed: /p/migrated.py failed" in table and "    ValueError: boom" in table
    data = json.loads(report.to_json())
    assert data["exit_code"] == 2 and data["migrated"]["stderr_tail"].endswith("ValueError: boom")


def test_plots_only_for_variables_that_do_not_pass(tmp_path):
    from tf1init.verify.plots import plot_differences

    rng = np.random.default_rng(1)
    report = report_of([var("ok:0"), var("bad/w:0", (64, 64), 1, rng.normal(0, 1, (64, 64)))],
                       [var("ok:0"), var("bad/w:0", (64, 64), 1, rng.normal(0, 2, (64, 64)))])
    paths = plot_differences(report, str(tmp_path / "png"))
    assert [pathlib.Path(p).name for p in paths] == ["001-bad_w_0.png"]
    assert pathlib.Path(paths[0]).read_bytes()[:4] == b"\x89PNG"


# -- the harness and the process boundary ------------------------------------------------------
def test_harness_is_python37_and_imports_only_stdlib_numpy():
    source = pathlib.Path(HARNESS).read_text(encoding="utf-8")
    tree = ast.parse(source, feature_version=(3, 7))
    assert not any(isinstance(node, ast.NamedExpr) for node in ast.walk(tree))
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module}
    assert imported - set(sys.stdlib_module_names) == {"numpy"}  # TensorFlow: by name, at run time
    assert "__future__" not in imported


def test_harness_compiles_under_the_tf1_interpreter(tf1):
    if tf1 is None:
        pytest.skip("no TF 1.x interpreter")
    result = subprocess.run([tf1, "-c", "import ast, sys; ast.parse(open(sys.argv[1]).read())",
                             HARNESS], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("name, optimizer_state", [
    ("weight/Adam:0", True), ("weight/Adam_1:0", True), ("beta1_power:0", True), ("layer/W/Momentum:0", True),
    ("adam/iteration:0", True), ("sgd/learning_rate:0", True), ("adam_1/weight_momentum:0", True),
    ("weight:0", False), ("Adam:0", False), ("dense/kernel:0", False), ("global_step:0", False),
])
def test_optimizer_state_is_told_apart(name, optimizer_state):
    """A lifted program trades TF1's slots for a Keras optimizer's variables: neither is missing."""
    assert compare.is_optimizer_state(name) is optimizer_state
    only = match.Pair(None, Variable(name, (), "float32", "resource", 0, None, "", None), None)
    status = compare.compare_pair(only).status
    assert status == (compare.OPTIMIZER if optimizer_state else MISSING)


def test_printed_arrays_compare_as_records():
    """numpy pads an array's numbers to the widest and wraps where the digits say: the same
    numbers printed at other widths or wrapped elsewhere are the same record."""
    tf1 = "Hypothesis: [0.11750233 0.20875576 0.58776534\n 0.66910744]\nAccuracy: 1.0\n"
    tf2 = "Hypothesis: [0.11750234 0.20875576 0.5877652  0.66910744]\nAccuracy: 1.0\n"
    same = prints.compare_prints(tf1, tf2, rtol=1e-6)
    assert same.match, same.differences
    other = prints.compare_prints(tf1, tf2.replace("Accuracy: 1.0", "Accuracy: 0.5"), rtol=1e-6)
    assert [(d.line, d.reason) for d in other.differences] == [(3, "number 1.0 vs 0.5 (relative difference 0.5)")]


def test_another_interpreter_does_not_get_this_ones_packages(tmp_path):
    """TF 1.15's Python 3.7 must not import this Python's numpy through PYTHONPATH (CI ran verify
    with tf1init installed, and a test put its site-packages there)."""
    from tf1init.verify.run import _env_for

    here = str(tmp_path / "venv" / "lib" / "python3.11" / "site-packages")
    project = str(tmp_path / "project")
    env = {"PYTHONPATH": f"{here}:{project}", "HOME": "/root"}
    assert _env_for("/opt/py37/bin/python", env)["PYTHONPATH"] == project
    assert "PYTHONPATH" not in _env_for("/opt/py37/bin/python", {"PYTHONPATH": here})
    assert _env_for(sys.executable, env) == env  # this interpreter: as it is
