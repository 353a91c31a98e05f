"""Rewrites expected/<name>.txt: what each unseen program prints under real TF 1.15.

These programs were written by other people (see SOURCES.md); their outputs are the yardstick a
migration is measured against, so they are regenerated on purpose only, then reviewed:
    TF1INIT_TF1_PYTHON=/path/to/py37-tf115/bin/python python tests/tf1_unseen/regenerate.py [NAME...]
Each program runs twice, one after the other, in an empty scratch directory; one that prints
differently from one run to the next is an error. The wall time of each run is reported.
"""
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

PROGRAMS = (
    "aymeric_basic_operations",
    "aymeric_linear_regression",
    "aymeric_logistic_regression",
    "aymeric_neural_network_raw",
    "aymeric_convolutional_network_raw",
    "aymeric_save_restore_model",
    "tensorflow_mnist_softmax",
    "tensorflow_mnist_deep",
    "cookbook_combining_everything",
    "cookbook_back_propagation",
    "cookbook_single_hidden_layer",
    "cookbook_multiclass_svm",
    "pkmital_linear_regression",
    "pkmital_logistic_regression",
)


def printed(name, python):
    """One run of NAME: (stdout, seconds); exits naming the program when it fails."""
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", TF_CPP_MIN_LOG_LEVEL="2")
    env.pop("PYTHONPATH", None)
    with tempfile.TemporaryDirectory() as scratch:
        start = time.perf_counter()
        done = subprocess.run([python, str(HERE / f"{name}.py")], cwd=scratch, env=env,
                              capture_output=True, text=True)
        seconds = time.perf_counter() - start
    if done.returncode:
        sys.exit(f"{name}.py failed under {python}:\n{done.stderr[-3000:]}")
    return done.stdout, seconds


def main(names):
    python = os.environ.get("TF1INIT_TF1_PYTHON")
    if not python:
        sys.exit("set TF1INIT_TF1_PYTHON to a Python with tensorflow 1.15 "
                 "(tests/tf1_corpus/requirements-tf115.txt lists it)")
    unknown = set(names) - set(PROGRAMS)
    if unknown:
        sys.exit(f"unknown program(s) {sorted(unknown)}; known: {list(PROGRAMS)}")
    for name in PROGRAMS:
        if names and name not in names:
            continue
        (first, t1), (second, t2) = printed(name, python), printed(name, python)
        if first != second:
            sys.exit(f"{name}.py prints differently from one run to the next: not a golden output")
        (HERE / "expected" / f"{name}.txt").write_text(first, encoding="utf-8")
        print(f"expected/{name}.txt: {len(first.splitlines())} lines; runs took {t1:.1f} s, {t2:.1f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
