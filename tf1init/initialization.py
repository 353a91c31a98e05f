"""Initialize the variables of a TF1 graph in a session: all, a selection, or what is left.

Every call validates first (closed session, foreign variables, dependency cycles, sources that
are not initialized) and only then runs, so bad input leaves the session's variables as they
were. Initializers run in dependency layers (see ``dependencies``), one ``session.run`` per
layer and almost always one layer. Initial values made of seeded random ops and arithmetic are
computed outside the session, bit for bit (``replay``), and assigned by ops built once per
graph (``loader``); repeated calls add no ops. TF's set-up of each run overlaps with that
Python work (``background_run``), and in the common case starts before the analysis
(``speculation``).

Re-initializing: the k-th tf1init initialization of a variable in a session gives TF's k-th
draw, as re-running its initializer would. tf1init counts its own draws only: running TF's own
initializer op in the same session as well (before or after a tf1init call) repeats a draw
instead of taking the next one.
"""
import contextlib
import gc
from typing import Dict, List, Optional, Sequence, Tuple

from tf1init._graph_state import state_of
from tf1init._tf import tf, v1
from tf1init.big_arrays import array_feeds, fed_array
from tf1init.dependencies import analyse, layers
from tf1init.errors import ForeignGraphError, SessionClosedError, UninitializedVariablesError
from tf1init.background_run import BackgroundRun, extend_in_background
from tf1init.loader import (
    check_slots, loader_feeds, loader_placeholders, loader_slots, loader_targets, single_device, spec_of,
    value_spec,
)
from tf1init.replay import NotReplayable, Replay, replay_allowed
from tf1init.seeding import reseed_variables
from tf1init.speculation import speculate
from tf1init.selection import select_variables, variable_name


def check_session(session) -> None:
    """Raise SessionClosedError if ``session`` can no longer run anything."""
    if getattr(session, "_closed", False):
        raise SessionClosedError(
            "the session is closed; create a new tf.compat.v1.Session and initialize in it"
        )


def initialize_all(session, *, seed: Optional[int] = None) -> Tuple[str, ...]:
    """Initialize every global and local variable of the session's graph; return their names.

    With ``seed``, every random initial value is seeded from (seed, variable name), so the same
    graph gets the same initial values in every run, and unrelated edits to it change nothing.

        >>> import tf1init
        >>> from tf1init._tf import tf, v1
        >>> graph = tf.Graph()
        >>> with graph.as_default():
        ...     w = v1.Variable(v1.ones([2]), name="w")
        ...     steps = v1.Variable(0, name="steps", collections=[v1.GraphKeys.LOCAL_VARIABLES])
        >>> session = v1.Session(graph=graph)
        >>> tf1init.initialize_all(session)
        ('w', 'steps')
        >>> session.run(w).tolist()
        [1.0, 1.0]
    """
    return run_initializers(session, select_variables(session.graph), seed=seed)


def initialize(session, selection, *, seed: Optional[int] = None) -> Tuple[str, ...]:
    """Initialize the selected variables only; return their names.

    ``selection``: variables or variable names (a list; empty means nothing to do), a scope
    prefix such as ``"encoder"`` (whole scope components: never ``"encoder_2/..."``), or a
    compiled regex matched from the start of each name. A name or scope that matches nothing
    raises :class:`tf1init.SelectionError` listing the closest names.
    """
    return run_initializers(session, select_variables(session.graph, selection), seed=seed)


def initialize_uninitialized(session, selection=None, *, seed: Optional[int] = None) -> Tuple[str, ...]:
    """Initialize exactly the (selected) variables that hold no value yet; return their names.

    This is the call after a partial restore: restored variables are never touched.
    """
    with _gc_paused():
        check_session(session)
        variables = select_variables(session.graph, selection)
        if seed is None:  # seeds are attributes: set before the session sees the ops
            speculative = speculate(session, variables, check=True)
            if speculative is not None:
                try:
                    done = _uninitialized_in_one_go(session, speculative)
                finally:
                    speculative.abandon()
                if done is not None:
                    return done
        todo = [v for v, ready in zip(variables, initialized_flags(session, variables)) if not ready]
        return run_initializers(session, todo, seed=seed)


