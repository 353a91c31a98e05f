"""Seeds that make initial values repeat run to run, and survive unrelated edits to the graph.

A TF1 graph seed gives each random op a seed from the number of random ops created before it,
so adding one dropout or one unrelated variable earlier in the graph changes every later
variable's values (tensorflow/tensorflow#14675). tf_keras and Keras 3 initializers go further:
they draw stateless values from a seed picked in Python when the layer is built, so the graph
seed never reaches them. Here each random op a variable's initial value owns is seeded from
(seed, variable name, its rank among that variable's random ops), stateful or stateless, so a
variable keeps its initial values as long as its own name and its own initializer do.

:func:`seed_everything` fixes the other sources of randomness in one call.
"""
import hashlib
import os
import random
import sys
from dataclasses import dataclass
from typing import Iterable, List, Optional, Sequence, Tuple

import numpy as np

from tf1init._tf import tf, v1
from tf1init._tf_private import set_attr
from tf1init.graph.selection import variable_name

_INT63 = (1 << 63) - 1
_INT31 = (1 << 31) - 1
# Stateless ops whose seed is input 0 (key/counter makers); the older ones take it as input 1.
_SEED_INPUT_0 = frozenset({"StatelessRandomGetKeyCounter", "StatelessRandomGetKeyCounterAlg"})


def op_seeds(seed: int, key: str) -> Tuple[int, int]:
    """The (seed, seed2) pair for the random op identified by ``key`` under the user's ``seed``."""
    digest = hashlib.sha256(f"{int(seed)}/{key}".encode()).digest()
    first = int.from_bytes(digest[:8], "little") & _INT63
    second = int.from_bytes(digest[8:16], "little") & _INT63
    return first or 1, second or 1  # (0, 0) would mean "draw a fresh random seed"


def variable_seeds(seed: int, name: str, count: int) -> Sequence[Tuple[int, int]]:
    """Seeds for the ``count`` random ops of the variable ``name``, in their creation order.

        >>> from tf1init.graph.seeding import variable_seeds
        >>> variable_seeds(7, "dense/kernel", 1) == variable_seeds(7, "dense/kernel", 1)
        True
        >>> variable_seeds(7, "dense/kernel", 1) == variable_seeds(8, "dense/kernel", 1)
        False
    """
    return [op_seeds(seed, f"{name}#{rank}") for rank in range(count)]


# Ops a seed passes through on its way from its Const to a stateless op (Keras 3 casts it and
# takes it modulo a bound); following input 0 through them finds the Const to rewrite.
_SEED_PASSTHROUGH = frozenset({"Cast", "FloorMod", "Mod", "Identity"})


def _seed_const(tensor):
    op = tensor.op
    while op.type in _SEED_PASSTHROUGH and op.inputs:
        op = op.inputs[0].op
    return op if op.type == "Const" else None


def _set_seed(op, first: int, second: int, apply: bool = True) -> Optional[str]:
    """Give one random op the seed pair; the name of the op whose attributes changed (the
    random op, or the Const that feeds a stateless op its seed), or None. With ``apply=False``
    only say which op would change."""
    if op.type in _SEED_INPUT_0 or op.type.startswith("Stateless"):
        const = _seed_const(op.inputs[0 if op.type in _SEED_INPUT_0 else 1])
        if const is None:
            return None  # a computed seed (e.g. from a seed variable): not ours to rewrite
        current = tf.make_ndarray(const.get_attr("value"))
        limit = _INT31 if current.dtype.itemsize <= 4 else _INT63
        value = np.resize(np.array([first & limit, second & limit]), current.shape).astype(current.dtype)
        if np.array_equal(current, value):
            return None
        if apply:
            set_attr(const, "value", v1.AttrValue(tensor=tf.make_tensor_proto(value)))
        return const.name
    if op.get_attr("seed") == first and op.get_attr("seed2") == second:
        return None
    if apply:
        set_attr(op, "seed", v1.AttrValue(i=first))
        set_attr(op, "seed2", v1.AttrValue(i=second))
    return op.name


