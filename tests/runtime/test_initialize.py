"""Global, selective and uninitialized-only initialization in real sessions, both variable kinds."""
import re

import numpy as np
import pytest

import tf1init
from tf1init.errors import (
    DependencyCycleError,
    ForeignGraphError,
    SelectionError,
    SessionClosedError,
    UninitializedVariablesError,
)


@pytest.fixture
def model(tf, v1, make):
    """A small graph: two layers' weights, a scoped near-namesake, a step counter (local)."""
    graph = tf.Graph()
    with graph.as_default():
        v1.set_random_seed(3)
        variables = {
            "dense/kernel": make(v1.truncated_normal([4, 3], stddev=0.1), "dense/kernel"),
            "dense/bias": make(v1.zeros([3]), "dense/bias"),
            "dense_1/kernel": make(v1.random_uniform([3, 2]), "dense_1/kernel"),
            "table": make(v1.constant([[1.0, 2.0]]), "table"),
            "steps": make(0, "steps", collections=[v1.GraphKeys.LOCAL_VARIABLES]),
        }
    return graph, variables


def uninitialized(session):
    return [v.op.name for v in tf1init.uninitialized_variables(session)]


def test_initialize_all_covers_global_and_local_variables(v1, model):
    graph, variables = model
    session = v1.Session(graph=graph)
    names = tf1init.initialize_all(session)
    assert names == ("dense/kernel", "dense/bias", "dense_1/kernel", "table", "steps")
    assert uninitialized(session) == []
    assert session.run(variables["table"]).tolist() == [[1.0, 2.0]]
    assert session.run(variables["steps"]) == 0
    kernel = session.run(variables["dense/kernel"])
    assert kernel.shape == (4, 3) and np.abs(kernel).max() <= 0.2


@pytest.mark.parametrize(
    "selection, expected",
    [
        ("dense", ["dense/kernel", "dense/bias"]),  # never dense_1/...
        ("dense/", ["dense/kernel", "dense/bias"]),
        (re.compile(r"dense(_\d+)?/kernel"), ["dense/kernel", "dense_1/kernel"]),
        (["table", "steps"], ["table", "steps"]),
    ],
)
def test_selective_initialization_touches_only_the_selection(v1, model, selection, expected):
    graph, _ = model
    session = v1.Session(graph=graph)
    assert list(tf1init.initialize(session, selection)) == expected
    everything = [v.op.name for v in tf1init.select_variables(graph)]
    assert uninitialized(session) == [n for n in everything if n not in expected]


def test_selection_by_variable_objects_and_empty_selection(v1, model):
    graph, variables = model
    session = v1.Session(graph=graph)
    assert tf1init.initialize(session, []) == ()
    assert len(uninitialized(session)) == 5
    assert tf1init.initialize(session, variables["dense/bias"]) == ("dense/bias",)
    assert session.run(variables["dense/bias"]).tolist() == [0.0, 0.0, 0.0]


def test_unknown_names_list_the_closest_ones(v1, model):
    graph, _ = model
    session = v1.Session(graph=graph)
    with pytest.raises(SelectionError, match=r"'dense/kernal'.*closest names: \['dense/kernel'"):
        tf1init.initialize(session, ["dense/kernal"])
    with pytest.raises(SelectionError, match=r"scope 'dens2'.*dense"):
        tf1init.initialize(session, "dens2")
    with pytest.raises(SelectionError, match=r"pattern 'kernel' matches no variable"):
        tf1init.initialize(session, re.compile("kernel"))
    assert len(uninitialized(session)) == 5


def test_uninitialized_only_never_touches_initialized_variables(v1, model):
    graph, variables = model
    session = v1.Session(graph=graph)
    tf1init.initialize(session, "dense")
    with graph.as_default():
        session.run(v1.assign(variables["dense/bias"], [7.0, 8.0, 9.0]))
    kernel_before = session.run(variables["dense/kernel"])
    done = tf1init.initialize_uninitialized(session)
    assert done == ("dense_1/kernel", "table", "steps")
    assert session.run(variables["dense/bias"]).tolist() == [7.0, 8.0, 9.0]
    np.testing.assert_array_equal(session.run(variables["dense/kernel"]), kernel_before)
    assert tf1init.initialize_uninitialized(session) == ()


def test_derived_values_equal_the_source_initial_value(tf, v1, make):
    graph = tf.Graph()
    with graph.as_default():
        a = make(v1.random_normal([1000]), "a")
        b = make(2 * tf1init.initialized_value(a), "b")
        c = make(tf1init.initialized_value(b) + 1.0, "c")
    for _ in range(3):  # fresh sessions: a fresh draw each time, always consistent
        session = v1.Session(graph=graph)
        tf1init.initialize(session, [c, a, b])  # any order
        va, vb, vc = session.run([a, b, c])
        np.testing.assert_array_equal(vb, 2 * va)
        np.testing.assert_array_equal(vc, 2 * va + 1.0)


