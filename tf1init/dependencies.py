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
from tf1init.selection import graph_variables, variable_name

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
# Stateless random ops (tf_keras and Keras 3 initializers) take their seed as an input tensor,
# usually a Const that tf1init.seeding can rewrite; the graph seed never reaches them.
STATELESS_SEED_OPS = frozenset({
    "StatelessRandomGetKeyCounter", "StatelessRandomGetKeyCounterAlg",
    "StatelessRandomUniform", "StatelessRandomNormal", "StatelessTruncatedNormal",
    "StatelessRandomUniformInt", "StatelessRandomUniformFullInt", "StatelessMultinomial",
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


def _analyse(variable, state, initial_ops):
    """(variables read, own random op names, sources shared, op names, replay plan) of
    ``variable``'s initial value.

    ``state.source_ops`` maps the initial-value op of each variable registered by
    :func:`tf1init.initialized_value` to that variable's name; ``initial_ops`` does the same for
    every variable of the graph, so ``Variable(a.initial_value * 2)`` is seen to share ``a``'s
    draw too. Random ops reached through another variable's initial value belong to that
    variable (its seed derives from its name), not to this one.
    """
    from tf1init.replay import plan_for  # replay imports this module

    graph = variable.graph
    nodes = state.nodes
    own = variable.op.name
    initializer = node(graph, variable.initializer.name, nodes)
    if initializer.type in ASSIGN_OPS and len(initializer.inputs) == 2 and not initializer.controls:
        root = initializer.inputs[1]
        stack = [(root[0], False)]
    else:  # not a plain assign: walk everything it runs, never replay it
        root = None
        stack = [(name, False) for name, _ in initializer.inputs[1:]]
        stack += [(name, False) for name in initializer.controls]
    reads, randoms, shares, ops = set(), [], set(), set()
    seen = {False: set(), True: set()}  # op names walked outside / inside a shared source
    source_ops = state.source_ops
    while stack:
        name, shared = stack.pop()
        walked = seen[shared]
        if name in walked:
            continue
        walked.add(name)
        ops.add(name)
        found = nodes.get(name) or node(graph, name, nodes)
        op_type = found.type
        if op_type in VARIABLE_OPS:
            if name != own:
                reads.add(name)
            continue
        source = source_ops.get(name) or initial_ops.get(name)
        if source is not None and source != own:
            shares.add(source)
            shared = True
        if not shared and (op_type in RANDOM_OPS or op_type in STATELESS_SEED_OPS):
            randoms.append(name)
        for input_name, _ in found.inputs:
            stack.append((input_name, shared))
        for control in found.controls:
            stack.append((control, shared))
    ops = frozenset(ops)
    plan = plan_for(graph, root, ops) if root is not None and not reads else None
    # creation order: stable when unrelated ops are added elsewhere in the graph
    randoms.sort(key=lambda n: graph.get_operation_by_name(n)._id)  # noqa: SLF001
    return frozenset(reads), tuple(randoms), frozenset(shares), ops, plan


def _initial_ops(graph, state) -> Dict[str, str]:
    """Initial-value op name -> variable name for every variable of ``graph`` (cached)."""
    variables = graph_variables(graph)
    cached = state.initial_ops
    if cached is None or cached[0] != len(variables):
        cached = state.initial_ops = (
            len(variables), {initial_value_op(v).name: variable_name(v) for v in variables})
    return cached[1]


def analyse(variables: Iterable) -> None:
    """Record, once per variable, what its initial value reads, which random ops it owns,
    whose initial value (``tf1init.initialized_value(a)`` or ``a.initial_value``) it shares,
    which ops it runs, and whether it can be computed outside the session (``tf1init.replay``)."""
    variables = list(variables)
    if not variables:
        return
    graph = variables[0].graph
    state = state_of(graph)
    initial_ops = None
    for variable in variables:
        name = variable_name(variable)
        if name in state.reads:
            continue
        if initial_ops is None:
            initial_ops = _initial_ops(graph, state)
        (state.reads[name], state.random_ops[name], state.shares[name], state.ops_of[name],
         state.plans[name]) = _analyse(variable, state, initial_ops)
        if state.shares[name] - state.source_names:
            # A shared source keeps its draw from now on, as if taken with initialized_value().
            for op_name, source in initial_ops.items():
                if source in state.shares[name]:
                    state.source_ops.setdefault(op_name, source)


def reads_of(variable) -> frozenset:
    """Names of the variables that ``variable``'s initial value reads."""
    analyse([variable])
    return state_of(variable.graph).reads[variable_name(variable)]


def random_ops_of(variable) -> tuple:
    """The random ops (stateful, or stateless with a seed input) ``variable``'s initial value
    owns, in creation order."""
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
