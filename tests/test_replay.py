"""Initial values computed outside the session (tf1init.replay) equal TF's own, bit for bit.

The replay draws each seeded random op's k-th sample with its stateless twin; if the counter
arithmetic or an op's arithmetic were off by one ulp, these comparisons would fail.
"""
import numpy as np
import pytest

import tf1init


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
