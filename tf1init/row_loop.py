"""A loader whose size does not grow with the number of variables: two graph loops per batch.

A run's set-up costs TF about 26 us per op it runs, and a first run pays it once per op; the
flat loader (``loader``) has an is-initialized op and an assign op per variable (10,000 ops
for 5,000 variables). Here a batch of same-spec variables is two TF1 while loops (Enter, Merge,
Switch, NextIteration, Exit: 65 ops whatever the batch size): the first asks each variable
whether it holds a value; the second, unless one does and the caller did not say ``force``,
assigns the fed rows. The variables are reached by index in one vector of handles
(``_VarHandlesOp`` then ``Pack``), so only resource variables can use it: a ref variable is
reached only through its own ref, and TF refuses an uninitialized ref that enters a loop
("Attempting to use uninitialized value", also in ``tf.while_loop``'s own loops).

At run time 5,000 variables (10,000 iterations) take about 0.06 s, against about 0.3 s saved
in set-up and the Python objects of 10,000 ops.
"""
from typing import NamedTuple, Optional, Sequence

import numpy as np

from tf1init._graph_state import state_of
from tf1init._tf import tf, v1
from tf1init.graph_import import add_python_twins, import_c_ops
from tf1init.loader import _BOOL, _INT32, add_node, make_shared_handles, plain_shared_name

_RESOURCE = 20  # DataType enum of tf.resource


class LoopNames(NamedTuple):
    """The names (without the import scope) a batch's run feeds and fetches."""

    values: str  # [rows, *shape]: the values to assign, in ``rows`` order
    rows: str  # int32 [rows]: which members to assign (indexes into the batch)
    force: str  # bool, default False: assign even if a member holds a value
    flags: str  # bool [members]: which members held a value when the run began
    done: str  # the op to target: the loop's end


def add_row_loop(graph_def, prefix: str, members: int, dtype_enum: int, shape: Sequence[int],
                 handles: str) -> LoopNames:
    """Add to ``graph_def`` the loop of one batch of ``members`` resource variables of one
    dtype and shape; ``handles`` names the vector of their handles in ``graph_def``."""
    p = prefix

    def add(name, op, inputs=(), **attrs):
        if "shape" in attrs:
            attrs["shape"] = tf.TensorShape(attrs["shape"]).as_proto()
        return add_node(graph_def, f"{p}/{name}", op, list(inputs), **attrs).name

    def const(name, array, control=None):
        array = np.asarray(array)
        return add(name, "Const", [f"^{control}"] if control else [], dtype=tf.as_dtype(array.dtype).as_datatype_enum,
                   value=tf.make_tensor_proto(array))

    def enter(frame, name, source, dtype, constant=True):
        return add(name, "Enter", [source], T=dtype, frame_name=f"{p}/{frame}", is_constant=constant,
                   parallel_iterations=32)

    def loop(frame, first, count, carried=None):
        """k from ``first`` while k < ``count``, in a new frame, carrying ``carried`` ((initial
        tensor, dtype) or None); (k, carried value, close), close(next carried, after=None) adds
        the back edges (k + 1, once ``after`` ran if given) and returns the carried tensor's Exit
        (or k's)."""
        k_merge = add(f"{frame}_k_merge", "Merge", [enter(frame, f"{frame}_k_enter", first, _INT32, False),
                                                    f"{p}/{frame}_k_next"], T=_INT32, N=2)
        go = add(f"{frame}_go", "LoopCond", [add(f"{frame}_more", "Less", [k_merge, count], T=_INT32)])
        k_switch = add(f"{frame}_k_switch", "Switch", [k_merge, go], T=_INT32)
        k = add(f"{frame}_k", "Identity", [f"{k_switch}:1"], T=_INT32)
        value = value_switch = None
        if carried is not None:
            initial, dtype = carried
            value_merge = add(f"{frame}_c_merge", "Merge", [enter(frame, f"{frame}_c_enter", initial, dtype, False),
                                                            f"{p}/{frame}_c_next"], T=dtype, N=2)
            value_switch = add(f"{frame}_c_switch", "Switch", [value_merge, go], T=dtype)
            value = add(f"{frame}_c", "Identity", [f"{value_switch}:1"], T=dtype)

        def close(next_value, after=None):
            done_k = k if after is None else add(f"{frame}_k_done", "Identity", [k, f"^{after}"], T=_INT32)
            one = const(f"{frame}_one", np.int32(1), control=k)
            add(f"{frame}_k_next", "NextIteration", [add(f"{frame}_k_plus", "AddV2", [done_k, one], T=_INT32)],
                T=_INT32)
            if carried is None:
                return add(f"{frame}_k_exit", "Exit", [f"{k_switch}:0"], T=_INT32)
            add(f"{frame}_c_next", "NextIteration", [next_value], T=carried[1])
            return add(f"{frame}_c_exit", "Exit", [f"{value_switch}:0"], T=carried[1])

        return k, value, close

    def gather(name, params, index, dtype, control):
        axis = const(f"{name}_axis", np.int32(0), control=control)
        return add(name, "GatherV2", [params, index, axis], Tparams=dtype, Tindices=_INT32, Taxis=_INT32,
                   batch_dims=0)

    values = add("values", "Placeholder", dtype=dtype_enum, shape=[None] + list(shape))
    rows = add("rows", "Placeholder", dtype=_INT32, shape=[None])
    force = add("force", "PlaceholderWithDefault", [const("no", np.bool_(False))], dtype=_BOOL, shape=[])
    start = const("start", np.int32(0))

    # Ask each member in turn: held[k] = whether member k holds a value.
    count = enter("ask", "ask_count", const("count", np.int32(members)), _INT32)
    k, held, close = loop("ask", start, count, (const("none", np.zeros(members, np.bool_)), _BOOL))
    handle = gather("ask_handle", enter("ask", "ask_handles", handles, _RESOURCE), k, _RESOURCE, k)
    flag = add("flag", "VarIsInitializedOp", [handle])
    where = add("where", "Reshape", [k, const("where_shape", np.array([1, 1], np.int32), control=k)],
                T=_INT32, Tshape=_INT32)
    one_flag = add("one_flag", "Reshape", [flag, const("flag_shape", np.array([1], np.int32), control=k)],
                   T=_BOOL, Tshape=_INT32)
    flags = close(add("marked", "TensorScatterUpdate", [held, where, one_flag], T=_BOOL, Tindices=_INT32))

    # Then, if none holds a value (or forced), assign row j of ``values`` to member rows[j].
    any_held = add("any_held", "Any", [flags, const("flags_axis", np.int32(0))], Tidx=_INT32, keep_dims=False)
    open_ = add("open", "LogicalOr", [force, add("none_held", "LogicalNot", [any_held])])

    def gated(name, tensor, dtype):  # live only where the gate opened (else nothing loads)
        return f"{add(name, 'Switch', [tensor, open_], T=dtype)}:1"

    first = add("first", "Switch", [start, open_], T=_INT32)
    open_rows = gated("rows_open", rows, _INT32)
    size = enter("load", "load_count", add("size", "Size", [open_rows], T=_INT32, out_type=_INT32), _INT32)
    j, _, close = loop("load", f"{first}:1", size)
    member = gather("member", enter("load", "load_rows", open_rows, _INT32), j, _INT32, j)
    handle = gather("load_handle", enter("load", "load_handles", gated("handles_open", handles, _RESOURCE),
                                         _RESOURCE), member, _RESOURCE, j)
    value = gather("value", enter("load", "load_values", gated("values_open", values, dtype_enum), dtype_enum),
                   j, dtype_enum, j)
    loaded = close(None, add("assign", "AssignVariableOp", [handle, value], dtype=dtype_enum))
    finished = add("finished", "Merge", [f"{first}:0", loaded], T=_INT32, N=2)  # live either way
    done = add("done", "NoOp", [f"^{finished}", f"^{flags}"])
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


