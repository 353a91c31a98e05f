"""Ops, built once per graph, that assign many variables from a few fed arrays, and that ask in
one tensor which variables hold a value.

Feeding each initial value on its own would be quadratic in TF (a session checks every feed
against every node of the run), and running the initial-value ops costs graph set-up per op.
Instead, values of one dtype and shape are stacked into one placeholder and unpacked, and each
row is assigned by a copy of the variable's own initializer op (same attributes and device),
reached, for resource variables in a one-device session, through one shared handle op.
Each batch's values pass a gate (a bool that defaults to "none of the batch holds a value" when
the batch was built asking, else to True; callers feed True to load regardless), so that
``initialize_uninitialized`` on a fresh session asks and loads in one run, one executor.
The ops are added in one import (``graph_import``) under ``tf1init_loader``; later calls reuse
them, so repeated calls never grow the graph. On a finalized graph nothing can be added and
callers fall back to the plain initializers.
"""
from typing import Dict, List, NamedTuple, Optional, Sequence, Tuple

import numpy as np

from tf1init._graph_state import state_of
from tf1init._tf import tf, v1
from tf1init.graph_import import add_python_twins, import_c_ops
from tf1init.selection import variable_name

_REF_VARIABLE_OPS = frozenset({"VariableV2", "Variable"})
_KNOWN_VARIABLE_OPS = _REF_VARIABLE_OPS | {"VarHandleOp"}
_BOOL = 10  # DataType enums of tf.bool, tf.int32
_INT32 = 3
_ANONYMOUS = b"cd2c89b7-88b7-44c8-ad83-06c2a9158347"  # ResourceHandle::ANONYMOUS_NAME: no shared name


def single_device(session) -> bool:
    """Whether the session runs everything on one device: a resource variable's handle made by
    the loader (``_VarHandlesOp``) then surely names the variable the graph's own handle does,
    as both are placed there (with more devices, placement could part them)."""
    return len(session.list_devices()) == 1


def value_spec(variable) -> Optional[Tuple[np.dtype, Tuple[int, ...]]]:
    """(dtype, shape) that the variable's initial value must have, from the graph alone; None
    when the shape is not fully known (the value itself then tells)."""
    shape = variable.shape
    if shape.rank is None:
        return None
    dims = tuple(shape.as_list())
    if None in dims:
        return None
    dtype = variable.dtype
    np_dtype = _NUMPY_DTYPES.get(dtype)
    if np_dtype is None:
        np_dtype = _NUMPY_DTYPES[dtype] = np.dtype(dtype.base_dtype.as_numpy_dtype)
    return np_dtype, dims


_NUMPY_DTYPES: Dict[object, np.dtype] = {}  # tf.DType -> numpy dtype, read once per dtype


def spec_of(value: np.ndarray) -> Tuple[np.dtype, Tuple[int, ...]]:
    return value.dtype, value.shape


class Slot(NamedTuple):
    """Where one variable sits in a loader batch (one ``import``)."""

    placeholder: object  # the fed array: this variable's value, or a stack of same-spec values
    row: Optional[int]  # this variable's row in the stack (None: not stacked)
    assign: object  # the op that assigns it
    group: object  # the batch's NoOp that runs every assign of the batch
    gate: object  # the batch's bool gate: the assigns run only where it is True
    flags: Optional[object]  # the batch's stacked is-initialized flags, where built asking
    flag_row: Optional[int]  # this variable's row in ``flags``


class LoaderNames(NamedTuple):
    """A new batch's run, by name, before its ops have Python objects (``graph_import``)."""

    feeds: List[Tuple[str, np.dtype]]  # the value arrays (tensor name, dtype)
    gate: str
    flags: Optional[str]  # set where the batch was built asking
    group: str

    def run(self) -> Tuple[list, list, list]:
        """(feeds, fetches, targets) of the batch's run, feeds in ``loader_placeholders``'
        order: one that asks fetches the flags and leaves the gate to them; else the gate is fed."""
        if self.flags is not None:
            return self.feeds, [self.flags], [self.group]
        return self.feeds + [(self.gate, np.bool_)], [], [self.group]


