"""Restore what a checkpoint holds, initialize the rest: one call, one report.

Production session models rarely run an initializer: they restore a checkpoint and initialize
only what it lacks (a new head, new optimizer slots). Doing that by hand takes a Saver over the
right variable list and an initializer over the rest; a [3,4] tensor even restores silently
into a [3,5] resource variable (upstream #52220). Here everything is checked first (the
checkpoint's files, the mapping, every shape and dtype, the initializers), so bad input raises
before any variable changes. Then the restore runs, and the initializers only in the run after
it: damage that only TensorFlow's CRC check finds, while it reads, fails the restore's one read
op before any variable is assigned or initialized. Ops are built once per graph and set of
names.
"""
import threading
import weakref
from typing import Dict, List, Mapping, Optional, Tuple

from tf1init._tf import tf, v1
from tf1init.checkpoints.mapping import Piece, Source, assign_entries
from tf1init.checkpoints.reader import Entry, resolve_checkpoint, verify_checkpoint
from tf1init.checkpoints.report import Mismatch, RestoreReport
from tf1init.checkpoints.suggest import suggest_mapping
from tf1init.graph.analysis import analyse, effective
from tf1init.errors import (
    CheckpointMismatchError,
    CheckpointNotFoundError,
    CorruptCheckpointError,
    FinalizedGraphError,
    ForeignGraphError,
    UninitializedVariablesError,
)
from tf1init.session.flags import initialized_flags
from tf1init.session.initialization import _plan_of, apply_seed, run_initializers
from tf1init.session.runs import GROUP_ABOVE
from tf1init.session.sessions import as_session
from tf1init.graph.selection import graph_variables, is_variable, select_variables, variable_name

POLICIES = ("partial", "strict")
ON_MISMATCH = ("raise", "initialize")


def restore_or_initialize(
    session,
    checkpoint,
    *,
    selection=None,
    mapping=None,
    include=None,
    exclude=None,
    policy: str = "partial",
    on_mismatch: str = "raise",
    seed: Optional[int] = None,
) -> RestoreReport:
    """Restore every variable the checkpoint holds and initialize the others, in one call.

    ``checkpoint``: a prefix, a directory (its latest checkpoint), or None / a directory with
    no checkpoint yet (then everything is initialized). ``selection`` limits the variables this
    call touches (default: all global and local ones). Of those, global variables are restored
    (local ones, such as metric counters, only when ``include`` names them); ``include`` and
    ``exclude`` take variables, names, a scope or a compiled regex. ``mapping`` renames
    checkpoint entries (see :mod:`tf1init.checkpoints.mapping`).

    What does not fit: ``policy="partial"`` initializes the variables the checkpoint lacks and
    reports them (``missing``), with the entries that name no variable (``unused``);
    ``policy="strict"`` raises :class:`tf1init.CheckpointMismatchError` for either. A variable
    the checkpoint holds with another shape or dtype (an embedding grown by two rows, an old
    int32 ``global_step``) raises it under both, naming each variable and both shapes or
    dtypes, unless ``on_mismatch="initialize"`` (with ``policy="partial"``): then it is
    initialized and reported in ``mismatched``. A checkpoint that restores none of the
    variables (another model's) always raises, with suggested renames.

    Every check runs first, so a call that raises a tf1init error has changed no variable.
    That holds for bytes damaged in place (same length), which only TensorFlow's CRC check
    finds while it reads: the restore runs before the initializers, so
    :class:`tf1init.CorruptCheckpointError` leaves every variable as it was.

        >>> import tempfile, tf1init
        >>> import tensorflow as tf; v1 = tf.compat.v1
        >>> trained = tf.Graph()
        >>> with trained.as_default():
        ...     _ = v1.Variable([3.0, 4.0], name="w")
        ...     session = v1.Session()
        ...     tf1init.initialize_all(session)
        ...     prefix = v1.train.Saver().save(session, tempfile.mkdtemp() + "/model")
        ('w',)
        >>> graph = tf.Graph()  # the next version of the model: same w, a new head
        >>> with graph.as_default():
        ...     w = v1.Variable([0.0, 0.0], name="w")
        ...     head = v1.Variable([1.0], name="head")
        >>> session = v1.Session(graph=graph)
        >>> report = tf1init.restore_or_initialize(session, prefix)
        >>> report.restored, report.initialized
        ({'w': 'w'}, ('head',))
        >>> session.run([w, head])
        [array([3., 4.], dtype=float32), array([1.], dtype=float32)]
    """
    return _restore_or_initialize(
        session, checkpoint, selection=selection, mapping=mapping, include=include,
        exclude=exclude, policy=policy, on_mismatch=on_mismatch, seed=seed,
    )