def test_derived_variable_initialized_later_reads_the_source_value_as_tf1_did(tf, v1, make):
    """TF1's initialized_value() is cond(initialized, value, initial_value): a derived variable
    initialized on its own follows its source's value in that session, whatever set it."""
    graph = tf.Graph()
    with graph.as_default():
        a = make(v1.random_normal([50]), "a")
        b = make(2 * tf1init.initialized_value(a), "b")
        shift = v1.assign_add(a, tf.ones([50]))
    session = v1.Session(graph=graph)
    tf1init.initialize(session, [a])
    drawn = session.run(a)
    session.run(shift)
    tf1init.initialize(session, [b])
    np.testing.assert_array_equal(session.run(b), 2 * (drawn + 1))
    np.testing.assert_array_equal(session.run(a), drawn + 1)


def test_initial_values_that_read_variables_run_after_their_sources(tf, v1, make):
    graph = tf.Graph()
    with graph.as_default():
        a = make(v1.random_normal([200]), "a")
        b = make(a * 2, "b")  # reads the variable a: TF orders this by luck
        c = make(b + a, "c")
    for _ in range(20):
        session = v1.Session(graph=graph)
        tf1init.initialize_all(session)
        va, vb, vc = session.run([a, b, c])
        np.testing.assert_array_equal(vb, 2 * va)
        np.testing.assert_array_equal(vc, 3 * va)


def test_a_selection_whose_source_holds_no_value_is_refused(tf, v1, make):
    graph = tf.Graph()
    with graph.as_default():
        a = make(v1.random_normal([5]), "a")
        b = make(2 * tf1init.initialized_value(a), "b")
    session = v1.Session(graph=graph)
    with pytest.raises(UninitializedVariablesError, match=r"\['b'\] take their initial value from \['a'\]"):
        tf1init.initialize(session, [b])
    assert len(tf1init.uninitialized_variables(session)) == 2


def test_dependency_cycles_are_named_and_nothing_runs(tf, v1, make):
    graph = tf.Graph()
    with graph.as_default():
        a = make(tf.zeros([2]), "a")
        b = make(a + 1.0, "b")
        with tf.control_dependencies(None):
            read_b = tf.identity(b.value() if hasattr(b, "value") else b)
        a.initializer.inputs[1].op._add_control_input(read_b.op)
        c = make(tf.ones([2]), "c")
    session = v1.Session(graph=graph)
    with pytest.raises(DependencyCycleError, match=r"a -> b -> a|b -> a -> b"):
        tf1init.initialize_all(session)
    assert [v.op.name for v in tf1init.uninitialized_variables(session)] == ["a", "b", "c"]


def test_bad_input_is_refused_before_anything_changes(tf, v1, model):
    graph, variables = model
    other = tf.Graph()
    with other.as_default():
        stranger = v1.Variable(1.0, name="stranger")
    session = v1.Session(graph=graph)
    with pytest.raises(ForeignGraphError, match="'stranger' belongs to another graph"):
        tf1init.initialize(session, [variables["table"], stranger])
    with pytest.raises(SelectionError, match="'not a variable' is not a variable|no variable named"):
        tf1init.initialize(session, [variables["table"], "not a variable"])
    with pytest.raises(SelectionError, match="42 is not a variable"):
        tf1init.initialize(session, [variables["table"], 42])
    assert len(uninitialized(session)) == 5
    session.close()
    with pytest.raises(SessionClosedError, match="session is closed"):
        tf1init.initialize_all(session)


def test_seed_makes_initial_values_identical_run_to_run(tf, v1, kind):
    def build(extra_first):
        graph = tf.Graph()
        with graph.as_default():
            if extra_first:
                v1.Variable(v1.random_normal([3]), name="unrelated", use_resource=kind == "resource")
            w = v1.Variable(v1.truncated_normal([20, 20]), name="w", use_resource=kind == "resource")
            u = v1.Variable(v1.random_uniform([30]), name="u", use_resource=kind == "resource")
        return graph, (w, u)

    def draw(seed, extra_first=False):
        graph, fetches = build(extra_first)
        session = v1.Session(graph=graph)
        tf1init.initialize_all(session, seed=seed)
        return session.run(fetches)

    first, again, edited, other = draw(5), draw(5), draw(5, extra_first=True), draw(6)
    for x, y, z, o in zip(first, again, edited, other):
        np.testing.assert_array_equal(x, y)
        np.testing.assert_array_equal(x, z)  # an unrelated op added before: same values
        assert not np.array_equal(x, o)