def loader_slots(graph, variables: Sequence, specs: Sequence[tuple], *, ask: bool = False,
                 shared_handles: bool = False, when_imported=None):
    """A Slot for each variable, building what is missing; None if the graph is finalized.

    ``specs``: the (dtype, shape) of each variable's value, known before the values are (so
    that the run's set-up can start while they are computed; see ``background_run``).
    ``ask``: a batch built now also stacks its variables' is-initialized flags, and its gate,
    unless fed, is "none of the batch holds a value", so that one run can both ask and load
    (``initialize_uninitialized`` on a fresh session). ``when_imported(LoaderNames)``: called
    when one new batch holds all ``variables``, as soon as TF can run it, before the Python
    objects of its ops are made (a run's set-up can start then). ``shared_handles`` (only
    where ``single_device(session)``): resource variables are reached through one
    ``_VarHandlesOp`` instead of each variable's own handle op, so a run of the batch holds
    5,000 nodes fewer for 5,000 variables (its set-up costs about 40 us a node).
    """
    state = state_of(graph)
    slots = state.loader_slots
    ops = [v.op for v in variables]  # read once: a ref variable's .op is a property
    keys = [_slot_key(op, spec, shared_handles) for op, spec in zip(ops, specs)]
    found = [slots.get(key) for key in keys]
    missing = [(v, spec, op) for v, spec, op, slot in zip(variables, specs, ops, found) if slot is None]
    if missing:
        if graph.finalized:
            return None
        ask = ask and all(op.type in _KNOWN_VARIABLE_OPS for _, _, op in missing)  # else no flag op
        _build_loader(graph, state, missing, ask, shared_handles,
                      when_imported if len(missing) == len(variables) else None)
        found = [slots[key] for key in keys]
    return found


def _slot_key(op, spec, shared_handles: bool) -> tuple:
    """A slot per variable, value spec, and way to reach a resource variable (shared handle or
    its own: a session with more devices must not use a batch built with a shared one)."""
    return op.name, spec, shared_handles and op.type == "VarHandleOp"


def loader_targets(slots: Sequence[Slot]) -> List:
    """The ops that assign ``slots``: a batch's one NoOp where all of it is wanted."""
    chosen: Dict[object, list] = {}
    for slot in slots:
        chosen.setdefault(slot.group, []).append(slot.assign)
    targets: List = []
    for group, assigns in chosen.items():
        targets.extend([group] if len(assigns) == len(group.control_inputs) else assigns)
    return targets


def loader_placeholders(slots: Sequence[Slot], *, ask: bool = False) -> List:
    """The tensors ``loader_feeds`` fills for ``slots``, in its order: the value arrays, then
    the gates (left unfed with ``ask``: each batch then loads only if none of it holds a value)."""
    arrays = list({slot.placeholder: None for slot in slots})
    return arrays if ask else arrays + list({slot.gate: None for slot in slots})


def loader_feeds(slots: Sequence[Slot], values: Sequence[np.ndarray], *, ask: bool = False) -> Dict:
    """One array per placeholder (rows stacked) holding ``values``; gates open unless ``ask``."""
    stacks: Dict[object, np.ndarray] = {}
    for slot, value in zip(slots, values):
        if slot.row is None:
            stacks[slot.placeholder] = value
        else:
            stack = stacks.get(slot.placeholder)
            if stack is None:
                shape = [slot.placeholder.shape[0]] + list(value.shape)
                stack = stacks[slot.placeholder] = np.zeros(shape, value.dtype)
            stack[slot.row] = value
    if not ask:
        stacks.update((slot.gate, True) for slot in slots)
    return stacks


