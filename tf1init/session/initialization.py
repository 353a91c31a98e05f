"""Initialize the variables of a TF1 graph in a session: all, a selection, or what is left.

The values always come from TensorFlow's own initializer ops, run in the session; tf1init
decides *what* runs and *in which order*. Every call checks first (the session, foreign or
eager variables, dependency cycles, sources that hold no value, placeholders nothing feeds, a
seed that comes too late) and only then runs, so bad input leaves the session as it was.

Initializers run in dependency layers (``tf1init.graph.analysis``): one run per layer, and
almost always one layer. Within a call, a random op that initial values of several layers use
is drawn once: its value is fetched in the first layer's run and fed to the later ones, as
TensorFlow's single ``global_variables_initializer()`` run would share it.
"""
from typing import Dict, List, Optional, Sequence, Tuple

from tf1init._tf import tf
from tf1init._tf_private import op_id
from tf1init.errors import (
    ForeignGraphError, SeedTooLateError, SelectionError, UnfedPlaceholderError,
    UninitializedVariablesError,
)
from tf1init.graph.analysis import analyse, effective, layers
from tf1init.graph.arrays import array_feeds, fed_placeholders
from tf1init.graph.seeding import reseed_variables
from tf1init.graph.selection import select_variables, variable_name
from tf1init.graph.state import session_state, state_of
from tf1init.session.explain_errors import explained_errors
from tf1init.session.flags import initialized_flags
from tf1init.session.runs import GROUP_ABOVE, run
from tf1init.session.sessions import as_session


def initialize_all(session, *, seed: Optional[int] = None, feed_dict=None) -> Tuple[str, ...]:
    """Initialize every global and local variable of the session's graph; return their names.

    With ``seed``, every random initial value is seeded from (seed, variable name), so the same
    graph gets the same initial values in every run, and unrelated edits to it change nothing.
    ``feed_dict`` feeds placeholders that initial values read.

        >>> import tensorflow as tf, tf1init
        >>> graph = tf.Graph()
        >>> with graph.as_default():
        ...     w = tf.compat.v1.Variable(tf.ones([2]), name="w")
        ...     steps = tf.compat.v1.Variable(0, name="steps",
        ...                                   collections=[tf.compat.v1.GraphKeys.LOCAL_VARIABLES])
        >>> session = tf.compat.v1.Session(graph=graph)
        >>> tf1init.initialize_all(session)
        ('w', 'steps')
        >>> session.run(w).tolist()
        [1.0, 1.0]
    """
    session = as_session(session, "initialize_all")
    return run_initializers(session, select_variables(session.graph), seed=seed, feed_dict=feed_dict)


def initialize(session, selection, *, seed: Optional[int] = None, feed_dict=None) -> Tuple[str, ...]:
    """Initialize the selected variables only; return their names.

    ``selection``: variables or variable names (a list; empty means nothing to do), a scope
    prefix such as ``"encoder"`` (whole scope components: never ``"encoder_2/..."``), or a
    compiled regex matched from the start of each name. A name or scope that matches nothing
    raises :class:`tf1init.SelectionError` listing the closest names.
    """
    session = as_session(session, "initialize")
    if selection is None:
        raise SelectionError(
            "initialize(session, None) selects nothing: pass variables, names, a scope or a "
            "compiled regex; tf1init.initialize_all(session) initializes every variable"
        )
    variables = select_variables(session.graph, selection)
    return run_initializers(session, variables, seed=seed, feed_dict=feed_dict)


def initialize_uninitialized(session, selection=None, *, seed: Optional[int] = None,
                             feed_dict=None) -> Tuple[str, ...]:
    """Initialize exactly the (selected) variables that hold no value yet; return their names.

    This is the call after a partial restore: restored variables are never touched.
    """
    session = as_session(session, "initialize_uninitialized")
    variables = select_variables(session.graph, selection)
    if seed is not None and session_state(session).loaded_version < 0:
        apply_seed(session, variables, seed)  # before the question loads the graph
    flags = initialized_flags(session, variables)
    todo = [v for v, ready in zip(variables, flags) if not ready]
    return run_initializers(session, todo, seed=seed, feed_dict=feed_dict)


