"""What each variable's initial value reads, draws and needs fed, and an order that runs
sources first.

TF runs the initializers of one group in parallel, in no order, so ``b = Variable(a * 2)``
fails in a few percent of fresh sessions, and only ref variables under control flow v1 get
TF's automatic guard. We walk each initializer's ops back to the variables it reads and run
the initializers in dependency layers: every variable after the ones it reads. The walk also
finds the random ops an initial value draws from (so one draw can serve every layer of a
call), the placeholders it needs fed, and the ``tf1init.initialized_value`` tensors it uses.
"""
from typing import Collection, Dict, List, Sequence

from tf1init.errors import DependencyCycleError
from tf1init.graph.selection import variable_name
from tf1init.graph.state import InitialValue, state_of

# Ops that are a variable (ref or resource); reaching one from an initial value means a read.
VARIABLE_OPS = frozenset({"VariableV2", "Variable", "VarHandleOp", "AutoReloadVariable"})
# Stateful random ops: every run draws new values, and their seed attributes decide which.
RANDOM_OPS = frozenset({
    "RandomStandardNormal", "TruncatedNormal", "RandomUniform", "RandomUniformInt",
    "RandomShuffle", "RandomGamma", "RandomPoisson", "RandomPoissonV2", "Multinomial",
    "ParameterizedTruncatedNormal", "RandomCrop",
})
# Stateless random ops (tf_keras and Keras 3 initializers) take their seed as an input tensor,
# usually a Const that tf1init.graph.seeding can rewrite; the graph seed never reaches them.
STATELESS_SEED_OPS = frozenset({
    "StatelessRandomGetKeyCounter", "StatelessRandomGetKeyCounterAlg",
    "StatelessRandomUniform", "StatelessRandomNormal", "StatelessTruncatedNormal",
    "StatelessRandomUniformInt", "StatelessRandomUniformFullInt", "StatelessMultinomial",
})
PLACEHOLDER_OPS = frozenset({"Placeholder", "PlaceholderV2"})
# Ops that never have data inputs (they may have control inputs, which are still followed).
_NO_DATA_INPUTS = frozenset({"Const", "HostConst", "NoOp"})


def initial_value_op(variable):
    """The op whose output the variable's initializer assigns."""
    return variable.initializer.inputs[1].op


def _is_draw(op_type: str) -> bool:
    return op_type in RANDOM_OPS or (op_type.startswith("Stateful") and "Call" not in op_type)


def _walk(variable, derived: Dict[str, str]) -> InitialValue:
    own = variable.op
    reads, sources, draws, placeholders, randoms = [], [], [], [], []
    seen = {own}
    initializer = variable.initializer
    stack = [t.op for t in initializer.inputs]
    stack += initializer.control_inputs
    while stack:
        op = stack.pop()
        if op in seen:
            continue
        seen.add(op)
        op_type = op.type
        if op_type in VARIABLE_OPS:
            reads.append(op)
            continue
        if derived and op.name in derived:
            sources.append(derived[op.name])
            continue
        if op_type in PLACEHOLDER_OPS:
            placeholders.append(op)
            continue
        if op_type in RANDOM_OPS or op_type in STATELESS_SEED_OPS:
            randoms.append(op)
        if _is_draw(op_type):
            draws.append(op)
        if op_type not in _NO_DATA_INPUTS:  # reading inputs is most of the walk's cost
            stack.extend([t.op for t in op.inputs])
        stack.extend(op.control_inputs)
    return InitialValue(
        reads=frozenset(op.name for op in reads),
        sources=frozenset(sources) - {own.name},
        draws=frozenset(op.name for op in draws),
        random_ops=tuple(op.name for op in _creation_order(randoms)),
        placeholders=frozenset(op.name for op in placeholders),
    )


def _creation_order(ops: List) -> List:
    from tf1init._tf_private import op_id

    return sorted(ops, key=op_id)


def initial_value_of(variable, name: str = None) -> InitialValue:
    """The (remembered) analysis of one variable's initializer."""
    state = state_of(variable.graph)
    name = variable_name(variable) if name is None else name
    found = state.initial_values.get(name)
    if found is None:
        found = state.initial_values[name] = _walk(variable, state.derived)
    return found


def analyse(variables: Sequence) -> Dict[str, InitialValue]:
    """Name -> InitialValue for every variable given (each walked once per graph)."""
    result = {}
    for variable in variables:
        name = variable_name(variable)
        result[name] = initial_value_of(variable, name)
    return result


def reads_of(variable) -> frozenset:
    """Names of the variables that ``variable``'s initial value reads."""
    return initial_value_of(variable).reads


def random_ops_of(variable) -> tuple:
    """The random ops (stateful, or stateless with a seed input) ``variable``'s initial value
    runs itself (not through a ``tf1init.initialized_value`` source), in creation order."""
    graph = variable.graph
    return tuple(graph.get_operation_by_name(n) for n in initial_value_of(variable).random_ops)


def effective(name: str, found: Dict[str, InitialValue], chosen: Collection[str], attr: str) -> frozenset:
    """``attr`` (reads, draws, placeholders) of a variable's initial value in a call that
    initializes ``chosen``: sources in the call are computed in the same run, so what their
    initial values need counts too; sources outside it are fed their current value."""
    info = found[name]
    if not info.sources:
        return getattr(info, attr)
    result, stack, seen = set(), [name], set()
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        info = found[current]
        result |= getattr(info, attr)
        stack.extend(s for s in info.sources if s in chosen and s in found)
    return frozenset(result)


def layers(variables: Sequence) -> List[List]:
    """Split ``variables`` into layers; each reads only variables of earlier layers (or none
    of the selection). Raises DependencyCycleError naming the cycle if there is one."""
    found = analyse(variables)
    by_name: Dict[str, object] = {variable_name(v): v for v in variables}
    pending = {}
    for name in by_name:
        reads = effective(name, found, by_name, "reads")
        pending[name] = set(reads) & by_name.keys() if reads else set()
    if not any(pending.values()):
        return [list(variables)]
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
