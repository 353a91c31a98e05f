"""Pitfall 10: a checkpoint written by a renamed model (weights/biases vs kernel/bias)."""
import re

import numpy as np
import pytest

import tf1init

WEIGHTS = np.arange(12, dtype=np.float32).reshape(3, 4)
BIASES = np.arange(4, dtype=np.float32)


@pytest.fixture
def old_checkpoint(tf, v1, tmp_path):
    """Written by TF1 slim/contrib-style names: fc/weights, fc/biases, out/weights."""
    graph = tf.Graph()
    with graph.as_default():
        v1.get_variable("fc/weights", initializer=WEIGHTS)
        v1.get_variable("fc/biases", initializer=BIASES)
        v1.get_variable("out/weights", initializer=np.ones([4, 2], np.float32))
        v1.train.get_or_create_global_step()
        saver = v1.train.Saver()
    session = v1.Session(graph=graph)
    tf1init.initialize_all(session)
    with graph.as_default():
        return saver.save(session, str(tmp_path / "old"))


def new_model(tf, v1, kind):
    graph = tf.Graph()
    with graph.as_default():
        use_resource = kind == "resource"
        x = v1.placeholder(tf.float32, [None, 3])
        from tf1init.layers import dense

        with v1.variable_scope("", use_resource=use_resource):
            dense(dense(x, 4, name="fc"), 2, use_bias=False, name="out")
        v1.train.get_or_create_global_step()
        saver = v1.train.Saver()
    return graph, saver


def test_raw_restore_of_a_renamed_model(tf, v1, kind, old_checkpoint):
    graph, saver = new_model(tf, v1, kind)
    session = v1.Session(graph=graph)
    with graph.as_default(), pytest.raises(tf.errors.NotFoundError) as caught:
        saver.restore(session, old_checkpoint)
    assert re.search(r"Key (fc|out)/(kernel|bias) not found in checkpoint", caught.value.message)
    assert "weights" not in caught.value.message  # no word on the entries that would fit


def test_ours_suggest_the_mapping_and_restore_with_it(tf, v1, kind, old_checkpoint):
    graph, _ = new_model(tf, v1, kind)
    session = v1.Session(graph=graph)
    report = tf1init.restore_or_initialize(session, old_checkpoint)
    assert report.restored == {"global_step": "global_step"}
    assert set(report.missing) == {"fc/kernel", "fc/bias", "out/kernel"}
    assert report.suggestions == {
        "fc/biases": "fc/bias", "fc/weights": "fc/kernel", "out/weights": "out/kernel"}
    assert "renamed? try mapping=" in str(report)
    session = v1.Session(graph=graph)
    report = tf1init.restore_or_initialize(session, old_checkpoint, mapping=report.suggestions,
                                           policy="strict")
    assert report.ok and len(report.restored) == 4
    by_name = {v.op.name: v for v in tf1init.select_variables(graph)}
    np.testing.assert_array_equal(session.run(by_name["fc/kernel"]), WEIGHTS)
    np.testing.assert_array_equal(session.run(by_name["fc/bias"]), BIASES)
