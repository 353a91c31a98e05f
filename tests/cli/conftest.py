"""Run ``tf1init`` the way a user does: a fresh interpreter, the real exit status and stderr."""
import os
import pathlib
import subprocess
import sys

import pytest

import tf1init

ROOT = str(pathlib.Path(tf1init.__file__).resolve().parent.parent)

# One or more command lines (separated by "+++"), one after the other in this interpreter; then,
# as the last line of stdout, their exit statuses, whether TensorFlow was imported and the
# seconds spent in main() (the interpreter's own start, slow on a busy machine, not counted).
PROBE = (
    "import sys, time\n"
    "from tf1init.cli import main\n"
    "argvs, codes = [[]], []\n"
    "for word in sys.argv[1:]:\n"
    "    argvs.append([]) if word == '+++' else argvs[-1].append(word)\n"
    "started = time.perf_counter()\n"
    "codes = [main(argv) for argv in argvs]\n"
    "print(','.join(map(str, codes)), 'tensorflow' in sys.modules, time.perf_counter() - started)\n"
    "sys.exit(codes[-1])\n"
)


class Result:
    """Finished commands: codes, stdout (without the probe's line), err, imported_tensorflow,
    seconds (in main())."""

    def __init__(self, argv, code, out, err):
        self.argv, self.code, self.err = argv, code, err
        *lines, last = out.rstrip("\n").split("\n")
        self.stdout = "\n".join(lines)
        codes, imported, seconds = last.split(" ")
        self.codes = [int(c) for c in codes.split(",")]
        self.imported_tensorflow, self.seconds = imported == "True", float(seconds)

    def __repr__(self):
        return f"tf1init {' '.join(self.argv)} -> {self.codes} in {self.seconds:.1f} s\n{self.err}"


def environment(**extra):
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [ROOT, os.environ.get("PYTHONPATH")]))
    env.update(extra)
    return env


def start(argv, cwd, stderr=subprocess.PIPE, **env):
    return subprocess.Popen([sys.executable, "-c", PROBE, *argv], cwd=cwd, env=environment(**env),
                            text=True, stdout=subprocess.PIPE, stderr=stderr)


@pytest.fixture(scope="session")
def run_all():
    """run_all(argvs, cwd) -> [Result]: each argv in its own interpreter, all at once (an argv
    may hold several command lines separated by "+++", run one after the other)."""

    def run(argvs, cwd):
        processes = [(argv, start(argv, cwd)) for argv in argvs]
        results = []
        for argv, process in processes:
            out, err = process.communicate(timeout=300)
            results.append(Result(argv, process.returncode, out, err))
        return results

    return run
