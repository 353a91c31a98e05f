"""Set-up in the background (background_run) and the speculative one-run load (speculation):
same results as the plain path, errors as session.run raises them, no thread left behind."""
import threading

import numpy as np
import pytest

import tf1init
from tf1init.background_run import BackgroundRun


def _threads():
    return [t.name for t in threading.enumerate() if t.name.startswith("tf1init")]


def _loader_ops(graph, op_type):
    return [op for op in graph.get_operations() if op.type == op_type and op.name.startswith("tf1init_loader")]


def test_a_background_run_returns_what_session_run_does(tf, v1):
    graph = tf.Graph()
    with graph.as_default():
        x = v1.placeholder(tf.float32, [2])
        y = x * 3.0
        w = v1.Variable([0.0, 0.0], name="w")
        assign = w.assign(y)
    session = v1.Session(graph=graph)
    run = BackgroundRun(session, [x], [y], [assign.op])
    got = run.run([[1.0, 2.0]])
    np.testing.assert_array_equal(got[0], [3.0, 6.0])
    np.testing.assert_array_equal(session.run(w), [3.0, 6.0])
    assert _threads() == []


def test_a_background_run_error_names_its_op_as_session_run_does(tf, v1):
    graph = tf.Graph()
    with graph.as_default():
        w = v1.Variable([1.0], name="never_initialized")
        doubled = w * 2.0
    session = v1.Session(graph=graph)
    run = BackgroundRun(session, [], [doubled], [])
    with pytest.raises(tf.errors.FailedPreconditionError) as caught:
        run.run([])
    assert caught.value.op is not None and "never_initialized" in caught.value.message


@pytest.mark.parametrize("call", ["all", "uninitialized"])
def test_calls_leave_no_thread_behind_even_when_refused(tf, v1, make, call):
    graph = tf.Graph()
    with graph.as_default():
        v1.set_random_seed(3)
        a = make(v1.random_normal([3, 2]), "a")
        b = make(v1.truncated_normal([4]), "b")
    session = tf1init.fast_session(graph)
    function = tf1init.initialize_all if call == "all" else tf1init.initialize_uninitialized
    assert function(session) == ("a", "b")
    assert _threads() == []
    raw = v1.Session(graph=graph)
    raw.run([a.initializer, b.initializer])
    for got, expected in zip(session.run([a, b]), raw.run([a, b])):
        np.testing.assert_array_equal(got, expected)
    session.close()
    with pytest.raises(tf1init.SessionClosedError):
        function(session)
    assert _threads() == []


def test_validate_shape_false_variables_get_tensorflows_values(tf, v1, make, kind):
    graph = tf.Graph()
    with graph.as_default():
        v1.set_random_seed(5)
        loose = make(v1.random_uniform([3, 5]), "loose", validate_shape=False)
        fixed = make(v1.random_normal([2]), "fixed")
    if kind == "ref":  # its shape is unknown to the graph: the general path computes it first
        assert not loose.shape.is_fully_defined()
    session = tf1init.fast_session(graph)
    assert tf1init.initialize_uninitialized(session) == ("loose", "fixed")
    raw = v1.Session(graph=graph)
    raw.run([loose.initializer, fixed.initializer])
    for got, expected in zip(session.run([loose, fixed]), raw.run([loose, fixed])):
        np.testing.assert_array_equal(got, expected)
    assert _threads() == []


def test_speculation_drops_its_set_up_when_a_value_derives_from_another(tf, v1, make):
    graph = tf.Graph()
    with graph.as_default():
        v1.set_random_seed(9)
        source = make(v1.random_normal([4]), "source")
        derived = make(2.0 * tf1init.initialized_value(source), "derived")
    session = tf1init.fast_session(graph)
    tf1init.initialize_all(session)
    got_source, got_derived = session.run([source, derived])
    np.testing.assert_array_equal(got_derived, 2.0 * got_source)
    assert _threads() == []