def warm_start(session, checkpoint, selection, *, mapping=None, seed: Optional[int] = None) -> RestoreReport:
    """Restore only the ``selection`` (variables, names, a scope or a compiled regex) from the
    checkpoint and initialize every other variable: keep a trained backbone, start a new head.

    Every selected variable must be in the checkpoint with its shape and dtype, else
    :class:`tf1init.CheckpointMismatchError` before anything runs; entries for unselected
    variables are skipped.
    """
    return _restore_or_initialize(
        session, checkpoint, selection=None, mapping=mapping, include=selection,
        exclude=None, policy="warm", on_mismatch="raise", seed=seed,
    )


def prepare_restore(
    graph,
    checkpoint,
    *,
    selection=None,
    mapping=None,
    include=None,
    exclude=None,
    policy: str = "partial",
    on_mismatch: str = "raise",
) -> RestoreReport:
    """Check a checkpoint against ``graph`` and build the restore ops now, without a session.

    For graphs that get finalized before the first restore (``MonitoredTrainingSession``,
    ``Scaffold.finalize()``): call this first with the arguments the later
    :func:`restore_or_initialize` will get, and that call then adds nothing to the graph.
    Raises what that call would raise about the checkpoint; returns the report of what would
    happen (``initialized`` stays empty until it runs).
    """
    _check_options(policy, on_mismatch)
    plan = _plan(graph, checkpoint, selection, mapping, include, exclude, policy, on_mismatch)
    if plan.restore:
        _restore_ops(graph, plan.restore, plan.entries)
    if plan.initialize:
        analyse(plan.initialize)  # run_initializers reads this analysis; it builds no ops
    return plan.report


def _restore_or_initialize(session, checkpoint, *, selection, mapping, include, exclude, policy,
                           on_mismatch, seed):
    _check_options(policy, on_mismatch)
    session = as_session(session)
    plan = _plan(session.graph, checkpoint, selection, mapping, include, exclude, policy, on_mismatch)
    report = plan.report
    to_initialize = plan.initialize
    if not plan.restore:
        report.initialized = run_initializers(session, to_initialize, seed=seed)
        return report
    ops = _restore_ops(session.graph, plan.restore, plan.entries)
    if to_initialize:
        _check_initializers(session, to_initialize, plan.restore, report.checkpoint)
        if seed is not None:
            apply_seed(session, to_initialize, seed)  # before the restore's run loads the graph
    try:
        # The restore alone: its one read op fails whole, before any assign and before any
        # initializer has run (they share no run with it).
        run_initializers(session, [], also=(ops.assigns, {ops.prefix: report.checkpoint}))
    except (tf.errors.DataLossError, tf.errors.NotFoundError, tf.errors.InvalidArgumentError) as error:
        if error.op is None or error.op.name != ops.restore_op_name:
            raise
        raise CorruptCheckpointError(
            f"restoring from {report.checkpoint!r} failed while reading its data files: "
            f"{_first_cause(error.message)}; no variable was changed. Restore an older "
            f"checkpoint, or copy this one again"
        ) from None
    if to_initialize:
        report.initialized = run_initializers(session, to_initialize, seed=seed)
    return report


def _check_options(policy: str, on_mismatch: str) -> None:
    if policy not in POLICIES + ("warm",):  # "warm" is warm_start's, not offered to callers
        raise ValueError(f"policy must be one of {list(POLICIES)}, not {policy!r}")
    if on_mismatch not in ON_MISMATCH:
        raise ValueError(f"on_mismatch must be one of {list(ON_MISMATCH)}, not {on_mismatch!r}")
    if policy == "strict" and on_mismatch == "initialize":
        raise ValueError(
            "policy='strict' refuses every mismatch, so on_mismatch='initialize' has no effect "
            "there; use policy='partial', on_mismatch='initialize' to initialize mismatched variables"
        )


