"""Facts several rules need about a file, computed once on the CPython ast and cached on the
Context: where each statement sits, which names hold variables and initializer ops."""
import ast
from dataclasses import dataclass
from typing import Dict, List, Optional

from ._engine import Context, dotted, tf1

INIT_OPS = frozenset(
    "tf." + name
    for name in (
        "global_variables_initializer initialize_all_variables local_variables_initializer"
        " variables_initializer initialize_variables initialize_local_variables"
    ).split()
)
VARIABLE_MAKERS = frozenset({"tf.Variable", "tf.get_variable"})
# Methods that change a variable or run a graph: a statement calling them is not a plain read.
STATEFUL_METHODS = frozenset(
    "assign assign_add assign_sub scatter_update scatter_add scatter_sub scatter_nd_update"
    " load eval run".split()
)
_COMPOUND = (ast.For, ast.AsyncFor, ast.While, ast.If, ast.With, ast.AsyncWith, ast.Try,
             ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
try:
    _COMPOUND += (ast.Match, ast.TryStar)
except AttributeError:  # Python < 3.11
    pass


@dataclass
class Place:
    function: Optional[ast.AST]  # enclosing def, or None at module level
    in_with: bool  # inside any with-block (a scope may prefix variable names)


@dataclass
class VariableInfo:
    name: str
    node: ast.Call
    checkpoint_name: Optional[str]  # the TF1 op name when statically known


class Facts:
    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.place: Dict[int, Place] = {}  # id(stmt) -> Place
        self.statements: List[ast.stmt] = []
        self._walk(ctx.tree.body, None, False)
        self.call_name = {id(node): name for node, name in ctx.calls}
        self.variables: Dict[str, VariableInfo] = {}
        self.init_names: Dict[str, List[ast.stmt]] = {}
        self.assigned: Dict[str, int] = {}  # name -> how many times bound or assigned
        literal_names: Dict[str, int] = {}
        for stmt in self.statements:
            if isinstance(stmt, ast.Assign):
                for target in stmt.targets:
                    for node in ast.walk(target):
                        if isinstance(node, ast.Name):
                            self.assigned[node.id] = self.assigned.get(node.id, 0) + 1
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                target = stmt.targets[0].id
                name = tf1(self.call_name.get(id(stmt.value)))
                if name in VARIABLE_MAKERS:
                    literal = _literal_name(stmt.value, name)
                    if literal:
                        literal_names[literal] = literal_names.get(literal, 0) + 1
                    place = self.place[id(stmt)]
                    known = literal if (literal and not place.in_with) else None
                    self.variables[target] = VariableInfo(target, stmt.value, known)
                elif name in INIT_OPS:
                    self.init_names.setdefault(target, []).append(stmt)
        for info in self.variables.values():  # TF1 makes a repeated name unique ("w_1")
            if info.checkpoint_name and literal_names.get(info.checkpoint_name, 0) > 1:
                info.checkpoint_name = None
        for node in ctx.of(ast.Call):
            if isinstance(node.func, ast.Attribute):
                if node.func.attr.startswith(("assign", "scatter_")) and isinstance(node.func.value, ast.Name):
                    key = node.func.value.id
                    self.assigned[key] = self.assigned.get(key, 0) + 1
        for node in ctx.of(ast.AugAssign):
            if isinstance(node.target, ast.Name):
                self.assigned[node.target.id] = self.assigned.get(node.target.id, 0) + 1

    def _walk(self, body, function, in_with):
        for stmt in body:
            self.place[id(stmt)] = Place(function, in_with)
            self.statements.append(stmt)
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self._walk(stmt.body, stmt, False)
            elif isinstance(stmt, (ast.With, ast.AsyncWith)):
                self._walk(stmt.body, function, True)
            else:
                for field in ("body", "orelse", "finalbody"):
                    self._walk(getattr(stmt, field, None) or [], function, in_with)
                for handler in getattr(stmt, "handlers", None) or []:
                    self._walk(handler.body, function, in_with)
                for case in getattr(stmt, "cases", None) or []:
                    self._walk(case.body, function, in_with)

    def name(self, call: ast.Call) -> Optional[str]:
        """The tf1 name of a call, or None."""
        return tf1(self.call_name.get(id(call)))


def _literal_name(call: ast.Call, maker: str) -> Optional[str]:
    for keyword in call.keywords:
        if keyword.arg == "name":
            value = keyword.value
            return value.value if isinstance(value, ast.Constant) and isinstance(value.value, str) else None
    if maker == "tf.get_variable" and call.args:
        value = call.args[0]
        return value.value if isinstance(value, ast.Constant) and isinstance(value.value, str) else None
    return None


def facts(ctx: Context) -> Facts:
    found = ctx.plan.get("facts")
    if found is None:
        found = ctx.plan["facts"] = Facts(ctx)
    return found


def is_compound(stmt) -> bool:
    return isinstance(stmt, _COMPOUND)


def method_call(node, obj: Optional[str], method: str) -> bool:
    """``obj.method(...)`` (obj None: any receiver)."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == method
        and (obj is None or (isinstance(node.func.value, ast.Name) and node.func.value.id == obj))
    )


def source_of(ctx: Context, node) -> str:
    return ast.get_source_segment(ctx.source, node) or dotted(node) or "?"