def test_every_op_tf1init_adds_has_its_python_twin(tf, v1, make):
    """Ops present in the C graph only would break graph walks such as Tensor.consumers()."""
    graph = tf.Graph()
    with graph.as_default():
        a = make(v1.random_normal([2]), "a")
        b = make(v1.zeros([3]), "b")
    session = tf1init.fast_session(graph)
    tf1init.initialize_uninitialized(session)
    tf1init.initialize_all(session)
    assert {op.name for op in graph.get_operations()} == {n.name for n in graph.as_graph_def().node}
    assert a.op.outputs[0].consumers() and b.op.outputs[0].consumers()


def test_the_asking_loader_assigns_only_what_holds_no_value_and_serves_later_calls(tf, v1, make, kind):
    """A first initialize_uninitialized builds a loader whose run also asks (its gate opens
    only if none of the batch holds a value). With one variable holding a value the gate stays
    shut and only the others are assigned; on a fresh session the same run loads everything;
    initialize_all opens the gate itself. On this one-device machine, resource variables are
    reached through one shared _VarHandlesOp: its handles must name the graph's own variables."""
    graph = tf.Graph()
    with graph.as_default():
        v1.set_random_seed(11)
        a = make(v1.random_normal([3]), "a")
        b = make(v1.random_uniform([2, 2]), "b")
        c = make(v1.truncated_normal([4]), "c")
        kept = v1.assign(b, [[1.0, 2.0], [3.0, 4.0]])
    raw = v1.Session(graph=graph)
    raw.run([a.initializer, b.initializer, c.initializer])
    expected = raw.run([a, b, c])
    session = tf1init.fast_session(graph)
    session.run(kept)
    assert tf1init.initialize_uninitialized(session) == ("a", "c")
    shared = [op.get_attr("shared_names") for op in _loader_ops(graph, "_VarHandlesOp")]
    assert shared == ([[b"a", b"b", b"c"]] if kind == "resource" else [])
    assert session.run(b).tolist() == [[1.0, 2.0], [3.0, 4.0]]
    for got, want in zip(session.run([a, c]), [expected[0], expected[2]]):
        np.testing.assert_array_equal(got, want)
    assert tf1init.uninitialized_variables(session) == []
    for call in (tf1init.initialize_uninitialized, tf1init.initialize_all):
        fresh = tf1init.fast_session(graph)
        assert [v.op.name for v in tf1init.uninitialized_variables(fresh)] == ["a", "b", "c"]
        assert call(fresh) == ("a", "b", "c")
        for got, want in zip(fresh.run([a, b, c]), expected):
            np.testing.assert_array_equal(got, want)
    assert len(_loader_ops(graph, "_VarHandlesOp")) == len(shared)
    assert _threads() == []


def test_with_two_devices_each_resource_variable_keeps_its_own_handle(tf, v1):
    """Placement could put a shared handle op on another device than a variable (here one is
    pinned to the second CPU): there the loader uses each variable's own handle, also on a
    graph whose loader a one-device session built with a shared one."""
    graph = tf.Graph()
    with graph.as_default():
        v1.set_random_seed(17)
        a = v1.Variable(v1.random_normal([3]), name="a", use_resource=True)
        with tf.device("/cpu:1"):
            b = v1.Variable(v1.random_uniform([2]), name="b", use_resource=True)
    config = tf1init.session_config()
    config.device_count["CPU"] = 2
    raw = v1.Session(graph=graph, config=config)
    assert len(raw.list_devices()) == 2
    raw.run([a.initializer, b.initializer])
    expected = raw.run([a, b])
    one = tf1init.fast_session(graph, v1.ConfigProto(allow_soft_placement=True))  # b moves to CPU:0
    assert tf1init.initialize_all(one) == ("a", "b")
    assert len(_loader_ops(graph, "_VarHandlesOp")) == 1
    for _ in range(2):  # the first builds its own batch, the second reuses it
        two = v1.Session(graph=graph, config=config)
        assert tf1init.initialize_uninitialized(two) == ("a", "b")
        for got, want in zip(two.run([a, b]), expected):
            np.testing.assert_array_equal(got, want)
    assert len(_loader_ops(graph, "_VarHandlesOp")) == 1
