"""TFI105: ``w.initialized_value()`` to an eager read of ``w``'s value."""
from __future__ import annotations  # annotations name LibCST classes, imported lazily

import ast

from .._engine import Context
from .._facts import facts, method_call
from .._libcst import cst
from .._model import FIXED, MANUAL, WARNING
from .._rule import Example, Rule

CODE = "TFI105"


def _calls(ctx: Context):
    return [node for node in ctx.of(ast.Call) if method_call(node, None, "initialized_value")
            and not node.args and not node.keywords]


def after_mode(ctx: Context) -> bool:
    if "initialized_value" not in ctx.source:
        return False
    calls = _calls(ctx)
    if ctx.compat:  # disable_v2_behavior(): ref variables, whose initialized_value() works...
        ctx.plan[CODE] = _resource_variables(ctx)  # ...unless the file asks for resource ones
        return bool(calls) and ctx.plan[CODE]
    if not ctx.eager:
        for node in calls:
            ctx.report(node, CODE, MANUAL, f"initialized_value() left as it is: the file stays graph-mode "
                                           f"({ctx.graph_reason}); on TF 2.x it raises NotImplementedError for "
                                           "resource variables (use tf1init's runtime replacement)")
        return False
    return bool(calls)


def _resource_variables(ctx: Context) -> bool:
    """Whether the file makes resource variables (``use_resource=True``, ``enable_resource_variables``)."""
    from .._engine import tf1

    if any(tf1(name) in ("tf.enable_resource_variables", "tf.ResourceVariable") for _, name in ctx.calls):
        return True
    return any(k.arg == "use_resource" and not (isinstance(k.value, ast.Constant) and not k.value.value)
               for node in ctx.of(ast.Call) for k in node.keywords)


def _tf1_semantics(ctx: Context, original: cst.Call, updated: cst.Call):
    """``v.initialized_value()`` as TF 1.x defined it, which works for resource variables too:
    the value once ``v`` is initialized, else its initial value."""
    v = updated.func.value
    if not isinstance(v, (cst.Name, cst.Attribute)):
        return updated
    text = cst.Module([]).code_for_node(v)
    tf = ctx.handle()
    ctx.report(original, CODE, FIXED, "initialized_value() -> tf.cond(is_variable_initialized, read_value, "
                                      "initial_value): TF 2.x raises NotImplementedError for resource variables")
    return cst.parse_expression(f"{tf}.cond({tf}.is_variable_initialized({text}), {text}.read_value, "
                                f"lambda: {text}.initial_value)")


def on_call(ctx: Context, original: cst.Call, updated: cst.Call):
    func = updated.func
    if (ctx.compat and ctx.plan.get(CODE) and isinstance(func, cst.Attribute)
            and func.attr.value == "initialized_value" and not updated.args):
        return _tf1_semantics(ctx, original, updated)
    if not (ctx.eager and isinstance(func, cst.Attribute) and func.attr.value == "initialized_value"
            and not updated.args):
        return updated
    source = func.value
    if isinstance(source, cst.Name) and facts(ctx).assigned.get(source.value, 0) > 1:
        ctx.report(original, CODE, WARNING,
                   f"`{source.value}` is assigned in this file: if that happens before this line, "
                   "read_value() gives the new value, not the initial one")
    else:
        ctx.report(original, CODE, FIXED, "initialized_value() -> read_value(): in eager code a new "
                                          "variable holds its initial value")
    return updated.with_changes(func=func.with_changes(attr=cst.Name("read_value")))


RULE = Rule(
    code=CODE,
    name="initialized-value",
    summary="tf.Variable(w.initialized_value() * 2) becomes tf.Variable(w.read_value() * 2)",
    why=(
        "`initialized_value()` made a TF1 initializer wait for another variable's initializer. On TF 2.x "
        "it raises NotImplementedError for resource variables, and eager variables are initialized when "
        "created, so reading `w` gives its initial value as long as nothing assigned it first: the rule "
        "writes `w.read_value()` and warns when `w` is assigned anywhere in the file. In files that stay "
        "graph-mode it is reported (tf1init's runtime has a working replacement)."
    ),
    fix_safety="safe: unless the source variable is assigned before the read (then a warning says so)",
    examples=(
        Example(
            "derived-variable",
            before=(
                "import tensorflow as tf\n"
                "w = tf.Variable(tf.ones([3]), name=\"w\")\n"
                "w2 = tf.Variable(w.initialized_value() * 2, name=\"w2\")\n"
            ),
            after=(
                "import tensorflow as tf\n"
                "w = tf.Variable(tf.ones([3]), name=\"w\")\n"
                "w2 = tf.Variable(w.read_value() * 2, name=\"w2\")\n"
            ),
            findings=("3:18 fixed: initialized_value() -> read_value()",),
        ),
        Example(
            "assigned-before-warns",
            before=(
                "import tensorflow as tf\n"
                "w = tf.Variable(tf.ones([3]))\n"
                "w.assign([5.0, 5.0, 5.0])\n"
                "w2 = tf.Variable(w.initialized_value())\n"
            ),
            after=(
                "import tensorflow as tf\n"
                "w = tf.Variable(tf.ones([3]))\n"
                "w.assign([5.0, 5.0, 5.0])\n"
                "w2 = tf.Variable(w.read_value())\n"
            ),
            findings=("4:18 warning: `w` is assigned in this file",),
        ),
        Example(
            "graph-mode-works-with-ref-variables",
            before=(
                "import tensorflow as tf\n"
                "x = tf.placeholder(tf.float32)\n"
                "w = tf.Variable(tf.ones([3]))\n"
                "w2 = tf.Variable(w.initialized_value())\n"
            ),
            after=(
                "import tensorflow.compat.v1 as tf\n"
                "tf.disable_v2_behavior()\n"
                "x = tf.placeholder(tf.float32)\n"
                "w = tf.Variable(tf.ones([3]))\n"
                "w2 = tf.Variable(w.initialized_value())\n"
            ),
            findings=("1:1 fixed: kept in graph mode through tensorflow.compat.v1 with TF2 behaviour off (tf.placeholder at 2:5)",),
        ),
        Example(
            "resource-variables-in-graph-mode",
            before=(
                "import tensorflow as tf\n"
                "w = tf.get_variable('w', [3], use_resource=True)\n"
                "w2 = tf.get_variable('w2', initializer=w.initialized_value() * 2)\n"
                "sess = tf.Session()\n"
            ),
            after=(
                "import tensorflow.compat.v1 as tf\n"
                "tf.disable_v2_behavior()\n"
                "w = tf.get_variable('w', [3], use_resource=True)\n"
                "w2 = tf.get_variable('w2', initializer=tf.cond(tf.is_variable_initialized(w), w.read_value, "
                "lambda: w.initial_value) * 2)\n"
                "sess = tf.Session()\n"
            ),
            findings=("3:40 fixed: initialized_value() -> tf.cond(is_variable_initialized",),
        ),
        Example("not-a-variable", before="import numpy as np\nfirst = cache.initialized_value()\n"),
    ),
    after_mode=after_mode,
    on_call=on_call,
)
