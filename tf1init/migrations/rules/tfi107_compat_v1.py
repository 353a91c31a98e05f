"""TFI107: a file that must stay graph-mode runs on TF 2.x through ``tensorflow.compat.v1``.

Why the alias and not ``tf.compat.v1.`` written before every name (what ``tf_upgrade_v2`` does):
the diff is one line per import, the code reads as it did, and under the alias every ``tf.X``
keeps its TF1 meaning, including the names TF2 kept with another meaning (``tf.nn.dropout``
takes ``keep_prob`` there, ``tf.random.poisson`` ``lam`` first). ``disable_v2_behavior()`` goes
right after the import, in every migrated file, scripts and imported modules alike: a module may
be imported by a program that was not migrated, the call is cheap and calling it again changes
nothing, and it brings back what TF 1.x did (graph mode, ref variables, whose
``initialized_value()`` works, control flow v1, TF1 shapes).
"""
from __future__ import annotations  # annotations name LibCST classes, imported lazily

import ast
from typing import Dict, List, Optional, Set

from .. import _compat_names as names
from .._engine import Context, dotted, tf1
from .._libcst import cst
from .._model import FIXED, MANUAL
from .._rule import Example, Rule

CODE = "TFI107"
_DISABLERS = ("tf.disable_v2_behavior", "tf.disable_eager_execution")
# Why a name is gone, by its first parts; the default says it is in neither API.
_GONE = (
    ("tf.contrib.", "tf.contrib was removed in TensorFlow 2.0 (tf1init converts only its initializers)"),
    ("tf.layers.", "Keras 3 (TensorFlow 2.16 and later) removed tf.compat.v1.layers: build the layer "
                   "with tf.get_variable and tf.matmul, or install tf-keras and set TF_USE_LEGACY_KERAS=1 "
                   "before TensorFlow is imported"),
    ("tf.nn.rnn_cell.", "Keras 3 (TensorFlow 2.16 and later) removed the tf.compat.v1.nn.rnn_cell cells: "
                        "write the cell with tf.matmul and tf.tanh, or install tf-keras and set "
                        "TF_USE_LEGACY_KERAS=1"),
    ("tf.estimator", "tf.estimator was removed in TensorFlow 2.16"),
    ("tf.examples", "the tutorial data loaders were removed in TensorFlow 2.0: use tf.keras.datasets"),
)


def _why_gone(name: str) -> str:
    for prefix, why in _GONE:
        if (name + ".").startswith(prefix) or name.startswith(prefix):
            return why
    return f"TensorFlow {names.version()} has neither {name} nor tf.compat.v1.{name[3:]}"


def _tf_imports(ctx: Context) -> List[ast.stmt]:
    found = []
    for node in ctx.of(ast.Import) + ctx.of(ast.ImportFrom):
        if isinstance(node, ast.Import):
            if any(a.name == "tensorflow" or a.name.startswith("tensorflow.") for a in node.names):
                found.append(node)
        elif node.level == 0 and node.module and (node.module + ".").startswith("tensorflow."):
            found.append(node)
    return sorted(found, key=lambda n: (n.lineno, n.col_offset))


# tf.layers.dense's parameters that tf1init.layers.dense has, positional ones first.
_DENSE_POSITIONAL = ("inputs", "units", "activation", "use_bias", "kernel_initializer", "bias_initializer")
_DENSE_KEYWORDS = frozenset(_DENSE_POSITIONAL + ("trainable", "name", "reuse"))


def _dense_reason(call: ast.Call) -> Optional[str]:
    """Why a tf.layers.dense call cannot become tf1init.layers.dense, or None."""
    if len(call.args) > len(_DENSE_POSITIONAL) or any(isinstance(a, ast.Starred) for a in call.args):
        return "more positional arguments than inputs, units, activation, use_bias and the initializers"
    for keyword in call.keywords:
        if keyword.arg not in _DENSE_KEYWORDS:
            return f"{keyword.arg or '**'}= has no equivalent in tf1init.layers.dense"
    return None


