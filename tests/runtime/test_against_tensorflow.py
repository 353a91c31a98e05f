"""Differential tests: tf1init's public API against raw tf.compat.v1 on the same graphs.

tf1init must give exactly what TensorFlow's own initializers give. Each test builds a graph
twice, in two tf.Graph objects with the same graph-level seed and the same construction order
(so every random op gets the same op seed), initializes one with raw TF
(``global_variables_initializer``, ``variables_initializer``, ``Variable.initializer``) and the
other with tf1init, and compares the values bit for bit. Where TF has no single answer (two
sessions, restores, concurrent calls) the tests assert TF1's documented semantics instead.
Most cases reproduce defects of an earlier runtime that computed initial values outside
TensorFlow; each docstring says what went wrong.
"""
import re
import threading

import numpy as np
import pytest

import tf1init

SEED = 1234


# --- helpers ----------------------------------------------------------------------------------


def names_of(variables):
    return [v.op.name for v in variables]


def uninitialized_names(session):
    return names_of(tf1init.uninitialized_variables(session))


def assert_same_values(actual, expected, names):
    """Bit-for-bit equality, variable by variable, naming the first that differs."""
    assert len(actual) == len(expected) == len(names)
    for value, reference, name in zip(actual, expected, names):
        np.testing.assert_array_equal(value, reference, err_msg=f"variable {name!r}")


def raw_global_init(v1, graph, config=None):
    """A new session of ``graph`` after one run of TF's global and local initializers."""
    session = v1.Session(graph=graph, config=config)
    with graph.as_default():
        session.run([v1.global_variables_initializer(), v1.local_variables_initializer()])
    return session


def draws(session, variable, count):
    """``count`` successive values of ``variable`` from re-running its own initializer."""
    values = []
    for _ in range(count):
        session.run(variable.initializer)
        values.append(session.run(variable))
    return values


def save_checkpoint(graph, saver, session, directory):
    with graph.as_default():
        return saver.save(session, str(directory / "model"))


def restored_session(v1, graph, saver, path):
    session = v1.Session(graph=graph)
    with graph.as_default():
        saver.restore(session, path)
    return session


# --- graphs -----------------------------------------------------------------------------------


def build_mlp(tf, v1, kind):
    """A small MLP with TF1's usual initializers, a local step counter and an int variable."""
    use_resource = kind == "resource"
    graph = tf.Graph()
    with graph.as_default():
        v1.set_random_seed(SEED)
        x = v1.placeholder(tf.float32, [None, 8], name="x")
        hidden = x
        for number, width in ((1, 16), (2, 12)):
            with v1.variable_scope(f"layer{number}"):
                kernel = v1.get_variable(
                    "kernel", [hidden.shape[1], width], use_resource=use_resource,
                    initializer=v1.glorot_uniform_initializer())
                bias = v1.get_variable(
                    "bias", [width], use_resource=use_resource,
                    initializer=v1.random_uniform_initializer(-0.1, 0.1))
            hidden = tf.nn.relu(tf.matmul(hidden, kernel) + bias)
        with v1.variable_scope("head"):
            kernel = v1.get_variable(
                "kernel", [12, 3], use_resource=use_resource,
                initializer=v1.variance_scaling_initializer(scale=2.0))
            bias = v1.get_variable("bias", [3], use_resource=use_resource,
                                   initializer=v1.zeros_initializer())
            mixer = v1.get_variable("mixer", [3, 3], use_resource=use_resource,
                                    initializer=v1.orthogonal_initializer())
            scale = v1.Variable(v1.truncated_normal([3], stddev=0.5), name="scale",
                                use_resource=use_resource)
        tf.matmul(tf.matmul(hidden, kernel) + bias, mixer) * scale
        v1.Variable(v1.random_uniform([2], maxval=100, dtype=tf.int32), name="buckets",
                    use_resource=use_resource)
        v1.Variable(0, name="steps", use_resource=use_resource,
                    collections=[v1.GraphKeys.LOCAL_VARIABLES])
    return graph


def all_variables(v1, graph):
    return graph.get_collection(v1.GraphKeys.GLOBAL_VARIABLES) + graph.get_collection(
        v1.GraphKeys.LOCAL_VARIABLES)


def in_scope(variables, scope):
    return [v for v in variables if v.op.name.startswith(scope + "/")]


# --- broad differential cases -----------------------------------------------------------------