def _check_initializers(session, to_initialize, restore, checkpoint) -> None:
    """Raise now what ``run_initializers`` would raise once the restore has run: cycles,
    placeholders nothing feeds, initial values reading variables that hold no value and that
    the restore does not fill. Bad input must change nothing."""
    plan = _plan_of(session.graph, to_initialize, {})  # raises; cached for the real call
    if plan.outside is None:
        return
    reads, sources = plan.outside
    by_name = {variable_name(v): v for v in select_variables(session.graph)}
    pending = sorted(n for n in (reads | sources) - restore.keys() if n in by_name)
    flags = initialized_flags(session, [by_name[n] for n in pending])
    empty = [n for n, ready in zip(pending, flags) if not ready]
    if empty:
        found, chosen = plan.found, set(plan.names)
        readers = sorted(
            n for n in found
            if (effective(n, found, chosen, "reads") | effective(n, found, chosen, "sources")) & set(empty)
        )
        raise UninitializedVariablesError(
            f"{readers} take their initial value from {empty}, which hold no value yet and are "
            f"not restored from {checkpoint!r}; nothing was changed. Initialize {empty} first, "
            f"or select them together",
            empty,
        )


def _first_cause(message: str) -> str:
    """TensorFlow's own reason, without its 'Graph execution error' and node-trace lines."""
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    useful = [
        line for line in lines
        if not line.startswith(("Graph execution error", "Detected at node", "[[", "File ", "Node: "))
    ]
    return (useful or lines or ["unknown error"])[0]


class _Plan:
    def __init__(self, report, restore, initialize, entries):
        self.report = report
        self.restore: Dict[str, Tuple[object, Source]] = restore  # name -> (variable, source)
        self.initialize: List = initialize
        self.entries: Dict[str, Entry] = entries


def _plan(graph, checkpoint, selection, mapping, include, exclude, policy, on_mismatch) -> _Plan:
    """Decide everything, raise on bad input; runs nothing."""
    handled = select_variables(graph, selection)
    warm = policy == "warm"
    if checkpoint is None and warm:
        raise CheckpointNotFoundError("warm_start needs a checkpoint to start from; got None")
    prefix = None if checkpoint is None else resolve_checkpoint(checkpoint, allow_none=not warm)
    if prefix is None:
        return _Plan(RestoreReport(checkpoint=None), {}, handled, {})
    entries = verify_checkpoint(prefix)

    everything = {variable_name(v): v for v in graph_variables(graph)}
    restorable = _restorable(graph, handled, include, exclude)
    partitions = _partitions(everything.values())
    assignment = assign_entries(
        entries, everything, _named(mapping, graph),
        partitions=partitions,
        shape_of=lambda name: _static_shape(everything[name]),
    )
    restore, mismatched, skipped = {}, [], list(assignment.dropped)
    partitioned: Dict[Tuple[str, str], List[str]] = {}  # (variable, entry) -> parts, in order
    for name, source in assignment.sources.items():
        if name not in restorable:
            skipped.extend(source.entries)
        elif source.how == "partition":
            partitioned.setdefault((partitions[name][0], source.pieces[0].entry), []).append(name)
        else:
            found_shape, found_dtype = _source_signature(source, entries)
            mismatch = _mismatch(name, everything[name], _static_shape(everything[name]), source.describe(),
                                 found_shape, found_dtype)
            if mismatch:
                mismatched.append(mismatch)
            else:
                restore[name] = (everything[name], source)
    for (name, entry), parts in partitioned.items():
        # The whole partitioned variable against the whole entry: each part's slice spec
        # assumes the variable's full shape, and TensorFlow refuses it only while reading.
        first = assignment.sources[parts[0]].pieces[0]
        found = entries[entry]
        mismatch = _mismatch(name, everything[parts[0]], first.full_shape, entry, found.shape, found.dtype,
                             tuple(parts))
        if mismatch:
            mismatched.append(mismatch)
        else:
            restore.update((p, (everything[p], assignment.sources[p])) for p in parts)
    mismatched.sort(key=lambda m: m.variable)
    handled_names = [variable_name(v) for v in handled]
    not_restored = {n for m in mismatched for n in (m.parts or (m.variable,))}
    missing = tuple(
        n for n in handled_names if n in restorable and n not in restore and n not in not_restored
    )
    unused = tuple(sorted(assignment.targets_unknown))
    suggestions = suggest_mapping(
        {e: (entries[e].shape, entries[e].dtype) for e in unused},
        {n: (_static_shape(everything[n]), everything[n].dtype.base_dtype.name) for n in missing},
    )
    report = RestoreReport(
        checkpoint=prefix,
        restored={n: restore[n][1].describe() for n in handled_names if n in restore},
        missing=missing,
        unused=unused,
        skipped=tuple(sorted(set(skipped))),
        mismatched=tuple(mismatched),
        suggestions=suggestions,
    )
    _check_policy(report, policy, on_mismatch, restorable, entries)
    initialize = [v for v in handled if variable_name(v) not in restore]
    return _Plan(report, restore, initialize, entries)


