"""The one LibCST pass: it hands each call and statement to the rules that own them.

Rewrites never drop a comment. A call a rule rebuilds loses the comments in its old brackets:
they go, as lines of their own, above the statement that holds the call. A removed statement
leaves a CommentLines in its place, and a second, small pass (only when there are some) moves
their lines onto the next statement of the same block, or to the block's end (the two-pass
split keeps a block's statements lined up with the plan while rules work on it).
"""
from typing import List, Optional

import libcst as cst
from libcst.metadata import PositionProvider

TYPE_CHECKING = False
if TYPE_CHECKING:  # only for annotations: _engine imports this module when it rewrites
    from ._engine import Context


class CommentLines(cst.SimpleStatementLine):
    """The comments a removed statement leaves behind (its ``leading_lines``); never printed as
    code, the settle pass consumes it."""

    __slots__ = ()


class _Comments(cst.CSTVisitor):
    def __init__(self):
        super().__init__()
        self.found: List[cst.Comment] = []

    def visit_Comment(self, node: cst.Comment) -> None:
        self.found.append(node)


def _comments(node: cst.CSTNode) -> List[cst.Comment]:
    found = _Comments()
    node.visit(found)
    return found.found


def _above(ctx: "Context", result, lines: List[cst.EmptyLine]):
    """``result`` (what a statement became) with ``lines`` just above it."""
    if isinstance(result, cst.FlattenSentinel) and result.nodes:
        first, *rest = result.nodes
        return cst.FlattenSentinel([first.with_changes(leading_lines=[*first.leading_lines, *lines]), *rest])
    if isinstance(result, (cst.FlattenSentinel, cst.RemovalSentinel)):
        return leave_lines(ctx, lines)
    return result.with_changes(leading_lines=[*result.leading_lines, *lines])


def comment_lines(node: cst.CSTNode, keep_blank_lines: bool = False) -> List[cst.EmptyLine]:
    """Every comment of ``node`` as lines of their own: its leading lines as written (the blank
    lines among them only if they hold a comment, or if ``keep_blank_lines``), then each other
    comment, a trailing one included, in source order."""
    leading = list(getattr(node, "leading_lines", ()))
    own = {id(line.comment) for line in leading if line.comment is not None}
    if not own and not keep_blank_lines:
        leading = []
    return leading + [cst.EmptyLine(comment=c) for c in _comments(node) if id(c) not in own]


def leave_lines(ctx: "Context", lines: List[cst.EmptyLine]):
    """A statement-list entry holding ``lines`` until the settle pass, or REMOVE if none."""
    if not lines:
        return cst.RemovalSentinel.REMOVE
    ctx.carriers = True
    return CommentLines(body=[cst.Pass()], leading_lines=lines)


def remove(ctx: "Context", node: cst.CSTNode):
    """Remove a statement, keeping its comments."""
    return leave_lines(ctx, comment_lines(node))


_STATEMENT = (cst.SimpleStatementLine, cst.BaseCompoundStatement)


class Transformer(cst.CSTTransformer):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, ctx: "Context"):
        super().__init__()
        self.ctx = ctx
        self.call_rules = [rule for rule in ctx.rules if rule.on_call]
        self.statement_rules = [rule for rule in ctx.rules if rule.on_statement]
        self.lost: List[List[cst.EmptyLine]] = []  # per enclosing statement: comments of rebuilt calls

    def visit_Module(self, node: cst.Module) -> bool:
        self.ctx._positions = self.metadata
        return True

    def on_visit(self, node) -> bool:
        if isinstance(node, _STATEMENT):
            self.lost.append([])
        return super().on_visit(node)

    def on_leave(self, original, updated):
        result = super().on_leave(original, updated)
        if isinstance(original, _STATEMENT):
            lost = self.lost.pop()
            if lost:
                result = _above(self.ctx, result, lost)
        return result

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        for rule in self.call_rules:
            result = rule.on_call(self.ctx, original, updated)
            if result is not updated:
                head = updated.func
                while isinstance(head, cst.Attribute):
                    head = head.value
                if isinstance(head, cst.Name):
                    heads = self.ctx.rewritten_heads
                    heads[head.value] = heads.get(head.value, 0) + 1
                if self.lost:
                    kept = {id(c) for c in _comments(result)}
                    self.lost[-1].extend(cst.EmptyLine(comment=c) for c in _comments(updated) if id(c) not in kept)
                return result
        return updated

    def _statement(self, original, updated):
        for rule in self.statement_rules:
            result = rule.on_statement(self.ctx, original, updated)
            if result is cst.RemovalSentinel.REMOVE:
                return remove(self.ctx, updated)
            if result is not updated:
                return result
        return updated

    def leave_SimpleStatementLine(self, original, updated):
        return self._statement(original, updated)

    def leave_With(self, original, updated):
        return self._statement(original, updated)

    def leave_IndentedBlock(self, original: cst.IndentedBlock, updated: cst.IndentedBlock):
        if not updated.body:  # every statement was removed: a block needs one
            return updated.with_changes(body=[cst.SimpleStatementLine([cst.Pass()])])
        return updated

    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        ctx = self.ctx
        body = list(updated.body)
        if ctx.new_import:  # first, so that it lands after the from-import it may replace
            body = _add_import(body, ctx.new_import, "tensorflow.compat.v1" if ctx.compat else "tensorflow")
        for module in ctx.extra_imports:
            body = _add_plain_import(body, module)
        if ctx.rewritten_from_imports:
            body = _drop_unused_from_imports(ctx, body, ctx.rewritten_from_imports)
        gone = _contrib_aliases_left_unused(ctx)
        if gone:
            body = _drop_import_aliases(ctx, body, gone)
        for rule in ctx.rules:
            if rule.on_module:
                body = rule.on_module(ctx, body)
        return updated.with_changes(body=body)