@pytest.mark.parametrize("fast", [False, True], ids=["default-config", "session_config"])
def test_mlp_initialize_all_matches_raw_global_initializer(tf, v1, kind, fast):
    """The common call on a typical model: every value as TF's own initializers make it."""
    config = tf1init.session_config() if fast else None
    raw_graph, our_graph = build_mlp(tf, v1, kind), build_mlp(tf, v1, kind)
    raw = raw_global_init(v1, raw_graph, config)
    ours = v1.Session(graph=our_graph, config=config)
    names = tf1init.initialize_all(ours)
    expected = names_of(all_variables(v1, raw_graph))
    assert list(names) == expected
    assert uninitialized_names(ours) == []
    assert_same_values(ours.run(all_variables(v1, our_graph)),
                       raw.run(all_variables(v1, raw_graph)), expected)


def test_scope_selection_matches_raw_variables_initializer(tf, v1, kind):
    """initialize(session, "layer1") is raw variables_initializer of that scope, nothing else."""
    raw_graph, our_graph = build_mlp(tf, v1, kind), build_mlp(tf, v1, kind)
    raw = v1.Session(graph=raw_graph)
    raw_scope = in_scope(all_variables(v1, raw_graph), "layer1")
    with raw_graph.as_default():
        raw.run(v1.variables_initializer(raw_scope))
    ours = v1.Session(graph=our_graph)
    assert tf1init.initialize(ours, "layer1") == ("layer1/kernel", "layer1/bias")
    our_scope = in_scope(all_variables(v1, our_graph), "layer1")
    assert_same_values(ours.run(our_scope), raw.run(raw_scope), names_of(raw_scope))
    # by name: `variable in list` would compare values (Variable.__eq__ is elementwise)
    others = [v for v in all_variables(v1, our_graph) if v.op.name not in names_of(our_scope)]
    assert uninitialized_names(ours) == names_of(others)


def test_initialize_uninitialized_after_partial_raw_init(tf, v1, kind):
    """Values a raw initializer set stay; the rest get what raw TF's first run gives them."""
    reference_graph, our_graph = build_mlp(tf, v1, kind), build_mlp(tf, v1, kind)
    reference = raw_global_init(v1, reference_graph)
    session = v1.Session(graph=our_graph)
    head = in_scope(all_variables(v1, our_graph), "head")
    with our_graph.as_default():
        session.run(v1.variables_initializer(head))
    head_before = session.run(head)
    rest = [v for v in all_variables(v1, our_graph) if v.op.name not in names_of(head)]
    assert tf1init.initialize_uninitialized(session) == tuple(names_of(rest))
    assert_same_values(session.run(head), head_before, names_of(head))
    assert_same_values(session.run(all_variables(v1, our_graph)),
                       reference.run(all_variables(v1, reference_graph)),
                       names_of(all_variables(v1, our_graph)))


# --- 1. two-step initialization with many resource variables ----------------------------------


def test_two_step_init_with_300_resource_variables(tf, v1):
    """initialize_all, then 300 more variables and initialize_uninitialized: the old runtime's
    second loader failed ("Invalid loop structure"), in that session and in any new one.
    Raw values come from a second session of the same graph: every session starts its own
    random kernels, so its first run draws what a fresh identical graph would."""
    graph = tf.Graph()
    with graph.as_default():
        v1.set_random_seed(SEED)
        first = [v1.Variable(v1.random_normal([2]), name=f"model/w{i}", use_resource=True)
                 for i in range(300)]
        tf.add_n([tf.reduce_sum(w * w) for w in first], name="loss")
        raw_first_init = v1.variables_initializer(first)
    session = v1.Session(graph=graph)
    assert tf1init.initialize_all(session) == tuple(names_of(first))
    first_values = session.run(first)
    with graph.as_default():
        second = [v1.Variable(v1.random_uniform([2]), name=f"extra/w{i}", use_resource=True)
                  for i in range(300)]
        raw_second_init = v1.variables_initializer(second)

    assert tf1init.initialize_uninitialized(session) == tuple(names_of(second))
    values = session.run(first + second)  # one fetch set: each new one costs a graph set-up
    assert_same_values(values[:300], first_values, names_of(first))
    raw = v1.Session(graph=graph)
    raw.run([raw_first_init, raw_second_init])
    assert_same_values(values, raw.run(first + second), names_of(first + second))

    fresh = v1.Session(graph=graph)
    assert len(tf1init.initialize_all(fresh)) == 600
    assert tf1init.uninitialized_variables(fresh) == []


