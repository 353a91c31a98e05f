"""Ops, built once per graph, that assign many variables from a few fed arrays, and that ask in
one tensor which variables hold a value.

Feeding each initial value on its own would be quadratic in TF (a session checks every feed
against every node of the run), and running the initial-value ops costs graph set-up per op.
Instead, values of one dtype and shape are stacked into one placeholder and unpacked, and each
row is assigned by a copy of the variable's own initializer op (same attributes and device).
The ops are added in one ``import_graph_def`` (several times cheaper than building them op by
op) under ``tf1init_loader``; later calls reuse them, so repeated calls never grow the graph.
On a finalized graph nothing can be added and callers fall back to the plain initializers.
"""
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from tf1init._graph_state import state_of
from tf1init._tf import tf, v1
from tf1init.dependencies import node
from tf1init.selection import variable_name

_REF_VARIABLE_OPS = frozenset({"VariableV2", "Variable"})
_KNOWN_VARIABLE_OPS = _REF_VARIABLE_OPS | {"VarHandleOp"}
_FLAG_OPS = {"VariableV2": "IsVariableInitialized", "Variable": "IsVariableInitialized", "VarHandleOp": "VarIsInitializedOp"}
_BOOL = 10  # DataType enum of tf.bool


def loader_slots(graph, variables: Sequence, values: Sequence[np.ndarray], *, gated: bool = False):
    """(placeholder, row, assign op, group op, ...) for each variable, building what is missing;
    None if the graph is finalized (or, gated, a variable is of an unknown kind).

    ``gated``: each assign runs only if its variable holds no value yet (a Switch on the
    variable's is-initialized flag), and the slot ends with (stacked flags, row): one run both
    asks which variables are uninitialized and initializes exactly those.
    """
    state = state_of(graph)
    slots = state.gated_slots if gated else state.loader_slots
    missing = [(v, x) for v, x in zip(variables, values) if variable_name(v) not in slots]
    if missing:
        kinds = {v.op.type for v, _ in missing}
        if graph.finalized or (gated and not kinds <= _KNOWN_VARIABLE_OPS):
            return None
        _build_loader(graph, state, missing, gated)
    return [slots[variable_name(v)] for v in variables]


def loader_feeds_and_targets(slots: Sequence[tuple], values: Sequence[np.ndarray]) -> Tuple[Dict, List]:
    """The feed dict (one stacked array per placeholder) and the ops to run for ``slots``."""
    stacks: Dict[object, np.ndarray] = {}
    chosen: Dict[object, list] = {}
    for (placeholder, row, assign, group, *_), value in zip(slots, values):
        if row is None:
            stacks[placeholder] = value
        else:
            stack = stacks.get(placeholder)
            if stack is None:
                shape = [placeholder.shape[0]] + list(value.shape)
                stack = stacks[placeholder] = np.zeros(shape, value.dtype)
            stack[row] = value
        chosen.setdefault(group, []).append(assign)
    targets: List = []
    for group, assigns in chosen.items():
        # The whole batch built together has one NoOp: one target instead of thousands.
        targets.extend([group] if len(assigns) == len(group.control_inputs) else assigns)
    return stacks, targets