MIN_VARIABLES = 256  # below this the flat loader's two ops per variable cost less than 65 per batch
MIN_ROWS_PER_BATCH = 16


def loop_handle_attrs(ops, specs) -> Optional[list]:
    """Each op's NodeDef ``attr`` where loops pay off and can reach every variable: many
    resource variables with plain shared names (one ``_VarHandlesOp`` names them: one-device
    sessions only, see ``loader.single_device``), in few dtype/shape batches; else None."""
    if len(ops) < MIN_VARIABLES or len(set(specs)) * MIN_ROWS_PER_BATCH > len(ops):
        return None
    if any(dtype.kind not in "biuf" for dtype, _ in specs) or any(op.type != "VarHandleOp" for op in ops):
        return None
    attrs = [op.node_def.attr for op in ops]  # a C call and a parse per op: read once, kept for the build
    return attrs if all(plain_shared_name(attr) for attr in attrs) else None


def loop_slots(graph, ops, specs, attrs, when_imported=None):
    """A LoopSlot per variable, building the loops of those that have none; None if the graph
    is finalized. ``attrs``: from ``loop_handle_attrs``. ``when_imported(LoopRun)``: as in
    ``loader.loader_slots``."""
    state = state_of(graph)
    keys = [("row loop", op.name, spec) for op, spec in zip(ops, specs)]
    missing = [i for i, key in enumerate(keys) if key not in state.loader_slots]
    if missing:
        if graph.finalized:
            return None
        _build_loops(graph, state, [ops[i] for i in missing], [specs[i] for i in missing],
                     [attrs[i] for i in missing], [keys[i] for i in missing],
                     when_imported if len(missing) == len(ops) else None)
    return [state.loader_slots[key] for key in keys]


def _build_loops(graph, state, ops, specs, attrs, keys, when_imported) -> None:
    graph_def = v1.GraphDef()
    handles = make_shared_handles(graph_def, ops, attrs)
    groups = {}
    for index, spec in enumerate(specs):
        groups.setdefault(spec, []).append(index)
    built = []
    for number, ((dtype, shape), members) in enumerate(groups.items()):
        pack = add_node(graph_def, f"handles{number}", "Pack", [handles[i] for i in members], T=_RESOURCE,
                        N=len(members), axis=0)
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
        feeds = []
        for names, dtype, _ in built:
            feeds += [(f"{scope}/{names.values}:0", dtype), (f"{scope}/{names.rows}:0", np.int32)]
        when_imported(LoopRun(feeds, [f"{scope}/{names.flags}:0" for names, _, _ in built],
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
