"""Initial values computed outside the session (tf1init.replay) equal TF's own, bit for bit.

The replay draws each seeded random op's k-th sample with its stateless twin; if the counter
arithmetic or an op's arithmetic were off by one ulp, these comparisons would fail.
"""
import numpy as np
import pytest

import tf1init
from tf1init._graph_state import state_of
from tf1init.replay import Replay


def build(tf, v1, kind):
    graph = tf.Graph()
    with graph.as_default():
        v1.set_random_seed(42)
        use_resource = kind == "resource"
        specs = {
            "normal": v1.random_normal([7, 5], mean=0.5, stddev=2.0),
            "truncated": v1.truncated_normal([64, 3], stddev=0.1),
            "uniform": v1.random_uniform([4, 9], -3.0, 3.0),
            "uniform_int": v1.random_uniform([6], 0, 100, dtype=tf.int32),
            "uniform_f64": v1.random_uniform([3, 3], dtype=tf.float64),
        }
        variables = [v1.Variable(value, name=name, use_resource=use_resource) for name, value in specs.items()]
        variables.append(v1.get_variable("glorot", [16, 8], use_resource=use_resource))
        variables.append(v1.get_variable(
            "he", [32, 4], initializer=v1.variance_scaling_initializer(2.0, distribution="truncated_normal"),
            use_resource=use_resource))
        init = v1.global_variables_initializer()
    return graph, variables, init


@pytest.mark.parametrize("kind", ["ref", "resource"])
def test_replayed_draws_equal_the_sessions_own_for_three_runs(tf, v1, kind):
    graph, variables, init = build(tf, v1, kind)
    raw = v1.Session(graph=graph)
    expected = []
    for _ in range(3):  # the k-th run of a stateful op draws further along its stream
        raw.run(init)
        expected.append(raw.run(variables))
    ours = tf1init.fast_session(graph)
    for run in range(3):
        tf1init.initialize_all(ours)
        for variable, want, got in zip(variables, expected[run], ours.run(variables)):
            assert got.dtype == want.dtype and got.shape == want.shape
            assert np.array_equal(got, want), f"run {run}: {variable.op.name} differs"
    # The values went through the bulk loader, not the initializers' own random ops.
    assert any(op.name.startswith("tf1init_loader") for op in graph.get_operations())
    raw.close()
    ours.close()


@pytest.mark.parametrize("kind", ["ref", "resource"])
def test_same_form_initial_values_computed_together_equal_tensorflows(tf, v1, kind):
    """A model's layers share a form (the same ops and constants, other seeds): the replay
    computes each form once over all their draws stacked. Broadcasting against a constant of
    higher rank, float64, Neg and Sub, and one draw feeding two variables must all still give
    TF's values bit for bit."""
    graph = tf.Graph()
    with graph.as_default():
        v1.set_random_seed(7)
        grid = tf.constant(np.arange(12.0, dtype=np.float32).reshape(3, 4))
        values = {}
        for i in range(3):
            values[f"layer{i}"] = v1.random_normal([3, 4], mean=0.5, stddev=2.0)
            values[f"row{i}"] = v1.random_normal([4]) * 3.0 + grid
            values[f"flip{i}"] = -(v1.random_uniform([2, 2], dtype=tf.float64) - 1.0)
        shared = v1.truncated_normal([5])
        values["twin_a"] = shared * 2.0
        values["twin_b"] = shared * 2.0
        variables = [v1.Variable(v, name=n, use_resource=kind == "resource") for n, v in values.items()]
        init = v1.global_variables_initializer()
    raw = v1.Session(graph=graph)
    raw.run(init)
    expected = raw.run(variables)
    ours = tf1init.fast_session(graph)
    tf1init.initialize_all(ours)
    for variable, want, got in zip(variables, expected, ours.run(variables)):
        assert got.dtype == want.dtype and got.shape == want.shape
        assert np.array_equal(got, want), f"{variable.op.name} differs"
    assert np.array_equal(expected[-1], expected[-2])
    # The batched computation itself (the call above would fall back to one at a time on a
    # shape it got wrong): on a fresh session it gives the first draws, TF's.
    plans = [state_of(graph).plans[v.op.name] for v in variables]
    together = Replay(tf1init.fast_session(graph)).values(plans)
    for variable, want, got in zip(variables, expected, together):
        assert got.shape == want.shape and np.array_equal(got, want), f"{variable.op.name} differs"


def test_an_unseeded_draw_feeding_two_same_form_variables_is_drawn_once(tf, v1):
    graph = tf.Graph()
    with graph.as_default():
        shared = v1.random_normal([6])
        a = v1.Variable(shared * 2.0, name="a")
        b = v1.Variable(shared * 2.0, name="b")
    session = tf1init.fast_session(graph)
    tf1init.initialize_all(session)
    got_a, got_b = session.run([a, b])
    assert np.array_equal(got_a, got_b) and not np.array_equal(got_a, np.zeros(6))