def uninitialized_variables(session, selection=None) -> List:
    """The (selected) variables that hold no value yet, in graph order, in one run."""
    session = as_session(session, "uninitialized_variables")
    variables = select_variables(session.graph, selection)
    return [v for v, done in zip(variables, initialized_flags(session, variables)) if not done]


def apply_seed(session, variables: Sequence, seed: int) -> None:
    """Seed the variables' random ops from (seed, name), or raise SeedTooLateError if this
    session already loaded one of them with other seeds (TF would silently keep those)."""
    changes = reseed_variables(variables, seed, apply=False)
    if not changes:
        return
    loaded = session_state(session).loaded_version
    graph = session.graph
    stale = [n for n in changes if op_id(graph.get_operation_by_name(n)) <= loaded]
    if stale:
        raise SeedTooLateError(
            f"seed={seed} would change the seeds of random ops this session already ran with "
            f"other seeds ({', '.join(stale[:3])}{', ...' if len(stale) > 3 else ''}); "
            "TensorFlow keeps the attributes a session first saw, so the seed would be ignored. "
            "Pass seed= on the session's first tf1init call, or initialize in a new session "
            "(tf.compat.v1.Session(graph=graph)), where the seed applies"
        )
    reseed_variables(variables, seed)


def run_initializers(session, variables: Sequence, *, seed: Optional[int] = None,
                     feed_dict=None, also=None) -> Tuple[str, ...]:
    """Run the initializers of ``variables`` in dependency order; check everything first.

    ``also``: ``(target ops, feeds)`` to run in the first layer's run (a restore that no
    initializer here reads): each new set of fetched ops pays graph set-up once, so one run is
    cheaper than two.
    """
    session = as_session(session, "run_initializers")
    graph = session.graph
    variables = list(variables)
    user_feeds = _feeds(graph, feed_dict)
    plan = _plan_of(graph, variables, user_feeds)
    if seed is not None:  # before any run: a run loads the graph with the seeds it has then
        apply_seed(session, variables, seed)
    feeds = dict(user_feeds)
    if plan.outside:
        feeds.update(_outside_sources(session, plan))
    if not variables:
        if also is not None:
            with explained_errors(session):
                run(session, targets=list(also[0]), feeds=dict(also[1] or {}))
        return ()
    drawn: Dict = {}
    for number, layer in enumerate(plan.layers):
        layer_feeds = dict(feeds)
        if plan.arrays:
            layer_feeds.update(array_feeds(graph, layer.names))
        layer_feeds.update((t, drawn[t]) for t in layer.fed)
        targets = layer.targets
        if also is not None and number == 0:
            targets = targets + list(also[0])
            layer_feeds.update(also[1] or {})
        with explained_errors(session):
            values = run(session, fetches=layer.kept, targets=targets, feeds=layer_feeds)
        drawn.update(zip(layer.kept, values))
    return plan.names


class _Layer:
    """One run of a call: the initializers it targets (one group op where the graph can take
    one, as ``global_variables_initializer()`` is), and the random draws it keeps (fetches) for
    later layers or takes (feeds) from earlier ones."""

    def __init__(self, variables, names, kept, fed):
        self.names = names
        initializers = [v.initializer for v in variables]
        graph = variables[0].graph
        if len(initializers) > GROUP_ABOVE and not graph.finalized:
            with graph.as_default(), graph.control_dependencies(None), graph.name_scope(None):
                initializers = [tf.group(*initializers, name="tf1init_initialize")]
        self.targets = initializers
        self.kept = kept
        self.fed = fed


class _Plan:
    """What a call on one set of variables runs, worked out once per graph and set."""

    def __init__(self, variables, names, found, layers, outside, arrays):
        self.variables = variables  # held, so the ids in the cache key stay theirs
        self.names = names
        self.found = found
        self.layers = layers
        self.outside = outside  # (names read, sources used) outside the call
        self.arrays = arrays


def _plan_of(graph, variables: List, user_feeds: Dict) -> _Plan:
    state = state_of(graph)
    key = (tuple(map(id, variables)), tuple(map(id, user_feeds)))
    plan = state.plans.get(key)
    if plan is None:
        plan = _plan(graph, variables, user_feeds)
        state.plans[key] = plan
    return plan


