"""TFI104: initializer runs and simple ``with tf.Session() as sess:`` blocks to eager code."""
from __future__ import annotations  # annotations name LibCST classes, imported lazily

import ast
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Set, Tuple

from .._engine import Context, is_graph_only, tf1
from .._facts import INIT_OPS, STATEFUL_METHODS, facts, is_compound, method_call, source_of
from .._libcst import cst
from .._model import FIXED, MANUAL
from .._rule import Example, Rule
from . import tfi106_restore as restore_rule

CODE = "TFI104"
SESSIONS = ("tf.Session", "tf.InteractiveSession")


@dataclass
class Block:
    node: ast.With
    session: str  # the name bound by `as`
    actions: List[Tuple[str, ast.stmt, object]]  # ("keep" | "remove" | "restore", stmt, data)


@dataclass
class SessionPlan:
    blocks: Dict[int, Block] = field(default_factory=dict)  # line of `with` -> block
    removed_lines: Set[int] = field(default_factory=set)  # `init = tf.global_variables_initializer()`
    left: List[Tuple[ast.AST, str]] = field(default_factory=list)  # (node, reason)
    ranges: List[Tuple[int, int, str]] = field(default_factory=list)  # (first, last line, session)


def analyze(ctx: Context) -> None:
    f = facts(ctx)
    plan = ctx.plan[CODE] = SessionPlan()
    withs = [
        stmt for stmt in f.statements
        if isinstance(stmt, ast.With) and len(stmt.items) == 1
        and isinstance(stmt.items[0].context_expr, ast.Call) and f.name(stmt.items[0].context_expr) == "tf.Session"
    ]
    in_with = {id(stmt.items[0].context_expr) for stmt in withs}
    for node, name in ctx.calls:
        if tf1(name) in SESSIONS and id(node) not in in_with:
            plan.left.append((node, f"{tf1(name)}() outside a `with` block stays a session"))
    if len(withs) > 1:
        for stmt in withs:
            plan.left.append((stmt, f"one of {len(withs)} session blocks: each new session re-initializes "
                                    "the variables, eager variables are initialized once"))
        return
    removable: Set[int] = set()  # id() of the Name loads inside removed `sess.run(init)`
    for stmt in withs:
        reason, block = _check(ctx, f, stmt)
        if reason:
            plan.left.append((stmt, reason))
            continue
        plan.blocks[stmt.lineno] = block
        plan.ranges.append((stmt.lineno, stmt.end_lineno, block.session))
        ctx.resolved.add(id(stmt.items[0].context_expr))
        for kind, inner, data in block.actions:
            if kind == "remove":
                for node in ast.walk(inner):
                    if isinstance(node, ast.Call) and f.name(node) in INIT_OPS:
                        ctx.resolved.add(id(node))
                    elif isinstance(node, ast.Name):
                        removable.add(id(node))
            elif kind == "restore":
                restore_rule.accept(ctx, inner, data)
    for name, stmts in f.init_names.items():
        loads = [n for n in ctx.of(ast.Name) if n.id == name and isinstance(n.ctx, ast.Load)]
        alone = all(sum(1 for s in f.statements if s.lineno == stmt.lineno) == 1 for stmt in stmts)
        if alone and all(id(n) in removable for n in loads):
            for stmt in stmts:
                ctx.resolved.add(id(stmt.value))
                plan.removed_lines.add(stmt.lineno)


