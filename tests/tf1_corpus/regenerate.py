"""Rewrites expected/<name>.txt: what each corpus program prints under real TF 1.15.

Run it on purpose only (a program changed, or one was added), then review the diff:
    TF1INIT_TF1_PYTHON=/path/to/py37-tf115/bin/python python tests/tf1_corpus/regenerate.py [NAME...]
Each program runs twice; one that prints differently from one run to the next is an error.
"""
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import manifest  # noqa: E402  (this folder is not a package)


def printed(program, python):
    with tempfile.TemporaryDirectory() as scratch:
        args = [scratch if arg == manifest.TMPDIR else arg for arg in program.args]
        script = HERE / program.entry
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", TF_CPP_MIN_LOG_LEVEL="2")
        env.pop("PYTHONPATH", None)
        done = subprocess.run([python, script.name, *args], cwd=script.parent, env=env,
                              capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{program.entry} failed under {python}:\n{done.stderr[-3000:]}")
    return done.stdout


def main(names):
    python = os.environ.get("TF1INIT_TF1_PYTHON")
    if not python:
        sys.exit("set TF1INIT_TF1_PYTHON to a Python with tensorflow 1.15 (.ci/run makes one)")
    unknown = set(names) - {p.name for p in manifest.PROGRAMS}
    if unknown:
        sys.exit(f"unknown program(s) {sorted(unknown)}; known: {[p.name for p in manifest.PROGRAMS]}")
    for program in manifest.PROGRAMS:
        if names and program.name not in names:
            continue
        first, second = printed(program, python), printed(program, python)
        if first != second:
            sys.exit(f"{program.entry} prints differently from one run to the next: not a golden output")
        (HERE / "expected" / f"{program.name}.txt").write_text(first, encoding="utf-8")
        print(f"expected/{program.name}.txt: {len(first.splitlines())} lines")


if __name__ == "__main__":
    main(sys.argv[1:])