def _plan(graph, variables: List, user_feeds: Dict) -> _Plan:
    for variable in variables:
        if variable.graph is not graph:
            raise ForeignGraphError(
                f"variable {variable_name(variable)!r} belongs to another graph than the session's"
            )
    if not variables:
        return _Plan([], (), {}, [], None, False)
    found = analyse(variables)
    names = tuple(found)
    chosen = set(found)
    order = layers(variables)  # raises DependencyCycleError before anything runs
    reads = set().union(*(effective(n, found, chosen, "reads") for n in found)) - chosen
    sources = set().union(*(effective(n, found, chosen, "sources") for n in found)) - chosen
    outside = (frozenset(reads), frozenset(sources)) if reads or sources else None
    fed = {t.op.name for t in user_feeds}
    fed |= {state_of(graph).derived_tensors[s].op.name for s in sources}
    _check_placeholders(graph, found, chosen, fed)
    if len(order) == 1:  # one run: nothing to share between runs
        return _Plan(list(variables), names, found, [_Layer(variables, list(names), [], [])],
                     outside, bool(fed_placeholders(graph)))
    layer_names = [[variable_name(v) for v in layer] for layer in order]
    layer_draws = [
        set().union(*(effective(name, found, chosen, "draws") for name in layer))
        for layer in layer_names
    ]
    planned, seen = [], set()
    for number, draws in enumerate(layer_draws):
        later = set().union(*layer_draws[number + 1:]) if number + 1 < len(layer_draws) else set()
        kept = sorted(d for d in draws & later if d not in seen)
        taken = sorted(d for d in draws if d in seen)
        seen |= draws
        planned.append(_Layer(order[number], layer_names[number],
                              _outputs(graph, kept), _outputs(graph, taken)))
    arrays = bool(fed_placeholders(graph))
    return _Plan(list(variables), names, found, planned, outside, arrays)


def _outputs(graph, op_names) -> List:
    return [t for name in op_names for t in graph.get_operation_by_name(name).outputs]


def _feeds(graph, feed_dict) -> Dict:
    """The user's feed_dict with every key as a tensor of ``graph``."""
    result = {}
    for key, value in (feed_dict or {}).items():
        tensor = graph.as_graph_element(key) if isinstance(key, str) else key
        if isinstance(tensor, tf.Operation):
            tensor = tensor.outputs[0]
        result[tensor] = value
    return result


def _outside_sources(session, plan: _Plan) -> Dict:
    """Feeds that give ``initialized_value`` tensors of sources outside the call their source's
    current value; checks that every variable read or used as a source holds a value."""
    reads, sources = plan.outside
    found, chosen = plan.found, set(plan.names)
    by_name = {variable_name(v): v for v in select_variables(session.graph)}
    outside = [by_name[n] for n in sorted(reads | sources) if n in by_name]
    flags = dict(zip((variable_name(v) for v in outside), initialized_flags(session, outside)))
    missing = sorted(n for n in reads | sources if not flags.get(n, n not in by_name))
    if missing:
        readers = sorted(
            n for n in found
            if (effective(n, found, chosen, "reads") | effective(n, found, chosen, "sources"))
            & set(missing)
        )
        raise UninitializedVariablesError(
            f"{readers} take their initial value from {missing}, which hold no value yet; "
            f"initialize {missing} first or select them together",
            missing,
        )
    state = state_of(session.graph)
    used = sorted(s for s in sources if s in by_name)
    values = run(session, fetches=[by_name[s] for s in used]) if used else []
    return {state.derived_tensors[s]: value for s, value in zip(used, values)}


def _check_placeholders(graph, found, chosen, fed) -> None:
    fed = set(fed) | set(fed_placeholders(graph))
    unfed = {}
    for name in found:
        for placeholder in effective(name, found, chosen, "placeholders") - fed:
            unfed.setdefault(placeholder, []).append(name)
    if unfed:
        lines = [f"  {', '.join(names)} read{'s' if len(names) == 1 else ''} placeholder "
                 f"{placeholder!r}" for placeholder, names in sorted(unfed.items())]
        example = next(iter(sorted(unfed)))
        raise UnfedPlaceholderError(
            "initial values read placeholders that nothing feeds:\n" + "\n".join(lines)
            + f"\nFix: pass their values, e.g. feed_dict={{graph.get_tensor_by_name("
            f"{example + ':0'!r}): value}}, to the tf1init call",
            sorted({n for names in unfed.values() for n in names}),
            sorted(unfed),
        )