def _check(ctx: Context, f, stmt: ast.With) -> Tuple[Optional[str], Optional[Block]]:
    call = stmt.items[0].context_expr
    if call.args or call.keywords:
        return "tf.Session(...) with arguments (a graph, a target, a config) stays a session", None
    if not isinstance(stmt.items[0].optional_vars, ast.Name):
        return "the session is not bound to a name (`with tf.Session() as sess:`)", None
    session = stmt.items[0].optional_vars.id
    body = stmt.body
    if body[0].lineno == stmt.lineno:
        return "the block's body is on the `with` line", None
    if len({s.lineno for s in body}) != len(body):
        return "statements joined with ';'", None
    actions = []
    initialized = read = False
    for inner in body:
        line, col = ctx.ast_pos(inner)
        where = f"{line}:{col}"
        if _is_init_run(f, inner, session):
            if initialized or read:
                return f"initializers run again at {where}: a re-initialization has no eager equivalent here", None
            initialized = True
            actions.append(("remove", inner, None))
            continue
        checked = restore_rule.check_restore(ctx, inner, session)
        if checked is not None:
            saver, reason = checked
            if reason:
                return reason, None
            actions.append(("restore", inner, saver))
            continue
        if is_compound(inner):
            return f"`{type(inner).__name__.lower()}` at {where}: loops and control flow in a session block stay as they are", None
        uses = runs = 0
        for node in ast.walk(inner):
            if isinstance(node, ast.Name) and node.id == session:
                uses += 1
            elif method_call(node, session, "run"):
                if len(node.args) != 1 or node.keywords:
                    return f"sess.run with a feed or options at {where}", None
                reason = _readable(ctx, f, node.args[0])
                if reason:
                    return reason, None
                runs += 1
            elif isinstance(node, ast.Call):
                if isinstance(node.func, ast.Attribute) and node.func.attr in STATEFUL_METHODS:
                    return f"`.{node.func.attr}(...)` at {where} changes state or runs the graph", None
                name = f.name(node)
                if name and is_graph_only(name):
                    return f"{name} at {where} needs graph mode", None
        if uses != runs:
            return f"the session is used at {where} for something other than sess.run of variables", None
        read = read or runs > 0
        actions.append(("keep", inner, None))
    return None, Block(stmt, session, actions)


def _is_init_run(f, stmt, session: str) -> bool:
    if not (isinstance(stmt, ast.Expr) and method_call(stmt.value, session, "run")):
        return False
    call = stmt.value
    if len(call.args) != 1 or call.keywords:
        return False
    ops = call.args[0].elts if isinstance(call.args[0], (ast.List, ast.Tuple)) else [call.args[0]]
    return bool(ops) and all(
        (isinstance(op, ast.Call) and f.name(op) in INIT_OPS) or (isinstance(op, ast.Name) and op.id in f.init_names)
        for op in ops
    )


def _readable(ctx: Context, f, node) -> Optional[str]:
    """None if ``sess.run(node)`` is a plain read of variables created in this file."""
    if isinstance(node, ast.Name) and node.id in f.variables:
        return None
    if isinstance(node, (ast.List, ast.Tuple)) and node.elts:
        return next(filter(None, (_readable(ctx, f, e) for e in node.elts)), None)
    if isinstance(node, ast.Dict) and None not in node.keys:
        return next(filter(None, (_readable(ctx, f, v) for v in node.values)), None)
    if isinstance(node, ast.BinOp):
        parts = [p for p in (node.left, node.right) if not isinstance(p, ast.Constant)]
        if parts:
            return next(filter(None, (_readable(ctx, f, p) for p in parts)), None)
    if isinstance(node, ast.UnaryOp) and not isinstance(node.operand, ast.Constant):
        return _readable(ctx, f, node.operand)
    line, col = ctx.ast_pos(node)
    return f"sess.run({source_of(ctx, node)}) at {line}:{col} is not a read of variables created in this file"


def after_mode(ctx: Context) -> bool:
    plan = ctx.plan.get(CODE)
    if plan is None or ctx.compat:  # compat: the sessions run as they are
        return False
    for node, reason in plan.left:
        ctx.report(node, CODE, MANUAL, f"session block left as it is: {reason}" if isinstance(node, ast.With)
                   else f"left as it is: {reason}")
    if ctx.eager:
        return bool(plan.blocks or plan.removed_lines)
    for block in plan.blocks.values():
        ctx.report(block.node, CODE, MANUAL, f"session block left as it is: the file stays graph-mode ({ctx.graph_reason})")
    return False


def _numpy(expr: cst.BaseExpression) -> cst.BaseExpression:
    if isinstance(expr, (cst.List, cst.Tuple)):
        return expr.with_changes(elements=[e.with_changes(value=_numpy(e.value)) for e in expr.elements])
    if isinstance(expr, cst.Dict):
        return expr.with_changes(elements=[e.with_changes(value=_numpy(e.value)) for e in expr.elements])
    if not isinstance(expr, (cst.Name, cst.Attribute)) and not expr.lpar:
        expr = expr.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    return cst.Call(cst.Attribute(expr, cst.Name("numpy")))


