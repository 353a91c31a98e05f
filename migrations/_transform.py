"""The one LibCST pass: it hands each call and statement to the rules that own them."""
from typing import Union

import libcst as cst
from libcst.metadata import PositionProvider

from ._engine import Context


class Transformer(cst.CSTTransformer):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, ctx: Context):
        super().__init__()
        self.ctx = ctx
        self.call_rules = [rule for rule in ctx.rules if rule.on_call]
        self.statement_rules = [rule for rule in ctx.rules if rule.on_statement]

    def visit_Module(self, node: cst.Module) -> bool:
        self.ctx._positions = self.metadata
        return True

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        for rule in self.call_rules:
            result = rule.on_call(self.ctx, original, updated)
            if result is not updated:
                return result
        return updated

    def _statement(self, original, updated):
        for rule in self.statement_rules:
            result = rule.on_statement(self.ctx, original, updated)
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
            body = _add_import(body, ctx.new_import)
        if ctx.rewritten_from_imports:
            body = _drop_unused_from_imports(body, ctx.rewritten_from_imports)
        return updated.with_changes(body=body)


class _Names(cst.CSTVisitor):
    def __init__(self):
        self.names = set()

    def visit_Name(self, node: cst.Name) -> None:
        self.names.add(node.value)

    def visit_ImportFrom(self, node) -> bool:
        return False  # the import itself is not a use

    def visit_Import(self, node) -> bool:
        return False


def _drop_unused_from_imports(body, names):
    """Remove ``from tensorflow import random_normal`` names that no rewritten code uses (TF2
    has no such names: the import itself would fail)."""
    seen = _Names()
    for statement in body:
        statement.visit(seen)
    unused = {name for name in names if name not in seen.names}
    if not unused:
        return body
    result = []
    for statement in body:
        if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1 and isinstance(
            statement.body[0], cst.ImportFrom
        ) and not isinstance(statement.body[0].names, cst.ImportStar):
            node = statement.body[0]
            keep = [a for a in node.names if (a.evaluated_alias or a.evaluated_name) not in unused]
            if len(keep) != len(node.names):
                if not keep:
                    continue
                keep[-1] = keep[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
                statement = statement.with_changes(body=[node.with_changes(names=keep)])
        result.append(statement)
    return result


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


def _add_import(body, name: str):
    """``import tensorflow as NAME`` after the file's last tensorflow import."""
    line = cst.parse_statement("import tensorflow\n" if name == "tensorflow" else f"import tensorflow as {name}\n")
    index = max((i for i, statement in enumerate(body) if _imports_tensorflow(statement)), default=-1)
    return body[: index + 1] + [line] + body[index + 1:]
