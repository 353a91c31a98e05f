"""TFI103: ``tf.get_variable(name, shape, initializer=I)`` to ``tf.Variable(I(shape), name=...)``."""
import libcst as cst

from .. import _catalogue
from .._engine import Context, tf1
from .._model import FIXED, MANUAL, Example, Rule
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
_FLOATS = {"tf.float16", "tf.float32", "tf.float64", "tf.bfloat16"}
_ZEROS = {"tf.int8", "tf.int16", "tf.int32", "tf.int64", "tf.uint8", "tf.uint16", "tf.bool"}


def after_mode(ctx: Context) -> bool:
    calls = [node for node, name in ctx.calls if tf1(name) == "tf.get_variable"]
    if calls and not ctx.eager:
        for node in calls:
            ctx.report(node, CODE, MANUAL, f"tf.get_variable left as it is: the file stays graph-mode "
                                           f"({ctx.graph_reason}); tf.compat.v1.get_variable still works there")
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
        ctx.report(original, CODE, MANUAL, f"tf.get_variable left as it is: {reason}")
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
    dtype_name = tf1(ctx.cst_resolve(dtype)) if dtype is not None else "tf.float32"
    dtype_arg = [cst.Arg(dtype, keyword=cst.Name("dtype"), equal=_EQ)] if dtype is not None else []
    if init is None:
        if shape is None:
            return left("neither shape nor initializer")
        if dtype_name in _ZEROS:  # TF1 gives integer and boolean variables zeros
            value = cst.Call(ctx.tf2("tf.zeros"), [cst.Arg(shape), *dtype_arg])
        elif dtype_name in _FLOATS:
            default = _catalogue.lookup("tf.glorot_uniform_initializer")
            keras_call, reason = _catalogue.translate(default, {}) if default else (None, "the catalogue is not available")
            if keras_call is None:
                return left(f"default initializer: {reason}")
            value = cst.Call(build(ctx, keras_call, {}), [cst.Arg(shape), *dtype_arg])
        else:
            return left("no initializer and a dtype the default initializer cannot be proven for")
    elif shape is not None:
        if not (_is_initializer(ctx, init) or isinstance(init, (cst.Name, cst.Attribute))):
            return left("shape= with an initializer that is not an initializer object")
        value = cst.Call(init, [cst.Arg(shape), *dtype_arg])
    else:
        if _is_initializer(ctx, init):
            return left("an initializer object needs shape=")
        value = init
    new_args = [cst.Arg(value), cst.Arg(given["name"], keyword=cst.Name("name"), equal=_EQ)]
    for keyword in ("trainable", "constraint"):
        if keyword in given:
            new_args.append(cst.Arg(given[keyword], keyword=cst.Name(keyword), equal=_EQ))
    ctx.report(original, CODE, FIXED, "tf.get_variable -> tf.Variable")
    return cst.Call(ctx.tf2("tf.Variable"), _commas(new_args))


_EQ = cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace(""))


def _commas(args):
    return [a.with_changes(comma=cst.MaybeSentinel.DEFAULT) for a in args]


RULE = Rule(
    code=CODE,
    name="get-variable",
    summary="tf.get_variable(name, shape, initializer=I) becomes tf.Variable(I(shape), name=name) where it is safe",
    why=(
        "`tf.get_variable` belongs to variable scopes and graph collections, which TF2 removed. Where "
        "nothing depends on them the eager form is a `tf.Variable` holding the initializer's value: "
        "`I(shape)` (with `dtype=` when given); without an initializer, TF1's default (Glorot uniform "
        "for floats, from the catalogue; zeros for integers and booleans). Files with variable scopes, "
        "reuse or graph code stay graph-mode and are reported; so are calls with a partitioner, "
        "regularizer, collections or a custom getter."
    ),
    fix_safety="review: a get_variable inside a function called under a caller's reuse scope elsewhere cannot be seen",
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
            "partitioner-reported",
            before=("import tensorflow as tf\n"
                    "e = tf.get_variable(\"e\", [1000, 64], initializer=init, partitioner=p)\n"),
            findings=("2:5 manual: tf.get_variable left as it is: partitioner= (tf.Variable cannot be partitioned)",),
        ),
        Example(
            "variable-scope-stays-graph-mode",
            before=("import tensorflow as tf\n"
                    "with tf.variable_scope(\"layer\", reuse=tf.AUTO_REUSE):\n"
                    "    w = tf.get_variable(\"w\", [3], initializer=init)\n"),
            findings=("3:9 manual: tf.get_variable left as it is: the file stays graph-mode (tf.variable_scope at 2:6)",),
        ),
    ),
    after_mode=after_mode,
    on_call=on_call,
    triggers=("tf.get_variable",),
)
