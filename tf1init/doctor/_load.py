"""Turn what the user names into a TF1 graph or a Keras model, or say clearly what was expected.

Accepted: a TF1 meta graph file (``.meta``), a Keras model file (``.keras``, ``.h5``), or an
entry point ``module:function`` / ``path/to/file.py:function`` whose function returns a
``tf.Graph``, a ``tf.compat.v1.Session``, a Keras model, or None after building its graph in the
default graph (the doctor calls it inside a fresh ``tf.Graph().as_default()``). A function that
returns a Keras model is called a second time outside that graph, so that the model's weights
are eager values the doctor can read.
"""
import importlib
import importlib.util
import os
import sys
from typing import Tuple

from tf1init._tf import tf, v1
from tf1init.errors import DoctorInputError

EXPECTED = (
    "expected a TF1 meta graph (.meta, written by tf.compat.v1.train.export_meta_graph or "
    "Saver.save), a Keras model file (.keras or .h5), or an entry point module:function or "
    "path/to/file.py:function returning a tf.Graph, a tf.compat.v1.Session or a Keras model "
    "(or returning None after building its graph in the default graph)"
)
GRAPH, KERAS = "TF1 graph", "Keras model"


def _fail(target: str, problem: str, expected: bool = True) -> DoctorInputError:
    """An error naming the input and the problem; ``expected`` adds what the doctor accepts."""
    return DoctorInputError(f"{target}: {problem}" + (f"; {EXPECTED}" if expected else ""))


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0] if text else ''}".rstrip(": ")


def _readable_file(path: str) -> None:
    if not os.path.exists(path):
        raise _fail(path, "no such file")
    if os.path.isdir(path):
        raise _fail(path, "is a folder, not a file")
    if not os.access(path, os.R_OK):
        raise _fail(path, "cannot be read (permission denied)")


def load_meta_graph(path: str):
    _readable_file(path)
    graph = tf.Graph()
    try:
        with graph.as_default():
            v1.train.import_meta_graph(path, clear_devices=True)
    except Exception as error:  # protobuf and TF raise many kinds here
        raise _fail(path, f"not a readable MetaGraphDef ({_first_line(error)})") from None
    return graph


def load_keras_file(path: str):
    _readable_file(path)
    try:
        return tf.keras.models.load_model(path, compile=False)
    except Exception as error:  # zip, HDF5 and deserialization errors
        raise _fail(path, f"not a readable Keras model file ({_first_line(error)})") from None


def _import_module(target: str, module_part: str):
    if module_part.endswith(".py") or os.sep in module_part or "/" in module_part:
        path = os.path.abspath(module_part)
        if not os.path.isfile(path):
            raise _fail(target, f"no such file {module_part!r}")
        name = "_tf1init_entry_" + "".join(c if c.isalnum() else "_" for c in path)
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:
            raise _fail(target, f"{module_part!r} is not a Python file")
        module = importlib.util.module_from_spec(spec)
        folder = os.path.dirname(path)
        sys.path.insert(0, folder)  # so that the file can import its neighbours
        try:
            spec.loader.exec_module(module)
        except Exception as error:
            raise _fail(target, f"running {module_part} raised {_first_line(error)}", expected=False) from None
        finally:
            sys.path.remove(folder)
        return module
    sys.path.insert(0, os.getcwd())
    try:
        return importlib.import_module(module_part)
    except ModuleNotFoundError as error:
        if error.name and module_part.startswith(error.name):
            raise _fail(target, f"no module named {module_part!r} (searched the current folder "
                                "and sys.path)") from None
        raise _fail(target, f"importing {module_part} raised {_first_line(error)}", expected=False) from None
    except Exception as error:
        raise _fail(target, f"importing {module_part} raised {_first_line(error)}", expected=False) from None
    finally:
        sys.path.remove(os.getcwd())


def _is_keras_model(value) -> bool:
    return isinstance(value, tf.keras.Model)


def load_entry_point(target: str) -> Tuple[str, object]:
    module_part, _, function = target.rpartition(":")
    if not module_part or not function.isidentifier():
        raise _fail(target, "not an entry point")
    graph = tf.Graph()
    with graph.as_default():
        module = _import_module(target, module_part)
        fn = getattr(module, function, None)
        if fn is None or not callable(fn):
            defined = sorted(n for n, v in vars(module).items()
                             if callable(v) and not n.startswith("_")
                             and getattr(v, "__module__", None) == module.__name__)
            what = "no function" if fn is None else "a non-callable"
            raise _fail(target, f"{module_part} has {what} {function!r}; its functions: "
                                f"{', '.join(defined) or 'none'}", expected=False)
        try:
            result = fn()
        except Exception as error:
            raise _fail(target, f"calling {function}() raised {_first_line(error)}", expected=False) from None
    if isinstance(result, tf.Graph):
        return GRAPH, result
    if isinstance(result, v1.Session):
        return GRAPH, result.graph
    if _is_keras_model(result):
        try:
            model = fn()  # again, eagerly: a model built inside a graph has no readable values
        except Exception as error:
            raise _fail(target, f"calling {function}() outside a graph raised "
                                f"{_first_line(error)}", expected=False) from None
        return KERAS, model
    if result is None:
        if not graph.get_collection(v1.GraphKeys.GLOBAL_VARIABLES):
            raise _fail(target, f"{function}() returned None and built no variable in the default "
                                "graph")
        return GRAPH, graph
    raise _fail(target, f"{function}() returned a {type(result).__module__}."
                        f"{type(result).__qualname__}")


def load(target: str) -> Tuple[str, object]:
    """(GRAPH or KERAS, the graph or model) for a file name or an entry point."""
    text = os.fspath(target)
    lower = text.lower()
    if lower.endswith(".meta"):
        return GRAPH, load_meta_graph(text)
    if lower.endswith((".keras", ".h5", ".hdf5")):
        return KERAS, load_keras_file(text)
    if ":" in os.path.basename(text) or (":" in text and not os.path.exists(text)):
        return load_entry_point(text)
    if os.path.isdir(text):
        inside = sorted(n for n in os.listdir(text) if n.endswith((".meta", ".keras", ".h5")))
        hint = f" (it holds {', '.join(inside[:3])}: pass one of them)" if inside else ""
        raise _fail(text, f"is a folder, not a file{hint}")
    if os.path.exists(text):
        raise _fail(text, "unknown kind of file (by its extension)")
    raise _fail(text, "no such file, and not an entry point (no ':function')")


def resolve(target) -> Tuple[str, object, str]:
    """(kind, graph or model, description) for anything :func:`tf1init.diagnose` accepts."""
    if isinstance(target, tf.Graph):
        return GRAPH, target, "(in-memory tf.Graph)"
    if isinstance(target, v1.Session):
        return GRAPH, target.graph, "(the graph of a session)"
    if _is_keras_model(target):
        return KERAS, target, f"{getattr(target, 'name', 'model')!r} (in memory)"
    if isinstance(target, str) or hasattr(target, "__fspath__"):
        kind, value = load(target)
        return kind, value, os.fspath(target)
    raise DoctorInputError(f"cannot diagnose a {type(target).__name__}; {EXPECTED}, or a tf.Graph, "
                           "a tf.compat.v1.Session or a Keras model object")
