"""TFI103: ``tf.get_variable(name, shape, initializer=I)`` to ``tf.Variable(I(shape), name=...)``."""
from __future__ import annotations  # annotations name LibCST classes, imported lazily

from .. import _catalogue
from .._engine import Context, tf1
from .._libcst import cst
from .._model import FIXED, MANUAL
from .._rule import Example, Rule
from .tfi102_initializers import build, by_parameter

CODE = "TFI103"
PARAMS = ("name", "shape", "dtype", "initializer", "regularizer", "trainable", "collections",
          "caching_device", "partitioner", "validate_shape", "use_resource", "custom_getter",
          "constraint", "synchronization", "aggregation")
_KEPT = {"name", "shape", "dtype", "initializer", "trainable", "constraint"}
_WHY_NOT = {
    "partitioner": "tf.Variable cannot be partitioned",
    "regularizer": "the regularization loss would be lost (TF2: add it to the model's losses)",
    "collections": "TF2 has no collections",
    "custom_getter": "a custom getter changes how the variable is made",
    "caching_device": "caching_device has no TF2 equivalent",
}
# TF1's default when get_variable has no initializer, read from TensorFlow's source
# (tensorflow/python/ops/variable_scope.py, _VariableStore._get_default_initializer; the same in
# TF 1.15 and in tf.compat.v1 on TF 2.21, where each dtype below was checked):
#   dtype.is_floating                        -> init_ops.glorot_uniform_initializer()
#   is_integer, is_unsigned, is_bool, string -> init_ops.zeros_initializer()
#   anything else (complex, quantized)       -> ValueError "An initializer for variable ... is required"
# is_floating is numpy floating or bfloat16; is_integer covers the signed and unsigned integers.
_GLOROT = frozenset("float16 half bfloat16 float32 float64 double".split())
_ZEROS = frozenset("int8 int16 int32 int64 uint8 uint16 uint32 uint64 bool string".split())
_NEEDS_ONE = frozenset("complex64 complex128 qint8 qint16 qint32 quint8 quint16".split())


def after_mode(ctx: Context) -> bool:
    calls = [node for node, name in ctx.calls if tf1(name) == "tf.get_variable"]
    if calls and not ctx.eager and not ctx.compat:  # compat: tf.get_variable works as it is
        for node in calls:
            ctx.report(node, CODE, MANUAL, f"{ctx.written(node.func)} left as it is: the file stays graph-mode "
                                           f"({ctx.graph_reason})")
    return bool(calls) and ctx.eager


def _is_initializer(ctx: Context, expr) -> bool:
    if id(expr) in ctx.plan.get("keras_initializers", ()):
        return True
    if isinstance(expr, cst.Call):
        name = ctx.cst_resolve(expr.func) or ""
        return name.startswith("tf.keras.initializers.") or name.endswith("_initializer")
    return False


