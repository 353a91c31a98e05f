"""Pitfall 6: local variables (metrics, epoch counters) are not global_variables_initializer's."""
import re

import numpy as np
import pytest

import tf1init


@pytest.fixture
def metric_graph(tf, v1, kind):
    graph = tf.Graph()
    with graph.as_default():
        x = v1.placeholder(tf.float32, [None], name="x")
        w = v1.Variable(1.0, name="w", use_resource=kind == "resource")
        mean, update = v1.metrics.mean(x * w, name="mean")
        epochs = v1.Variable(0, name="epochs", collections=[v1.GraphKeys.LOCAL_VARIABLES],
                             use_resource=kind == "resource")
        step = tf.group(update, v1.assign_add(epochs, 1), name="step")
    return graph, x, mean, step, epochs


def test_raw_global_initializer_leaves_local_variables_uninitialized(tf, v1, metric_graph):
    graph, x, mean, step, _ = metric_graph
    with graph.as_default():
        init = v1.global_variables_initializer()
        report = v1.report_uninitialized_variables()
    session = v1.Session(graph=graph)
    session.run(init)
    assert sorted(n.decode() for n in session.run(report)) == ["epochs", "mean/count", "mean/total"]
    # ref: "Attempting to use uninitialized value mean/total"; resource: assign_add raises
    # NotFoundError "Resource localhost/mean/total/N10tensorflow3VarE does not exist."
    with pytest.raises((tf.errors.FailedPreconditionError, tf.errors.NotFoundError),
                       match=r"uninitialized value (mean|epochs)|Resource localhost/(mean|epochs)"):
        session.run(step, {x: [1.0, 3.0]})


def test_ours_initializes_local_variables_and_names_them(tf, v1, metric_graph):
    graph, x, mean, step, epochs = metric_graph
    session = v1.Session(graph=graph)
    tf1init.initialize(session, ["w"])  # global only, as raw code does
    with pytest.raises(tf1init.UninitializedVariablesError) as caught:
        tf1init.assert_initialized(session, step)
    message = str(caught.value)
    assert set(caught.value.variables) == {"epochs", "mean/count", "mean/total"}
    assert re.search(r"mean/total  shape \(\)  float32  local \w+ variable", message)
    with pytest.raises(tf1init.UninitializedVariablesError) as explained:
        with tf1init.explained_errors(session):
            session.run(step, {x: [1.0, 3.0]})
    text = str(explained.value)
    assert re.search(r"mean/count  shape \(\)  float32  \w+ variable, local, metric", text)
    assert re.search(r"epochs  shape \(\)  int32  \w+ variable, local\n", text)
    assert "not covered by tf.compat.v1.global_variables_initializer()" in text
    assert tf1init.initialize_all(session) == ("w", "mean/total", "mean/count", "epochs")
    session.run(step, {x: [1.0, 3.0]})
    assert session.run(mean) == 2.0 and session.run(epochs) == 1
