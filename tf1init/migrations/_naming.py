"""How the codemods name TensorFlow symbols: the dotted text of an expression, and one spelling
for TF1's names. A leaf module, so the engine and the lifter can both use it."""
import ast
from typing import Optional


def tf1(name: Optional[str]) -> Optional[str]:
    """``tf.compat.v1.X`` and ``tf.X`` are the same TF1 symbol."""
    if name and name.startswith("tf.compat.v1."):
        return "tf." + name[len("tf.compat.v1."):]
    return name


def dotted(node) -> Optional[str]:
    """``a.b.c`` for a Name/Attribute chain of CPython ast, else None."""
    parts = []
    while type(node) is ast.Attribute:
        parts.append(node.attr)
        node = node.value
    if type(node) is ast.Name:
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None