def _build_loader(graph, state, pairs, gated: bool) -> None:
    groups: Dict[tuple, list] = {}
    for variable, value in pairs:
        groups.setdefault((value.dtype, value.shape), []).append(variable)
    graph_def = v1.GraphDef()
    input_map = {}
    wanted = []  # (variable, placeholder node, row or None, assign node, flags node, own flag)
    index = 0
    for number, ((dtype, shape), members) in enumerate(groups.items()):
        stacked = len(members) > 1
        dtype_enum = tf.as_dtype(dtype).as_datatype_enum
        placeholder = graph_def.node.add(name=f"values{number}", op="Placeholder")
        placeholder.attr["dtype"].type = dtype_enum
        dims = ([len(members)] if stacked else []) + list(shape)
        placeholder.attr["shape"].shape.CopyFrom(tf.TensorShape(dims).as_proto())
        if stacked:
            rows = graph_def.node.add(name=f"rows{number}", op="Unpack", input=[placeholder.name])
            rows.attr["T"].type = dtype_enum
            rows.attr["num"].i = len(members)
            rows.attr["axis"].i = 0
        flags = f"flags{number}" if gated else None
        flag_names = []
        for row, variable in enumerate(members):
            original = node(graph, variable.initializer.name, state.nodes)
            holder, output = original.inputs[0]  # the ref or the resource handle
            target = f"variable{index}"
            input_map[f"{target}:0"] = graph._get_operation_by_name(holder).outputs[output]  # noqa: SLF001
            value = f"rows{number}:{row}" if stacked else placeholder.name
            if gated:
                flag = _flag_node(graph_def, input_map, state, variable, f"initialized{index}", target)
                flag_names.append(flag)
                switch = graph_def.node.add(name=f"unless{index}", op="Switch", input=[value, flag[0]])
                switch.attr["T"].type = dtype_enum
                value = f"{switch.name}:0"  # the false branch: runs only if not initialized
            assign = graph_def.node.add()
            assign.CopyFrom(original.node_def)
            assign.name = f"assign{index}"
            assign.attr.pop("_class", None)  # names ops outside this import; edges colocate it
            del assign.input[:]
            assign.input.extend([target, value])
            wanted.append((variable, placeholder.name, row if stacked else None, assign.name, flags,
                           flag_names[-1] if gated else None))
            index += 1
        if gated:
            pack = graph_def.node.add(name=flags, op="Pack", input=[f for f, _ in flag_names])
            pack.attr["T"].type = _BOOL
            pack.attr["N"].i = len(flag_names)
            pack.attr["axis"].i = 0
    group = graph_def.node.add(name="all", op="NoOp")
    group.input.extend(f"^{w[3]}" for w in wanted)
    names = sorted({w[1] for w in wanted} | {w[4] for w in wanted if w[4]})
    names += [w[3] for w in wanted] + [w[5][0] for w in wanted if w[5] and w[5][1] is None] + ["all"]
    found = dict(zip(names, _import(graph, graph_def, input_map, names)))
    rows_in_pack: Dict[str, int] = {}
    for variable, placeholder, row, assign, flags, flag in wanted:
        slot = (found[placeholder].outputs[0], row, found[assign], found["all"])
        name = variable_name(variable)
        if gated:
            flag_row = rows_in_pack[flags] = rows_in_pack.get(flags, -1) + 1
            pack = found[flags].outputs[0]
            state.gated_slots[name] = slot + (pack, flag_row)
            own = flag[1] if flag[1] is not None else found[flag[0]].outputs[0]
            state.is_initialized.setdefault(name, own)
            state.check_slots.setdefault(name, (pack, flag_row, own))
        else:
            state.loader_slots[name] = slot


def _flag_node(graph_def, input_map, state, variable, name, target):
    """(node name, existing tensor or None): the variable's is-initialized flag, reusing the
    variable's own op where it has one; ``target`` names the variable's ref or handle."""
    existing = state.is_initialized.get(variable_name(variable))
    if existing is None and variable.op.type == "VarHandleOp":
        existing = getattr(variable, "_is_initialized_op", None)
    if existing is None:  # one built before (e.g. in a graph imported from a MetaGraphDef)
        wanted = _FLAG_OPS.get(variable.op.type)
        existing = next((op.outputs[0] for op in variable.op.outputs[0].consumers() if op.type == wanted), None)
    if existing is not None:
        input_map[f"{name}:0"] = existing
        return name, existing
    check = graph_def.node.add(name=name, input=[target])
    input_map.setdefault(f"{target}:0", variable.op.outputs[0])
    if variable.op.type in _REF_VARIABLE_OPS:
        check.op = "IsVariableInitialized"
        check.attr["dtype"].type = variable.dtype.base_dtype.as_datatype_enum
    else:
        check.op = "VarIsInitializedOp"
    return name, None


def check_slots(graph, variables: Sequence) -> Optional[List[tuple]]:
    """(stacked flags tensor, row, own flag tensor) per variable, building what is missing;
    None if a variable is of an unknown kind or the graph is finalized."""
    state = state_of(graph)
    missing = [v for v in variables if variable_name(v) not in state.check_slots]
    if missing:
        kinds = {v.op.type for v in missing}
        if graph.finalized or not kinds <= _KNOWN_VARIABLE_OPS:
            return None
        _build_checks(graph, state, missing)
    return [state.check_slots[variable_name(v)] for v in variables]


def _build_checks(graph, state, variables) -> None:
    graph_def = v1.GraphDef()
    input_map = {}
    flags = []
    for index, variable in enumerate(variables):
        flags.append(_flag_node(graph_def, input_map, state, variable, f"initialized{index}", f"variable{index}"))
    pack = graph_def.node.add(name="flags", op="Pack", input=[name for name, _ in flags])
    pack.attr["T"].type = _BOOL
    pack.attr["N"].i = len(flags)
    pack.attr["axis"].i = 0
    names = ["flags"] + [name for name, existing in flags if existing is None]
    found = dict(zip(names, _import(graph, graph_def, input_map, names)))
    stacked = found["flags"].outputs[0]
    for row, (variable, (name, existing)) in enumerate(zip(variables, flags)):
        own = existing if existing is not None else found[name].outputs[0]
        state.is_initialized[variable_name(variable)] = own
        state.check_slots[variable_name(variable)] = (stacked, row, own)


def _import(graph, graph_def, input_map, names):
    # A clean context: no control dependencies, device or name scope of the caller's.
    with graph.as_default(), graph.control_dependencies(None), graph.name_scope(None):
        with graph.device(None):
            return v1.import_graph_def(
                graph_def, input_map=input_map, return_elements=names, name="tf1init_loader"
            )