def _mismatch(name, variable, want_shape, entry, found_shape, found_dtype, parts=()) -> Optional[Mismatch]:
    want_dtype = variable.dtype.base_dtype.name
    if _shapes_fit(want_shape, found_shape) and want_dtype == found_dtype:
        return None
    return Mismatch(
        name, tuple(d if d is not None else -1 for d in want_shape), want_dtype,
        entry, tuple(found_shape), found_dtype, tuple(parts),
    )


def _check_policy(report: RestoreReport, policy: str, on_mismatch: str, restorable, entries) -> None:
    where = f"checkpoint {report.checkpoint!r}"
    if restorable and entries and not report.restored:
        raise CheckpointMismatchError(
            f"{where} restores none of this graph's variables: it looks like a checkpoint of a "
            f"different model ({len(entries)} entries such as {sorted(entries)[:3]}; variables "
            f"such as {sorted(restorable)[:3]}). Pass the checkpoint of this model, or a mapping= "
            f"from its names to yours.\n{report.problems()}",
            report.mismatched,
        )
    if policy == "strict" and not report.ok:
        raise CheckpointMismatchError(
            f"{where} does not fit the graph exactly (policy='strict'; nothing was changed):\n"
            f"{report.problems()}\nUse policy='partial' to restore what fits and initialize the "
            f"variables the checkpoint lacks (and on_mismatch='initialize' for those it holds "
            f"with another shape or dtype).",
            report.mismatched,
        )
    if policy == "warm" and (report.missing or report.mismatched):
        raise CheckpointMismatchError(
            f"warm start from {where}: every selected variable must be restored (nothing was "
            f"changed):\n{report.problems()}",
            report.mismatched,
        )
    if report.mismatched and on_mismatch == "raise":
        raise CheckpointMismatchError(_mismatch_message(where, report.mismatched), report.mismatched)


_SHOWN = 20  # mismatches listed one per line in an error; the exception holds them all


def _mismatch_message(where: str, mismatched) -> str:
    lines = [f"  {m}" for m in mismatched[:_SHOWN]]
    if len(mismatched) > _SHOWN:
        lines.append(f"  ... and {len(mismatched) - _SHOWN} more (the error's .mismatches lists them all)")
    names = [n for m in mismatched for n in (m.parts or (m.variable,))]
    leave_out = f"exclude={names!r}" if len(names) <= 8 else f"exclude= with those {len(names)} variables"
    return (
        f"{where} holds {len(mismatched)} of the graph's variables with another shape or dtype; "
        f"nothing was changed:\n" + "\n".join(lines) + "\n"
        f"Restoring them would be wrong. To initialize them instead (their checkpoint values "
        f"discarded), pass on_mismatch='initialize', or leave them out with {leave_out}; a "
        f"mapping= can send other entries to them."
    )


def _named(mapping, graph):
    """The mapping with variables replaced by their names: init_from_checkpoint takes a
    variable, a partitioned one or a list of its parts as a value, and so do we."""
    if mapping is None or (callable(mapping) and not isinstance(mapping, Mapping)):
        return mapping
    if isinstance(mapping, Mapping):
        return {key: _name_of(value, graph) for key, value in mapping.items()}
    if isinstance(mapping, (list, tuple)):
        return [
            (item[0], _name_of(item[1], graph)) if isinstance(item, tuple) and len(item) == 2 else item
            for item in mapping
        ]
    return mapping  # assign_entries says what it takes


def _name_of(value, graph):
    if value is None or isinstance(value, str):
        return value
    if is_variable(value):
        if value.graph is not graph:
            raise ForeignGraphError(
                f"the mapping sends an entry to the variable {variable_name(value)!r} of another "
                f"graph than the session's"
            )
        return variable_name(value)
    if hasattr(value, "__iter__") and not isinstance(value, (bytes, dict)):
        items = list(value)  # a list of variables, or a PartitionedVariable (its parts)
        if items and all(is_variable(v) or isinstance(v, str) for v in items):
            return tuple(_name_of(v, graph) for v in items)
    return value


def _restorable(graph, handled, include, exclude) -> set:
    handled_names = {variable_name(v) for v in handled}
    if include is None:
        chosen = {variable_name(v) for v in graph.get_collection(v1.GraphKeys.GLOBAL_VARIABLES)}
    else:
        chosen = {variable_name(v) for v in select_variables(graph, include)}
    if exclude is not None:
        chosen -= {variable_name(v) for v in select_variables(graph, exclude)}
    return chosen & handled_names