def on_call(ctx: Context, original: cst.Call, updated: cst.Call):
    if not ctx.eager or tf1(ctx.cst_resolve(updated.func)) != "tf.get_variable":
        return updated

    def left(reason: str):
        ctx.report(original, CODE, MANUAL, f"{ctx.written(updated.func)} left as it is: {reason}")
        return updated

    given, reason = by_parameter(updated, PARAMS)
    if reason:
        return left(reason)
    for name in given:
        if name not in _KEPT:
            return left(f"{name}= ({_WHY_NOT.get(name, 'no tf.Variable equivalent is proven')})")
    if "name" not in given:
        return left("no name")
    shape, init, dtype = given.get("shape"), given.get("initializer"), given.get("dtype")
    dtype_arg = [cst.Arg(dtype, keyword=cst.Name("dtype"), equal=_eq())] if dtype is not None else []
    if init is None:
        if shape is None:
            return left("neither shape nor initializer")
        dtype_name = _dtype_name(ctx, dtype)
        if dtype_name in _ZEROS:  # TF1: zeros_initializer() (0, False, b"")
            value = cst.Call(ctx.tf2("tf.zeros"), [cst.Arg(shape), *dtype_arg])
        elif dtype_name in _GLOROT:  # TF1: glorot_uniform_initializer()
            default = _catalogue.lookup("tf.glorot_uniform_initializer")
            keras_call, reason = _catalogue.translate(default, {}) if default else (None, "the catalogue is not available")
            if keras_call is None:
                return left(f"default initializer: {reason}")
            value = cst.Call(build(ctx, keras_call, {}), [cst.Arg(shape), *dtype_arg])
        elif dtype_name in _NEEDS_ONE:
            return left(f"no initializer for a {dtype_name} variable: TF1 itself raises "
                        "\"An initializer for variable ... is required\"")
        else:
            return left("no initializer and a dtype that is not known statically "
                        "(TF1's default depends on it: Glorot uniform for floats, zeros for integers, bool, string)")
    elif shape is not None:
        if not (_is_initializer(ctx, init) or isinstance(init, (cst.Name, cst.Attribute))):
            return left("shape= with an initializer that is not an initializer object")
        value = cst.Call(init, [cst.Arg(shape), *dtype_arg])
    else:
        if _is_initializer(ctx, init):
            return left("an initializer object needs shape=")
        value = init
    new_args = [cst.Arg(value), cst.Arg(given["name"], keyword=cst.Name("name"), equal=_eq())]
    for keyword in ("trainable", "constraint"):
        if keyword in given:
            new_args.append(cst.Arg(given[keyword], keyword=cst.Name(keyword), equal=_eq()))
    ctx.report(original, CODE, FIXED, f"{ctx.written(updated.func)} -> tf.Variable")
    return cst.Call(ctx.tf2("tf.Variable"), _commas(new_args))


def _dtype_name(ctx: Context, dtype):
    """``float32`` for ``tf.float32``, ``tf.compat.v1.float32``, ``"float32"`` or no dtype (TF1's
    default); None when the dtype is not known statically."""
    if dtype is None:
        return "float32"
    if isinstance(dtype, cst.SimpleString) and not dtype.prefix.strip("rRuU"):
        return dtype.evaluated_value
    name = tf1(ctx.cst_resolve(dtype))
    return name[3:] if name and name.startswith("tf.") and "." not in name[3:] else None


def _eq():
    return cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace(""))


def _commas(args):
    return [a.with_changes(comma=cst.MaybeSentinel.DEFAULT) for a in args]


