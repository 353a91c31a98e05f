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
from tf1init.doctor._target import EXPECTED, ENTRY_POINT, META, fail, kind_of, readable_file
from tf1init.errors import DoctorInputError

GRAPH, KERAS = "TF1 graph", "Keras model"


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0] if text else ''}".rstrip(": ")


def load_meta_graph(path: str):
    readable_file(path)
    graph = tf.Graph()
    try:
        with graph.as_default():
            v1.train.import_meta_graph(path, clear_devices=True)
    except Exception as error:  # protobuf and TF raise many kinds here
        raise fail(path, f"not a readable MetaGraphDef ({_first_line(error)})") from None
    return graph


def load_keras_file(path: str):
    readable_file(path)
    try:
        return tf.keras.models.load_model(path, compile=False)
    except Exception as error:  # zip, HDF5 and deserialization errors
        raise fail(path, f"not a readable Keras model file ({_first_line(error)})") from None


def _import_module(target: str, module_part: str):
    if module_part.endswith(".py") or os.sep in module_part or "/" in module_part:
        path = os.path.abspath(module_part)
        if not os.path.isfile(path):
            raise fail(target, f"no such file {module_part!r}")
        name = "_tf1init_entry_" + "".join(c if c.isalnum() else "_" for c in path)
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:
            raise fail(target, f"{module_part!r} is not a Python file")
        module = importlib.util.module_from_spec(spec)
        folder = os.path.dirname(path)
        sys.path.insert(0, folder)  # so that the file can import its neighbours
        try:
            spec.loader.exec_module(module)
        except Exception as error:
            raise fail(target, f"running {module_part} raised {_first_line(error)}", expected=False) from None
        finally:
            sys.path.remove(folder)
        return module
    sys.path.insert(0, os.getcwd())
    try:
        return importlib.import_module(module_part)
    except ModuleNotFoundError as error:
        if error.name and module_part.startswith(error.name):
            raise fail(target, f"no module named {module_part!r} (searched the current folder "
                                "and sys.path)") from None
        raise fail(target, f"importing {module_part} raised {_first_line(error)}", expected=False) from None
    except Exception as error:
        raise fail(target, f"importing {module_part} raised {_first_line(error)}", expected=False) from None
    finally:
        sys.path.remove(os.getcwd())


def _is_keras_model(value) -> bool:
    return isinstance(value, tf.keras.Model)


def load_entry_point(target: str) -> Tuple[str, object]:
    module_part, _, function = target.rpartition(":")
    if not module_part or not function.isidentifier():
        raise fail(target, "not an entry point")
    graph = tf.Graph()
    with graph.as_default():
        module = _import_module(target, module_part)
        fn = getattr(module, function, None)
        if fn is None or not callable(fn):
            defined = sorted(n for n, v in vars(module).items()
                             if callable(v) and not n.startswith("_")
                             and getattr(v, "__module__", None) == module.__name__)
            what = "no function" if fn is None else "a non-callable"
            raise fail(target, f"{module_part} has {what} {function!r}; its functions: "
                                f"{', '.join(defined) or 'none'}", expected=False)
        try:
            result = fn()
        except Exception as error:
            raise fail(target, f"calling {function}() raised {_first_line(error)}", expected=False) from None
    if isinstance(result, tf.Graph):
        return GRAPH, result
    if isinstance(result, v1.Session):
        return GRAPH, result.graph
    if _is_keras_model(result):
        try:
            model = fn()  # again, eagerly: a model built inside a graph has no readable values
        except Exception as error:
            raise fail(target, f"calling {function}() outside a graph raised "
                                f"{_first_line(error)}", expected=False) from None
        return KERAS, model
    if result is None:
        if not graph.get_collection(v1.GraphKeys.GLOBAL_VARIABLES):
            raise fail(target, f"{function}() returned None and built no variable in the default "
                                "graph")
        return GRAPH, graph
    raise fail(target, f"{function}() returned a {type(result).__module__}."
                        f"{type(result).__qualname__}")


def load(target: str) -> Tuple[str, object]:
    """(GRAPH or KERAS, the graph or model) for a file name or an entry point."""
    text = os.fspath(target)
    kind = kind_of(text)
    if kind == META:
        return GRAPH, load_meta_graph(text)
    if kind == ENTRY_POINT:
        return load_entry_point(text)
    return KERAS, load_keras_file(text)


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
