"""TFI101: TF1 random ops to their TF2 names, with arguments that keep their TF1 meaning."""
from __future__ import annotations  # annotations name LibCST classes, imported lazily

from typing import List, Optional, Sequence, Tuple

from .._engine import Context, tf1
from .._libcst import cst
from .._model import FIXED, MANUAL, WARNING
from .._rule import Example, Rule

CODE = "TFI101"
# tf.random.poisson exists in TF1 and TF2 with its first two parameters swapped: a positional call
# is read as TF1's (this is TF1 code) and said so.
_AMBIGUOUS = frozenset({"tf.random.poisson"})


def _op(name: Optional[str]):
    """The catalogue's record for a TF1 random op (``tf.compat.v1.X`` as ``tf.X``), or None."""
    from tf1init.catalogue._spellings import RANDOM_OPS

    return RANDOM_OPS.get(tf1(name)) if name else None


def plan(op, positional: int, keywords: Sequence[Optional[str]]) -> Tuple[Optional[int], Optional[str]]:
    """(how many leading positional arguments stay positional, None) or (None, reason).

    ``keywords`` are the keyword names of the call, None for ``**kwargs``; ``positional`` counts
    positional arguments, -1 when one is ``*args``.
    """
    star = positional < 0 or None in keywords
    if not op.call_changes():
        return (positional if positional >= 0 else 0), None  # only the name changes
    if star:
        return None, "*args or **kwargs cannot be matched to its parameters"
    if positional > len(op.params):
        return None, f"{positional} positional arguments, TF1's signature has {len(op.params)}"
    unknown = [k for k in keywords if k not in op.params]
    if unknown:
        return None, f"unknown argument {unknown[0]}= (TF1 parameters: {', '.join(op.params)})"
    keep = 0
    while keep < positional and op.target_params[keep] == op.renames.get(op.params[keep], op.params[keep]):
        keep += 1
    return keep, None


def _changes(op, positional: int, keywords, keep: int) -> bool:
    return keep < positional or any(k in op.renames for k in keywords)


def _shape(call) -> Tuple[int, List[Optional[str]]]:
    """(positional count or -1 with *args, keyword names with None for **kwargs) of an ast Call."""
    import ast

    positional = -1 if any(isinstance(a, ast.Starred) for a in call.args) else len(call.args)
    return positional, [k.arg for k in call.keywords]


def after_mode(ctx: Context) -> bool:
    work = False
    for node, name in ctx.calls:
        op = _op(name)
        if op is None:
            continue
        positional, keywords = _shape(node)
        keep, reason = plan(op, positional, keywords)
        if reason is None and (op.target != tf1(name) or _changes(op, positional, keywords, keep)):
            work = True
        elif reason is not None and (op.target != tf1(name) or op.call_changes()):
            work = True  # reported from on_call, where the finding gets its position
    return work


