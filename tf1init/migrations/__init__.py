"""Codemods that rewrite TF1 initialization code to TF2 (installed as ``tf1init.migrations``).

Static only: nothing here imports TensorFlow or runs the code it reads. Names load on first use,
so that ``tf1init migrate`` over clean or cached files imports neither the engine nor LibCST.

    >>> from tf1init.migrations import migrate_source
    >>> result = migrate_source("import tensorflow as tf\\nx = 1\\n")
    >>> result.status
    'unchanged'
"""
import importlib

_LAZY = {
    "migrate_source": "._engine",
    **{name: "._model" for name in ("CHANGED", "FAILED", "FIXED", "MANUAL", "UNCHANGED", "WARNING",
                                    "FileResult", "Finding")},
    **{name: "._rule" for name in ("Example", "Rule")},
    **{name: "._registry" for name in ("all_rules", "get", "select")},
}

__all__ = sorted(_LAZY)


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
