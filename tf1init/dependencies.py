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
# Stateful random ops whose `seed`/`seed2` attributes decide the initial values.
RANDOM_OPS = frozenset({
    "RandomStandardNormal", "TruncatedNormal", "RandomUniform", "RandomUniformInt",
    "RandomShuffle", "RandomGamma", "RandomPoisson", "RandomPoissonV2", "Multinomial",
    "ParameterizedTruncatedNormal",
})


def initial_value_op(variable):
    """The op whose output the variable's initializer assigns."""
    return variable.initializer.inputs[1].op


def _analyse(variable, source_ops):
    """(variables read, random ops used, sources shared) by ``variable``'s initial value.

    ``source_ops`` maps the initial-value op of each variable registered by
    :func:`tf1init.initialized_value` to that variable's name.
    """
    own = variable.op.name
    reads, randoms, shares = set(), [], set()
    stack, seen = [initial_value_op(variable)], set()
    while stack:
        op = stack.pop()
        if op.name in seen:
            continue
        seen.add(op.name)
        op_type = op.type
        if op_type in VARIABLE_OPS:
            if op.name != own:
                reads.add(op.name)
            continue
        if op_type in RANDOM_OPS:
            randoms.append(op)
        source = source_ops.get(op.name)
        if source is not None and source != own:
            shares.add(source)
        stack.extend(t.op for t in op.inputs)
        stack.extend(op.control_inputs)
    return frozenset(reads), tuple(randoms), frozenset(shares)


def analyse(variables: Iterable) -> None:
    """Record, once per variable, what its initial value reads, which random ops it uses and
    whose initial value (taken with :func:`tf1init.initialized_value`) it shares."""
    variables = list(variables)
    if not variables:
        return
    state = state_of(variables[0].graph)
    for variable in variables:
        name = variable_name(variable)
        if name not in state.reads:
            state.reads[name], state.random_ops[name], state.shares[name] = _analyse(
                variable, state.source_ops
            )


def reads_of(variable) -> frozenset:
    """Names of the variables that ``variable``'s initial value reads."""
    analyse([variable])
    return state_of(variable.graph).reads[variable_name(variable)]


def random_ops_of(variable) -> tuple:
    analyse([variable])
    return state_of(variable.graph).random_ops[variable_name(variable)]


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