def test_repeated_calls_add_no_ops_and_work_on_a_finalized_graph(v1, model):
    graph, _ = model
    session = v1.Session(graph=graph)
    tf1init.initialize_all(session)
    tf1init.initialize_uninitialized(session)
    tf1init.assert_initialized(session)
    size = len(graph.get_operations())
    graph.finalize()
    for _ in range(200):
        tf1init.initialize_all(session)
        tf1init.initialize(session, "dense")
        tf1init.initialize_uninitialized(session)
        tf1init.assert_initialized(session)
    assert len(graph.get_operations()) == size


def test_readiness_error_lists_every_uninitialized_variable_the_step_needs(tf, v1, model):
    graph, variables = model
    with graph.as_default():
        x = v1.placeholder(tf.float32, [None, 4])
        hidden = tf.matmul(x, variables["dense/kernel"], name="hidden") + variables["dense/bias"]
        out = tf.matmul(hidden, variables["dense_1/kernel"], name="logits")
    session = v1.Session(graph=graph)
    tf1init.initialize(session, ["dense/kernel"])
    with pytest.raises(UninitializedVariablesError) as caught:
        tf1init.assert_initialized(session, out)
    message = str(caught.value)
    assert message.startswith("2 variables needed by this run hold no value:")
    assert re.search(r"dense/bias  shape \(3,\)  float32  \w+ variable  read by add", message)
    assert re.search(r"dense_1/kernel  shape \(3, 2\)  float32  \w+ variable  read by logits", message)
    assert caught.value.variables == ("dense/bias", "dense_1/kernel")
    with pytest.raises(tf.errors.FailedPreconditionError):  # what raw TF would have said
        session.run(out, {x: np.ones([1, 4], np.float32)})
    tf1init.initialize_uninitialized(session)
    tf1init.assert_initialized(session, out)
    assert session.run(out, {x: np.ones([1, 4], np.float32)}).shape == (1, 2)


# --- values: TensorFlow's own, first and later draws, every dtype and initializer ---

INITIALIZERS = {
    "random_normal": lambda v1, tf: v1.random_normal_initializer(0.5, 2.0),
    "truncated_normal": lambda v1, tf: v1.truncated_normal_initializer(stddev=0.1),
    "random_uniform": lambda v1, tf: v1.random_uniform_initializer(-1.0, 3.0),
    "glorot_uniform": lambda v1, tf: v1.glorot_uniform_initializer(),
    "variance_scaling": lambda v1, tf: v1.variance_scaling_initializer(2.0),
    "orthogonal": lambda v1, tf: v1.orthogonal_initializer(),
    "keras_he_normal": lambda v1, tf: tf.keras.initializers.HeNormal(seed=3),
    "zeros": lambda v1, tf: v1.zeros_initializer(),
}


def _zoo(tf, v1, kind, seed=11):
    graph = tf.Graph()
    with graph.as_default():
        v1.set_random_seed(seed)
        variables = [
            v1.get_variable(name, [5, 4], initializer=make(v1, tf), use_resource=kind == "resource")
            for name, make in INITIALIZERS.items()
        ]
        variables.append(v1.get_variable(
            "ints", [7], dtype=tf.int32, use_resource=kind == "resource",
            initializer=v1.random_uniform_initializer(-3, 9, dtype=tf.int32)))
        variables.append(v1.get_variable(
            "half", [9], dtype=tf.float16, use_resource=kind == "resource",
            initializer=v1.truncated_normal_initializer()))
    return graph, variables


def test_values_equal_tensorflow_first_and_later_draws(tf, v1, kind):
    graph, variables = _zoo(tf, v1, kind)
    raw = v1.Session(graph=graph)
    ours = tf1init.fast_session(graph)
    for _ in range(3):  # TF's k-th run of an initializer draws its k-th value; so do we
        raw.run([v.initializer for v in variables])
        tf1init.initialize_all(ours)
        for variable, expected, got in zip(variables, raw.run(variables), ours.run(variables)):
            np.testing.assert_array_equal(got, expected, err_msg=variable.op.name)


def test_initializing_small_sets_adds_no_op_to_the_graph(tf, v1, kind):
    graph, variables = _zoo(tf, v1, kind)
    size = len(graph.get_operations())
    for _ in range(3):
        session = tf1init.fast_session(graph)
        tf1init.initialize_all(session)
        tf1init.initialize(session, variables[:2])
    assert len(graph.get_operations()) == size


