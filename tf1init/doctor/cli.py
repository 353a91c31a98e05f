"""``tf1init doctor TARGET``: check a TF1 graph or a Keras model's initialization.

Exit status: 0 no findings, 1 findings, 2 input the doctor cannot read (the message says what
it expected; no traceback). What can be told without TensorFlow (a file that is not there, a
folder, an unknown extension, an entry point's missing file or module) is told before
TensorFlow is imported, in the words :mod:`tf1init.doctor._load` uses: at once, not after the
5-10 s that importing TensorFlow takes. On a terminal a progress line says what takes the time;
a one-line summary on stderr (layers, findings, seconds) ends every diagnosis.
"""
import argparse
import importlib.util
import os
import sys
import time

USES_TENSORFLOW = True

# The same words as tf1init.doctor._load.EXPECTED (which imports TensorFlow);
# tests/cli/test_fast_errors.py checks that both give the same message for the same input.
EXPECTED = (
    "expected a TF1 meta graph (.meta, written by tf.compat.v1.train.export_meta_graph or "
    "Saver.save), a Keras model file (.keras or .h5), or an entry point module:function or "
    "path/to/file.py:function returning a tf.Graph, a tf.compat.v1.Session or a Keras model "
    "(or returning None after building its graph in the default graph)"
)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Check the initialization of a TF1 graph or a Keras model, layer by layer: fan-in, the "
        "initializer's variance, the activation, the gain fan_in * var(w) * c(activation) and its "
        "product through depth. Flags zero/constant kernels, vanishing/exploding stacks and "
        "initializers that do not suit their activation, each with what to use instead."
    )
    parser.add_argument(
        "target", metavar="TARGET",
        help="a TF1 meta graph (.meta), a Keras model file (.keras, .h5), or an entry point "
             "module:function or path/to/file.py:function returning a tf.Graph or a Keras model "
             "(or building the graph in the default graph)")
    parser.add_argument("--json", action="store_true", help="print the diagnosis as JSON")
    parser.add_argument("--quiet", "-q", action="store_true",
                        help="no progress line on a terminal (the summary line stays)")
    parser.add_argument("--verbose", action="store_true",
                        help="show TensorFlow's own log lines (hidden by default)")
    parser.epilog = "exit status: 0 no findings, 1 findings, 2 unreadable input"


class _TargetError(Exception):
    """TARGET is not something the doctor can read; the message names it and says why."""


def _fail(target: str, problem: str) -> _TargetError:
    return _TargetError(f"{target}: {problem}; {EXPECTED}")


def _check_file(path: str) -> None:
    if not os.path.exists(path):
        raise _fail(path, "no such file")
    if os.path.isdir(path):
        raise _fail(path, "is a folder, not a file")
    if not os.access(path, os.R_OK):
        raise _fail(path, "cannot be read (permission denied)")


def _check_module(target: str, module: str) -> None:
    """A missing top-level package is certain without importing anything; the rest is not."""
    top = module.partition(".")[0]
    if not top.isidentifier():
        return  # let the loader say what is wrong with it
    sys.path.insert(0, os.getcwd())  # where the loader looks too
    try:
        found = top in sys.modules or importlib.util.find_spec(top) is not None
    except (ImportError, ValueError):
        return
    finally:
        sys.path.remove(os.getcwd())
    if not found:
        raise _fail(target, f"no module named {module!r} (searched the current folder and sys.path)")


def check_target(target: str) -> None:
    """Raise what is wrong with TARGET where that can be told without TensorFlow, as
    ``tf1init.doctor._load.load`` would say it."""
    lower = target.lower()
    if lower.endswith((".meta", ".keras", ".h5", ".hdf5")):
        _check_file(target)
        return
    if ":" in os.path.basename(target) or (":" in target and not os.path.exists(target)):
        module, _, function = target.rpartition(":")
        if not module or not function.isidentifier():
            raise _fail(target, "not an entry point")
        if module.endswith(".py") or os.sep in module or "/" in module:
            if not os.path.isfile(os.path.abspath(module)):
                raise _fail(target, f"no such file {module!r}")
        else:
            _check_module(target, module)
        return
    if os.path.isdir(target):
        inside = sorted(n for n in os.listdir(target) if n.endswith((".meta", ".keras", ".h5")))
        hint = f" (it holds {', '.join(inside[:3])}: pass one of them)" if inside else ""
        raise _fail(target, f"is a folder, not a file{hint}")
    if os.path.exists(target):
        raise _fail(target, "unknown kind of file (by its extension)")
    raise _fail(target, "no such file, and not an entry point (no ':function')")


def _error(message: str) -> int:
    print(f"tf1init doctor: {message}", file=sys.stderr)
    return 2


def run(args) -> int:
    from tf1init.cli.progress import Progress
    from tf1init.errors import DoctorInputError

    started = time.perf_counter()
    try:
        check_target(args.target)
    except _TargetError as error:
        return _error(str(error))
    with Progress(enabled=not args.quiet) as progress:
        if "tensorflow" not in sys.modules:
            progress.stage("tf1init doctor: importing TensorFlow")
            import tf1init._tf  # noqa: F401  (seconds: worth saying so)
        progress.stage(f"tf1init doctor: reading and diagnosing {args.target}")
        from tf1init.doctor import diagnose

        try:
            diagnosis = diagnose(args.target)
        except DoctorInputError as error:
            return _error(str(error))
    print(diagnosis.to_json() if args.json else str(diagnosis))
    count = len(diagnosis.findings)
    print(f"tf1init doctor: {args.target}: {len(diagnosis.layers)} layer"
          f"{'s' if len(diagnosis.layers) != 1 else ''}, {count} finding{'s' if count != 1 else ''}"
          f"{' (' + ', '.join(diagnosis.codes) + ')' if count else ''} "
          f"in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return diagnosis.exit_code