# --- 2. finalized graphs and monitored sessions -----------------------------------------------


def build_small_model(tf, v1, kind, *, finalize):
    """w (random), u (constant), a string variable; total reads w only, u_total u only."""
    graph = tf.Graph()
    use_resource = kind == "resource"
    with graph.as_default():
        v1.set_random_seed(SEED)
        w = v1.Variable(v1.random_normal([3, 2]), name="w", use_resource=use_resource)
        u = v1.Variable(v1.ones([2]), name="u", use_resource=use_resource)
        v1.Variable(tf.constant(["a", "bc"]), name="words", use_resource=use_resource)
        tf.reduce_sum(w, name="total")
        tf.reduce_sum(u, name="u_total")
        v1.global_variables_initializer()  # the raw graph needs it before finalize()
    if finalize:
        graph.finalize()
    return graph


def test_finalized_graph_without_prepare(tf, v1, kind):
    """A finalized graph and no tf1init.prepare(): the old runtime built is-initialized ops for
    ref variables on demand and raised 'Graph is finalized'."""
    raw_graph = build_small_model(tf, v1, kind, finalize=True)
    raw = v1.Session(graph=raw_graph)
    raw.run(raw_graph.get_operation_by_name("init"))
    graph = build_small_model(tf, v1, kind, finalize=True)
    session = v1.Session(graph=graph)
    total = graph.get_tensor_by_name("total:0")

    assert uninitialized_names(session) == ["w", "u", "words"]
    with pytest.raises(tf1init.UninitializedVariablesError) as caught:
        tf1init.assert_initialized(session, total)
    assert caught.value.variables == ("w",)
    assert tf1init.initialize_uninitialized(session, ["w"]) == ("w",)
    tf1init.assert_initialized(session, total)
    assert uninitialized_names(session) == ["u", "words"]
    assert tf1init.initialize_uninitialized(session) == ("u", "words")
    assert uninitialized_names(session) == []
    tf1init.assert_initialized(session)
    variables = all_variables(v1, graph)
    assert_same_values(session.run(variables), raw.run(all_variables(v1, raw_graph)),
                       names_of(variables))


def _monitored_training_session(v1, scaffold):
    return v1.train.MonitoredTrainingSession(
        scaffold=scaffold, checkpoint_dir=None, save_checkpoint_secs=None,
        save_summaries_steps=None, save_summaries_secs=None, log_step_count_steps=None)


def _singular_monitored_session(v1, scaffold):
    return v1.train.SingularMonitoredSession(scaffold=scaffold)


def _monitored_session(v1, scaffold):
    return v1.train.MonitoredSession(
        session_creator=v1.train.ChiefSessionCreator(scaffold=scaffold))


@pytest.mark.parametrize("open_session", [
    _monitored_training_session, _singular_monitored_session, _monitored_session,
], ids=["MonitoredTrainingSession", "SingularMonitoredSession", "MonitoredSession"])
def test_monitored_sessions_are_sessions(tf, v1, kind, open_session):
    """Monitored sessions finalize the graph and have no sess_str/_closed of their own: the
    old runtime raised 'Graph is finalized' (ref) or AttributeError (initialize_uninitialized).
    The scaffold initializes u only, so w and the strings are left for tf1init."""
    raw = raw_global_init(v1, build_small_model(tf, v1, kind, finalize=False))
    graph = build_small_model(tf, v1, kind, finalize=False)
    with graph.as_default():
        no_report = tf.constant([], dtype=tf.string)
        u = [v for v in all_variables(v1, graph) if v.op.name == "u"]
        scaffold = v1.train.Scaffold(
            init_op=v1.variables_initializer(u), ready_op=no_report,
            ready_for_local_init_op=no_report, local_init_op=tf.no_op())
        monitored = open_session(v1, scaffold)
    try:
        assert graph.finalized
        total = graph.get_tensor_by_name("total:0")
        assert uninitialized_names(monitored) == ["w", "words"]
        with pytest.raises(tf1init.UninitializedVariablesError) as caught:
            tf1init.assert_initialized(monitored, total)
        assert caught.value.variables == ("w",)
        tf1init.assert_initialized(monitored, graph.get_tensor_by_name("u_total:0"))
        assert tf1init.initialize_uninitialized(monitored) == ("w", "words")
        assert uninitialized_names(monitored) == []
        tf1init.assert_initialized(monitored, total)
        assert_same_values(monitored.run(all_variables(v1, graph)),
                           raw.run(all_variables(v1, raw.graph)), ["w", "u", "words"])
    finally:
        monitored.close()


