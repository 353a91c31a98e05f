"""`tf1init verify` on real programs: real TF 1.15 against TF 2.x, the shim, crashes, timeouts."""
import subprocess
import sys

import pytest


def statuses(report):
    return {(v["original"] or v["migrated"])["name"]: v["status"] for v in report["variables"]}


def test_explicit_op_seeds_are_bit_identical_on_real_tf1(needs_tf1, runs):
    run = runs["exact"]
    assert run["rc"] == 0, run["stdout"] + run["stderr"]
    report = run["report"]
    assert report["original"]["tensorflow"].startswith("1."), report["original"]
    assert report["migrated"]["tensorflow"].startswith("2.")
    assert statuses(report) == {"W1:0": "identical", "b1:0": "identical", "W2:0": "identical",
                                "b2:0": "identical"}
    assert all(v["matched_by"] == "name" for v in report["variables"])
    # the arguments after -- reach both programs (3 steps, not the default 5), and relative data
    # paths work: each program runs in its own folder
    for side in ("original", "migrated"):
        printed = report[side]["stdout"]
        assert "step 2 loss" in printed and "step 3 loss" not in printed, printed
    assert report["prints"]["match"] and report["prints"]["lines_original"] == 4
    assert "4 variables: 4 identical. exit 0 (pass)" in run["stdout"]


def test_graph_seed_same_law_wrong_stddev_different_with_plot(runs, tf1):
    run = runs["mixed"]
    assert run["rc"] == 1, run["stdout"] + run["stderr"]
    report = run["report"]
    found = statuses(report)
    assert found["W_op:0"] == "identical"
    assert found["W_wrong:0"] == "different"
    # with a graph-level seed only, TF 1.15 and TF 2.x draw other values from the same law; on
    # the shim (TF 2.x on both sides) they are the same draws
    assert found["W_graph:0"] == ("same law" if tf1 else "identical")
    wrong = next(v for v in report["variables"] if v["original"]["name"] == "W_wrong:0")
    assert wrong["stats"]["std_original"] == pytest.approx(0.088, rel=0.05)  # 0.1 truncated at 2 sd
    assert wrong["stats"]["std_migrated"] == pytest.approx(0.176, rel=0.05)
    assert wrong["stats"]["ks_p"] < 1e-10
    assert "stds 0.08819 vs 0.1764" in wrong["detail"]
    plots = sorted(p.name for p in (run["tmp"] / "plots").iterdir())
    assert plots == ["002-W_wrong_0.png"]
    assert (run["tmp"] / "plots" / plots[0]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "different  W_wrong:0" in run["stdout"]
    assert not report["prints"]["match"]


def test_a_crashing_program_exits_2_naming_the_file_and_the_error(runs, programs):
    run = runs["crash"]
    assert run["rc"] == 2, run["stdout"] + run["stderr"]
    crashed = programs / "crash_migrated.py"
    assert f"migrated program failed: {crashed} failed under" in run["stdout"]
    assert "AttributeError: module 'tensorflow' has no attribute 'placeholder'" in run["stdout"]
    assert "last lines of its stderr:" in run["stdout"]
    assert 'crash_migrated.py", line 6' in run["stdout"]  # the traceback's last lines
    report = run["report"]
    assert report["exit_code"] == 2 and report["variables"] == []
    assert report["migrated"]["failure"] and "Traceback" in report["migrated"]["stderr_tail"]


def test_a_program_that_runs_too_long_is_stopped_with_exit_2(runs, programs):
    run = runs["timeout"]
    assert run["rc"] == 2, run["stdout"] + run["stderr"]
    assert f"{programs / 'slow.py'} did not finish within 1 s" in run["stdout"]


def test_shim_runs_tf1_code_on_tf2_and_the_caller_never_imports_tensorflow(runs):
    run = runs["shim"]
    assert run["rc"] == 0, run["stderr"][-3000:]
    assert run["tensorflow_loaded"] is False
    report = run["report"]
    assert report["exit_code"] == 0
    assert report["original"]["mode"] == "shim"
    assert report["original"]["tensorflow"] == report["migrated"]["tensorflow"]
    assert set(statuses(report).values()) == {"identical"} and len(report["variables"]) == 4
    assert report["prints"]["match"]


def test_cli_usage_errors_exit_2(tmp_path):
    program = tmp_path / "p.py"
    program.write_text("print(1)\n")
    for argv, message in [
        ([str(tmp_path / "nope.py"), str(program)], "does not exist"),
        ([str(program), str(program), "--tf1-python", str(tmp_path / "python")], "not an executable"),
        ([str(program), str(program), "--alpha", "2"], "--alpha must be between 0 and 1"),
    ]:
        result = subprocess.run([sys.executable, "-m", "tf1init", "verify", *argv], capture_output=True,
                                text=True, cwd="/")
        assert result.returncode == 2 and message in result.stderr, result.stderr
