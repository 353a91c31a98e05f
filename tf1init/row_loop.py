"""A loader whose size does not grow with the number of variables: one graph loop per batch.

A run's set-up costs TF about 26 us per op it runs, and a first run pays it once per op; the
flat loader (``loader``) has an is-initialized op and an assign op per variable (10,000 ops
for 5,000 variables). Here a batch of same-spec variables is one TF1 while loop (Enter, Merge,
Switch, NextIteration, Exit: about 40 ops whatever the batch size) that, row by row, first asks
each variable whether it holds a value, then assigns the fed rows, unless one of the batch
holds a value and the caller did not say ``force``. Resource variables are reached by index in
one vector of handles (``_VarHandlesOp`` then ``Pack``); a ref variable can only be reached
through its own ref, so each enters the loop once (``RefEnter``) and ``RefSelect`` picks it.

The loop's per-row work at run time is a few microseconds: 5,000 rows take about 0.1 s.
"""
from typing import NamedTuple, Sequence

import numpy as np

from tf1init._graph_state import state_of
from tf1init._tf import tf, v1
from tf1init.graph_import import add_python_twins, import_c_ops
from tf1init.loader import make_shared_handles, plain_shared_name

_BOOL, _INT32 = 10, 3  # DataType enums
_RESOURCE = 20


class LoopNames(NamedTuple):
    """The names (without the import scope) a batch's run feeds and fetches."""

    values: str  # [rows, *shape]: the values to assign, in ``rows`` order
    rows: str  # int32 [rows]: which members to assign (indexes into the batch)
    force: str  # bool, default False: assign even if a member holds a value
    flags: str  # bool [members]: which members held a value when the run began
    done: str  # the op to target: the loop's end