def test_monitored_training_session_default_scaffold_then_reinitialize(tf, v1, kind):
    """The usual MonitoredTrainingSession (no checkpoint dir): its scaffold ran TF's global
    initializer, so nothing is left; initialize_all then takes TF's second draw, as a second
    run of the initializers would in a plain session."""
    raw_graph = build_small_model(tf, v1, kind, finalize=False)
    raw_w = raw_graph.get_collection(v1.GraphKeys.GLOBAL_VARIABLES)[0]
    d1, d2 = draws(v1.Session(graph=raw_graph), raw_w, 2)
    graph = build_small_model(tf, v1, kind, finalize=False)
    w = graph.get_collection(v1.GraphKeys.GLOBAL_VARIABLES)[0]
    with graph.as_default():
        monitored = _monitored_training_session(v1, None)
    try:
        assert uninitialized_names(monitored) == []
        tf1init.assert_initialized(monitored, "total:0")
        assert tf1init.initialize_uninitialized(monitored) == ()
        np.testing.assert_array_equal(monitored.run(w), d1)
        assert tf1init.initialize_all(monitored) == ("w", "u", "words")
        np.testing.assert_array_equal(monitored.run(w), d2)
    finally:
        monitored.close()


def test_interactive_session_matches_raw(tf, v1, kind):
    """An InteractiveSession is a Session too (it also installs itself as the default)."""
    raw = raw_global_init(v1, build_small_model(tf, v1, kind, finalize=False))
    graph = build_small_model(tf, v1, kind, finalize=False)
    session = v1.InteractiveSession(graph=graph)
    try:
        assert tf1init.initialize_all(session) == ("w", "u", "words")
        assert_same_values(session.run(all_variables(v1, graph)),
                           raw.run(all_variables(v1, raw.graph)), ["w", "u", "words"])
    finally:
        session.close()


# --- 3. one initial-value tensor shared by two variables --------------------------------------


def build_shared_zeros(tf, v1, make):
    """m and v both initialized from one tensor z = tf.zeros([3]); a Saver for v only."""
    graph = tf.Graph()
    with graph.as_default():
        z = tf.zeros([3])
        m = make(z, "m")
        v = make(z, "v")
        set_v = v.assign([1.0, 2.0, 3.0])
        saver = v1.train.Saver([v])
    return graph, m, v, set_v, saver


def test_shared_initial_value_tensor_and_partial_restore(tf, v1, make, tmp_path):
    """After restoring v only, initialize_uninitialized must give m zeros: the old runtime fed
    the shared tensor z from v's restored value, so m got [1, 2, 3]. The checkpoint comes from
    another graph, as from another program, with raw TF initialization."""
    writer_graph, _, _, writer_set_v, writer_saver = build_shared_zeros(tf, v1, make)
    writer = raw_global_init(v1, writer_graph)
    writer.run(writer_set_v)
    path = save_checkpoint(writer_graph, writer_saver, writer, tmp_path)

    graph, m, v, _, saver = build_shared_zeros(tf, v1, make)
    session = restored_session(v1, graph, saver, path)
    assert uninitialized_names(session) == ["m"]
    assert tf1init.initialize_uninitialized(session) == ("m",)
    np.testing.assert_array_equal(session.run(m), np.zeros(3, np.float32))
    np.testing.assert_array_equal(session.run(v), [1.0, 2.0, 3.0])

    alone = v1.Session(graph=graph)  # v alone, m holding no value, must not raise
    assert tf1init.initialize(alone, [v]) == ("v",)
    np.testing.assert_array_equal(alone.run(v), np.zeros(3, np.float32))
    assert uninitialized_names(alone) == ["m"]


# --- 4. initialized_value ---------------------------------------------------------------------


def build_derived(tf, v1, make, derive):
    """a (seeded random) and b = 2 * derive(a); derive is tf1init.initialized_value, or None
    for the raw twin, which has a only (a's op seed does not depend on what follows it)."""
    graph = tf.Graph()
    with graph.as_default():
        v1.set_random_seed(SEED)
        a = make(v1.random_normal([3]), "a")
        b = make(2 * derive(a), "b") if derive is not None else None
    return graph, a, b


