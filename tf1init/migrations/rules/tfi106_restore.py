"""TFI106: ``saver.restore(sess, path)`` used instead of initialization, to eager assigns."""
from __future__ import annotations  # annotations name LibCST classes, imported lazily

import ast
import json
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Set, Tuple

from .._engine import Context
from .._facts import facts, method_call, source_of
from .._libcst import cst
from .._model import FIXED, MANUAL
from .._rule import Example, Rule

CODE = "TFI106"
# Saver arguments that only matter when saving; anything else changes how names map.
_RESTORE_NEUTRAL = {"var_list", "max_to_keep", "keep_checkpoint_every_n_hours", "name",
                    "pad_step_number", "save_relative_paths", "filename"}


@dataclass
class SaverPlan:
    name: str
    stmt: ast.Assign
    mapping: List[Tuple[str, str]] = field(default_factory=list)  # (variable, checkpoint name)
    reason: Optional[str] = None
    restores: List[ast.Call] = field(default_factory=list)


@dataclass
class RestorePlan:
    savers: Dict[str, SaverPlan]
    removed_lines: Set[int] = field(default_factory=set)
    converted: Dict[int, SaverPlan] = field(default_factory=dict)  # line of restore -> saver


def plan(ctx: Context) -> RestorePlan:
    """The savers of the file and whether each one's restores can become eager assigns."""
    found = ctx.plan.get(CODE)
    if found is not None:
        return found
    f = facts(ctx)
    savers: Dict[str, SaverPlan] = {}
    for stmt in f.statements:
        if (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
                and isinstance(stmt.value, ast.Call) and f.name(stmt.value) == "tf.train.Saver"):
            saver = SaverPlan(stmt.targets[0].id, stmt)
            saver.reason = _mapping(ctx, f, stmt.value, saver)
            if f.assigned.get(saver.name, 0) > 1:
                saver.reason = f"`{saver.name}` is bound more than once"
            savers[saver.name] = saver
    if savers:
        for node in sorted(ctx.of(ast.Name), key=lambda n: (n.lineno, n.col_offset)):
            if node.id in savers and isinstance(node.ctx, ast.Load):
                saver = savers[node.id]
                if saver.reason is None and not any(node is call.func.value for call in saver.restores):
                    line, col = ctx.ast_pos(node)
                    saver.reason = (f"the saver is also used at {line}:{col} (saving stays with "
                                    "tf.compat.v1.train.Saver, or becomes tf.train.Checkpoint)")
    found = ctx.plan[CODE] = RestorePlan(savers)
    return found


def _mapping(ctx, f, call: ast.Call, saver: SaverPlan) -> Optional[str]:
    var_list = call.args[0] if call.args else None
    for keyword in call.keywords:
        if keyword.arg == "var_list":
            var_list = keyword.value
        elif keyword.arg not in _RESTORE_NEUTRAL:
            return f"Saver({keyword.arg}=...) changes how checkpoint names map to variables"
    if len(call.args) > 1:
        return "Saver with positional arguments after var_list"
    # Remember the restore calls now, to tell them from other uses of the saver.
    for node in ctx.of(ast.Call):
        if method_call(node, saver.name, "restore"):
            saver.restores.append(node)
    if var_list is None:
        return "Saver() with no var_list saves every global variable: the variable list cannot be determined statically"
    if isinstance(var_list, (ast.List, ast.Tuple)):
        for element in var_list.elts:
            info = f.variables.get(element.id) if isinstance(element, ast.Name) else None
            if info is None:
                return f"`{source_of(ctx, element)}` in var_list is not a variable created in this file"
            if info.checkpoint_name is None:
                return (f"the checkpoint name of `{element.id}` cannot be determined statically "
                        "(no literal name=, a scope, or a repeated name)")
            saver.mapping.append((element.id, info.checkpoint_name))
        return None
    if isinstance(var_list, ast.Dict):
        for key, value in zip(var_list.keys, var_list.values):
            if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                return "var_list dict with a key that is not a string literal"
            if not (isinstance(value, ast.Name) and value.id in f.variables):
                return f"`{source_of(ctx, value)}` in var_list is not a variable created in this file"
            saver.mapping.append((value.id, key.value))
        return None
    return f"var_list `{source_of(ctx, var_list)}` cannot be determined statically"


