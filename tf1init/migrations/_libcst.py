"""``libcst``, imported on first use.

The rules name LibCST at module level, but most runs never rewrite anything (a ``--check`` of a
migrated tree only analyses, on CPython's ast, the files left for a person): those runs must not
pay LibCST's import, about 0.2 s, more than the rest of such a run.
"""
import importlib


class _LazyModule:
    def __init__(self, name: str):
        self._name = name

    def __getattr__(self, attribute: str):
        value = getattr(importlib.import_module(self._name), attribute)
        setattr(self, attribute, value)  # later lookups skip __getattr__
        return value


cst = _LazyModule("libcst")