def on_call(ctx: Context, original: cst.Call, updated: cst.Call):
    """``sess.run(v)`` inside a converted block -> ``v.numpy()``."""
    if not ctx.eager or not (isinstance(updated.func, cst.Attribute) and updated.func.attr.value == "run"
                             and isinstance(updated.func.value, cst.Name)):
        return updated
    plan = ctx.plan.get(CODE)
    if not plan or not plan.ranges:
        return updated
    line = ctx.cst_line(original)
    session = updated.func.value.value
    if any(first <= line <= last and name == session for first, last, name in plan.ranges):
        return _numpy(updated.args[0].value)
    return updated


def on_statement(ctx: Context, original, updated):
    if not ctx.eager:
        return updated
    plan = ctx.plan.get(CODE)
    if not plan:
        return updated
    if isinstance(original, cst.SimpleStatementLine):
        if ctx.cst_line(original) in plan.removed_lines:
            ctx.report(original, CODE, FIXED, "initializer op removed: eager variables are initialized when created")
            return cst.RemovalSentinel.REMOVE
        return updated
    if not isinstance(original, cst.With):
        return updated
    block = plan.blocks.get(ctx.cst_line(original))
    if block is None:
        return updated
    from .._transform import CommentLines, leave_lines, remove

    ctx.report(original, CODE, FIXED, "session block became eager code")
    # The block's lines and comments stay where they were: the `with` line's before the body,
    # a removed statement's in its place, the footer's after it.
    body = []
    for old, new, (kind, _, data) in zip(original.body.body, updated.body.body, block.actions):
        if kind == "remove":
            ctx.report(old, CODE, FIXED, "initializer run removed: eager variables are initialized when created")
            body.append(remove(ctx, new))
        else:
            body.extend(restore_rule.statements(ctx, old, new, data) if kind == "restore" else [new])
    header = list(updated.leading_lines)
    if updated.body.header.comment is not None:
        header.append(cst.EmptyLine(comment=updated.body.header.comment))
    if not any(line.comment for line in header) and all(
            isinstance(entry, CommentLines) or entry is cst.RemovalSentinel.REMOVE for entry in body):
        header = []  # the whole block goes: its blank lines go with it
    footer = list(updated.body.footer)
    result = [leave_lines(ctx, header), *body, leave_lines(ctx, footer if any(line.comment for line in footer) else [])]
    result = [entry for entry in result if entry is not cst.RemovalSentinel.REMOVE]
    return cst.FlattenSentinel(result) if result else cst.RemovalSentinel.REMOVE