def _build_loader(graph, state, missing, ask: bool, shared_handles: bool, when_imported) -> None:
    variables = [variable for variable, _, _ in missing]
    ops = [op for _, _, op in missing]
    names = [op.name for op in ops]
    groups: Dict[tuple, list] = {}
    for index, (_, spec, _) in enumerate(missing):
        groups.setdefault(spec, []).append(index)
    graph_def = v1.GraphDef()
    input_map = {}
    shared = make_shared_handles(graph_def, ops) if shared_handles else {}
    flags: List[tuple] = []
    if ask:  # gate = not any(flags): load only if none holds a value
        flags = _flag_nodes(graph_def, input_map, state, variables, ops, names, shared)
        add_node(graph_def, "axis", "Const", [], dtype=_INT32, value=tf.make_tensor_proto(0, tf.int32))
        add_node(graph_def, "any", "Any", ["flags", "axis"], Tidx=_INT32, keep_dims=False)
        add_node(graph_def, "none", "LogicalNot", ["any"])
    else:
        add_node(graph_def, "none", "Const", [], dtype=_BOOL, value=tf.make_tensor_proto(True))
    add_node(graph_def, "gate", "PlaceholderWithDefault", ["none"], dtype=_BOOL, shape=tf.TensorShape([]).as_proto())
    wanted = []  # (variable index, placeholder node, row or None, assign node)
    by_name = graph._get_operation_by_name  # noqa: SLF001
    for number, (spec, members) in enumerate(groups.items()):
        dtype, shape = spec
        stacked = len(members) > 1
        dtype_enum = tf.as_dtype(dtype).as_datatype_enum
        dims = ([len(members)] if stacked else []) + list(shape)
        placeholder = add_node(graph_def, f"values{number}", "Placeholder", [], dtype=dtype_enum,
                           shape=tf.TensorShape(dims).as_proto())
        add_node(graph_def, f"gated{number}", "Switch", [placeholder.name, "gate"], T=dtype_enum)
        if stacked:
            add_node(graph_def, f"rows{number}", "Unpack", [f"gated{number}:1"], T=dtype_enum, num=len(members), axis=0)
        for row, index in enumerate(members):
            original = variables[index].initializer.node_def  # one C call; nothing else reads it
            target = shared.get(index)
            if target is None:
                holder, _, output = original.input[0].partition(":")  # the ref or the resource handle
                target = f"variable{index}"
                input_map[f"{target}:0"] = by_name(holder).outputs[int(output) if output else 0]
            assign = graph_def.node.add()
            assign.CopyFrom(original)
            assign.name = f"assign{index}"
            assign.attr.pop("_class", None)  # names ops outside this import; edges colocate it
            del assign.input[:]
            assign.input.extend([target, f"rows{number}:{row}" if stacked else f"gated{number}:1"])
            wanted.append((index, placeholder.name, row if stacked else None, assign.name))
    add_node(graph_def, "all", "NoOp", [f"^{w[3]}" for w in wanted])
    scope = import_c_ops(graph, graph_def, input_map, "tf1init_loader")
    try:
        if when_imported is not None:
            feeds = [(f"{scope}/values{number}:0", spec[0]) for number, spec in enumerate(groups)]
            when_imported(LoaderNames(feeds, f"{scope}/gate:0", f"{scope}/flags:0" if ask else None, f"{scope}/all"))
    finally:
        add_python_twins(graph)

    def found(name):
        return by_name(f"{scope}/{name}")

    gate = found("gate").outputs[0]
    group = found("all")
    stacked_flags = found("flags").outputs[0] if ask else None
    placeholders = {name: found(name).outputs[0] for name in {w[1] for w in wanted}}
    for index, placeholder, row, assign in wanted:
        slot = Slot(placeholders[placeholder], row, found(assign), group, gate,
                    stacked_flags, index if ask else None)
        state.loader_slots[_slot_key(ops[index], missing[index][1], shared_handles)] = slot
    if ask:  # the question, for later asks too (not through shared handles: see single_device)
        _remember_flags(state, names, flags, None if shared else stacked_flags, found, shared)


def plain_shared_name(attr) -> bool:
    """Whether a ``VarHandleOp`` (its NodeDef's ``attr``) names its variable plainly (a shared
    name, no device list), so that another handle op with the same attributes reaches the same
    variable."""
    shared_name = attr["shared_name"].s
    return bool(shared_name) and shared_name != _ANONYMOUS and not attr["allowed_devices"].list.s


def make_shared_handles(graph_def, ops, attrs=None) -> Dict[int, str]:
    """One ``_VarHandlesOp`` node, ``handles``, making the handles of the resource variables
    among ``ops`` (those with a plain shared name); {index in ops: its output's name}.
    ``attrs``: each op's NodeDef ``attr`` where the caller has read them already."""
    targets: Dict[int, str] = {}
    handles = None
    for index, op in enumerate(ops):
        if attrs is None:
            if op.type != "VarHandleOp":
                continue
            attr = op.node_def.attr  # read once: a C call and a parse per op
        else:
            attr = attrs[index]
        if not plain_shared_name(attr):
            continue
        shared_name = attr["shared_name"].s
        if handles is None:
            handles = graph_def.node.add(name="handles", op="_VarHandlesOp")
        lists = handles.attr
        targets[index] = f"handles:{len(targets)}"
        lists["containers"].list.s.append(attr["container"].s)
        lists["shared_names"].list.s.append(shared_name)
        lists["dtypes"].list.type.append(attr["dtype"].type)
        lists["shapes"].list.shape.add().CopyFrom(attr["shape"].shape)
    if handles is not None:
        handles.attr["N"].i = len(targets)
    return targets