def uninitialized_variables(session, selection=None) -> List:
    """The (selected) variables that hold no value yet, in graph order, in one run."""
    check_session(session)
    variables = select_variables(session.graph, selection)
    flags = initialized_flags(session, variables)
    return [v for v, done in zip(variables, flags) if not done]


def initialized_flags(session, variables: Sequence) -> List[bool]:
    """For each variable, whether it holds a value (one run of cached ops: one stacked tensor
    per batch of variables, so the run has one fetch instead of one per variable)."""
    if not variables:
        return []
    slots = check_slots(session.graph, variables)
    if slots is None:
        return [bool(flag) for flag in session.run([is_initialized_tensor(v) for v in variables])]
    rows: Dict[object, int] = {}
    for flags, _, _ in slots:
        rows[flags] = rows.get(flags, 0) + 1
    # A whole stacked tensor when most of it is asked for; else the few flags themselves.
    whole = [t for t, asked in rows.items() if asked * 4 >= t.shape[0] or asked > 64]
    single = [own for flags, _, own in slots if flags not in whole]
    fetched = session.run(whole + single)
    values = dict(zip(whole, fetched))
    alone = iter(fetched[len(whole):])
    return [bool(values[flags][row]) if flags in values else bool(next(alone)) for flags, row, _ in slots]


def is_initialized_tensor(variable):
    """A scalar bool tensor, built once per variable, that says whether it holds a value."""
    state = state_of(variable.graph)
    name = variable_name(variable)
    tensor = state.is_initialized.get(name)
    if tensor is None:
        tensor = getattr(variable, "_is_initialized_op", None)  # resource variables have one
        if tensor is None:
            with variable.graph.as_default(), variable.graph.control_dependencies(None):
                tensor = v1.is_variable_initialized(variable)
        state.is_initialized[name] = tensor
    return tensor