def on_mode(ctx: Context) -> None:
    """Plan the compat route for a graph-mode file, or block it with every reason found."""
    if ctx.eager:
        return
    converted = set(ctx.plan.get("compat_initializers", set()))
    dense, dense_funcs = set(), set()
    for node, name in ctx.calls:
        if tf1(name) == "tf.layers.dense":
            dense_funcs.add(id(node.func))
            reason = _dense_reason(node)
            if reason:
                ctx.blocked = True
                ctx.report(node, CODE, MANUAL, f"{dotted(node.func)}(...): Keras 3 removed tf.compat.v1.layers "
                                               f"and {reason}; the file is left as it is")
            else:
                dense.add(id(node))
    converted |= dense
    ctx.plan["compat_dense"] = dense
    converted_funcs = {id(node.func) for node, _ in ctx.calls if id(node) in converted}
    heads: Dict[str, List[ast.AST]] = {}  # alias -> the converted calls' heads that use it
    for node, _ in ctx.calls:
        if id(node) in converted:
            head = node.func
            while isinstance(head, ast.Attribute):
                head = head.value
            if isinstance(head, ast.Name):
                heads.setdefault(head.id, []).append(head)
    uses: Dict[str, int] = {}
    for node in ctx.of(ast.Name):
        if node.id in ctx.aliases:
            uses[node.id] = uses.get(node.id, 0) + 1
    drop: Set[str] = set()  # import aliases that only converted calls used
    for local, target in ctx.aliases.items():
        kind, decided, _ = names.status("tf" + target[len("tensorflow"):])
        if kind == names.MISSING and not target.startswith("tensorflow.python"):
            if uses.get(local, 0) and uses.get(local, 0) == len(heads.get(local, ())):
                drop.add(local)
    call_funcs = {id(node.func) for node, _ in ctx.calls}
    tf2_calls = ctx.plan["compat_tf2_calls"] = set()
    for node, full in ctx.names:
        if id(node) in converted_funcs or full.startswith("tf.python."):
            continue
        head = node
        while isinstance(head, ast.Attribute):
            head = head.value
        if isinstance(head, ast.Name) and head.id in drop:
            continue
        if id(node) in dense_funcs:
            continue  # converted, or reported above
        kind, decided, _ = names.status(full)
        if kind == names.TF2_ONLY:
            if id(node) in call_funcs:
                tf2_calls.add(id(node))  # tf.random.set_seed(...) -> tf.compat.v2.random.set_seed(...)
                continue
            ctx.blocked = True
            ctx.report(node, CODE, MANUAL, f"{dotted(node) or full}: TF2's name in a file that needs graph mode; "
                                           f"write tf.compat.v2.{tf1(decided)[3:]} or make the file eager; the "
                                           "file is left as it is")
        elif kind == names.MISSING:
            ctx.blocked = True
            written = dotted(node) or full
            name = tf1(decided)
            shown = written if written == name else f"{written} ({name})"
            ctx.report(node, CODE, MANUAL, f"{shown}: {_why_gone(name)}; the file is left as it is")
    if ctx.blocked:
        return
    imports = _tf_imports(ctx)
    if not imports:
        return
    ctx.compat = True
    ctx.whole_file = ctx.whole_file or bool(tf2_calls)
    disabled = any(tf1(name) in _DISABLERS for _, name in ctx.calls)
    # After the last top-level TensorFlow import (one that stays) before TensorFlow is first
    # used; a file whose only TensorFlow imports were contrib ones gets it after the new import.
    first_use = min((node.lineno for node, _ in ctx.names), default=imports[0].lineno + 1)
    staying = [node for node in ctx.tree.body if node in imports and not all(
        (a.asname or a.name).split(".")[0] in drop for a in node.names)]
    before = [node for node in staying if node.lineno < first_use]
    anywhere = [node for node in imports if not all((a.asname or a.name).split(".")[0] in drop for a in node.names)]
    at = before[-1] if before else (staying[0] if staying else (anywhere[0] if anywhere else None))
    if at is not None and at not in ctx.tree.body:
        ctx.whole_file = True  # an import inside a function or a try: LibCST must see it
    ctx.plan[CODE] = {"drop": drop, "disable_at": None if disabled or at is None else at.lineno,
                      "with_new_import": not disabled and at is None,
                      "first": at or imports[0], "reason": ctx.graph_reason,
                      "written": dict(ctx.aliases).values()}
    for local, target in list(ctx.aliases.items()):  # the rules below see the file as it will be
        if target == "tensorflow":
            ctx.aliases[local] = "tensorflow.compat.v1"
        elif target.startswith("tensorflow.") and not target.startswith(("tensorflow.compat", "tensorflow.python")):
            kind, _, _ = names.status("tf" + target[len("tensorflow"):])
            if kind not in (names.MISSING,) and "." not in target[len("tensorflow."):]:
                ctx.aliases[local] = "tensorflow.compat.v1" + target[len("tensorflow"):]


