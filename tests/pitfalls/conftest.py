"""Shared by the pitfall tests: the per-mode subprocess reports, started together once."""
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


@pytest.fixture(scope="session")
def mode_results(tmp_path_factory):
    """{(mode, control flow): the JSON report of tests/pitfalls/mode_script.py}."""
    cwd = tmp_path_factory.mktemp("modes")
    running = {}
    for combination in COMBINATIONS:
        env = dict(os.environ)
        if combination == TF_KERAS_COMBINATION:
            env["TF_USE_LEGACY_KERAS"] = "1"
        # Files, not pipes: TF logs every failed run, enough to fill a pipe and stall a process.
        out, err = cwd / ("_".join(combination) + ".json"), cwd / ("_".join(combination) + ".log")
        with open(out, "w") as stdout, open(err, "w") as stderr:
            running[combination] = (subprocess.Popen(
                [sys.executable, str(HERE / "mode_script.py"), *combination, str(SESSIONS)],
                stdout=stdout, stderr=stderr, cwd=cwd, env=env,
            ), out, err)
    results = {}
    for combination, (process, out, err) in running.items():
        process.wait(timeout=600)
        assert process.returncode == 0, f"{combination} failed:\n{err.read_text()[-3000:]}"
        results[combination] = json.loads(out.read_text().strip().splitlines()[-1])
    return results
