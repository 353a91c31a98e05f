"""Pitfall 5: initializer ops built inside a loop grow the graph; ours are built once."""
import numpy as np
import pytest

import tf1init


def small_graph(tf, v1):
    """Both variable kinds, a derived variable, a local counter and an array-backed table."""
    graph = tf.Graph()
    with graph.as_default():
        ref = v1.Variable(v1.random_normal([4]), name="model/ref", use_resource=False)
        res = v1.Variable(v1.random_normal([4]), name="model/res", use_resource=True)
        v1.Variable(2 * tf1init.initialized_value(res), name="model/twice")
        v1.Variable(0, name="epochs", collections=[v1.GraphKeys.LOCAL_VARIABLES])
        tf1init.variable_from_array(np.arange(3.0, dtype=np.float32), "table")
        total = tf.reduce_sum(ref) + tf.reduce_sum(res)
    return graph, total


def test_raw_initializer_built_in_a_loop_grows_the_graph(tf, v1):
    graph, _ = small_graph(tf, v1)
    size = len(graph.get_operations())
    with graph.as_default():
        for _ in range(1000):
            v1.global_variables_initializer()
    assert len(graph.get_operations()) == size + 1000  # one new group op per call
    graph.finalize()
    with graph.as_default(), pytest.raises(RuntimeError, match="Graph is finalized"):
        v1.global_variables_initializer()


def test_ours_called_1000_times_adds_no_ops_on_a_prepared_finalized_graph(tf, v1):
    graph, total = small_graph(tf, v1)
    added = tf1init.prepare(graph)
    assert added == 1  # the is-initialized check of the one ref variable, nothing else
    assert tf1init.prepare(graph) == 0
    graph.finalize()
    size = len(graph.get_operations())
    session = v1.Session(graph=graph)
    calls = [
        lambda: tf1init.initialize_all(session),
        lambda: tf1init.initialize(session, "model"),
        lambda: tf1init.initialize_uninitialized(session),
        lambda: tf1init.assert_initialized(session, total),
        lambda: tf1init.uninitialized_variables(session),
        lambda: tf1init.fingerprint(session),
    ]
    for n in range(1000):
        calls[n % len(calls)]()
    assert len(graph.get_operations()) == size
    ref, res, twice, table, epochs = session.run(tf1init.select_variables(graph))
    np.testing.assert_array_equal(twice, 2 * res)
    assert epochs == 0 and table.tolist() == [0.0, 1.0, 2.0]


def test_ours_works_on_a_finalized_graph_without_prepare(tf, v1):
    graph, _ = small_graph(tf, v1)
    graph.finalize()
    session = v1.Session(graph=graph)
    assert tf1init.uninitialized_variables(session) != []  # ref variables asked by reading them
    assert len(tf1init.initialize_all(session)) == 5  # needs no new op at all
    assert tf1init.initialize_uninitialized(session) == ()
    tf1init.assert_initialized(session)