_TYPE_ATTRS = frozenset({"T", "dtype", "Tidx", "Tindices", "Tparams", "Taxis", "Tshape", "out_type"})


def add_node(graph_def, name, op, inputs, **attrs):
    """A NodeDef in ``graph_def``; attrs given as python ints (types, ints), bools, strs, or
    protos (a shape, a tensor)."""
    node_def = graph_def.node.add(name=name, op=op, input=inputs)
    for key, value in attrs.items():
        attr = node_def.attr[key]
        if key in _TYPE_ATTRS:
            attr.type = value
        elif isinstance(value, bool):
            attr.b = value
        elif isinstance(value, int):
            attr.i = value
        elif isinstance(value, str):
            attr.s = value.encode()
        elif key == "shape":
            attr.shape.CopyFrom(value)
        else:
            attr.tensor.CopyFrom(value)
    return node_def


def _flag_node(graph_def, input_map, state, variable, op, op_name, name, target, shared=None):
    """(node name, existing tensor or None): the is-initialized flag of ``variable`` (its op
    ``op``, named ``op_name``), reusing one tf1init made before or, for a resource variable,
    the graph's own; ``target`` names the variable's ref or handle.
    ``shared``: a handle made by the loader (``make_shared_handles``) that the flag asks through."""
    if shared is not None:
        graph_def.node.add(name=name, op="VarIsInitializedOp", input=[shared])
        return name, None
    existing = state.is_initialized.get(op_name)
    op_type = op.type
    holder = op.outputs[0]
    if existing is None and op_type == "VarHandleOp":
        existing = getattr(variable, "_is_initialized_op", None)
        if existing is None:  # one built before (e.g. in a graph imported from a MetaGraphDef)
            existing = next((c.outputs[0] for c in holder.consumers() if c.type == "VarIsInitializedOp"), None)
    # A ref variable rarely has an IsVariableInitialized op of its own, and looking among its
    # consumers costs a C call per variable: a new flag is made instead.
    if existing is not None:
        input_map[f"{name}:0"] = existing
        return name, existing
    check = graph_def.node.add(name=name, input=[target])
    input_map.setdefault(f"{target}:0", holder)
    if op_type in _REF_VARIABLE_OPS:
        check.op = "IsVariableInitialized"
        check.attr["dtype"].type = holder.dtype.base_dtype.as_datatype_enum
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
    ops = [variable.op for variable in variables]
    graph_def = v1.GraphDef()
    input_map = {}
    names = [op.name for op in ops]
    flags = _flag_nodes(graph_def, input_map, state, variables, ops, names, {})
    scope = import_c_ops(graph, graph_def, input_map, "tf1init_loader")
    add_python_twins(graph)

    def found(name):
        return graph._get_operation_by_name(f"{scope}/{name}")  # noqa: SLF001

    _remember_flags(state, names, flags, found("flags").outputs[0], found)


def _flag_nodes(graph_def, input_map, state, variables, ops, names, shared) -> List[tuple]:
    """Each variable's is-initialized flag (``_flag_node``) and their stack, ``flags``."""
    flags = [_flag_node(graph_def, input_map, state, variable, op, op_name, f"initialized{index}", f"variable{index}",
                        shared.get(index))
             for index, (variable, op, op_name) in enumerate(zip(variables, ops, names))]
    add_node(graph_def, "flags", "Pack", [name for name, _ in flags], T=_BOOL, N=len(flags), axis=0)
    return flags


def _remember_flags(state, names, flags, stacked, found, shared=()) -> None:
    """Keep each variable's own flag, and its row in ``stacked`` (None: no row kept), for later
    questions; not a flag that asks through a shared handle (``shared``: their indexes)."""
    for row, (name, (node_name, existing)) in enumerate(zip(names, flags)):
        if row in shared:
            continue
        own = existing if existing is not None else found(node_name).outputs[0]
        state.is_initialized[name] = own
        if stacked is not None:
            state.check_slots[name] = (stacked, row, own)