def check_restore(ctx: Context, stmt: ast.stmt, session: str) -> Optional[Tuple[Optional[SaverPlan], Optional[str]]]:
    """None if ``stmt`` is not ``saver.restore(session, path)``; else (plan, None) or (None, reason)."""
    if not (isinstance(stmt, ast.Expr) and method_call(stmt.value, None, "restore")
            and isinstance(stmt.value.func.value, ast.Name)):
        return None
    call = stmt.value
    line, col = ctx.ast_pos(stmt)
    if CODE not in ctx.codes:
        return None, f"saver.restore at {line}:{col} (rule {CODE} is not selected)"
    saver = plan(ctx).savers.get(call.func.value.id)
    if saver is None:
        return None
    if saver.reason:
        return None, f"saver.restore at {line}:{col}: {saver.reason}"
    args = list(call.args) + [k.value for k in call.keywords if k.arg in ("sess", "save_path")]
    if len(args) != 2 or len(call.args) + len(call.keywords) != 2:
        return None, f"saver.restore at {line}:{col} with unexpected arguments"
    if not (isinstance(args[0], ast.Name) and args[0].id == session):
        return None, f"saver.restore at {line}:{col} restores into another session"
    path = args[1]
    if not (isinstance(path, (ast.Name, ast.Attribute, ast.Constant))
            or (isinstance(path, ast.Call) and facts(ctx).name(path) == "tf.train.latest_checkpoint")):
        return None, f"saver.restore at {line}:{col}: the path `{source_of(ctx, path)}` is an expression that would run once per variable"
    return saver, None


def accept(ctx: Context, stmt: ast.stmt, saver: SaverPlan) -> None:
    """Rule TFI104 converts the session block holding this restore."""
    restore = plan(ctx)
    restore.converted[stmt.lineno] = saver
    restore.removed_lines.add(saver.stmt.lineno)
    ctx.resolved.add(id(saver.stmt.value))


def statements(ctx: Context, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine, saver: SaverPlan):
    """The eager assigns that replace one restore statement."""
    call = updated.body[0].value
    path = [a.value for a in call.args if a.keyword is None or a.keyword.value == "save_path"][-1]
    path_code = cst.Module([]).code_for_node(path)
    tf = ctx.handle()
    result = []
    for variable, checkpoint_name in saver.mapping:
        result.append(cst.parse_statement(
            f"{variable}.assign({tf}.train.load_variable({path_code}, {json.dumps(checkpoint_name)}))\n"))
    ctx.report(original, CODE, FIXED,
               f"restore of {len(saver.mapping)} variable(s) by checkpoint name became eager assigns "
               "(tf.train.load_variable; a shape mismatch raises instead of passing silently)")
    from .._transform import comment_lines, leave_lines

    kept = leave_lines(ctx, comment_lines(updated, keep_blank_lines=True))  # its lines and comments, then the assigns
    return ([] if kept is cst.RemovalSentinel.REMOVE else [kept]) + result


def after_mode(ctx: Context) -> bool:
    restore = ctx.plan.get(CODE)
    if restore is None or ctx.compat:  # compat: the Saver restores as it did
        return False
    if ctx.eager:
        return bool(restore.removed_lines)
    for saver in restore.savers.values():
        reason = saver.reason or f"the file stays graph-mode ({ctx.graph_reason})"
        for call in saver.restores:
            ctx.report(call, CODE, MANUAL, f"saver.restore left as it is: {reason}")
    return False


def on_statement(ctx: Context, original, updated):
    if not ctx.eager or not isinstance(original, cst.SimpleStatementLine):
        return updated
    restore = ctx.plan.get(CODE)
    if restore and restore.removed_lines and ctx.cst_line(original) in restore.removed_lines:
        ctx.report(original, CODE, FIXED, "Saver removed: its restores became eager assigns")
        return cst.RemovalSentinel.REMOVE
    return updated


