"""TFI101: TF1 random ops (``tf.random_normal``, ...) to ``tf.random.*``, arguments kept."""
from __future__ import annotations  # annotations name LibCST classes, imported lazily

from .. import _catalogue
from .._engine import Context, tf1
from .._libcst import cst
from .._model import FIXED, MANUAL
from .._rule import Example, Rule

CODE = "TFI101"


def _op(name: str):
    spelling = _catalogue.lookup(name)
    return spelling if spelling is not None and spelling.kind == "tensor" else None


def _renamed(name: str) -> bool:
    spelling = _op(name)
    if spelling is None:
        return False
    keras_call, _ = _catalogue.translate(spelling, {})
    return keras_call is None or keras_call.target not in (name, tf1(name))


def after_mode(ctx: Context) -> bool:
    return any(_renamed(name) for _, name in ctx.calls)


def on_call(ctx: Context, original: cst.Call, updated: cst.Call):
    written = ctx.cst_resolve(updated.func)
    spelling = _op(written) if written else None
    if spelling is None:
        return updated
    keras_call, reason = _catalogue.translate(spelling, {})
    if keras_call is None:
        ctx.report(original, CODE, MANUAL, f"{tf1(written)} left as it is: {reason}")
        return updated
    target = keras_call.target
    if target in (written, tf1(written)):  # already its TF2 name (tf.ones): nothing to do
        return updated
    func = updated.func
    head = func
    while isinstance(head, cst.Attribute):
        head = head.value
    if isinstance(func, cst.Attribute) and ctx.aliases.get(head.value) == "tensorflow.compat.v1":
        # tf.compat.v1 has the same tf.random.* functions: keep the file's own alias
        new_func = cst.parse_expression(head.value + target[2:])
    else:
        new_func = ctx.tf2(target)
        if isinstance(func, cst.Name):
            ctx.rewritten_from_imports.add(func.value)
    ctx.report(original, CODE, FIXED, f"{tf1(written)} -> {target}")
    return updated.with_changes(func=new_func)


RULE = Rule(
    code=CODE,
    name="random-ops",
    summary="tf.truncated_normal, tf.random_normal, tf.random_uniform, ... become tf.random.*, arguments kept",
    why=(
        "TF2 keeps the random ops only under `tf.random`; the TF1 names fail with AttributeError. "
        "The functions are the same (same arguments, same graph and eager behaviour), so the call is "
        "renamed and its arguments, formatting and comments are kept. The new names come from the "
        "initializer catalogue."
    ),
    fix_safety="safe: the same function under its TF2 name",
    examples=(
        Example(
            "keywords-kept",
            before="import tensorflow as tf\nw = tf.Variable(tf.truncated_normal([784, 10], stddev=0.1))  # weights\n",
            after="import tensorflow as tf\nw = tf.Variable(tf.random.truncated_normal([784, 10], stddev=0.1))  # weights\n",
            findings=("2:17 fixed: tf.truncated_normal -> tf.random.truncated_normal",),
        ),
        Example(
            "compat-v1-alias",
            before="import tensorflow.compat.v1 as tf\nnoise = tf.random_normal([3], seed=1)\n",
            after="import tensorflow.compat.v1 as tf\nnoise = tf.random.normal([3], seed=1)\n",
        ),
        Example(
            "renamed-module",
            before="import tensorflow as tflow\nu = tflow.random_uniform(\n    [2, 2],\n    maxval=3.0,\n)\n",
            after="import tensorflow as tflow\nu = tflow.random.uniform(\n    [2, 2],\n    maxval=3.0,\n)\n",
        ),
        Example(
            "from-import",
            before='"""Data noise."""\nfrom tensorflow import random_normal\nx = random_normal([5])\n',
            after='"""Data noise."""\nimport tensorflow as tf\nx = tf.random.normal([5])\n',
        ),
        Example("already-tf2", before="import tensorflow as tf\nx = tf.random.normal([3], stddev=2.0)\n"),
        Example("not-tensorflow", before="import numpy as np\nx = np.random_normal([3])  # a Session of our own\n"),
    ),
    after_mode=after_mode,
    on_call=on_call,
)