def reseed(random_ops: Iterable, seed: int) -> List[str]:
    """Seed each op from (seed, op name); returns the names of the ops changed.

    Kept for callers that hold ops rather than variables; :func:`reseed_variables` is stabler.
    """
    changed = (_set_seed(op, *op_seeds(seed, op.name)) for op in random_ops)
    return [name for name in changed if name is not None]


def reseed_variables(variables: Iterable, seed: int, *, apply: bool = True) -> List[str]:
    """Seed the random ops each variable's initial value owns from its name; return the names
    of the ops whose attributes changed (random ops, or the Consts of stateless seeds).

    A random op shared by several variables is seeded from the first of them given. Must
    happen before a session first runs these ops: a session keeps the attributes it saw
    (``apply=False`` only lists what would change, for that check).
    """
    from tf1init.graph.analysis import random_ops_of

    changed, done = [], set()
    for variable in variables:
        name = variable_name(variable)
        ops = random_ops_of(variable)
        for op, pair in zip(ops, variable_seeds(seed, name, len(ops))):
            if op.name not in done:
                done.add(op.name)
                changed.append(_set_seed(op, *pair, apply=apply))
    return [op_name for op_name in changed if op_name is not None]


@dataclass(frozen=True)
class SeedReport:
    """What :func:`seed_everything` fixed, and what it could not."""

    seed: int
    fixed: Tuple[str, ...]
    notes: Tuple[str, ...]


def seed_everything(seed: int, *, graph=None, deterministic_ops: bool = False) -> SeedReport:
    """Fix every source of randomness a TF1 or TF2 program draws from, in one call.

    Python's ``random``, NumPy's global generator, the TF1 graph seed of ``graph`` (the default
    graph if None), TF2's global seed, Keras 3's seed generator, and tf_keras' when it is loaded
    (its ``tf.compat.v1.layers`` initializers pick their seeds from Python's ``random``, which
    the graph seed never reaches). With ``deterministic_ops=True`` also
    ``tf.config.experimental.enable_op_determinism()`` (the modern TF_DETERMINISTIC_OPS=1): same
    results from kernels that would otherwise sum in a varying order, at some speed cost, and
    an error from ops that have no deterministic kernel. Variable initial values are best seeded
    per variable: ``tf1init.initialize_all(session, seed=seed)``.

        >>> import tf1init, random
        >>> report = tf1init.seed_everything(3)
        >>> first = random.random(); _ = tf1init.seed_everything(3)
        >>> first == random.random()
        True
        >>> "numpy" in report.fixed
        True
    """
    seed = int(seed)
    fixed, notes = [], []
    random.seed(seed)
    fixed.append("python random")
    np.random.seed(seed % (1 << 32))
    fixed.append("numpy")
    if graph is None:
        graph = v1.get_default_graph()
    graph.seed = seed
    fixed.append("tf.compat.v1 graph seed")
    tf.random.set_seed(seed)  # the eager global seed (and the default graph's seed in graph mode)
    fixed.append("tf.random global seed")
    keras = sys.modules.get("keras")
    if keras is not None and hasattr(keras, "utils"):
        keras.utils.set_random_seed(seed)
        fixed.append("keras")
    tf_keras = sys.modules.get("tf_keras")
    if tf_keras is not None:
        tf_keras.utils.set_random_seed(seed)
        fixed.append("tf_keras")
    if deterministic_ops:
        tf.config.experimental.enable_op_determinism()
        fixed.append("op determinism")
    if os.environ.get("PYTHONHASHSEED") is None:
        notes.append(
            "PYTHONHASHSEED is not set: set and iteration order stay random per process; "
            "set PYTHONHASHSEED=0 before Python starts if your code iterates over sets"
        )
    return SeedReport(seed, tuple(fixed), tuple(notes))