def add_row_loop(graph_def, prefix: str, members: int, dtype_enum: int, shape: Sequence[int],
                 ref_inputs: Sequence[str] = (), handles: str = "",
                 assign_attrs=None) -> LoopNames:
    """Add to ``graph_def`` the loop of one batch of ``members`` variables of one dtype and
    shape. Either ``ref_inputs`` (each member's ref, by node name in ``graph_def``) or
    ``handles`` (a resource vector of the members' handles) reaches the variables.
    ``assign_attrs``: extra attributes for the assign op (a ref ``Assign``'s use_locking...)."""
    p = prefix

    def add(name, op, inputs=(), **attrs):
        node = graph_def.node.add(name=f"{p}/{name}", op=op, input=list(inputs))
        for key, value in attrs.items():
            attr = node.attr[key]
            if key in ("T", "dtype", "Tindices", "Taxis", "Tparams", "Tidx", "Tshape", "out_type"):
                attr.type = value
            elif isinstance(value, bool):
                attr.b = value
            elif isinstance(value, int):
                attr.i = value
            elif isinstance(value, (str, bytes)):
                attr.s = value.encode() if isinstance(value, str) else value
            elif key == "shape":
                attr.shape.SetInParent()
                for size in value:
                    attr.shape.dim.add(size=size)
            else:
                attr.tensor.CopyFrom(value)
        return node.name

    def const(name, array, control=None):
        node = graph_def.node.add(name=f"{p}/{name}", op="Const", input=[f"^{control}"] if control else [])
        array = np.asarray(array)
        dtype = {np.dtype(np.int32): _INT32, np.dtype(np.bool_): _BOOL}[array.dtype]
        node.attr["dtype"].type = dtype
        tensor = node.attr["value"].tensor
        tensor.dtype = dtype
        for size in array.shape:
            tensor.tensor_shape.dim.add(size=size)
        tensor.tensor_content = array.tobytes()
        return node.name

    frame = f"{p}/frame"

    def enter(name, source, dtype, constant=True, ref=False):
        return add(name, "RefEnter" if ref else "Enter", [source], T=dtype, frame_name=frame,
                   is_constant=constant, parallel_iterations=32)

    values = add("values", "Placeholder", dtype=dtype_enum, shape=[-1] + list(shape))
    rows = add("rows", "Placeholder", dtype=_INT32, shape=[-1])
    no = const("no", np.bool_(False))
    force = add("force", "PlaceholderWithDefault", [no], dtype=_BOOL, shape=[])
    size = add("size", "Size", [rows], T=_INT32, out_type=_INT32)
    count = const("count", np.int32(members))
    total = add("total", "AddV2", [count, size], T=_INT32)
    start = const("start", np.int32(0))
    empty = const("empty", np.zeros(members, np.bool_))
    if handles:
        reach = [enter("handles", handles, _RESOURCE)]
    else:
        reach = [enter(f"ref{i}", name, dtype_enum, ref=True) for i, name in enumerate(ref_inputs)]

    k_in = add("k_merge", "Merge", [enter("k_enter", start, _INT32, constant=False), f"{p}/k_next"], T=_INT32, N=2)
    f_in = add("f_merge", "Merge", [enter("f_enter", empty, _BOOL, constant=False), f"{p}/f_next"], T=_BOOL, N=2)
    go = add("go", "LoopCond", [add("more", "Less", [k_in, enter("total_in", total, _INT32)], T=_INT32)])
    k_sw = add("k_switch", "Switch", [k_in, go], T=_INT32)
    f_sw = add("f_switch", "Switch", [f_in, go], T=_BOOL)
    k = add("k", "Identity", [f"{k_sw}:1"], T=_INT32)
    held = add("held", "Identity", [f"{f_sw}:1"], T=_BOOL)
    count_in = enter("count_in", count, _INT32)
    asking = add("asking", "Less", [k, count_in], T=_INT32)
    # The member this row is about: k while asking, then rows[k - count].
    k_ask = add("k_ask", "Switch", [k, asking], T=_INT32)
    zero = const("zero", np.int32(0), control=k)
    load_row = add("load_row", "Sub", [f"{k_ask}:0", count_in], T=_INT32)
    member_of_row = add("member_of_row", "GatherV2", [enter("rows_in", rows, _INT32), load_row, zero],
                        Tparams=_INT32, Tindices=_INT32, Taxis=_INT32, batch_dims=0)
    member = add("member", "Merge", [f"{k_ask}:1", member_of_row], T=_INT32, N=2)
    # Load only past the questions, and only if no member holds a value (or forced).
    any_held = add("any_held", "Any", [held, zero], Tidx=_INT32, keep_dims=False)
    open_ = add("open", "LogicalOr", [enter("force_in", force, _BOOL), add("none_held", "LogicalNot", [any_held])])
    loading = add("loading", "LogicalAnd", [add("answered", "LogicalNot", [asking]), open_])
    if handles:
        target = add("handle", "GatherV2", [reach[0], member, zero], Tparams=_RESOURCE, Tindices=_INT32,
                     Taxis=_INT32, batch_dims=0)
        ask = add("ask", "Switch", [target, asking], T=_RESOURCE)
        flag = add("flag", "VarIsInitializedOp", [f"{ask}:1"])
        load = add("load", "Switch", [target, loading], T=_RESOURCE)
    else:
        target = add("ref", "RefSelect", [member] + reach, T=dtype_enum, N=len(reach))
        ask = add("ask", "RefSwitch", [target, asking], T=dtype_enum)
        flag = add("flag", "IsVariableInitialized", [f"{ask}:1"], dtype=dtype_enum)
        load = add("load", "RefSwitch", [target, loading], T=dtype_enum)
    # held' = held with this member's flag set (asking), else held.
    held_sw = add("held_sw", "Switch", [held, asking], T=_BOOL)
    where = add("where", "Reshape", [f"{k_ask}:1", const("where_shape", np.array([1, 1], np.int32), control=k)],
                T=_INT32, Tshape=_INT32)
    one_flag = add("one_flag", "Reshape", [flag, const("flag_shape", np.array([1], np.int32), control=k)],
                   T=_BOOL, Tshape=_INT32)
    marked = add("marked", "TensorScatterUpdate", [f"{held_sw}:1", where, one_flag], T=_BOOL, Tindices=_INT32)
    add("f_next", "NextIteration", [add("f_after", "Merge", [f"{held_sw}:0", marked], T=_BOOL, N=2)], T=_BOOL)
    # Assign this row's value; the next k waits for it (the loop's end then means all assigned).
    k_load = add("k_load", "Switch", [k, loading], T=_INT32)
    value_row = add("value_row", "Sub", [f"{k_load}:1", count_in], T=_INT32)
    value = add("value", "GatherV2", [enter("values_in", values, dtype_enum), value_row, zero],
                Tparams=dtype_enum, Tindices=_INT32, Taxis=_INT32, batch_dims=0)
    if handles:
        assign = add("assign", "AssignVariableOp", [f"{load}:1", value], dtype=dtype_enum)
    else:
        assign = add("assign", "Assign", [f"{load}:1", value], T=dtype_enum)
        for key, attr in (assign_attrs or {}).items():
            graph_def.node[-1].attr[key].CopyFrom(attr)
    assigned = add("assigned", "Identity", [f"{k_load}:1", f"^{assign}"], T=_INT32)
    k_done = add("k_done", "Merge", [f"{k_load}:0", assigned], T=_INT32, N=2)
    one = const("one", np.int32(1), control=k)
    add("k_next", "NextIteration", [add("k_plus", "AddV2", [k_done, one], T=_INT32)], T=_INT32)
    flags = add("flags", "Exit", [f"{f_sw}:0"], T=_BOOL)
    add("k_exit", "Exit", [f"{k_sw}:0"], T=_INT32)
    done = add("done", "NoOp", [f"^{p}/k_exit", f"^{flags}"])
    return LoopNames(values, rows, force, flags, done)


