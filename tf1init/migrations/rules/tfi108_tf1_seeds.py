"""TFI108: a seeded graph-mode program draws on TF 2.x what it drew on TF 1.15.

TF 1.15 seeded each random op of a graph with a graph seed (``tf.set_random_seed(777)``) from
the graph's op count; TF 2.x counts seeded ops instead, so the same program starts from other
initial values. ``tf1init.use_tf1_seeds()`` puts TF 1.15's rule back (see docs/tf1_seeds.md for
the few constructs it cannot make bit-identical). In files kept in graph mode (rule TFI107) that
set a graph seed, the call goes right after ``tf.disable_v2_behavior()``, before any op is built
(where the file turned TF2 behaviour off itself, just before it sets its graph seed). It needs tf1init at run time: a program
that must not depend on it runs ``tf1init migrate --ignore TFI108``.
"""
from __future__ import annotations  # annotations name LibCST classes, imported lazily

import ast
from typing import Dict

from .._engine import Context, tf1
from .._libcst import cst
from .._model import FIXED
from .._rule import Example, Rule

CODE = "TFI108"
_SEEDERS = ("tf.set_random_seed", "tf.random.set_random_seed")


def _statements(ctx: Context) -> Dict[int, ast.Expr]:
    """The expression statements that set a graph seed, by line."""
    found = {}
    for node in ctx.of(ast.Expr):
        call = node.value
        if isinstance(call, ast.Call) and tf1(ctx.resolve(_dotted(call.func))) in _SEEDERS:
            found[node.lineno] = node
    return found


def _dotted(node):
    from .._engine import dotted

    return dotted(node)


def after_mode(ctx: Context) -> bool:
    if not ctx.compat:
        return False
    lines = _statements(ctx)
    if "use_tf1_seeds" in ctx.source or not lines:
        return False
    compat = ctx.plan.get("TFI107")
    if compat and compat["disable_at"] is not None:
        # Right after TF2 behaviour goes off, before anything builds ops: TF 2.x's own op counts
        # for split, dropout and random_uniform made before the switch would move later seeds.
        ctx.plan.setdefault("after_disable", []).extend(["import tf1init", "tf1init.use_tf1_seeds()"])
        ctx.report(lines[min(lines)], CODE, FIXED, "tf1init.use_tf1_seeds() after tf.disable_v2_behavior(): random ops "
                                            "draw what TF 1.15 drew with this graph seed")
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
                "tf1init.use_tf1_seeds()\n"
                "\n"
                "# reproducible\n"
                "tf.set_random_seed(777)\n"
                "x = tf.placeholder(tf.float32, [None, 1])\n"
                "W = tf.Variable(tf.random.normal([1]))\n"
            ),
            findings=("4:1 fixed: tf1init.use_tf1_seeds() after tf.disable_v2_behavior()",),
        ),
        Example(
            "file-that-turned-tf2-off-itself",
            before=(
                "import tensorflow.compat.v1 as tf\n"
                "tf.disable_eager_execution()\n"
                "\n"
                "def main():\n"
                "    tf.set_random_seed(1)\n"
                "    x = tf.placeholder(tf.float32)\n"
            ),
            after=(
                "import tensorflow.compat.v1 as tf\n"
                "import tf1init\n"
                "tf.disable_eager_execution()\n"
                "\n"
                "def main():\n"
                "    tf1init.use_tf1_seeds()\n"
                "    tf.set_random_seed(1)\n"
                "    x = tf.placeholder(tf.float32)\n"
            ),
            findings=("5:5 fixed: tf1init.use_tf1_seeds() first",),
        ),
        Example(
            "no-graph-seed",
            before="import tensorflow.compat.v1 as tf\ntf.disable_v2_behavior()\nx = tf.placeholder(tf.float32)\n",
        ),
    ),
    after_mode=after_mode,
    on_statement=on_statement,
)
