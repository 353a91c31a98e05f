"""Every `tf1init verify` run the tests look at, started at once: each spends seconds importing
TensorFlow in its two children, so they overlap instead of queueing."""
import json
import os
import pathlib
import subprocess
import sys
import time

import pytest

PROGRAMS = pathlib.Path(__file__).resolve().parent / "programs"
REPO = pathlib.Path(__file__).resolve().parents[2]


from tf1_reference import NO_TF1, tf1_python  # noqa: F401 - shared with the tests here

# The shim case goes through the Python API in a child of its own, which also reports whether
# verify() loaded TensorFlow into the calling process (it must not).
API = """
import json, sys
from tf1init.verify import verify
report = verify(sys.argv[1], sys.argv[2])
print(json.dumps({"report": json.loads(report.to_json()), "tensorflow_loaded": "tensorflow" in sys.modules}))
"""


def _cases(tmp, tf1):
    """name -> argv of one run, for every case this machine can run."""
    original_python = ["--tf1-python", tf1] if tf1 else []
    cases = {
        # an unmigrated program on TF 2.x: must exit 2 naming it
        "crash": ["regression_tf1.py", "crash_migrated.py", *original_python],
        # op seeds, a graph-level seed only, and a wrong stddev; with --plots
        "mixed": ["mixed_tf1.py", "mixed_migrated.py", *original_python, "--plots", str(tmp / "plots")],
        "timeout": ["slow.py", "slow.py", *original_python, "--timeout", "1"],
    }
    if tf1:
        cases["exact"] = ["regression_tf1.py", "regression_migrated.py", *original_python]
    argvs = {name: [sys.executable, "-m", "tf1init", "verify", *argv, "-q", "--json",
                    str(tmp / f"{name}.json")] for name, argv in cases.items()}
    if tf1:
        argvs["exact"] += ["--", "3"]  # the programs' own arguments
    argvs["shim"] = [sys.executable, "-c", API, "regression_tf1.py", "regression_migrated.py"]
    return argvs


@pytest.fixture(scope="session")
def tf1():
    """The real TF 1.x interpreter, or None."""
    return tf1_python()


@pytest.fixture(scope="session")
def programs():
    return PROGRAMS


@pytest.fixture(scope="session")
def needs_tf1(tf1):
    if tf1 is None:
        pytest.skip(NO_TF1)
    return tf1


@pytest.fixture(scope="session")
def runs(tmp_path_factory):
    """name -> {"rc", "stdout", "stderr", "report" (the --json file, or the API's), "seconds"}."""
    tmp = tmp_path_factory.mktemp("verify")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
    started = time.monotonic()
    processes = {}
    for name, argv in _cases(tmp, tf1_python()).items():
        with open(tmp / f"{name}.out", "w") as out, open(tmp / f"{name}.err", "w") as err:
            processes[name] = subprocess.Popen(argv, cwd=PROGRAMS, env=env, stdout=out, stderr=err)
    results = {}
    finished = {}
    while len(finished) < len(processes):  # when each one ends, for the timings printed below
        for name, process in processes.items():
            if name not in finished and process.poll() is not None:
                finished[name] = time.monotonic() - started
        if time.monotonic() - started > 300:
            break
        time.sleep(0.05)
    for name, process in processes.items():
        if name not in finished:
            process.kill()  # hung: its test fails on the return code
        process.wait(timeout=30)
        stdout, stderr = (tmp / f"{name}.out").read_text(), (tmp / f"{name}.err").read_text()
        result = {"rc": process.returncode, "stdout": stdout, "stderr": stderr,
                  "seconds": finished.get(name), "tmp": tmp}
        if name == "shim":
            result.update(json.loads(stdout.strip().splitlines()[-1]) if process.returncode == 0 else {})
        elif (tmp / f"{name}.json").exists():
            result["report"] = json.loads((tmp / f"{name}.json").read_text())
        results[name] = result
    print("verify runs, seconds to finish:", {name: round(r["seconds"] or -1, 1) for name, r in results.items()})
    return results