class LoopBatch:
    """One loop's tensors and ops (Python objects) and its members' dtype (a dict key, by
    identity)."""

    __slots__ = ("values", "rows", "force", "flags", "done", "dtype")

    def __init__(self, values, rows, force, flags, done, dtype):
        self.values, self.rows, self.force, self.flags, self.done = values, rows, force, flags, done
        self.dtype = dtype


class LoopSlot(NamedTuple):
    """Where one variable sits: its loop and its index among the loop's members."""

    batch: LoopBatch
    member: int


class LoopRun(NamedTuple):
    """A new import's run, by name (``background_run.BackgroundRun.by_name``): every batch's
    values and rows, fetching the flags: it asks, and loads only where none holds a value."""

    feeds: list
    fetches: list
    targets: list

    def run(self):
        return self.feeds, self.fetches, self.targets


MIN_VARIABLES = 256  # below this the flat loader's few ops cost less than a loop's ~40 per batch
MIN_ROWS_PER_BATCH = 16


def loops_apply(ops, specs) -> bool:
    """Whether loops pay off and can reach every variable: many resource variables with plain
    shared names (one ``_VarHandlesOp`` names them: one-device sessions only, see
    ``loader.single_device``), in few dtype/shape batches."""
    if len(ops) < MIN_VARIABLES or len(set(specs)) * MIN_ROWS_PER_BATCH > len(ops):
        return False
    if any(dtype.kind not in "biuf" for dtype, _ in specs):
        return False
    return all(op.type == "VarHandleOp" and plain_shared_name(op) for op in ops)


def loop_slots(graph, ops, specs, when_imported=None):
    """A LoopSlot per variable, building the loops of those that have none; None if the graph
    is finalized. ``when_imported(LoopRun)``: as in ``loader.loader_slots``."""
    state = state_of(graph)
    keys = [("row loop", op.name, spec) for op, spec in zip(ops, specs)]
    missing = [i for i, key in enumerate(keys) if key not in state.loader_slots]
    if missing:
        if graph.finalized:
            return None
        _build_loops(graph, state, [ops[i] for i in missing], [specs[i] for i in missing],
                     [keys[i] for i in missing], when_imported if len(missing) == len(ops) else None)
    return [state.loader_slots[key] for key in keys]


def _build_loops(graph, state, ops, specs, keys, when_imported) -> None:
    graph_def = v1.GraphDef()
    handles = make_shared_handles(graph_def, ops)
    groups = {}
    for index, spec in enumerate(specs):
        groups.setdefault(spec, []).append(index)
    built = []
    for number, ((dtype, shape), members) in enumerate(groups.items()):
        pack = graph_def.node.add(name=f"handles{number}", op="Pack", input=[handles[i] for i in members])
        pack.attr["T"].type = _RESOURCE
        pack.attr["N"].i = len(members)
        pack.attr["axis"].i = 0
        dtype_enum = tf.as_dtype(dtype).as_datatype_enum
        names = add_row_loop(graph_def, f"batch{number}", len(members), dtype_enum, shape, handles=pack.name)
        built.append((names, dtype, members))
    scope = import_c_ops(graph, graph_def, {}, "tf1init_loader")
    # Python objects first (a few dozen ops: ~1 ms): made after the set-up has started, they
    # would wait for TF's graph lock, which the session holds while it copies the whole graph.
    add_python_twins(graph)
    by_name = graph._get_operation_by_name  # noqa: SLF001
    for names, dtype, members in built:
        batch = LoopBatch(*(by_name(f"{scope}/{n}").outputs[0] for n in names[:4]), by_name(f"{scope}/{names.done}"),
                          dtype)
        for member, index in enumerate(members):
            state.loader_slots[keys[index]] = LoopSlot(batch, member)
    if when_imported is not None:
        when_imported(LoopRun(
            [(f"{scope}/{n}:0", d) for names, dtype, _ in built for n, d in ((names.values, dtype), (names.rows, np.int32))],
            [f"{scope}/{names.flags}:0" for names, _, _ in built],
            [f"{scope}/{names.done}" for names, _, _ in built]))


def loop_feeds(slots, values, *, force: bool) -> dict:
    """Feeds that assign ``values`` to ``slots`` (rows stacked per batch, in slot order);
    ``force``: even where a member of the batch holds a value (else the loop asks first)."""
    rows = {}
    for slot, value in zip(slots, values):
        rows.setdefault(slot.batch, []).append((slot.member, value))
    feeds = {}
    for batch, pairs in rows.items():
        feeds[batch.rows] = np.array([member for member, _ in pairs], np.int32)
        feeds[batch.values] = np.stack([value for _, value in pairs]).astype(batch.dtype, copy=False)
        if force:
            feeds[batch.force] = True
    return feeds
