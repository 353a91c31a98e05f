"""TFI108: a seeded graph-mode program draws on TF 2.x what it drew on TF 1.15.

TF 1.15 seeded each random op of a graph with a graph seed (``tf.set_random_seed(777)``) from
the graph's op count; TF 2.x counts seeded ops instead, so the same program starts from other
initial values. ``tf1init.use_tf1_seeds()`` puts TF 1.15's rule back (see docs/tf1_seeds.md for
the few constructs it cannot make bit-identical). The call goes just before the program sets its
graph seed, in files kept in graph mode (rule TFI107). It needs tf1init at run time: a program
that must not depend on it runs ``tf1init migrate --ignore TFI108``.
"""
from __future__ import annotations  # annotations name LibCST classes, imported lazily

import ast
from typing import Set

from .._engine import Context, tf1
from .._libcst import cst
from .._model import FIXED
from .._rule import Example, Rule

CODE = "TFI108"
_SEEDERS = ("tf.set_random_seed", "tf.random.set_random_seed")


def _statements(ctx: Context) -> Set[int]:
    """Lines of the expression statements that set a graph seed."""
    lines = set()
    for node in ctx.of(ast.Expr):
        call = node.value
        if isinstance(call, ast.Call) and tf1(ctx.resolve(_dotted(call.func))) in _SEEDERS:
            lines.add(node.lineno)
    return lines


def _dotted(node):
    from .._engine import dotted

    return dotted(node)


def after_mode(ctx: Context) -> bool:
    if not ctx.compat:
        return False
    lines = _statements(ctx)
    if "use_tf1_seeds" in ctx.source or not lines:
        return False
    ctx.plan[CODE] = lines
    return True


def on_statement(ctx: Context, original, updated):
    lines = ctx.plan.get(CODE)
    if not lines or not isinstance(updated, cst.SimpleStatementLine) or ctx.cst_line(original) not in lines:
        return updated
    if "tf1init" not in ctx.extra_imports:
        ctx.extra_imports.append("tf1init")
    ctx.report(original, CODE, FIXED, "tf1init.use_tf1_seeds() first: random ops draw what TF 1.15 drew "
                                      "with this graph seed")
    switch = cst.parse_statement("tf1init.use_tf1_seeds()\n").with_changes(leading_lines=updated.leading_lines)
    return cst.FlattenSentinel([switch, updated.with_changes(leading_lines=[])])


RULE = Rule(
    code=CODE,
    name="tf-one-op-seeds",
    summary="a graph-mode program that sets a graph seed gets tf1init.use_tf1_seeds(), so it draws "
            "the initial values TF 1.15 drew",
    why=(
        "With only `tf.set_random_seed(N)`, TF 1.15 derived each op's seed from the graph's op count "
        "and TF 2.x from a counter of seeded ops: the same program on TF 2.21 starts from other "
        "initial values, so its printed losses and accuracies differ from the ones people recorded. "
        "`tf1init.use_tf1_seeds()` brings TF 1.15's rule back for graph mode; explicit op seeds "
        "already agree. The program then needs tf1init installed; `--ignore TFI108` leaves it out."
    ),
    fix_safety="safe: only which seed each unseeded random op gets, TF 1.15's",
    examples=(
        Example(
            "graph-seed",
            before=(
                "import tensorflow as tf\n"
                "\n"
                "# reproducible\n"
                "tf.set_random_seed(777)\n"
                "x = tf.placeholder(tf.float32, [None, 1])\n"
                "W = tf.Variable(tf.random_normal([1]))\n"
            ),
            after=(
                "import tensorflow.compat.v1 as tf\n"
                "tf.disable_v2_behavior()\n"
                "import tf1init\n"
                "\n"
                "# reproducible\n"
                "tf1init.use_tf1_seeds()\n"
                "tf.set_random_seed(777)\n"
                "x = tf.placeholder(tf.float32, [None, 1])\n"
                "W = tf.Variable(tf.random.normal([1]))\n"
            ),
            findings=("4:1 fixed: tf1init.use_tf1_seeds() first",),
        ),
        Example(
            "no-graph-seed",
            before="import tensorflow.compat.v1 as tf\ntf.disable_v2_behavior()\nx = tf.placeholder(tf.float32)\n",
        ),
    ),
    after_mode=after_mode,
    on_statement=on_statement,
)
