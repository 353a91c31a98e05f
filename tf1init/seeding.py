"""Per-variable seeds derived from names, so initial values repeat run to run.

A TF1 graph seed gives each random op a seed from its creation index, so adding one unrelated
op changes every later variable's values. Seeding each random op from (seed, op name) instead
keeps a variable's initial value fixed as long as its own name is.
"""
import hashlib
from typing import Iterable, Tuple

from tf1init._tf import v1

_INT63 = (1 << 63) - 1


def op_seeds(seed: int, op_name: str) -> Tuple[int, int]:
    """The (seed, seed2) pair for the random op ``op_name`` under the user's ``seed``."""
    digest = hashlib.sha256(f"{int(seed)}/{op_name}".encode()).digest()
    first = int.from_bytes(digest[:8], "little") & _INT63
    second = int.from_bytes(digest[8:16], "little") & _INT63
    return first or 1, second or 1  # (0, 0) would mean "draw a fresh random seed"


def reseed(random_ops: Iterable, seed: int) -> int:
    """Give each op its name-derived seeds; returns how many ops changed.

    Must happen before a session first runs these ops: a session keeps the attributes it saw.
    """
    changed = 0
    for op in random_ops:
        first, second = op_seeds(seed, op.name)
        if op.get_attr("seed") == first and op.get_attr("seed2") == second:
            continue
        op._set_attr("seed", v1.AttrValue(i=first))  # noqa: SLF001 - TF has no public setter
        op._set_attr("seed2", v1.AttrValue(i=second))
        changed += 1
    return changed
