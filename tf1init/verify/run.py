"""Run the two programs, each under the harness in its own interpreter, side by side.

Our process never imports TensorFlow here: each program runs in a child (``harness.py`` passed by
path, since a TF 1.15 interpreter does not have tf1init installed) that writes its variables to
files this module reads back. Both children start at once (importing TensorFlow alone costs
seconds), and when one fails the other is stopped: there is nothing left to compare.
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from typing import Optional, Sequence, Tuple

import numpy as np

HARNESS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "harness.py")
STDERR_TAIL = 15


class VerifyUsageError(ValueError):
    """The command line names something that cannot be run (a missing file, a bad interpreter)."""


@dataclass(frozen=True)
class Program:
    """What to run: a file, the interpreter, and the harness mode (``plain`` or ``shim``)."""

    label: str
    path: str
    python: str
    mode: str = "plain"


@dataclass(frozen=True)
class Variable:
    """One variable a program created, as the harness recorded it (values None when never read)."""

    name: str
    shape: Optional[Tuple[int, ...]]
    dtype: str
    kind: str
    order: int
    graph: Optional[int]
    read_at: str
    note: Optional[str]
    values: Optional[np.ndarray] = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class ProgramRun:
    """One finished (or failed) run: what it printed, its variables, and why it failed if it did."""

    program: Program
    returncode: Optional[int]
    seconds: float
    stdout: str
    stderr: str
    info: dict = field(compare=False, repr=False)
    variables: Tuple[Variable, ...] = ()
    failure: Optional[str] = None
    stopped: bool = False  # stopped because the other program failed: not a result

    @property
    def tensorflow(self) -> str:
        return self.info.get("tensorflow") or "?"

    def stderr_tail(self, lines: int = STDERR_TAIL) -> str:
        return "\n".join(self.stderr.rstrip().splitlines()[-lines:])


def check_program(label: str, path: str, python: str, mode: str = "plain") -> Program:
    """A Program with an existing file and an executable interpreter, or VerifyUsageError."""
    if not os.path.isfile(path):
        raise VerifyUsageError(f"{label} program {path!r} does not exist (or is not a file)")
    if not (os.path.isfile(python) and os.access(python, os.X_OK)):
        raise VerifyUsageError(f"{label} interpreter {python!r} is not an executable file; "
                               "give the python of a virtual environment, e.g. /path/venv/bin/python")
    return Program(label, os.path.abspath(path), python, mode)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait()


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read()
    except OSError:
        return ""


def _variables(folder: str, info: dict) -> Tuple[Variable, ...]:
    values = {}
    npz = os.path.join(folder, "values.npz")
    if os.path.exists(npz):
        with np.load(npz, allow_pickle=False) as data:
            values = {key: data[key] for key in data.files}
    return tuple(
        Variable(name=v["name"], shape=None if v["shape"] is None else tuple(v["shape"]),
                 dtype=v["dtype"], kind=v["kind"], order=v["order"], graph=v["graph"],
                 read_at=v["read_at"], note=v["note"], values=values.get(v["value"]))
        for v in info.get("variables", ())
    )


def _finish(program, process, started, folder, failure, stopped=False) -> ProgramRun:
    seconds = time.monotonic() - started
    stdout, stderr = _read(os.path.join(folder, "stdout")), _read(os.path.join(folder, "stderr"))
    info = {}
    path = os.path.join(folder, "variables.json")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as handle:
            info = json.load(handle)
    if stopped:
        pass
    elif failure is None and process.returncode != 0:
        error = info.get("error") or f"exit status {process.returncode}"
        failure = f"{program.path} failed under {program.python}: {error}"
    elif failure is None and not info:
        failure = f"{program.path}: the harness wrote no results (exit status {process.returncode})"
    return ProgramRun(program, process.returncode, seconds, stdout, stderr, info,
                      _variables(folder, info), failure, stopped)


def _env_for(python: str, env: dict) -> dict:
    """The environment for one program: another interpreter (TF 1.x's Python 3.7) must not see
    this one's installed packages on PYTHONPATH (its numpy, built for another Python, would be
    imported and fail); the program's own folders on it stay."""
    path = env.get("PYTHONPATH")
    if not path or os.path.realpath(python) == os.path.realpath(sys.executable):
        return env
    kept = [p for p in path.split(os.pathsep) if p and not any(
        part in ("site-packages", "dist-packages") for part in p.replace("\\", "/").split("/"))]
    changed = dict(env)
    if kept:
        changed["PYTHONPATH"] = os.pathsep.join(kept)
    else:
        changed.pop("PYTHONPATH")
    return changed


def run_programs(programs: Sequence[Program], args: Sequence[str] = (), timeout: float = 600.0,
                 progress: bool = False) -> Tuple[ProgramRun, ...]:
    """Run every program under the harness at once; a failure or a timeout stops the others."""
    env = dict(os.environ)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's C++ start-up noise out of the tail
    # Importing TF 2.x sets TF2_BEHAVIOR=1 in its process's environment; a TF 1.x child that
    # inherited it (verify called from a process that imported TensorFlow) would run as TF 2.
    env.pop("TF2_BEHAVIOR", None)
    from tf1init.cli.progress import Progress  # the one progress line of every long command

    bar = Progress(enabled=progress)
    with tempfile.TemporaryDirectory(prefix="tf1init-verify-") as tmp:
        running = []
        for index, program in enumerate(programs):
            folder = os.path.join(tmp, f"{index}-{program.label}")
            os.makedirs(folder)
            with open(os.path.join(folder, "stdout"), "wb") as out, \
                    open(os.path.join(folder, "stderr"), "wb") as err:
                process = subprocess.Popen(
                    [program.python, HARNESS, folder, program.mode, program.path, *args],
                    stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                    cwd=os.path.dirname(program.path), env=_env_for(program.python, env), start_new_session=True)
            running.append((program, process, time.monotonic(), folder))
        results = {}
        start = time.monotonic()
        try:
            while len(results) < len(running):
                elapsed = time.monotonic() - start
                for program, process, started, folder in running:
                    if program.label in results or process.poll() is None:
                        continue
                    results[program.label] = _finish(program, process, started, folder, None)
                failed = any(r.failure for r in results.values())
                late = elapsed > timeout
                if failed or late:
                    for program, process, started, folder in running:
                        if program.label in results:
                            continue
                        _stop(process)
                        why = f"{program.path} did not finish within {timeout:g} s" if late else None
                        results[program.label] = _finish(program, process, started, folder, why,
                                                         stopped=not late)
                    break
                bar.stage(" | ".join(f"{p.label} {os.path.basename(p.path)}: "
                                     + ("done" if p.label in results else f"{elapsed:4.1f} s")
                                     for p, *_ in running))
                time.sleep(0.05)
        finally:
            for _, process, _, _ in running:
                _stop(process)
            bar.close()
    return tuple(results[p.label] for p in programs)