def test_large_sets_add_one_group_op_once(tf, v1, kind):
    """Above GROUP_ABOVE variables a run targets one group op (what global_variables_initializer()
    is) and asks one stacked flag tensor; each is built once per set of variables."""
    from tf1init.session.runs import GROUP_ABOVE

    graph = tf.Graph()
    with graph.as_default():
        variables = [v1.Variable(v1.zeros([2]), name=f"v{i}", use_resource=kind == "resource")
                     for i in range(GROUP_ABOVE + 1)]
    session = v1.Session(graph=graph)
    tf1init.uninitialized_variables(session)  # flags (ref: one per variable) and their stack
    size = len(graph.get_operations())
    tf1init.initialize_all(session)
    assert len(graph.get_operations()) == size + 1
    for _ in range(3):
        assert tf1init.initialize_uninitialized(tf1init.fast_session(graph)) == tuple(
            v.op.name for v in variables)
        tf1init.initialize_all(session)
    assert len(graph.get_operations()) == size + 1


def test_a_graph_finalized_before_the_first_call_uses_tensorflow_initializers(tf, v1, kind):
    graph, variables = _zoo(tf, v1, kind)
    expected = v1.Session(graph=graph)
    expected.run([v.initializer for v in variables])
    graph.finalize()
    session = v1.Session(graph=graph)
    tf1init.initialize_all(session)
    for a, b in zip(expected.run(variables), session.run(variables)):
        np.testing.assert_array_equal(a, b)


def test_unseeded_initial_values_are_fresh_in_every_session(tf, v1, make):
    graph = tf.Graph()
    with graph.as_default():
        w = make(v1.random_normal([50]), "w")
    first, second = v1.Session(graph=graph), v1.Session(graph=graph)
    tf1init.initialize_all(first)
    tf1init.initialize_all(second)
    a, b = first.run(w), second.run(w)
    assert not np.array_equal(a, b)
    assert 0.5 < a.std() < 1.5


def test_an_op_shared_with_a_session_computed_value_runs_in_the_session(tf, v1, make):
    graph = tf.Graph()
    with graph.as_default():
        v1.set_random_seed(2)
        draw = v1.random_normal([4, 3])
        a = make(draw, "a")
        total = make(tf.reduce_sum(draw) * tf.ones([2]), "total")  # reduce_sum: session only
    from tf1init.graph.state import state_of
    for _ in range(5):
        session = v1.Session(graph=graph)
        tf1init.initialize_all(session)
        va, vt = session.run([a, total])
        np.testing.assert_allclose(vt, [va.sum()] * 2, rtol=1e-5)


def test_uninitialized_only_in_one_run_after_a_partial_restore(tf, v1, kind, tmp_path):
    graph, variables = _zoo(tf, v1, kind)
    with graph.as_default():  # Saver refuses to run in eager mode
        saver = v1.train.Saver(variables[:3])
        source = v1.Session(graph=graph)
        tf1init.initialize_all(source)
        path = saver.save(source, str(tmp_path / "partial"))
        restored = source.run(variables[:3])
        session = tf1init.fast_session(graph)
        saver.restore(session, path)
    done = tf1init.initialize_uninitialized(session)
    assert done == tuple(v.op.name for v in variables[3:])
    for value, expected in zip(session.run(variables[:3]), restored):
        np.testing.assert_array_equal(value, expected)
    raw = v1.Session(graph=graph)
    raw.run([v.initializer for v in variables[3:]])
    for value, expected in zip(session.run(variables[3:]), raw.run(variables[3:])):
        np.testing.assert_array_equal(value, expected)  # the first draw, as TF's own run
    assert tf1init.initialize_uninitialized(session) == ()


def test_session_config_places_only_what_runs(v1):
    config = tf1init.session_config()
    assert config.graph_options.place_pruned_graph
    assert config.graph_options.rewrite_options.disable_meta_optimizer


def test_seed_in_a_fresh_session_is_set_before_the_question_runs(tf, v1, make):
    """initialize_uninitialized asks first; that run would load the random ops unseeded."""
    graph = tf.Graph()
    with graph.as_default():
        w = make(v1.random_normal([4]), "w")
        k = make(v1.random_uniform([3]), "k")
    first, second = v1.Session(graph=graph), v1.Session(graph=graph)
    assert tf1init.initialize_uninitialized(first, seed=5) == ("w", "k")
    tf1init.initialize_all(second, seed=5)
    for a, b in zip(first.run([w, k]), second.run([w, k])):
        np.testing.assert_array_equal(a, b)
