"""What the doctor accepts as TARGET, and what is wrong with one, told without TensorFlow.

The command line asks this before importing TensorFlow (a mistyped path answers at once, not
after the 5-10 s import); the loader (``_load``) asks it again and then reads the target.
"""
import importlib.util
import os
import sys

from tf1init.errors import DoctorInputError

EXPECTED = (
    "expected a TF1 meta graph (.meta, written by tf.compat.v1.train.export_meta_graph or "
    "Saver.save), a Keras model file (.keras or .h5), or an entry point module:function or "
    "path/to/file.py:function returning a tf.Graph, a tf.compat.v1.Session or a Keras model "
    "(or returning None after building its graph in the default graph)"
)
META, KERAS_FILE, ENTRY_POINT = "meta", "keras", "entry point"


def fail(target: str, problem: str, expected: bool = True) -> DoctorInputError:
    """An error naming the input and the problem; ``expected`` adds what the doctor accepts."""
    return DoctorInputError(f"{target}: {problem}" + (f"; {EXPECTED}" if expected else ""))


def readable_file(path: str) -> None:
    if not os.path.exists(path):
        raise fail(path, "no such file")
    if os.path.isdir(path):
        raise fail(path, "is a folder, not a file")
    if not os.access(path, os.R_OK):
        raise fail(path, "cannot be read (permission denied)")


def kind_of(target: str) -> str:
    """META, KERAS_FILE or ENTRY_POINT by the target's text, or the error saying why it is none."""
    lower = target.lower()
    if lower.endswith(".meta"):
        return META
    if lower.endswith((".keras", ".h5", ".hdf5")):
        return KERAS_FILE
    if ":" in os.path.basename(target) or (":" in target and not os.path.exists(target)):
        return ENTRY_POINT
    if os.path.isdir(target):
        inside = sorted(n for n in os.listdir(target) if n.endswith((".meta", ".keras", ".h5")))
        hint = f" (it holds {', '.join(inside[:3])}: pass one of them)" if inside else ""
        raise fail(target, f"is a folder, not a file{hint}")
    if os.path.exists(target):
        raise fail(target, "unknown kind of file (by its extension)")
    raise fail(target, "no such file, and not an entry point (no ':function')")


def check_target(target: str) -> None:
    """Raise what is wrong with TARGET where that can be told without importing anything heavy."""
    kind = kind_of(target)
    if kind != ENTRY_POINT:
        readable_file(target)
        return
    module, _, function = target.rpartition(":")
    if not module or not function.isidentifier():
        raise fail(target, "not an entry point")
    if module.endswith(".py") or os.sep in module or "/" in module:
        if not os.path.isfile(os.path.abspath(module)):
            raise fail(target, f"no such file {module!r}")
        return
    top = module.partition(".")[0]  # a missing top-level package is certain without importing it
    if not top.isidentifier():
        return  # the loader says what is wrong with it
    sys.path.insert(0, os.getcwd())  # where the loader looks too
    try:
        found = top in sys.modules or importlib.util.find_spec(top) is not None
    except (ImportError, ValueError):
        return
    finally:
        sys.path.remove(os.getcwd())
    if not found:
        raise fail(target, f"no module named {module!r} (searched the current folder and sys.path)")