def after_mode(ctx: Context) -> bool:
    plan = ctx.plan.get(CODE)
    if not ctx.compat or plan is None:
        return False
    rewritten = any(not (alias.startswith("tensorflow.compat") or alias.startswith("tensorflow.python"))
                    for alias in plan["written"])
    if not (rewritten or plan["drop"] or plan["disable_at"] is not None or ctx.plan.get("compat_dense")):
        return False  # already a tensorflow.compat.v1 file with TF2 behaviour off
    ctx.report(plan["first"], CODE, FIXED,
               f"kept in graph mode through tensorflow.compat.v1 with TF2 behaviour off ({plan['reason']})")
    return True


def on_call(ctx: Context, original: cst.Call, updated: cst.Call):
    if not ctx.compat:
        return updated
    name = ctx.cst_resolve(updated.func)
    if ctx.plan.get("compat_tf2_calls") and name and names.status(name)[0] == names.TF2_ONLY:
        relative = names.relative(name)
        ctx.report(original, CODE, FIXED, f"{ctx.written(updated.func)} -> tf.compat.v2.{relative}: TF2's name, "
                                          "reached from a graph-mode file")
        return updated.with_changes(func=cst.parse_expression(f"{ctx.handle()}.compat.v2.{relative}"))
    if tf1(name) != "tf.layers.dense":
        return updated
    if "tf1init.layers" not in ctx.extra_imports:
        ctx.extra_imports.append("tf1init.layers")
    ctx.report(original, CODE, FIXED, "tf.layers.dense -> tf1init.layers.dense: Keras 3 removed "
                                      "tf.compat.v1.layers; the same variables (dense/kernel, dense/bias) and "
                                      "default initializers")
    return updated.with_changes(func=cst.parse_expression("tf1init.layers.dense"))


def _compat_alias(alias: cst.ImportAlias) -> Optional[cst.ImportAlias]:
    """``tensorflow [as x]`` -> ``tensorflow.compat.v1 as x``; others unchanged (None: drop)."""
    name = cst.helpers.get_full_name_for_node(alias.name) or ""
    if name == "tensorflow":
        local = alias.asname.name.value if alias.asname else "tensorflow"
        return alias.with_changes(
            name=cst.parse_expression("tensorflow.compat.v1"),
            asname=cst.AsName(name=cst.Name(local)),
        )
    return alias


def _rewrite_import(ctx: Context, small, drop: Set[str]):
    if isinstance(small, cst.Import):
        kept = []
        for alias in small.names:
            local = (alias.evaluated_alias or alias.evaluated_name).split(".")[0]
            if alias.evaluated_alias in drop or (not alias.asname and local in drop):
                continue
            kept.append(_compat_alias(alias))
        if not kept:
            return None
        kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return small.with_changes(names=kept)
    if isinstance(small, cst.ImportFrom) and small.module is not None and not small.relative:
        module = cst.helpers.get_full_name_for_node(small.module) or ""
        if isinstance(small.names, cst.ImportStar):
            return small
        kept = [a for a in small.names if (a.evaluated_alias or a.evaluated_name) not in drop]
        if not kept:
            return None
        kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        small = small.with_changes(names=kept)
        if module == "tensorflow":
            return small.with_changes(module=cst.parse_expression("tensorflow.compat.v1"))
        return small
    return small


def _imports_tf(small) -> bool:
    if isinstance(small, cst.Import):
        return any(((cst.helpers.get_full_name_for_node(a.name) or "") + ".").startswith("tensorflow.")
                   for a in small.names)
    if isinstance(small, cst.ImportFrom) and small.module is not None and not small.relative:
        return ((cst.helpers.get_full_name_for_node(small.module) or "") + ".").startswith("tensorflow.")
    return False