def test_initialized_value_follows_each_sessions_source(tf, v1, make):
    """Train and eval sessions of one graph: each b is 2 * that session's a. The old runtime
    kept one source draw per graph, so train's b came from eval's draw of a."""
    raw_graph, raw_a, _ = build_derived(tf, v1, make, None)
    d1, d2 = draws(v1.Session(graph=raw_graph), raw_a, 2)
    graph, a, b = build_derived(tf, v1, make, tf1init.initialized_value)

    train, evaluation = v1.Session(graph=graph), v1.Session(graph=graph)
    tf1init.initialize(train, [a])
    tf1init.initialize(train, [a])  # train's a: TF's second draw
    tf1init.initialize(evaluation, [a])  # eval's a: the first draw
    assert tf1init.initialize(train, [b]) == ("b",)
    assert tf1init.initialize(evaluation, [b]) == ("b",)
    np.testing.assert_array_equal(train.run(a), d2)
    np.testing.assert_array_equal(evaluation.run(a), d1)
    np.testing.assert_array_equal(train.run(b), 2 * d2)
    np.testing.assert_array_equal(evaluation.run(b), 2 * d1)

    together = v1.Session(graph=graph)  # a and b in one call: b from that call's draw
    tf1init.initialize_all(together)
    tf1init.initialize_all(together)
    np.testing.assert_array_equal(together.run(a), d2)
    np.testing.assert_array_equal(together.run(b), 2 * d2)


