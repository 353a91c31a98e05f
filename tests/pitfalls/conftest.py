"""Shared by the pitfall tests: the per-mode subprocess reports.

TF1's process-wide switches (disable_v2_behavior, disable_eager_execution, control flow v1/v2)
cannot be undone, so each combination runs in its own process (mode_script.py): about 5 s of
TensorFlow import and a few seconds of fresh sessions each. They start together as soon as the
first pitfall test runs, and the tests that read their reports run last, so the processes
overlap with everything else.
"""
import json
import os
import pathlib
import subprocess
import sys

import pytest

HERE = pathlib.Path(__file__).resolve().parent
SESSIONS = 100
# (mode, control flow): TF1 ref variables come from disable_v2_behavior(), resource variables
# from disable_eager_execution() alone; control flow v1/v2 is switched on top of either.
COMBINATIONS = [
    ("disable_v2_behavior", "v1"),
    ("disable_v2_behavior", "v2"),
    ("disable_eager_execution", "v1"),
    ("disable_eager_execution", "v2"),
]
# The tf_keras check (pitfall 8) rides along in the process where tf.compat.v1.layers is
# tf_keras' and variables are resource variables, as in TF2 code that turned eager off.
TF_KERAS_COMBINATION = ("disable_eager_execution", "v2")
_NEEDED = []


def pytest_collection_modifyitems(session, config, items):
    """Run the tests that wait for the subprocesses last (a stable sort)."""
    waiting = [item for item in items if "mode_results" in getattr(item, "fixturenames", ())]
    if waiting:
        _NEEDED.append(True)
        others = [item for item in items if "mode_results" not in getattr(item, "fixturenames", ())]
        items[:] = others + waiting


@pytest.fixture(scope="session", autouse=True)
def _mode_processes(tmp_path_factory):
    """Start the per-mode processes (only if a collected test needs them); stop leftovers."""
    running = {}
    if _NEEDED:
        cwd = tmp_path_factory.mktemp("modes")
        for combination in COMBINATIONS:
            env = dict(os.environ)
            if combination == TF_KERAS_COMBINATION:
                env["TF_USE_LEGACY_KERAS"] = "1"
            # Files, not pipes: TF logs every failed run, enough to fill a pipe and stall.
            out = cwd / ("_".join(combination) + ".json")
            err = cwd / ("_".join(combination) + ".log")
            with open(out, "w") as stdout, open(err, "w") as stderr:
                process = subprocess.Popen(
                    [sys.executable, str(HERE / "mode_script.py"), *combination, str(SESSIONS)],
                    stdout=stdout, stderr=stderr, cwd=cwd, env=env,
                )
            running[combination] = (process, out, err)
    yield running
    for process, _, _ in running.values():
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def mode_results(_mode_processes):
    """{(mode, control flow): the JSON report of tests/pitfalls/mode_script.py}."""
    results = {}
    for combination, (process, out, err) in _mode_processes.items():
        process.wait(timeout=600)
        assert process.returncode == 0, f"{combination} failed:\n{err.read_text()[-3000:]}"
        results[combination] = json.loads(out.read_text().strip().splitlines()[-1])
    return results