RULE = Rule(
    code=CODE,
    name="session-initialization",
    summary="Initializer runs are removed and `with tf.Session() as sess:` blocks that only create, "
            "initialize and read variables become eager code",
    why=(
        "TF2 has no sessions: an eager variable holds its initial value from the moment it is created, "
        "and `tf.compat.v1.global_variables_initializer()` is a no-op there, so a TF1 reset becomes "
        "silently nothing. The rule removes `sess.run(tf.global_variables_initializer())` (and "
        "`initialize_all_variables`, `local_variables_initializer`, `variables_initializer([...])`) and "
        "turns a session block into plain code when its body only creates variables, runs the initializers "
        "once, and reads variables (`sess.run(v)` becomes `v.numpy()`). Comments of removed lines stay, "
        "on lines of their own where the code was. Anything else in the block "
        "(placeholders, feeds, loops, assigns, a second initialization, several sessions in one file) "
        "leaves the block, and the whole file, graph-mode: it is reported and never half-converted."
    ),
    fix_safety="safe: only blocks proven to create, initialize once and read are rewritten",
    examples=(
        Example(
            "read-variables",
            before=(
                "import tensorflow as tf\n"
                "\n"
                "w = tf.Variable(tf.zeros([2, 2]), name=\"w\")\n"
                "init = tf.global_variables_initializer()\n"
                "# look at the weights\n"
                "with tf.Session() as sess:  # one session\n"
                "    sess.run(init)\n"
                "    value = sess.run(w)\n"
                "    print(sess.run([w, w * 2]))\n"
            ),
            after=(
                "import tensorflow as tf\n"
                "\n"
                "w = tf.Variable(tf.zeros([2, 2]), name=\"w\")\n"
                "# look at the weights\n"
                "# one session\n"
                "value = w.numpy()\n"
                "print([w.numpy(), (w * 2).numpy()])\n"
            ),
            findings=("4:1 fixed: initializer op removed", "6:1 fixed: session block became eager code",
                      "7:5 fixed: initializer run removed"),
        ),
        Example(
            "inside-a-function",
            before=(
                "import tensorflow as tf\n"
                "def main():\n"
                "    b = tf.Variable(tf.ones([3]))\n"
                "    with tf.Session() as sess:\n"
                "        sess.run(tf.variables_initializer([b]))\n"
                "        return sess.run(b)\n"
            ),
            after=(
                "import tensorflow as tf\n"
                "def main():\n"
                "    b = tf.Variable(tf.ones([3]))\n"
                "    return b.numpy()\n"
            ),
        ),
        Example(
            "comments-kept",
            before=(
                "import tensorflow as tf\n"
                "\n"
                "w = tf.Variable(tf.zeros([2]), name=\"w\")\n"
                "# the initializer op\n"
                "init = tf.global_variables_initializer()  # every variable\n"
                "with tf.Session() as sess:\n"
                "    # TF1 needs this, TF2 does not\n"
                "    sess.run(init)  # initialize\n"
                "    print(sess.run(w))\n"
                "    # done\n"
            ),
            after=(
                "import tensorflow as tf\n"
                "\n"
                "w = tf.Variable(tf.zeros([2]), name=\"w\")\n"
                "# the initializer op\n"
                "# every variable\n"
                "# TF1 needs this, TF2 does not\n"
                "# initialize\n"
                "print(w.numpy())\n"
                "# done\n"
            ),
        ),
        Example(
            "session-only-to-initialize",
            before=(
                "import tensorflow as tf\n"
                "def build():\n"
                "    w = tf.Variable(tf.ones([3]))\n"
                "    with tf.Session() as sess:  # a session just to initialize\n"
                "        sess.run(tf.global_variables_initializer())\n"
                "    return w\n"
            ),
            after=(
                "import tensorflow as tf\n"
                "def build():\n"
                "    w = tf.Variable(tf.ones([3]))\n"
                "    # a session just to initialize\n"
                "    return w\n"
            ),
        ),
        Example(
            "feed-kept-in-graph-mode",
            before=(
                "import tensorflow as tf\n"
                "x = tf.placeholder(tf.float32, [None, 3])\n"
                "w = tf.Variable(tf.zeros([3]))\n"
                "y = x * w\n"
                "tf.add_to_collection('outputs', y)\n"
                "with tf.Session() as sess:\n"
                "    sess.run(tf.global_variables_initializer())\n"
                "    print(sess.run(y, feed_dict={x: [[1.0, 2.0, 3.0]]}))\n"
            ),
            after=(
                "import tensorflow.compat.v1 as tf\n"
                "tf.disable_v2_behavior()\n"
                "x = tf.placeholder(tf.float32, [None, 3])\n"
                "w = tf.Variable(tf.zeros([3]))\n"
                "y = x * w\n"
                "tf.add_to_collection('outputs', y)\n"
                "with tf.Session() as sess:\n"
                "    sess.run(tf.global_variables_initializer())\n"
                "    print(sess.run(y, feed_dict={x: [[1.0, 2.0, 3.0]]}))\n"
            ),
            findings=("1:1 fixed: kept in graph mode through tensorflow.compat.v1 with TF2 behaviour off (tf.placeholder at 2:5)",),
        ),
        Example(
            "training-loop-kept-in-graph-mode",
            before=(
                "import tensorflow as tf\n"
                "w = tf.Variable(0.0)\n"
                "step = w.assign_add(1.0)\n"
                "with tf.Session() as sess:\n"
                "    sess.run(tf.global_variables_initializer())\n"
                "    for _ in range(3):\n"
                "        sess.run(step)\n"
            ),
            after=(
                "import tensorflow.compat.v1 as tf\n"
                "tf.disable_v2_behavior()\n"
                "w = tf.Variable(0.0)\n"
                "step = w.assign_add(1.0)\n"
                "with tf.Session() as sess:\n"
                "    sess.run(tf.global_variables_initializer())\n"
                "    for _ in range(3):\n"
                "        sess.run(step)\n"
            ),
            findings=("1:1 fixed: kept in graph mode through tensorflow.compat.v1 with TF2 behaviour off (tf.Session at 4:6)",),
        ),
        Example("already-tf2", before="import tensorflow as tf\nw = tf.Variable(tf.zeros([3]))\nprint(w.numpy())\n"),
    ),
    analyze=analyze,
    after_mode=after_mode,
    on_call=on_call,
    on_statement=on_statement,
    triggers=tuple(sorted(INIT_OPS)) + SESSIONS,
)
