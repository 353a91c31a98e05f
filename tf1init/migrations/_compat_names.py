"""What each ``tf.X`` of a TF1 file is on TensorFlow 2.21: the same function, a function that
changed meaning, a name only ``tf.compat.v1`` has, or a name gone altogether.

Read from ``data/compat_v1_names.txt`` (made from an installed TensorFlow by
``data/make_compat_v1_names.py``), so the codemods know it without importing TensorFlow.
"""
import os
from functools import lru_cache

SAME = "same"  # tf.X is the very same object in TF2's tensorflow and in tensorflow.compat.v1
CHANGED = "changed"  # both have tf.X, as different objects (parameters below)
V1_ONLY = "v1-only"  # only tensorflow.compat.v1 has it (tf.Session, tf.log)
MISSING = "missing"  # neither has it (tf.contrib, tf.layers.dense with Keras 3)
OPEN = "open"  # under a module taken whole (tf.keras, tf.compat, tf.raw_ops)
TF2_ONLY = "tf2-only"  # only TF2's tensorflow has it (tf.random.set_seed): TF2 code, not gone code

_DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "compat_v1_names.txt")


@lru_cache(maxsize=1)
def _table():
    """name -> (mark, rest of the line); the version line."""
    table = {}
    version = ""
    with open(_DATA, encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#"):
                version = line.strip("# \n")
                continue
            mark, _, rest = line.rstrip("\n").partition(" ")
            name, _, params = rest.partition(" ")
            table[name] = (mark, params)
    return table, version


def version() -> str:
    """The TensorFlow version the table was read from, e.g. ``2.21.0``."""
    import re

    found = re.search(r"TensorFlow (\S+?):", _table()[1])
    return found.group(1) if found else "2.x"


def relative(full: str):
    """``X.Y`` for ``tf.X.Y`` or ``tf.compat.v1.X.Y``; None for other names (``tf.compat.v2.X``)."""
    if full.startswith("tf.compat.v1."):
        return full[len("tf.compat.v1."):]
    if full.startswith("tf.compat.") or full == "tf.compat":
        return None
    if full.startswith("tf."):
        return full[3:]
    return None


def status(full: str):
    """(kind, the dotted name that decided it, its parameters) for a ``tf.``-name.

    A chain is followed through modules only: ``tf.float32.max`` is decided by ``tf.float32``.
    """
    name = relative(full)
    if name is None:
        return OPEN, full, ""
    table = _table()[0]
    parts = name.split(".")
    for end in range(1, len(parts) + 1):
        prefix = ".".join(parts[:end])
        entry = table.get(prefix)
        if entry is None:
            return MISSING, "tf." + prefix, ""
        mark, params = entry
        if mark == "M*":
            return OPEN, "tf." + prefix, ""
        if mark == "M":
            continue
        kind = {"=": SAME, "~": CHANGED, "-": V1_ONLY, "+": TF2_ONLY}[mark]
        return kind, "tf." + prefix, params
    return SAME, "tf." + name, ""  # a module: the same in both


def split_params(params: str):
    """'(a,b)(c,d)' -> (['a','b'], ['c','d'])."""
    v1, _, v2 = params.partition(")(")
    return v1.strip("()").split(","), v2.strip("()").split(",")


# Parameters TF2 renamed without changing what they mean (``filter`` is ``filters``).
SAME_MEANING = {"filter": "filters", "value": "input"}


def same_call(params: str, positional: int, keywords) -> bool:
    """Whether a call with ``positional`` arguments and these keyword names means the same with
    TF2's function as with TF1's: each positional slot has the same parameter name on both sides,
    each keyword exists in TF2's signature."""
    if not params or "?" in params:
        return False
    v1, v2 = split_params(params)
    for index in range(positional):
        a = v1[index] if index < len(v1) else None
        b = v2[index] if index < len(v2) else None
        if a is None or b is None:
            return False
        if a.startswith("*") and b.startswith("*"):
            break
        if (a != b and SAME_MEANING.get(a) != b) or a.startswith("*"):
            return False
    accepts_any = any(p.startswith("**") for p in v2)
    return all(k in v2 or accepts_any for k in keywords)


def twin(full: str):
    """``tf.math.log`` for ``tf.log``: the TF2 name of the very object a v1-only name is, so a
    call keeps its meaning under TF2's spelling; None when TF2 has no such name."""
    name = relative(full)
    if name is None:
        return None
    entry = _table()[0].get(name)
    if entry is None or entry[0] != "-" or not entry[1]:
        return None
    return "tf." + entry[1]
