"""TFI102: TF1 initializers to ``tf.keras.initializers.*``, exactly as the catalogue says."""
from __future__ import annotations  # annotations name LibCST classes, imported lazily

import ast
from typing import Dict, Optional, Tuple

from .. import _catalogue
from .._engine import Context, dotted, tf1
from .._libcst import cst
from .._model import FIXED, MANUAL, WARNING
from .._rule import Example, Rule

CODE = "TFI102"
_GRAPH_NOTE = ("a Keras 3 initializer fixes its seed when constructed, so re-running it in a session "
               "would repeat the same values")


def _initializer(name: str):
    spelling = _catalogue.lookup(name)
    return spelling if spelling is not None and spelling.kind == "initializer" else None


def _contrib(name: str):
    spelling = _initializer(name)
    return spelling if spelling is not None and spelling.impl.startswith("contrib.") else None


def _compat_call(spelling, args):
    """(the tf.compat.v1 call, None) or (None, reason)."""
    from tf1init.catalogue.compat import to_compat_v1
    from tf1init.errors import Untranslatable

    try:
        return to_compat_v1(spelling.impl, args), None
    except Untranslatable as error:
        return None, str(error)


def on_mode(ctx: Context) -> None:
    """In a file that stays graph-mode (rule TFI107), contrib initializers become their exact
    tf.compat.v1 forms; one that cannot keeps the whole file as it is."""
    if ctx.eager or "TFI107" not in ctx.codes:
        return
    converted = ctx.plan.setdefault("compat_initializers", set())
    for node, name in ctx.calls:
        spelling = _contrib(name)
        if spelling is None:
            continue
        args, reason = bind_ast(ctx, node, spelling.params)
        if reason is None:
            _, reason = _compat_call(spelling, args)
        if reason:
            ctx.blocked = True
            ctx.report(node, CODE, MANUAL, f"{dotted(node.func)}(...) has no tf.compat.v1 form here ({reason}); "
                                           "tf.contrib is gone in TensorFlow 2, so the file is left as it is")
        else:
            converted.add(id(node))


def bind_ast(ctx: Context, call: ast.Call, params):
    """``bind`` on the ast: (args by parameter name, None) or (None, reason)."""
    given = {}
    for index, arg in enumerate(call.args):
        if isinstance(arg, ast.Starred) or index >= len(params):
            return None, "*args or more positional arguments than the TF1 signature has"
        given[params[index]] = arg
    for keyword in call.keywords:
        if keyword.arg is None or keyword.arg not in params:
            return None, f"argument {keyword.arg or '**'} cannot be matched to the TF1 signature"
        given[keyword.arg] = keyword.value
    args = {}
    for name, value in given.items():
        try:
            args[name] = ast.literal_eval(value)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            args[name] = _catalogue.source(ast.get_source_segment(ctx.source, value) or "?")
    return args, None


def after_mode(ctx: Context) -> bool:
    found = False
    if ctx.compat:  # graph mode kept: TF1 initializers work as they are; contrib ones are rewritten
        return bool(ctx.plan.get("compat_initializers"))
    for node, name in ctx.calls:
        if _initializer(name) is None:
            continue
        found = True
        if not ctx.eager:
            ctx.report(node.func, CODE, MANUAL,
                       f"{ctx.written(node.func)} left as it is: the file stays graph-mode ({ctx.graph_reason}); "
                       f"{_GRAPH_NOTE}")
    return found and ctx.eager


def by_parameter(call: cst.Call, params) -> Tuple[Optional[Dict[str, cst.BaseExpression]], Optional[str]]:
    """The call's argument expressions by parameter name, or (None, reason)."""
    given: Dict[str, cst.BaseExpression] = {}
    for index, arg in enumerate(call.args):
        if arg.star:
            return None, "*args or **kwargs cannot be matched to parameters statically"
        if arg.keyword is None:
            if index >= len(params):
                return None, "more positional arguments than the TF1 signature has"
            name = params[index]
        else:
            name = arg.keyword.value
            if name not in params:
                return None, f"unknown argument {name}= (TF1 parameters: {', '.join(params)})"
        given[name] = arg.value
    return given, None


def bind(call: cst.Call, params) -> Tuple[Optional[Dict[str, object]], Dict[str, cst.BaseExpression], Optional[str]]:
    """The call's arguments by parameter name: literals evaluated, anything else as catalogue Source.

    Returns (args, nodes by source text, None) or (None, {}, reason).
    """
    given, reason = by_parameter(call, params)
    if reason:
        return None, {}, reason
    args: Dict[str, object] = {}
    nodes: Dict[str, cst.BaseExpression] = {}
    empty = cst.Module([])
    for name, value in given.items():
        code = empty.code_for_node(value)
        try:
            args[name] = ast.literal_eval(code.strip())
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            args[name] = _catalogue.source(code)
            nodes[code] = value
    return args, nodes, None


def build(ctx: Context, keras_call, nodes: Dict[str, cst.BaseExpression]) -> cst.Call:
    """``target(kw=value, ...)``: literals written with repr, Source values as the original nodes."""
    args = []
    for key, value in keras_call.kwargs.items():
        if _catalogue.is_source(value):
            expr = nodes.get(value.text) or cst.parse_expression(value.text)
        else:
            expr = cst.parse_expression(repr(value))
        args.append(cst.Arg(expr, keyword=cst.Name(key),
                            equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace(""))))
    return cst.Call(func=ctx.tf2(keras_call.target), args=args)