def _keyword(arg: cst.Arg, name: str) -> cst.Arg:
    if arg.keyword is not None:
        return arg.with_changes(keyword=cst.Name(name))
    return arg.with_changes(keyword=cst.Name(name), equal=cst.AssignEqual(
        whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")))


def on_call(ctx: Context, original: cst.Call, updated: cst.Call):
    written = ctx.cst_resolve(updated.func)
    op = _op(written)
    if op is None:
        return updated
    positional = -1 if any(a.star == "*" for a in updated.args) else sum(
        1 for a in updated.args if a.keyword is None and not a.star)
    keywords = [None if a.star == "**" else a.keyword.value for a in updated.args if a.keyword or a.star == "**"]
    keep, reason = plan(op, positional, keywords)
    if reason is not None:
        ctx.report(original, CODE, MANUAL, f"{ctx.written(updated.func)} left as it is: {reason}")
        return updated
    changes = _changes(op, positional, keywords, keep)
    if op.target == tf1(written) and not changes:
        return updated  # already its TF2 spelling (tf.random.poisson with keywords)
    args = []
    for index, arg in enumerate(updated.args):
        if arg.keyword is None and not arg.star and index >= keep:
            param = op.params[index]
            arg = _keyword(arg, op.renames.get(param, param))
        elif arg.keyword is not None and arg.keyword.value in op.renames:
            arg = _keyword(arg, op.renames[arg.keyword.value])
        args.append(arg)
    func = updated.func
    head = func
    while isinstance(head, cst.Attribute):
        head = head.value
    if isinstance(func, cst.Attribute) and ctx.aliases.get(head.value) == "tensorflow.compat.v1":
        # tf.compat.v1 has the same tf.random.* functions: keep the file's own alias
        new_func = cst.parse_expression(head.value + op.target[2:])
    else:
        new_func = ctx.tf2(op.target)
        if isinstance(func, cst.Name):
            ctx.rewritten_from_imports.add(func.value)
    message = f"{ctx.written(updated.func)} -> {op.target}"
    if changes:
        by_keyword = op.params[keep:positional]
        renamed = [p for p in list(by_keyword) + [k for k in keywords if k] if p in op.renames]
        parts = ([f"{', '.join(by_keyword)} by keyword"] if by_keyword else []) + [
            f"{p}= as {op.renames[p]}=" for p in renamed]
        message += f", {' and '.join(parts)}: {op.note}"
    kind = FIXED
    if tf1(written) in _AMBIGUOUS and keep < positional:
        kind = WARNING
        message += ("; read as TF1's call, lam first: if this line was written for TF 2 "
                    "(shape first), swap the two values back")
    ctx.report(original, CODE, kind, message)
    return updated.with_changes(func=new_func, args=args)


LOGITS = "logits = tf.constant([[0.0, 1.0, 2.0], [2.0, 0.0, -1.0]])\n"

RULE = Rule(
    code=CODE,
    name="random-ops",
    summary="tf.random_normal, tf.random_poisson, tf.multinomial, ... become tf.random.*, with "
            "arguments that keep their TF1 meaning",
    why=(
        "TF2 keeps the random ops only under `tf.random` (`tf.image.random_crop`); the TF1 names fail "
        "with AttributeError. Most are the same function renamed: the call is renamed and its "
        "arguments, formatting and comments are kept. Some TF2 names changed their arguments: "
        "`tf.random.poisson` takes `shape` first where TF1's `tf.random_poisson` (and TF1's own "
        "`tf.random.poisson`) took `lam` first, so the same positional call silently draws another "
        "shape; `tf.random.categorical` takes `dtype` third where `tf.multinomial` took `seed`, and "
        "calls `output_dtype` `dtype`, as `tf.random.stateless_categorical` does. From the first "
        "argument whose position means something else, arguments are written as keywords, which "
        "mean the same under `tensorflow` and under `tensorflow.compat.v1`. Kernels and seeds are "
        "unchanged: with an op seed, TF2 draws the numbers TF 1.15 drew. The names and signatures "
        "come from the initializer catalogue."
    ),
    fix_safety="safe: the same kernels and seeds, arguments bound as TF1 bound them",
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
        Example(
            "poisson-lam-first",
            before="import tensorflow as tf\ncounts = tf.random_poisson([1.0, 5.0], [10], seed=3)  # 10 x 2\n",
            after="import tensorflow as tf\ncounts = tf.random.poisson(lam=[1.0, 5.0], shape=[10], seed=3)  # 10 x 2\n",
            findings=("2:10 fixed: tf.random_poisson -> tf.random.poisson, lam, shape by keyword: TF 2's "
                      "tf.random.poisson takes shape first",),
        ),
        Example(
            "poisson-tf1-random-namespace",
            before=("import tensorflow as tf\n"
                    "counts = tf.random.poisson(tf.random_uniform([4], 1.0, 9.0, seed=2), [3], seed=5)\n"),
            after=("import tensorflow.compat.v1 as tf\ntf.disable_v2_behavior()\n"
                   "counts = tf.random.poisson(lam=tf.random.uniform([4], 1.0, 9.0, seed=2), shape=[3], seed=5)\n"),
            findings=("2:10 warning: tf.random.poisson -> tf.random.poisson, lam, shape by keyword",),
        ),
        Example(
            "poisson-compat-v1",
            before="import tensorflow.compat.v1 as tf\ncounts = tf.random_poisson(2.0, [4], seed=3)\n",
            after="import tensorflow.compat.v1 as tf\ncounts = tf.random.poisson(lam=2.0, shape=[4], seed=3)\n",
        ),
        Example(
            "multinomial-seed-third",
            before=f"import tensorflow as tf\n{LOGITS}draws = tf.multinomial(logits, 5, 7, output_dtype=tf.int32)\n",
            after=(f"import tensorflow as tf\n{LOGITS}"
                   "draws = tf.random.categorical(logits, 5, seed=7, dtype=tf.int32)\n"),
            findings=("3:9 fixed: tf.multinomial -> tf.random.categorical, seed by keyword and "
                      "output_dtype= as dtype=: tf.random.categorical takes dtype where",),
        ),
        Example(
            "random-multinomial-compat-v1",
            before=f"import tensorflow.compat.v1 as tf\n{LOGITS}draws = tf.random.multinomial(logits, 5, seed=7)\n",
            after=f"import tensorflow.compat.v1 as tf\n{LOGITS}draws = tf.random.categorical(logits, 5, seed=7)\n",
        ),
        Example(
            "stateless-multinomial",
            before=(f"import tensorflow as tf\n{LOGITS}"
                    "draws = tf.random.stateless_multinomial(logits, 5, [1, 2], output_dtype=tf.int32)\n"),
            after=(f"import tensorflow as tf\n{LOGITS}"
                   "draws = tf.random.stateless_categorical(logits, 5, [1, 2], dtype=tf.int32)\n"),
        ),
        Example(
            "crop-shuffle-gamma",
            before=("import tensorflow as tf\nimage = tf.reshape(tf.range(48.0), [4, 4, 3])\n"
                    "patch = tf.random_crop(image, [2, 2, 3], seed=4)\n"
                    "order = tf.random_shuffle(tf.range(10), seed=5)\n"
                    "waits = tf.random_gamma([3], [1.0, 2.0], seed=6)\n"),
            after=("import tensorflow as tf\nimage = tf.reshape(tf.range(48.0), [4, 4, 3])\n"
                   "patch = tf.image.random_crop(image, [2, 2, 3], seed=4)\n"
                   "order = tf.random.shuffle(tf.range(10), seed=5)\n"
                   "waits = tf.random.gamma([3], [1.0, 2.0], seed=6)\n"),
        ),
        Example("already-tf2", before="import tensorflow as tf\nx = tf.random.normal([3], stddev=2.0)\n"),
        Example(
            "poisson-keywords-kept",
            before="import tensorflow as tf\nx = tf.random.poisson(shape=[3], lam=tf.random_uniform([], 1.0, 2.0, seed=1), seed=2)\n",
            after="import tensorflow as tf\nx = tf.random.poisson(shape=[3], lam=tf.random.uniform([], 1.0, 2.0, seed=1), seed=2)\n",
        ),
        Example(
            "star-args-kept-in-graph-mode",
            before=(
                "import tensorflow as tf\n"
                "spec = ([[0.0, 1.0]], 3)\n"
                "draws = tf.multinomial(*spec)\n"
            ),
            after=(
                "import tensorflow.compat.v1 as tf\n"
                "tf.disable_v2_behavior()\n"
                "spec = ([[0.0, 1.0]], 3)\n"
                "draws = tf.multinomial(*spec)\n"
            ),
            findings=("1:1 fixed: kept in graph mode through tensorflow.compat.v1 with TF2 behaviour off (no eager form: tf.multinomial left as it is: *args or **kwargs cannot be matched to its parameters at 3:9)", "3:9 manual: tf.multinomial left as it is: *args or **kwargs cannot be matched to its parameters",),
        ),
        Example("not-tensorflow", before="import numpy as np\nx = np.random_normal([3])  # a Session of our own\n"),
    ),
    after_mode=after_mode,
    on_call=on_call,
    triggers=("tf.random_gamma", "tf.random_shuffle", "tf.random_crop", "tf.random_poisson",
              "tf.multinomial", "tf.random.multinomial", "tf.random.stateless_multinomial"),
)