def on_statement(ctx: Context, original, updated):
    plan = ctx.plan.get(CODE)
    if not ctx.compat or plan is None or not isinstance(updated, cst.SimpleStatementLine):
        return updated
    if not any(_imports_tf(small) for small in updated.body):
        return updated
    body = []
    for small in updated.body:
        new = _rewrite_import(ctx, small, plan["drop"]) if _imports_tf(small) else small
        if new is not None:
            body.append(new)
    if not body:
        return cst.RemovalSentinel.REMOVE
    body[-1] = body[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
    result = updated.with_changes(body=body)
    if plan["disable_at"] is not None and ctx.cst_line(original) == plan["disable_at"]:
        plan["disable_at"] = None
        return cst.FlattenSentinel([result, *disable_statements(ctx)])
    return result


def disable_statements(ctx: Context) -> list:
    """``tf.disable_v2_behavior()`` and what must follow it (rule TFI108's switch)."""
    texts = [f"{ctx.handle()}.disable_v2_behavior()", *ctx.plan.get("after_disable", ())]
    return [cst.parse_statement(text + "\n") for text in texts]


def on_module(ctx: Context, body: list) -> list:
    """A file whose only TensorFlow imports were contrib ones: TF2 behaviour off right after the
    ``tensorflow.compat.v1`` import the rewrite added."""
    plan = ctx.plan.get(CODE)
    if not (ctx.compat and plan and plan["with_new_import"] and ctx.new_import):
        return body
    for index, statement in enumerate(body):
        if isinstance(statement, cst.SimpleStatementLine) and any(
                isinstance(small, cst.Import) and any(a.evaluated_name == "tensorflow.compat.v1" for a in small.names)
                for small in statement.body):
            return body[: index + 1] + disable_statements(ctx) + body[index + 1:]
    return body


RULE = Rule(
    code=CODE,
    name="graph-mode-compat",
    summary="a file that stays graph-mode imports tensorflow.compat.v1 and turns TF2 behaviour off, "
            "so it runs on TF 2.x meaning what it meant on TF 1.x",
    why=(
        "Real TF1 code is graph-mode: placeholders, sessions, tf.train optimizers, tf.log. TF 2.x has "
        "none of these names under `tensorflow`, and some names it kept mean something else "
        "(`tf.nn.dropout` reads its second argument as a drop rate, not a keep probability). Under "
        "`import tensorflow.compat.v1 as tf` and `tf.disable_v2_behavior()` every TF1 name is there "
        "with its TF1 meaning, in graph mode with ref variables, as TF 1.x ran it. On the way, "
        "`tf.layers.dense` (gone with Keras 3) becomes `tf1init.layers.dense`, and a name only TF2 "
        "has is called as `tf.compat.v2.X`. A file that uses a name TF 2.x lacks altogether "
        "(`tf.contrib.*` other than its initializers, the other `tf.layers.*` and the "
        "`tf.nn.rnn_cell` cells with Keras 3, `tf.estimator`) is left byte-identical, every such "
        "name reported: never half-converted. "
        "Why the alias rather than `tf.compat.v1.` written before every name (what tf_upgrade_v2 "
        "does): one changed line per import, the code reads as it did, and no name can be missed "
        "or half-renamed; `tf.disable_v2_behavior()` follows the import in every migrated file, "
        "modules imported by others included, since such a module may be imported by a program "
        "that was not migrated, and calling it again changes nothing. In a program that mixes "
        "migrated graph-mode modules with eager TF2 code, that call turns eager execution off for "
        "the whole process: such a program needs the graph-mode parts lifted to TF2 first."
    ),
    fix_safety="safe: the same TF1 functions, reached through TensorFlow's own compatibility module",
    examples=(
        Example(
            "placeholder-script",
            before=(
                "import numpy as np\n"
                "import tensorflow as tf\n"
                "\n"
                "x = tf.placeholder(tf.float32, [None, 1])\n"
                "y = tf.log(x + 1.0)  # TF1 name\n"
                "tf.add_to_collection('outputs', y)\n"
                "with tf.Session() as sess:\n"
                "    print(sess.run(y, {x: np.ones((2, 1))}))\n"
            ),
            after=(
                "import numpy as np\n"
                "import tensorflow.compat.v1 as tf\n"
                "tf.disable_v2_behavior()\n"
                "\n"
                "x = tf.placeholder(tf.float32, [None, 1])\n"
                "y = tf.log(x + 1.0)  # TF1 name\n"
                "tf.add_to_collection('outputs', y)\n"
                "with tf.Session() as sess:\n"
                "    print(sess.run(y, {x: np.ones((2, 1))}))\n"
            ),
            findings=("2:1 fixed: kept in graph mode through tensorflow.compat.v1",),
        ),
        Example(
            "changed-meaning-keeps-tf1-meaning",
            before="import tensorflow as tf\nh = tf.nn.dropout(x, 0.8)  # keep_prob\n",
            after="import tensorflow.compat.v1 as tf\ntf.disable_v2_behavior()\nh = tf.nn.dropout(x, 0.8)  # keep_prob\n",
            findings=("1:1 fixed: kept in graph mode through tensorflow.compat.v1 with TF2 behaviour off "
                      "(tf.nn.dropout at 2:5, means something else in TF2)",),
        ),
        Example(
            "module-from-import",
            before=(
                '"""Model code, imported by train.py."""\n'
                "from tensorflow import placeholder, float32\n"
                "import tensorflow as tf\n"
                "x = placeholder(float32, [None, 3])\n"
            ),
            after=(
                '"""Model code, imported by train.py."""\n'
                "from tensorflow.compat.v1 import placeholder, float32\n"
                "import tensorflow.compat.v1 as tf\n"
                "tf.disable_v2_behavior()\n"
                "x = placeholder(float32, [None, 3])\n"
            ),
        ),
        Example(
            "contrib-initializer-exact",
            before=(
                "import tensorflow as tf\n"
                "w = tf.get_variable('w', [784, 10], initializer=tf.contrib.layers.xavier_initializer())\n"
                "sess = tf.Session()\n"
            ),
            after=(
                "import tensorflow.compat.v1 as tf\n"
                "tf.disable_v2_behavior()\n"
                "w = tf.get_variable('w', [784, 10], initializer=tf.glorot_uniform_initializer())\n"
                "sess = tf.Session()\n"
            ),
        ),
        Example(
            "layers-dense",
            before=(
                "import tensorflow as tf\n"
                "x = tf.placeholder(tf.float32, [None, 4])\n"
                "h = tf.layers.dense(x, 8, activation=tf.nn.relu, name='hidden')\n"
            ),
            after=(
                "import tensorflow.compat.v1 as tf\n"
                "tf.disable_v2_behavior()\n"
                "import tf1init.layers\n"
                "x = tf.placeholder(tf.float32, [None, 4])\n"
                "h = tf1init.layers.dense(x, 8, activation=tf.nn.relu, name='hidden')\n"
            ),
            findings=("3:5 fixed: tf.layers.dense -> tf1init.layers.dense",),
        ),
        Example(
            "tf2-name-in-a-graph-mode-file",
            before=(
                "import tensorflow as tf\n"
                "tf.random.set_seed(3)\n"
                "x = tf.placeholder(tf.float32)\n"
            ),
            after=(
                "import tensorflow.compat.v1 as tf\n"
                "tf.disable_v2_behavior()\n"
                "tf.compat.v2.random.set_seed(3)\n"
                "x = tf.placeholder(tf.float32)\n"
            ),
            findings=("2:1 fixed: tf.random.set_seed -> tf.compat.v2.random.set_seed",),
        ),
        Example(
            "already-compat",
            before=(
                "import tensorflow.compat.v1 as tf\n"
                "tf.disable_v2_behavior()\n"
                "x = tf.placeholder(tf.float32)\n"
            ),
        ),
        Example(
            "blocked-by-a-gone-name",
            before=(
                "import tensorflow as tf\n"
                "x = tf.placeholder(tf.float32, [None, 4])\n"
                "h = tf.layers.dense(x, 8, kernel_regularizer=l2)\n"
                "s = tf.contrib.layers.fully_connected(h, 2)\n"
            ),
            findings=(
                "3:5 manual: tf.layers.dense(...): Keras 3 removed tf.compat.v1.layers and kernel_regularizer= "
                "has no equivalent",
                "4:5 manual: tf.contrib.layers.fully_connected (tf.contrib): tf.contrib was removed",
            ),
        ),
    ),
    on_mode=on_mode,
    after_mode=after_mode,
    on_call=on_call,
    on_statement=on_statement,
    on_module=on_module,
)
