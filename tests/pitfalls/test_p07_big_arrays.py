"""Pitfall 7: tf.Variable(big_array) embeds the array in the GraphDef (2 GB protobuf limit).

The >2 GB reproduction costs no memory: np.broadcast_to gives a 2 GB array view of one float.
bench/big_array.py initializes a real 2.2 GB variable through the fed path (run by hand).
"""
import numpy as np
import pytest

import tf1init

OVER_2GB = (2**29 + 16,)  # float32: 2,147,483,712 bytes


def test_raw_variable_from_array_embeds_it_and_fails_over_2gb(tf, v1):
    array = np.random.default_rng(0).standard_normal((1000, 1000)).astype(np.float32)
    graph = tf.Graph()
    with graph.as_default():
        v1.Variable(array, name="embedding")
        with pytest.raises(ValueError, match="Cannot create a tensor proto whose content is larger than 2GB"):
            v1.Variable(np.broadcast_to(np.float32(0.5), OVER_2GB), name="huge")
    assert graph.as_graph_def().ByteSize() > array.nbytes  # 4 MB of constant in the graph


def test_ours_keeps_the_array_out_of_the_graph_and_feeds_it(tf, v1, kind, tmp_path):
    rng = np.random.default_rng(1)
    array = rng.standard_normal((1000, 1000)).astype(np.float32)
    graph = tf.Graph()
    with graph.as_default():
        embedding = tf1init.variable_from_array(array, "embedding", use_resource=kind == "resource")
        huge = tf1init.variable_from_array(np.broadcast_to(np.float32(0.5), OVER_2GB), "huge")
        twice = v1.Variable(2 * tf1init.initialized_value(embedding), name="twice")
        saver = v1.train.Saver([embedding])
        reset = embedding.assign(tf.zeros([1000, 1000]))
    assert graph.as_graph_def().ByteSize() < 20_000  # shapes only, for 4 MB and 2 GB arrays
    assert tf1init.array_feeds(graph)  # both placeholders, for code that runs its own init op
    session = v1.Session(graph=graph)
    assert tf1init.initialize(session, [embedding, twice]) == ("embedding", "twice")
    np.testing.assert_array_equal(session.run(embedding), array)
    np.testing.assert_array_equal(session.run(twice), 2 * array)
    assert tf1init.uninitialized_variables(session) == [huge]  # never materialized here
    session.run(reset)
    tf1init.initialize_uninitialized(session, [embedding, twice])  # nothing to do: no feed needed
    tf1init.initialize(session, "embedding")  # re-initialized from the kept array
    np.testing.assert_array_equal(session.run(embedding), array)
    fresh = v1.Session(graph=graph)
    with graph.as_default():  # the Saver refuses to run in eager mode
        saver.restore(fresh, saver.save(session, str(tmp_path / "model")))
    np.testing.assert_array_equal(fresh.run(embedding), array)


def test_raw_initializer_without_the_feed_is_explained(tf, v1):
    graph = tf.Graph()
    with graph.as_default():
        table = tf1init.variable_from_array(np.arange(4, dtype=np.int64), "table")
        init = v1.global_variables_initializer()
    session = v1.Session(graph=graph)
    with pytest.raises(tf1init.ArrayNotFedError, match=r"\['table'\] are initialized from arrays"):
        with tf1init.explained_errors(session):
            session.run(init)
    session.run(init, feed_dict=tf1init.array_feeds(graph))
    assert session.run(table).tolist() == [0, 1, 2, 3]


def test_bad_input_is_refused(tf):
    with pytest.raises(RuntimeError, match="builds a graph-mode variable"):
        tf1init.variable_from_array(np.zeros(3), "eager")
    with tf.Graph().as_default(), pytest.raises(TypeError, match="needs a numeric array"):
        tf1init.variable_from_array(np.array([object()]), "objects")