class Settle(cst.CSTTransformer):
    """Moves each CommentLines' lines onto the next statement of its block, or to the block's
    footer when none follows; a block left with only comments gets a ``pass`` after them."""

    def on_visit(self, node) -> bool:
        return not isinstance(node, CommentLines) and super().on_visit(node)

    def leave_IndentedBlock(self, original, updated):
        body, rest = _settle(updated.body)
        if not body:
            return updated.with_changes(body=[cst.SimpleStatementLine([cst.Pass()], leading_lines=rest)])
        return updated.with_changes(body=body, footer=[*rest, *updated.footer])

    def leave_Module(self, original, updated):
        body, rest = _settle(updated.body)
        return updated.with_changes(body=body, footer=[*rest, *updated.footer])


def _settle(statements):
    """(statements, lines left after the last one, blank lines at their end dropped)."""
    body, carried = [], []
    for statement in statements:
        if isinstance(statement, CommentLines):
            carried.extend(statement.leading_lines)
            continue
        if carried:
            statement = statement.with_changes(leading_lines=[*carried, *statement.leading_lines])
            carried = []
        body.append(statement)
    while carried and carried[-1].comment is None:
        carried.pop()
    return body, carried


class _Names(cst.CSTVisitor):
    def __init__(self):
        self.names = set()

    def visit_Name(self, node: cst.Name) -> None:
        self.names.add(node.value)

    def visit_ImportFrom(self, node) -> bool:
        return False  # the import itself is not a use

    def visit_Import(self, node) -> bool:
        return False


def _drop_unused_from_imports(ctx: "Context", body, names):
    """Remove ``from tensorflow import random_normal`` names that no rewritten code uses (TF2
    has no such names: the import itself would fail)."""
    seen = _Names()
    for statement in body:
        statement.visit(seen)
    unused = {name for name in names if name not in seen.names}
    if not unused:
        return body
    return _drop_import_aliases(ctx, body, unused, kinds=(cst.ImportFrom,))


def _imports_tensorflow(statement) -> bool:
    if not isinstance(statement, cst.SimpleStatementLine):
        return False
    for small in statement.body:
        if isinstance(small, cst.Import) and any(
            (a.evaluated_name + ".").startswith("tensorflow.") for a in small.names
        ):
            return True
        if isinstance(small, cst.ImportFrom) and small.module is not None:
            module = cst.helpers.get_full_name_for_node(small.module) or ""
            if (module + ".").startswith("tensorflow."):
                return True
    return False


def _add_import(body, name: str, module: str = "tensorflow"):
    """``import MODULE as NAME`` after the file's last tensorflow import."""
    line = cst.parse_statement(f"import {module}\n" if name == module else f"import {module} as {name}\n")
    index = max((i for i, statement in enumerate(body) if _imports_tensorflow(statement)), default=-1)
    return body[: index + 1] + [line] + body[index + 1:]


def _add_plain_import(body, module: str):
    """``import MODULE`` after the file's last tensorflow import, unless the file has it."""
    for statement in body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.Import) and any(
                    a.evaluated_name == module and not a.asname for a in small.names
                ):
                    return body
    line = cst.parse_statement(f"import {module}\n")
    index = max((i for i, statement in enumerate(body) if _imports_tensorflow(statement)), default=-1)
    if index + 1 < len(body) and _is_disable_call(body[index + 1]):
        index += 1  # TF2 behaviour goes off first
    return body[: index + 1] + [line] + body[index + 1:]


def _is_disable_call(statement) -> bool:
    return (isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1
            and isinstance(statement.body[0], cst.Expr) and isinstance(statement.body[0].value, cst.Call)
            and (cst.helpers.get_full_name_for_node(statement.body[0].value.func) or "").endswith("disable_v2_behavior"))


def _contrib_aliases_left_unused(ctx: "Context"):
    """``import tensorflow.contrib.X as Y`` aliases that only calls a rule rebuilt used: TF2 has
    no tf.contrib, so the import must go with them."""
    import ast

    uses = {}
    for node in ctx.of(ast.Name):
        uses[node.id] = uses.get(node.id, 0) + 1
    return {local for local, target in ctx.aliases.items()
            if target.startswith("tensorflow.contrib") and uses.get(local, 0)
            and uses.get(local, 0) == ctx.rewritten_heads.get(local, 0)}


def _drop_import_aliases(ctx: "Context", body, names, kinds=(cst.Import, cst.ImportFrom)):
    """The top-level import statements (of ``kinds``) without the names they bind in ``names``;
    a statement left with none goes, its comments kept."""
    result = []
    for statement in body:
        if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1 and isinstance(
                statement.body[0], kinds) and not isinstance(statement.body[0].names, cst.ImportStar):
            node = statement.body[0]
            keep = [a for a in node.names
                    if (a.evaluated_alias or a.evaluated_name.split(".")[0]) not in names]
            if len(keep) != len(node.names):
                if not keep:
                    left = remove(ctx, statement)
                    if left is not cst.RemovalSentinel.REMOVE:
                        result.append(left)
                    continue
                keep[-1] = keep[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
                statement = statement.with_changes(body=[node.with_changes(names=keep)])
        result.append(statement)
    return result