RULE = Rule(
    code=CODE,
    name="restore-instead-of-init",
    summary="saver.restore(sess, path) used as initialization becomes eager assigns from the same checkpoint",
    why=(
        "A TF1 program often restores a name-based checkpoint instead of running the initializers. "
        "In eager TF2 there is no session to restore into; `tf.train.load_variable(path, name)` reads "
        "the same TF1 checkpoint by name and `assign` puts it into the eager variable, raising on a "
        "shape mismatch (TF1's Saver.restore into a resource variable passes one silently). The rewrite "
        "happens only when the variable list is static: a literal list of variables created in this file "
        "with literal names and no scope, or a literal dict of checkpoint names. `Saver()` with no list, "
        "a computed list, or a saver that also saves is reported."
    ),
    fix_safety="review: checkpoint names come from literal `name=` arguments; a caller's scope would change them",
    examples=(
        Example(
            "restore-list",
            before=(
                "import tensorflow as tf\n"
                "w = tf.Variable(tf.zeros([3]), name=\"w\")\n"
                "b = tf.Variable(tf.zeros([1]), name=\"b\")\n"
                "saver = tf.train.Saver([w, b])\n"
                "with tf.Session() as sess:\n"
                "    saver.restore(sess, \"/tmp/model.ckpt\")\n"
                "    print(sess.run(w))\n"
            ),
            after=(
                "import tensorflow as tf\n"
                "w = tf.Variable(tf.zeros([3]), name=\"w\")\n"
                "b = tf.Variable(tf.zeros([1]), name=\"b\")\n"
                "w.assign(tf.train.load_variable(\"/tmp/model.ckpt\", \"w\"))\n"
                "b.assign(tf.train.load_variable(\"/tmp/model.ckpt\", \"b\"))\n"
                "print(w.numpy())\n"
            ),
            findings=("4:1 fixed: Saver removed", "5:1 fixed: session block", "6:5 fixed: restore of 2"),
        ),
        Example(
            "restore-dict",
            before=(
                "import tensorflow as tf\n"
                "w = tf.Variable(tf.zeros([3]))\n"
                "saver = tf.train.Saver({\"layer/w\": w})\n"
                "with tf.Session() as sess:\n"
                "    saver.restore(sess, path)\n"
            ),
            after=(
                "import tensorflow as tf\n"
                "w = tf.Variable(tf.zeros([3]))\n"
                "w.assign(tf.train.load_variable(path, \"layer/w\"))\n"
            ),
        ),
        Example(
            "comments-kept",
            before=(
                "import tensorflow as tf\n"
                "w = tf.Variable(tf.zeros([3]), name=\"w\")\n"
                "# restore the trained weights\n"
                "saver = tf.train.Saver([w])\n"
                "with tf.Session() as sess:\n"
                "    saver.restore(sess, CHECKPOINT)  # from training\n"
            ),
            after=(
                "import tensorflow as tf\n"
                "w = tf.Variable(tf.zeros([3]), name=\"w\")\n"
                "# restore the trained weights\n"
                "# from training\n"
                "w.assign(tf.train.load_variable(CHECKPOINT, \"w\"))\n"
            ),
        ),
        Example(
            "restore-all-variables-kept-in-graph-mode",
            before=(
                "import tensorflow as tf\n"
                "w = tf.Variable(tf.zeros([3]), name=\"w\")\n"
                "saver = tf.train.Saver()\n"
                "with tf.Session() as sess:\n"
                "    saver.restore(sess, path)\n"
            ),
            after=(
                "import tensorflow.compat.v1 as tf\n"
                "tf.disable_v2_behavior()\n"
                'w = tf.Variable(tf.zeros([3]), name="w")\n'
                "saver = tf.train.Saver()\n"
                "with tf.Session() as sess:\n"
                "    saver.restore(sess, path)\n"
            ),
            findings=("1:1 fixed: kept in graph mode through tensorflow.compat.v1 with TF2 behaviour off (tf.train.Saver at 3:9)",),
        ),
        Example(
            "tf2-checkpoint",
            before="import tensorflow as tf\nckpt = tf.train.Checkpoint(w=w)\nckpt.restore(path)\n",
        ),
    ),
    after_mode=after_mode,
    on_statement=on_statement,
    triggers=("tf.train.Saver",),
)
