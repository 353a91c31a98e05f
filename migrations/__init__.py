"""Codemods that rewrite TF1 initialization code to TF2 (installed as ``tf1init.migrations``).

Static only: nothing here imports TensorFlow or runs the code it reads.

    >>> from tf1init.migrations import migrate_source
    >>> result = migrate_source("import tensorflow as tf\\nx = 1\\n")
    >>> result.status
    'unchanged'
"""
from ._engine import migrate_source
from ._model import CHANGED, FAILED, FIXED, MANUAL, UNCHANGED, WARNING, Example, FileResult, Finding, Rule
from ._registry import all_rules, get, select

__all__ = [
    "CHANGED", "FAILED", "FIXED", "MANUAL", "UNCHANGED", "WARNING",
    "Example", "FileResult", "Finding", "Rule", "all_rules", "get", "migrate_source", "select",
]