def test_initialized_value_after_restoring_the_source(tf, v1, make, tmp_path):
    """b initialized after a was restored is 2 * the restored a (TF1's initialized_value()
    read a's current value); the old runtime used a's remembered draw instead."""
    graph, a, b = build_derived(tf, v1, make, tf1init.initialized_value)
    with graph.as_default():
        set_a = a.assign([1.0, 2.0, 3.0])
        saver = v1.train.Saver([a])
    writer = v1.Session(graph=graph)
    tf1init.initialize_all(writer)
    writer.run(set_a)
    path = save_checkpoint(graph, saver, writer, tmp_path)

    selected = restored_session(v1, graph, saver, path)
    assert tf1init.initialize(selected, [b]) == ("b",)
    np.testing.assert_array_equal(selected.run(a), [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(selected.run(b), [2.0, 4.0, 6.0])

    leftover = restored_session(v1, graph, saver, path)
    assert tf1init.initialize_uninitialized(leftover) == ("b",)
    np.testing.assert_array_equal(leftover.run(b), [2.0, 4.0, 6.0])


def test_initialized_value_of_an_unset_unselected_source_raises(tf, v1, make):
    """b alone while a holds no value: an error naming a, and b stays uninitialized."""
    graph, _, _ = build_derived(tf, v1, make, tf1init.initialized_value)
    session = v1.Session(graph=graph)
    with pytest.raises(tf1init.UninitializedVariablesError) as caught:
        tf1init.initialize(session, ["b"])
    assert "a" in caught.value.variables
    assert uninitialized_names(session) == ["a", "b"]


# --- 5. default session config (Grappler on) --------------------------------------------------


def build_scaled_normal(tf, v1, kind):
    graph = tf.Graph()
    with graph.as_default():
        v1.set_random_seed(SEED)
        w = v1.Variable(v1.random_normal([784, 256]) / np.sqrt(784.0), name="w",
                        use_resource=kind == "resource")
    return graph, w


@pytest.mark.parametrize("fast", [False, True], ids=["default-config", "session_config"])
def test_scaled_normal_matches_raw_in_the_same_config(tf, v1, kind, fast):
    """random_normal / sqrt(784): Grappler (on in a default session) changes the bits of the
    division, so raw TF's values depend on the config. The old runtime always gave the
    Grappler-off values; tf1init must match raw TF in whichever config the session has."""
    config = tf1init.session_config() if fast else None
    raw_graph, raw_w = build_scaled_normal(tf, v1, kind)
    raw = raw_global_init(v1, raw_graph, config)
    graph, w = build_scaled_normal(tf, v1, kind)
    session = v1.Session(graph=graph, config=config)
    tf1init.initialize_all(session)
    np.testing.assert_array_equal(session.run(w), raw.run(raw_w))


# --- 6. string variables ----------------------------------------------------------------------


def test_string_variables(tf, v1, make):
    """String initial values through initialize_all and initialize_uninitialized."""
    graph = tf.Graph()
    with graph.as_default():
        words = make(tf.constant(["a", "bc"]), "words")
        word = make(tf.constant("x"), "word")
        number = make(v1.ones([2]), "number")
    session = v1.Session(graph=graph)
    assert tf1init.initialize_all(session) == ("words", "word", "number")
    assert session.run(words).tolist() == [b"a", b"bc"]
    assert session.run(word) == b"x"
    other = v1.Session(graph=graph)
    other.run(number.initializer)
    assert tf1init.initialize_uninitialized(other) == ("words", "word")
    assert other.run(words).tolist() == [b"a", b"bc"]
    assert other.run(word) == b"x"


# --- 7. and 8. random ops used twice ----------------------------------------------------------


def build_random_sums(tf, v1, make, shared_first):
    """pair = N1 + N2 and twice = r + r, in either creation order."""
    graph = tf.Graph()
    with graph.as_default():
        v1.set_random_seed(SEED)
        if not shared_first:
            make(v1.random_normal([4]) + v1.random_normal([4]), "pair")
        r = v1.random_normal([4])
        make(r + r, "twice")
        if shared_first:
            make(v1.random_normal([4]) + v1.random_normal([4]), "pair")
    return graph


@pytest.mark.parametrize("shared_first", [False, True], ids=["pair-first", "shared-first"])
def test_sums_of_random_ops_match_raw(tf, v1, make, shared_first):
    """The old runtime gave `pair` wrong values when r + r came first."""
    raw_graph = build_random_sums(tf, v1, make, shared_first)
    raw = raw_global_init(v1, raw_graph)
    graph = build_random_sums(tf, v1, make, shared_first)
    session = v1.Session(graph=graph)
    tf1init.initialize_all(session)
    variables = all_variables(v1, graph)
    assert_same_values(session.run(variables), raw.run(all_variables(v1, raw_graph)),
                       names_of(variables))


def build_shared_draw(tf, v1, make):
    graph = tf.Graph()
    with graph.as_default():
        v1.set_random_seed(SEED)
        r = v1.random_normal([5])
        c = make(v1.ones([5]), "c")
        a = make(r * 2, "a")
        b = make(r * 3 + c, "b")  # reads c, so it is initialized after c
    return graph, (a, b, c)


def test_random_tensor_shared_across_dependency_layers_is_drawn_once(tf, v1, make):
    """b reads variable c, so it comes after c; r must still be one draw for a and b. The
    old runtime drew r again for b. Raw reference: c's initializer, then a's and b's in one
    run (raw global_variables_initializer races here: b may read c before c has a value,
    and fails with FailedPreconditionError in about 1 run in 5, for both kinds)."""
    raw_graph, raw_variables = build_shared_draw(tf, v1, make)
    raw_a, raw_b, raw_c = raw_variables
    raw = v1.Session(graph=raw_graph)
    raw.run(raw_c.initializer)
    raw.run([raw_a.initializer, raw_b.initializer])
    graph, variables = build_shared_draw(tf, v1, make)
    session = v1.Session(graph=graph)
    tf1init.initialize_all(session)
    a, b, c = session.run(list(variables))
    np.testing.assert_allclose(b - c, 1.5 * a, rtol=1e-6, atol=1e-5)
    assert_same_values([a, b, c], raw.run(list(raw_variables)), ["a", "b", "c"])


# --- 9. seeds and draw counting ---------------------------------------------------------------


def build_seeded(tf, v1, make):
    graph = tf.Graph()
    with graph.as_default():
        v1.set_random_seed(SEED)
        w = make(v1.random_normal([3]), "w")
        k = make(v1.random_uniform([2, 2]), "k")
    return graph, w, k


def test_seed_after_an_unseeded_call_is_too_late(tf, v1, make):
    """TF keeps the seed attributes a session first ran with, so seed= after an unseeded call
    in that session would be ignored: SeedTooLateError, values unchanged. A new session of
    the same graph gets the seeded values, the same as a fresh graph seeded alike."""
    graph, w, k = build_seeded(tf, v1, make)
    session = v1.Session(graph=graph)
    tf1init.initialize_all(session)
    before = session.run([w, k])
    with pytest.raises(Exception) as caught:  # the old runtime silently re-seeded
        tf1init.initialize_all(session, seed=7)
    assert_same_values(session.run([w, k]), before, ["w", "k"])
    assert isinstance(caught.value, tf1init.SeedTooLateError), caught.value

    later = v1.Session(graph=graph)
    tf1init.initialize_all(later, seed=7)
    seeded = later.run([w, k])
    fresh_graph, fresh_w, fresh_k = build_seeded(tf, v1, make)
    fresh = v1.Session(graph=fresh_graph)
    tf1init.initialize_all(fresh, seed=7)
    assert_same_values(seeded, fresh.run([fresh_w, fresh_k]), ["w", "k"])
    assert not np.array_equal(seeded[0], before[0])  # the seed did apply


def test_reinitialization_takes_the_next_draw_like_tf(tf, v1, make):
    """Each initialization takes TF's next draw, whether tf1init or w.initializer ran before.
    The old runtime counted its own draws only and repeated one after a raw run."""
    raw_graph, raw_w, _ = build_seeded(tf, v1, make)
    d1, d2, d3 = draws(v1.Session(graph=raw_graph), raw_w, 3)
    assert not np.array_equal(d1, d2) and not np.array_equal(d2, d3)

    graph, w, _ = build_seeded(tf, v1, make)
    repeated = v1.Session(graph=graph)
    ours = []
    for _ in range(3):
        tf1init.initialize_all(repeated)
        ours.append(repeated.run(w))
    assert_same_values(ours, [d1, d2, d3], ["first", "second", "third"])

    mixed = v1.Session(graph=graph)
    tf1init.initialize_all(mixed)
    first = mixed.run(w)
    mixed.run(w.initializer)
    second = mixed.run(w)
    tf1init.initialize_all(mixed)
    assert_same_values([first, second, mixed.run(w)], [d1, d2, d3], ["first", "second", "third"])


def test_concurrent_calls_take_one_draw_each(tf, v1, make):
    """Two threads initialize w at once, then a third call: it gets TF's third draw. The old
    runtime gave both threads the first draw and the third call the second."""
    raw_graph, raw_w, _ = build_seeded(tf, v1, make)
    d1, d2, d3 = draws(v1.Session(graph=raw_graph), raw_w, 3)
    graph, w, _ = build_seeded(tf, v1, make)
    session = v1.Session(graph=graph)
    start = threading.Barrier(2)
    failures = []

    def initialize_w():
        try:
            start.wait()
            tf1init.initialize(session, [w])
        except BaseException as error:  # reported by the main thread
            failures.append(error)

    threads = [threading.Thread(target=initialize_w) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures
    after_two = session.run(w)
    assert np.array_equal(after_two, d1) or np.array_equal(after_two, d2)
    tf1init.initialize(session, [w])
    np.testing.assert_array_equal(session.run(w), d3)


def test_denormal_initial_values_match_raw(tf, v1, make):
    """random_normal * 1e-39 is below float32's normal range: TF's CPU kernels flush it to
    zero; the old runtime computed it in NumPy and kept the denormals."""
    def build():
        graph = tf.Graph()
        with graph.as_default():
            v1.set_random_seed(SEED)
            tiny = make(v1.random_normal([1000]) * 1e-39, "tiny")
        return graph, tiny

    raw_graph, raw_tiny = build()
    raw = raw_global_init(v1, raw_graph)
    graph, tiny = build()
    session = v1.Session(graph=graph)
    tf1init.initialize_all(session)
    np.testing.assert_array_equal(session.run(tiny), raw.run(raw_tiny))


# --- 10. input errors -------------------------------------------------------------------------


@pytest.fixture
def small_graph(tf, v1, make):
    """w and u (constants), total reads w only."""
    graph = tf.Graph()
    with graph.as_default():
        w = make(v1.ones([2]), "w")
        make(v1.zeros([2]), "u")
        tf.reduce_sum(w, name="total")
    return graph


@pytest.mark.parametrize("call", [
    "initialize", "initialize_uninitialized", "uninitialized_variables",
])
def test_eager_variable_in_a_selection_is_not_graph_mode(tf, v1, small_graph, call):
    """An eager variable has no initializer to run; the old runtime raised AttributeError."""
    eager = tf.Variable([1.0, 2.0], name="eager")  # eager execution is on at test level
    session = v1.Session(graph=small_graph)
    with pytest.raises(Exception) as caught:
        getattr(tf1init, call)(session, [eager])
    assert not isinstance(caught.value, AttributeError), caught.value  # the old runtime's
    assert isinstance(caught.value, tf1init.NotGraphModeError), caught.value
    assert uninitialized_names(session) == ["w", "u"]


@pytest.mark.parametrize("not_a_session", ["graph", "none", "variable"])
@pytest.mark.parametrize("call", [
    "initialize_all", "initialize", "initialize_uninitialized", "uninitialized_variables",
    "assert_initialized",
])
def test_things_that_are_not_sessions(v1, small_graph, call, not_a_session):
    """The old runtime raised AttributeError ('Graph' object has no attribute 'graph')."""
    argument = {
        "graph": small_graph,
        "none": None,
        "variable": all_variables(v1, small_graph)[0],
    }[not_a_session]
    args = (argument, ["w"]) if call == "initialize" else (argument,)
    with pytest.raises(Exception) as caught:
        getattr(tf1init, call)(*args)
    assert not isinstance(caught.value, AttributeError), caught.value
    assert isinstance(caught.value, tf1init.NotASessionError), caught.value


@pytest.mark.parametrize("fetch", ["total:0", "total"])
def test_assert_initialized_accepts_fetch_names(v1, small_graph, fetch):
    """Fetches by name, as session.run takes them; only what `total` reads is checked."""
    session = v1.Session(graph=small_graph)
    with pytest.raises(tf1init.UninitializedVariablesError) as caught:
        tf1init.assert_initialized(session, fetch)
    assert caught.value.variables == ("w",)
    tf1init.initialize(session, ["w"])
    tf1init.assert_initialized(session, fetch)
    with pytest.raises(tf1init.UninitializedVariablesError) as caught:
        tf1init.assert_initialized(session)
    assert caught.value.variables == ("u",)


def test_selection_none_is_an_error_not_everything(v1, small_graph):
    """initialize(session, None) used to re-initialize every variable."""
    session = v1.Session(graph=small_graph)
    with pytest.raises(tf1init.SelectionError):
        tf1init.initialize(session, None)
    assert uninitialized_names(session) == ["w", "u"]


def build_fed(tf, v1, make):
    graph = tf.Graph()
    with graph.as_default():
        make(v1.ones([2]), "w")
        scale = v1.placeholder(tf.float32, [2], name="scale")
        make(scale * 2, "p")
    return graph, scale


def test_unfed_placeholder_names_variable_and_placeholder(tf, v1, make):
    """Nothing is initialized when one initial value reads an unfed placeholder (the old
    runtime initialized w, then failed with TF's InvalidArgumentError)."""
    graph, _ = build_fed(tf, v1, make)
    session = v1.Session(graph=graph)
    with pytest.raises(Exception) as caught:
        tf1init.initialize_all(session)
    assert uninitialized_names(session) == ["w", "p"]
    error = caught.value
    assert isinstance(error, tf1init.UnfedPlaceholderError), error
    assert "p" in error.variables
    assert [name.split(":")[0] for name in error.placeholders] == ["scale"]
    message = str(error)
    assert re.search(r"\bp\b", message) and "scale" in message and "feed_dict=" in message
    with pytest.raises(tf1init.UnfedPlaceholderError):
        tf1init.initialize_uninitialized(session)
    assert uninitialized_names(session) == ["w", "p"]


@pytest.mark.parametrize("call", ["initialize_all", "initialize", "initialize_uninitialized"])
def test_fed_placeholder_matches_raw(tf, v1, make, call):
    """feed_dict= reaches the initializers, as in raw session.run(init, feed_dict=...)."""
    raw_graph, raw_scale = build_fed(tf, v1, make)
    raw = v1.Session(graph=raw_graph)
    with raw_graph.as_default():
        raw.run(v1.global_variables_initializer(), feed_dict={raw_scale: [1.5, -2.0]})
    graph, scale = build_fed(tf, v1, make)
    session = v1.Session(graph=graph)
    args = (session, ["w", "p"]) if call == "initialize" else (session,)
    assert getattr(tf1init, call)(*args, feed_dict={scale: [1.5, -2.0]}) == ("w", "p")
    variables = all_variables(v1, graph)
    assert_same_values(session.run(variables), raw.run(all_variables(v1, raw_graph)), ["w", "p"])
