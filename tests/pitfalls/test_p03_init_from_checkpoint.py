"""Pitfall 3: init_from_checkpoint is silently ignored by an init op built before the call."""
import numpy as np
import pytest

import tf1init

KERNEL = np.arange(12, dtype=np.float32).reshape(3, 4) / 10


@pytest.fixture
def backbone(tf, v1, tmp_path):
    graph = tf.Graph()
    with graph.as_default():
        v1.get_variable("backbone/kernel", initializer=KERNEL)
        saver = v1.train.Saver()
    session = v1.Session(graph=graph)
    tf1init.initialize_all(session)
    with graph.as_default():
        return saver.save(session, str(tmp_path / "backbone"))


def fine_tune(tf, v1, kind):
    graph = tf.Graph()
    with graph.as_default():
        use_resource = kind == "resource"
        kernel = v1.get_variable("backbone/kernel", [3, 4], use_resource=use_resource)
        head = v1.get_variable("head/kernel", [4, 2], use_resource=use_resource)
    return graph, kernel, head


def test_raw_init_from_checkpoint_after_the_init_op(tf, v1, kind, backbone):
    graph, kernel, _ = fine_tune(tf, v1, kind)
    with graph.as_default():
        init = v1.global_variables_initializer()  # built first, as a model function often does
        v1.train.init_from_checkpoint(backbone, {"backbone/": "backbone/"})
        late = v1.global_variables_initializer()
    session = v1.Session(graph=graph)
    session.run(init)
    assert not np.array_equal(session.run(kernel), KERNEL)  # silently random, no warning
    session.run(late)
    np.testing.assert_array_equal(session.run(kernel), KERNEL)  # only an init op built after works


def test_ours_warm_start_works_regardless(tf, v1, kind, backbone):
    graph, kernel, head = fine_tune(tf, v1, kind)
    with graph.as_default():
        v1.global_variables_initializer()  # init ops built before or after change nothing
    session = v1.Session(graph=graph)
    report = tf1init.warm_start(session, backbone, "backbone")
    assert report.restored == {"backbone/kernel": "backbone/kernel"}
    assert report.initialized == ("head/kernel",)
    np.testing.assert_array_equal(session.run(kernel), KERNEL)
    assert session.run(head).shape == (4, 2)