def _partitions(variables) -> Dict[str, Tuple[str, str, Tuple[int, int]]]:
    parts = {}
    for variable in variables:
        info = getattr(variable, "_save_slice_info", None)
        if info is not None:
            start = info.var_offset[0] if info.var_offset else 0
            rows = info.var_shape[0] if info.var_shape else 0
            parts[variable_name(variable)] = (info.full_name, info.spec, (start, start + rows))
    return parts


def _static_shape(variable) -> Optional[Tuple]:
    dims = variable.shape.dims  # TensorShape.as_list() costs ~30 us; this is a tenth of it
    return None if dims is None else tuple(d if isinstance(d, int) or d is None else d.value for d in dims)


def _shapes_fit(want, found) -> bool:
    if want is None:
        return True
    return len(want) == len(found) and all(w is None or w == f for w, f in zip(want, found))


def _piece_shape(piece: Piece, entry: Entry) -> Tuple[int, ...]:
    if not piece.spec:
        return entry.shape
    extents = piece.spec.split(" ")[-1].split(":")
    return tuple(
        full if extent == "-" else int(extent.split(",")[1])
        for full, extent in zip(entry.shape, extents)
    )


def _source_signature(source: Source, entries) -> Tuple[Tuple[int, ...], str]:
    shapes = [_piece_shape(p, entries[p.entry]) for p in source.pieces]
    dtypes = sorted({entries[p.entry].dtype for p in source.pieces})
    shape = shapes[0]
    if len(shapes) > 1:
        if any(len(s) != len(shape) or s[1:] != shape[1:] for s in shapes) or not shape:
            shape = tuple(d for s in shapes for d in ("|",) + s)  # unjoinable: shown as is
        else:
            shape = (sum(s[0] for s in shapes),) + shape[1:]
    return shape, "+".join(dtypes)


# --- restore ops, built once per graph and set of (variable, source) ---------------------


class _RestoreOps:
    def __init__(self, prefix, assigns, restore_op_name):
        self.prefix = prefix
        self.assigns = assigns
        self.restore_op_name = restore_op_name


_CACHE: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def _restore_ops(graph, restore: Dict[str, Tuple[object, Source]], entries) -> _RestoreOps:
    key = tuple((name, source.pieces) for name, (_, source) in restore.items())
    dtypes_key = tuple(entries[p.entry].dtype for _, (_, s) in restore.items() for p in s.pieces)
    with _LOCK:
        per_graph = _CACHE.setdefault(graph, {})
        ops = per_graph.get((key, dtypes_key))
        if ops is None:
            if graph.finalized:
                raise FinalizedGraphError(
                    f"the graph is finalized, so the ops that restore {len(restore)} variables "
                    f"cannot be added now; call tf1init.prepare_restore(graph, checkpoint, ...) "
                    f"with the same arguments before the graph is finalized (for example "
                    f"before creating a MonitoredTrainingSession)"
                )
            ops = per_graph[(key, dtypes_key)] = _build_restore_ops(graph, restore, entries)
        return ops


def _build_restore_ops(graph, restore, entries) -> _RestoreOps:
    reads: Dict[Tuple[str, str], int] = {}
    for _, source in restore.values():
        for piece in source.pieces:
            reads.setdefault((piece.entry, piece.spec), len(reads))
    with graph.as_default(), graph.control_dependencies(None), v1.name_scope(None):
        with v1.name_scope("tf1init_restore"):
            with tf.device("/device:CPU:0"):
                prefix = v1.placeholder(tf.string, [], name="prefix")
                values = tf.raw_ops.RestoreV2(
                    prefix=prefix,
                    tensor_names=[name for name, _ in reads],
                    shape_and_slices=[spec for _, spec in reads],
                    dtypes=[tf.as_dtype(entries[name].dtype) for name, _ in reads],
                    name="restore",
                )
            assigns = []
            for variable, source in restore.values():
                # No colocate_with: resource and ref inputs already pin an assign to its variable.
                parts = [values[reads[(p.entry, p.spec)]] for p in source.pieces]
                value = parts[0] if len(parts) == 1 else tf.concat(parts, 0)
                assigns.append(_assign_op(variable, value))
            if len(assigns) > GROUP_ABOVE:
                assigns = [tf.group(*assigns, name="assign")]
    return _RestoreOps(prefix, assigns, values[0].op.name)


def _assign_op(variable, value):
    if variable.op.type == "VarHandleOp":
        return tf.raw_ops.AssignVariableOp(resource=variable.handle, value=value)
    return v1.assign(variable, value, validate_shape=True).op
