"""Pitfall 2: a checkpoint tensor of the wrong shape restores silently into a resource variable
(tensorflow/tensorflow#52220); ref variables raise."""
import numpy as np
import pytest

import tf1init

SAVED = np.arange(12, dtype=np.float32).reshape(3, 4)


@pytest.fixture
def checkpoint(tf, v1, tmp_path):
    graph = tf.Graph()
    with graph.as_default():
        v1.Variable(SAVED, name="w")
        v1.Variable(np.full([5], 7.0, np.float32), name="b")
        saver = v1.train.Saver()
    session = v1.Session(graph=graph)
    tf1init.initialize_all(session)
    with graph.as_default():
        return saver.save(session, str(tmp_path / "w34"))


def wider(tf, v1, kind):
    graph = tf.Graph()
    with graph.as_default():
        w = v1.Variable(np.ones([3, 5], np.float32), name="w", use_resource=kind == "resource")
        b = v1.Variable(np.ones([5], np.float32), name="b", use_resource=kind == "resource")
        saver = v1.train.Saver([w])
    return graph, w, b, saver


def test_raw_restore_of_a_wrong_shape(tf, v1, kind, checkpoint):
    graph, w, _, saver = wider(tf, v1, kind)
    session = v1.Session(graph=graph)
    with graph.as_default():
        if kind == "ref":
            with pytest.raises(tf.errors.InvalidArgumentError,
                               match=r"Assign requires shapes of both tensors to match. "
                                     r"lhs shape= \[3,5\] rhs shape= \[3,4\]"):
                saver.restore(session, checkpoint)
            return
        saver.restore(session, checkpoint)  # no error...
    assert w.shape.as_list() == [3, 5]  # ...the static shape says [3, 5]...
    np.testing.assert_array_equal(session.run(w), SAVED)  # ...the value is [3, 4]


def test_ours_refuses_a_wrong_shape_naming_both(tf, v1, kind, checkpoint):
    graph, w, b, _ = wider(tf, v1, kind)
    session = v1.Session(graph=graph)
    with pytest.raises(tf1init.CheckpointMismatchError,
                       match=r"variable 'w' <- 'w': shape \[3, 5\] vs \[3, 4\] in the checkpoint"):
        tf1init.restore_or_initialize(session, checkpoint, policy="strict")
    assert len(tf1init.uninitialized_variables(session)) == 2  # nothing changed
    with pytest.raises(tf1init.CheckpointMismatchError, match=r"variable 'w' <- 'w': shape \[3, 5\] vs \[3, 4\]"):
        tf1init.restore_or_initialize(session, checkpoint)  # the default refuses too
    assert len(tf1init.uninitialized_variables(session)) == 2
    report = tf1init.restore_or_initialize(session, checkpoint, on_mismatch="initialize")  # reported, initialized
    assert [str(m) for m in report.mismatched] == [
        "variable 'w' <- 'w': shape [3, 5] vs [3, 4] in the checkpoint"]
    assert report.restored == {"b": "b"} and report.initialized == ("w",)
    np.testing.assert_array_equal(session.run(w), np.ones([3, 5], np.float32))
    np.testing.assert_array_equal(session.run(b), np.full([5], 7.0, np.float32))