RULE = Rule(
    code=CODE,
    name="get-variable",
    summary="tf.get_variable(name, shape, initializer=I) becomes tf.Variable(I(shape), name=name) where it is safe",
    why=(
        "`tf.get_variable` belongs to variable scopes and graph collections, which TF2 removed. Where "
        "nothing depends on them the eager form is a `tf.Variable` holding the initializer's value: "
        "`I(shape)` (with `dtype=` when given). Without an initializer the rule writes out exactly what "
        "TF1 used, read from TensorFlow's own `get_variable` (`_get_default_initializer`, the same in "
        "TF 1.15 and `tf.compat.v1`): `glorot_uniform_initializer()` for floating dtypes (float16, "
        "bfloat16, float32, the default, and float64), as the catalogue's `GlorotUniform()`; "
        "`zeros_initializer()` for integer, unsigned, bool and string dtypes, as `tf.zeros(shape, "
        "dtype=...)` (zeros, False, empty strings). The same law as TF1's; random samples differ, as "
        "for every initializer. A complex or quantized dtype has no default (TF1 raises), and a dtype that is "
        "not known statically cannot be matched: both are reported. Files with variable scopes, "
        "reuse or graph code stay graph-mode and are reported; so are calls with a partitioner, "
        "regularizer, collections or a custom getter."
    ),
    fix_safety=("review: a get_variable inside a function called under a caller's variable scope elsewhere "
                "(reuse, or a scope initializer that replaces the default) cannot be seen"),
    examples=(
        Example(
            "initializer-and-shape",
            before=(
                "import tensorflow as tf\n"
                "init = make_initializer()\n"
                "w = tf.get_variable(\"w\", [784, 10], initializer=init, trainable=False)\n"
            ),
            after=(
                "import tensorflow as tf\n"
                "init = make_initializer()\n"
                "w = tf.Variable(init([784, 10]), name=\"w\", trainable=False)\n"
            ),
            findings=("3:5 fixed: tf.get_variable -> tf.Variable",),
        ),
        Example(
            "float-default-glorot-uniform",
            before="import tensorflow as tf\ng = tf.get_variable(\"g\", [30, 20])\n",
            after="import tensorflow as tf\ng = tf.Variable(tf.keras.initializers.GlorotUniform()([30, 20]), name=\"g\")\n",
        ),
        Example(
            "integer-default-zeros",
            before="import tensorflow as tf\nstep = tf.get_variable(\"step\", [], dtype=tf.int64)\n",
            after="import tensorflow as tf\nstep = tf.Variable(tf.zeros([], dtype=tf.int64), name=\"step\")\n",
        ),
        Example(
            "tensor-initial-value",
            before="import tensorflow as tf\nb = tf.get_variable(\"b\", initializer=tf.constant([1.0, 2.0]))\n",
            after="import tensorflow as tf\nb = tf.Variable(tf.constant([1.0, 2.0]), name=\"b\")\n",
        ),
        Example(
            "string-default-empty",
            before="import tensorflow as tf\ntag = tf.get_variable(\"tag\", [2], dtype=\"string\")\n",
            after="import tensorflow as tf\ntag = tf.Variable(tf.zeros([2], dtype=\"string\"), name=\"tag\")\n",
        ),
        Example("already-a-variable", before="import tensorflow as tf\nw = tf.Variable(tf.zeros([3]), name=\"w\")\n"),
        Example(
            "complex-kept-in-graph-mode",
            before=(
                "import tensorflow as tf\n"
                "z = tf.get_variable(\"z\", [2], dtype=tf.complex64)\n"
            ),
            after=(
                "import tensorflow.compat.v1 as tf\n"
                "tf.disable_v2_behavior()\n"
                "z = tf.get_variable(\"z\", [2], dtype=tf.complex64)\n"
            ),
            findings=("1:1 fixed: kept in graph mode through tensorflow.compat.v1 with TF2 behaviour off (no eager form: tf.get_variable left as it is: no initializer for a complex64 variable: TF1 itself raises \"An initializer for variable ...",),
        ),
        Example(
            "partitioner-kept-in-graph-mode",
            before=(
                "import tensorflow as tf\n"
                "e = tf.get_variable(\"e\", [1000, 64], initializer=init, partitioner=p)\n"
            ),
            after=(
                "import tensorflow.compat.v1 as tf\n"
                "tf.disable_v2_behavior()\n"
                "e = tf.get_variable(\"e\", [1000, 64], initializer=init, partitioner=p)\n"
            ),
            findings=("1:1 fixed: kept in graph mode through tensorflow.compat.v1 with TF2 behaviour off (no eager form: tf.get_variable left as it is: partitioner= (tf.Variable cannot be partitioned) at 2:5)",),
        ),
        Example(
            "variable-scope-kept-in-graph-mode",
            before=("import tensorflow as tf\n"
                    "with tf.variable_scope(\"layer\", reuse=tf.AUTO_REUSE):\n"
                    "    w = tf.get_variable(\"w\", [3], initializer=init)\n"),
            after=(
                "import tensorflow.compat.v1 as tf\n"
                "tf.disable_v2_behavior()\n"
                'with tf.variable_scope("layer", reuse=tf.AUTO_REUSE):\n'
                '    w = tf.get_variable("w", [3], initializer=init)\n'
            ),
            findings=("1:1 fixed: kept in graph mode through tensorflow.compat.v1 with TF2 behaviour off (tf.variable_scope at 2:6)",),
        ),
    ),
    after_mode=after_mode,
    on_call=on_call,
    triggers=("tf.get_variable",),
)
