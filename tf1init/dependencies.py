"""Which variables an initial value reads, and an order that initializes sources first.

TF runs the initializers of one group in parallel, in no order, so `b = Variable(a * 2)` or
`a.initialized_value()` fails in a few percent of fresh sessions (FACTS.md) and only ref
variables under control flow v1 get TF's automatic guard. We walk each initial value's ops back
to the variable ops it reads, then run the initializers in layers: every variable after the
ones it reads.
"""
from typing import Dict, Iterable, List, Sequence

from tf1init._graph_state import state_of
from tf1init.errors import DependencyCycleError
from tf1init.selection import variable_name

# Ops that are a variable (ref or resource); reaching one from an initial value means a read.
VARIABLE_OPS = frozenset({"VariableV2", "Variable", "VarHandleOp", "AutoReloadVariable"})
# The ops a variable's initializer is when it simply assigns its initial value.
ASSIGN_OPS = frozenset({"Assign", "AssignVariableOp"})
# Stateful random ops whose `seed`/`seed2` attributes decide the initial values.
RANDOM_OPS = frozenset({
    "RandomStandardNormal", "TruncatedNormal", "RandomUniform", "RandomUniformInt",
    "RandomShuffle", "RandomGamma", "RandomPoisson", "RandomPoissonV2", "Multinomial",
    "ParameterizedTruncatedNormal",
})


def initial_value_op(variable):
    """The op whose output the variable's initializer assigns."""
    return variable.initializer.inputs[1].op


class Node:
    """What tf1init needs of one graph op, read once from its NodeDef (cheaper than walking
    ``op.inputs``, which builds Python tensors): type, data and control inputs, attributes."""

    __slots__ = ("name", "type", "inputs", "controls", "attrs", "node_def", "value")

    def __init__(self, node_def):
        self.name = node_def.name
        self.type = node_def.op
        data, controls = [], []
        for text in node_def.input:
            if text.startswith("^"):
                controls.append(text[1:])
            else:
                op_name, _, index = text.partition(":")
                data.append((op_name, int(index) if index else 0))
        self.inputs = tuple(data)
        self.controls = tuple(controls)
        self.value = None  # a small Const's decoded value (tf1init.replay)
        if self.type == "Const" and len(node_def.attr["value"].tensor.tensor_content) > _BIG_CONST:
            self.attrs = self.node_def = None  # a big array stays in the graph only, not twice
        else:
            self.attrs, self.node_def = node_def.attr, node_def


_BIG_CONST = 1 << 16


def node(graph, name: str, nodes=None) -> Node:
    """The (remembered) Node for the op ``name`` of ``graph`` (``nodes``: the graph's cache)."""
    if nodes is None:
        nodes = state_of(graph).nodes
    found = nodes.get(name)
    if found is None:
        found = nodes[name] = Node(graph._get_operation_by_name(name).node_def)  # noqa: SLF001
    return found


def _analyse(variable, state):
    """(variables read, random op names, sources shared, op names, replay plan) of
    ``variable``'s initial value.

    ``state.source_ops`` maps the initial-value op of each variable registered by
    :func:`tf1init.initialized_value` to that variable's name.
    """
    from tf1init.replay import plan_for  # replay imports this module

    graph = variable.graph
    nodes = state.nodes
    own = variable.op.name
    initializer = node(graph, variable.initializer.name, nodes)
    if initializer.type in ASSIGN_OPS and len(initializer.inputs) == 2 and not initializer.controls:
        root = initializer.inputs[1]
        stack = [root[0]]
    else:  # not a plain assign: walk everything it runs, never replay it
        root = None
        stack = [name for name, _ in initializer.inputs[1:]] + list(initializer.controls)
    reads, randoms, shares, seen = set(), [], set(), set()
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        found = node(graph, name, nodes)
        op_type = found.type
        if op_type in VARIABLE_OPS:
            if name != own:
                reads.add(name)
            continue
        if op_type in RANDOM_OPS:
            randoms.append(name)
        source = state.source_ops.get(name)
        if source is not None and source != own:
            shares.add(source)
        stack.extend(input_name for input_name, _ in found.inputs)
        stack.extend(found.controls)
    ops = frozenset(seen)
    plan = plan_for(graph, root, ops) if root is not None and not reads else None
    return frozenset(reads), tuple(randoms), frozenset(shares), ops, plan


def analyse(variables: Iterable) -> None:
    """Record, once per variable, what its initial value reads, which random ops it uses,
    whose initial value (taken with :func:`tf1init.initialized_value`) it shares, which ops it
    runs, and whether it can be computed outside the session (``tf1init.replay``)."""
    variables = list(variables)
    if not variables:
        return
    state = state_of(variables[0].graph)
    for variable in variables:
        name = variable_name(variable)
        if name not in state.reads:
            (state.reads[name], state.random_ops[name], state.shares[name], state.ops_of[name],
             state.plans[name]) = _analyse(variable, state)


def reads_of(variable) -> frozenset:
    """Names of the variables that ``variable``'s initial value reads."""
    analyse([variable])
    return state_of(variable.graph).reads[variable_name(variable)]


def random_ops_of(variable) -> tuple:
    """The stateful random ops that make ``variable``'s initial value."""
    analyse([variable])
    graph = variable.graph
    return tuple(graph.get_operation_by_name(n) for n in state_of(graph).random_ops[variable_name(variable)])


def shares_of(variable) -> frozenset:
    """Names of the variables whose initial value ``variable``'s initial value is made from."""
    analyse([variable])
    return state_of(variable.graph).shares[variable_name(variable)]


def layers(variables: Sequence) -> List[List]:
    """Split ``variables`` into layers; each reads only variables of earlier layers (or none
    of the selection). Raises DependencyCycleError naming the cycle if there is one."""
    analyse(variables)
    state = state_of(variables[0].graph) if variables else None
    by_name: Dict[str, object] = {variable_name(v): v for v in variables}
    pending = {name: set(state.reads[name]) & by_name.keys() for name in by_name}
    result: List[List] = []
    while pending:
        ready = [name for name, needs in pending.items() if not needs]
        if not ready:
            raise DependencyCycleError(
                "these variables' initial values read each other in a cycle, so no order "
                f"initializes them: {_cycle(pending)}; break the cycle by giving one of them "
                "an initial value that reads no variable"
            )
        result.append([by_name[name] for name in ready])
        for name in ready:
            del pending[name]
        for needs in pending.values():
            needs.difference_update(ready)
    return result


def _cycle(pending: Dict[str, set]) -> str:
    start = next(iter(pending))
    path, name = [start], start
    while True:
        name = sorted(pending[name])[0]
        if name in path:
            loop = path[path.index(name):] + [name]
            return " -> ".join(loop)
        path.append(name)