@contextlib.contextmanager
def _gc_paused():
    """Python's cyclic GC rescans every object of a big graph while we allocate thousands of
    small ones (a quarter of the analysis time at 5,000 variables); pause it for the call."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def run_initializers(
    session, variables: Sequence, *, seed: Optional[int] = None, also=None
) -> Tuple[str, ...]:
    """Run the initializers of ``variables`` in dependency order; validate everything first.

    Initial values that ``tf1init.replay`` can compute exactly are computed outside the session
    and assigned by the bulk loader (``tf1init.loader``); the others run their own ops.
    ``also``: ``(fetches, feed_dict)`` to run in the same ``session.run`` as the first layer
    (a restore that no initializer here reads): each new fetch set pays graph optimisation
    once, so one run is cheaper than two.
    """
    with _gc_paused():
        return _run_initializers(session, variables, seed, also)


def _run_initializers(session, variables: Sequence, seed: Optional[int], also) -> Tuple[str, ...]:
    check_session(session)
    variables = list(variables)
    if not variables:
        if also is not None:
            session.run(also[0], feed_dict=also[1] or None)
        return ()
    graph = session.graph
    for variable in variables:
        if variable.graph is not graph:
            raise ForeignGraphError(
                f"variable {variable_name(variable)!r} belongs to another graph than the session's"
            )
    # Seeds are attributes: they must be set before the session sees the ops.
    speculative = speculate(session, variables) if seed is None and also is None else None
    extending = extend_in_background(session) if seed is None and speculative is None else None
    try:
        order = layers(variables)  # raises DependencyCycleError before anything runs
        state = state_of(graph)
        names = {id(v): variable_name(v) for v in variables}
        if speculative is not None and _all_in_one_go(session, speculative, order):
            return tuple(names[id(v)] for v in variables)
        feeds = _outside_sources(session, variables, set(names.values()))
        if seed is not None:
            for op_name in reseed_variables(variables, seed):  # forget the attributes read before
                state.nodes.pop(op_name, None)
        replay = None
        if replay_allowed(session):
            replay = Replay(session, {(t.op.name, t.value_index): value for t, value in feeds.items()})
        in_session = _run_in_session(state, variables) if replay else set(names.values())
        done = {}
        for number, layer in enumerate(order):
            extra = also if (also is not None and number == 0) else None
            _run_layer(session, state, replay, layer, names, in_session, feeds, done, extra)
            if replay:
                replay.commit()
    finally:
        if speculative is not None:
            speculative.abandon()
        if extending is not None:
            extending.join()
    return tuple(names[id(v)] for v in variables)


def _all_in_one_go(session, speculative, order) -> bool:
    """Run the speculated load (``speculation``) if the analysis agrees; False if it does not."""
    if not speculative.applies(order):
        return False
    values = speculative.values()
    if values is None:
        return False
    with _explained(session):
        speculative.load(values)
    _record(session, speculative, values, range(len(values)))
    return True


def _uninitialized_in_one_go(session, speculative):
    """initialize_uninitialized by the speculated runs: the question, then the loader for
    what holds no value (the prepared set-up when that is everything). None if the analysis
    disagrees (the caller then takes the general path)."""
    if not speculative.applies(layers(speculative.variables)):
        return None
    values = speculative.values()
    if values is None:
        return None
    with _explained(session):
        todo = speculative.load_uninitialized(values)
    _record(session, speculative, values, todo)
    return tuple(speculative.names[i] for i in todo)


def _record(session, speculative, values, assigned) -> None:
    """Count the replayed draws of the variables assigned; keep the draws of sources."""
    state = state_of(session.graph)
    names = speculative.names
    replay = speculative.replay
    if len(assigned) < len(names):  # else every pending draw was assigned
        assigned_ops = {op for i in assigned for op in state.random_ops[names[i]]}
        replay.pending = {op: k for op, k in replay.pending.items() if op in assigned_ops}
    replay.commit()
    for i in assigned:
        if names[i] in state.source_names:
            state.drawn[names[i]] = values[i]


@contextlib.contextmanager
def _explained(session):
    """TF's errors in a run, translated to tf1init's (``explain_errors``) where it knows them."""
    try:
        yield
    except tf.errors.OpError as error:
        from tf1init.explain_errors import explain  # it imports this module

        translated = explain(error, session)
        if translated is error:
            raise
        raise translated from error


def _run_layer(session, state, replay, layer, names, in_session, feeds, done, extra) -> None:
    """Initialize one dependency layer in one run: replayed values through the loader, the
    others by their own initializers. The run's set-up starts before the values are computed
    and overlaps with computing them (``background_run``)."""
    graph = session.graph
    plain, computed, specs, early = [], [], [], {}
    for variable in layer:
        name = names[id(variable)]
        if name in in_session:
            plain.append(variable)
            continue
        spec = value_spec(variable)
        if spec is None:  # shape unknown to the graph: the value tells
            try:
                early[name] = replay.value(state.plans[name])
            except NotReplayable:
                plain.append(variable)
                continue
            spec = spec_of(early[name])
        computed.append(variable)
        specs.append(spec)
    slots = loader_slots(graph, computed, specs, shared_handles=single_device(session)) if computed else []
    if slots is None:  # finalized graph without loader ops: TF's own initializers
        plain, computed, slots = list(layer), [], []
    # Sources of initialized_value() keep their draw, so that a derived variable
    # initialized later (in a later layer, or a later call) still equals it.
    arrays = {variable_name(v): fed_array(v) for v in plain}
    captured = [v for v in plain
                if variable_name(v) in state.source_names and arrays[variable_name(v)] is None]
    with graph.as_default():  # initial_value is refused in eager mode
        draws = [v.initial_value for v in captured]
    extra_fetches, extra_feeds = extra if extra is not None else ([], None)
    extra_ops = [f for f in tf.nest.flatten(extra_fetches) if isinstance(f, tf.Operation)]
    extra_tensors = [f for f in tf.nest.flatten(extra_fetches) if not isinstance(f, tf.Operation)]
    other_feeds = {**_layer_feeds(graph, state, plain, done, feeds), **(extra_feeds or {})}
    placeholders = loader_placeholders(slots)
    run = BackgroundRun(
        session,
        placeholders + list(other_feeds),
        draws + extra_tensors,
        loader_targets(slots) + [v.initializer for v in plain] + extra_ops,
    )
    values = []
    for variable, spec in zip(computed, specs):
        name = names[id(variable)]
        try:
            value = early[name] if name in early else replay.value(state.plans[name])
        except NotReplayable:
            value = None
        if value is None or spec_of(value) != spec:  # rare: it runs its own initializer instead
            run.abandon()
            return _run_layer(session, state, replay, layer, names, in_session | {name}, feeds, done, extra)
        values.append(value)
    stacks = loader_feeds(slots, values)
    with _explained(session):
        fetched = run.run([stacks[p] for p in placeholders] + list(other_feeds.values()))
    drawn = fetched[:len(draws)]
    for variable, value in list(zip(captured, drawn)) + list(zip(computed, values)):
        if variable_name(variable) in state.source_names:
            state.drawn[variable_name(variable)] = value
    for variable in layer:
        name = variable_name(variable)
        if arrays.get(name) is not None and name in state.source_names:
            state.drawn[name] = arrays[name]
        done[name] = variable
    return None


def _layer_feeds(graph, state, layer, done, feeds) -> Dict:
    """One layer's feeds: arrays of array-backed variables, the draws of sources initialized in
    an earlier layer of this call, and the pinned sources from outside the selection."""
    names = {variable_name(v) for v in layer}
    shared = {s for n in names for s in state.shares[n]}
    result = array_feeds(graph, names | shared)
    with graph.as_default():
        for source in shared - names:
            if source in done:
                result[done[source].initial_value] = state.drawn[source]
    result.update(feeds)
    return result


def _run_in_session(state, variables) -> set:
    """Names of the variables whose initial values must run in the session: no replay plan, or
    an op shared with one of those (both must see the same draw, so both run there)."""
    names = [variable_name(v) for v in variables]
    in_session = {n for n in names if state.plans[n] is None}
    if not in_session:
        return in_session
    session_ops = set().union(*(state.ops_of[n] for n in in_session))
    changed = True
    while changed:
        changed = False
        for name in names:
            if name not in in_session and not state.ops_of[name].isdisjoint(session_ops):
                in_session.add(name)
                session_ops |= state.ops_of[name]
                changed = True
    return in_session


def _outside_sources(session, variables: Sequence, chosen) -> Dict:
    """Feeds that pin initial values shared with variables outside the selection, and a check
    that every variable read by an initial value is either selected or already initialized."""
    state = state_of(session.graph)
    if not any(state.reads[n] or state.shares[n] for n in chosen):
        return {}
    by_name = {variable_name(v): v for v in select_variables(session.graph)}
    needed_reads = sorted({r for v in variables for r in state.reads[variable_name(v)]} - chosen)
    needed_shares = sorted({s for v in variables for s in state.shares[variable_name(v)]} - chosen)
    outside = [by_name[n] for n in needed_reads + needed_shares if n in by_name]
    flags = dict(zip((variable_name(v) for v in outside), initialized_flags(session, outside)))
    missing = sorted({n for n in needed_reads + needed_shares if not flags.get(n, False)})
    if missing:
        readers = sorted(
            variable_name(v) for v in variables
            if (state.reads[variable_name(v)] | state.shares[variable_name(v)]) & set(missing)
        )
        raise UninitializedVariablesError(
            f"{readers} take their initial value from {missing}, which hold no value yet; "
            f"initialize {missing} first or select them together",
            missing,
        )
    feeds = {}
    unknown = [n for n in needed_shares if n not in state.drawn]
    current = dict(zip(unknown, session.run([by_name[n] for n in unknown]))) if unknown else {}
    for name in needed_shares:
        # The source's own draw if tf1init made it; else its current value, as TF1's
        # initialized_value() would read it (for example after a restore).
        with session.graph.as_default():
            feeds[by_name[name].initial_value] = state.drawn.get(name, current.get(name))
    return feeds