def on_call(ctx: Context, original: cst.Call, updated: cst.Call):
    if ctx.compat:
        return _to_compat(ctx, original, updated)
    if not ctx.eager:
        return updated
    found = _translated(ctx, original, updated, _initializer, _catalogue.translate)
    if found is None:
        return updated
    keras_call, nodes = found
    new = build(ctx, keras_call, nodes)
    ctx.plan.setdefault("keras_initializers", set()).add(id(new))
    target = keras_call.target.rsplit(".", 1)[-1]
    note = f" ({keras_call.note})" if keras_call.note else ""
    ctx.report(original, CODE, FIXED, f"{ctx.written(updated.func)} -> {target}{note}")
    return new


def _translated(ctx: Context, original: cst.Call, updated: cst.Call, spelling_of, translate):
    """(the call to write, argument nodes) for an initializer call ``spelling_of`` knows, or None
    (unknown, or reported for a person when ``translate`` has no form for its arguments)."""
    name = ctx.cst_resolve(updated.func)
    spelling = spelling_of(name) if name else None
    if spelling is None:
        return None
    args, nodes, reason = bind(updated, spelling.params)
    call = None
    if reason is None:
        call, reason = translate(spelling, args)
    if call is None:
        ctx.report(original, CODE, MANUAL, f"{ctx.written(updated.func)} left as it is: {reason}")
        return None
    if isinstance(updated.func, cst.Name):
        ctx.rewritten_from_imports.add(updated.func.value)
    return call, nodes


def _to_compat(ctx: Context, original: cst.Call, updated: cst.Call):
    found = _translated(ctx, original, updated, _contrib, _compat_call)  # on_mode checked it can
    if found is None:
        return updated
    call, nodes = found
    ctx.report(original, CODE, FIXED, f"{ctx.written(updated.func)} -> tf.compat.v1.{call.target[3:]} ({call.note})")
    return build(ctx, call, nodes)


RULE = Rule(
    code=CODE,
    name="keras-initializers",
    summary="TF1, tf.compat.v1, tf.initializers and tf.contrib.layers initializers become "
            "tf.keras.initializers.* with the catalogue's exact parameters",
    why=(
        "TF1 initializer names are gone from TF2, and the Keras classes that replace them have other "
        "defaults (TF1 `random_normal_initializer` has stddev 1.0, Keras `RandomNormal` 0.05; "
        "`contrib.layers.variance_scaling_initializer` draws 0.29% wider than `HeNormal`). The "
        "translation comes from tf1init's initializer catalogue: every default that differs is "
        "written out, so behaviour does not change silently, and a form with no exact equivalent is "
        "reported, not guessed. Only files that become eager are rewritten: a Keras 3 initializer "
        "fixes its seed when constructed, so in code that stays in sessions and re-initializes, the "
        "same values would come back; there the initializer is reported and left as it is."
    ),
    fix_safety="safe: exact parameters from the catalogue (equal in distribution; samples differ from TF1's)",
    examples=(
        Example(
            "default-written-out",
            before="import tensorflow as tf\ninit = tf.random_normal_initializer(stddev=0.1)\n",
            after="import tensorflow as tf\ninit = tf.keras.initializers.RandomNormal(mean=0.0, stddev=0.1)\n",
            findings=("2:8 fixed: tf.random_normal_initializer -> RandomNormal (TF1 default stddev 1.0",),
        ),
        Example(
            "contrib-alias-exact-scale",
            before=(
                "import tensorflow.contrib.layers as layers\n"
                "init = layers.variance_scaling_initializer()  # He\n"
            ),
            after=(
                "import tensorflow as tf\n"
                "init = tf.keras.initializers.VarianceScaling(scale=2.011727389229801, mode='fan_in', "
                "distribution='truncated_normal')  # He\n"
            ),
            findings=("2:8 fixed: layers.variance_scaling_initializer -> VarianceScaling",),
        ),
        Example(
            "compat-v1-argument-kept",
            before=(
                "import tensorflow as tf\n"
                "k = tf.compat.v1.truncated_normal_initializer(stddev=1.0 / fan_in, seed=SEED)\n"
            ),
            after=(
                "import tensorflow as tf\n"
                "k = tf.keras.initializers.TruncatedNormal(mean=0.0, stddev=1.0 / fan_in, seed=SEED)\n"
            ),
        ),
        Example(
            "graph-mode-file-kept",
            before=(
                "import tensorflow as tf\n"
                "x = tf.placeholder(tf.float32, [None, 4])\n"
                "init = tf.glorot_uniform_initializer()\n"
            ),
            after=(
                "import tensorflow.compat.v1 as tf\n"
                "tf.disable_v2_behavior()\n"
                "x = tf.placeholder(tf.float32, [None, 4])\n"
                "init = tf.glorot_uniform_initializer()\n"
            ),
            findings=("1:1 fixed: kept in graph mode through tensorflow.compat.v1 with TF2 behaviour off (tf.placeholder at 2:5)",),
        ),
        Example("already-tf2", before="import tensorflow as tf\ninit = tf.keras.initializers.GlorotUniform()\n"),
    ),
    on_mode=on_mode,
    after_mode=after_mode,
    on_call=on_call,
)
