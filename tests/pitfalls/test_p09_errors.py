"""Pitfall 9: TF's FailedPreconditionError / "Could not find variable" / NotFoundError name one
variable deep in a long message; ours list every variable concerned, its kind, and the fix."""
import re

import numpy as np
import pytest

import tf1init


def model(tf, v1, kind, *, head=False, optimizer=False):
    graph = tf.Graph()
    with graph.as_default():
        use_resource = kind == "resource"
        x = v1.placeholder(tf.float32, [None, 3], name="x")
        w = v1.get_variable("body/w", [3, 4], use_resource=use_resource)
        y = tf.matmul(x, w)
        if head:
            y = tf.matmul(y, v1.get_variable("head/w", [4, 2], use_resource=use_resource))
        loss = tf.reduce_sum(y, name="loss")
        if optimizer:
            step = v1.train.get_or_create_global_step()
            v1.train.AdamOptimizer(0.1).minimize(loss, global_step=step)
        saver = v1.train.Saver()
    return graph, x, loss, saver


@pytest.fixture
def checkpoint(tf, v1, kind, tmp_path):
    graph, _, _, saver = model(tf, v1, kind)
    session = v1.Session(graph=graph)
    tf1init.initialize_all(session)
    with graph.as_default():
        return saver.save(session, str(tmp_path / "body"))


def test_raw_errors_name_one_variable(tf, v1, kind, checkpoint):
    graph, x, loss, saver = model(tf, v1, kind, head=True, optimizer=True)
    session = v1.Session(graph=graph)
    with pytest.raises(tf.errors.FailedPreconditionError) as uninitialized:
        session.run(loss, {x: np.ones([1, 3], np.float32)})
    text = uninitialized.value.message
    if kind == "ref":
        assert re.search(r"Attempting to use uninitialized value (body|head)/w\n", text)
    else:
        assert re.search(r"Could not find variable (body|head)/w\. This could mean that the "
                         r"variable has been deleted\. In TF1, it can also mean the variable "
                         r"is uninitialized\.", text)
    with graph.as_default(), pytest.raises(tf.errors.NotFoundError) as restore:
        saver.restore(session, checkpoint)
    text = restore.value.message
    assert text.startswith("Restoring from checkpoint failed. This is most likely due to a "
                           "Variable name or other graph key that is missing from the checkpoint.")
    assert len(re.findall(r"Key (\S+) not found in checkpoint", text)) == 1  # of 8 missing


def test_ours_list_every_variable_with_its_kind_and_the_fix(tf, v1, kind, checkpoint):
    graph, x, loss, saver = model(tf, v1, kind, head=True, optimizer=True)
    session = v1.Session(graph=graph)
    with pytest.raises(tf1init.UninitializedVariablesError) as caught:
        with tf1init.explained_errors(session):
            session.run(loss, {x: np.ones([1, 3], np.float32)})
    text = str(caught.value)
    assert re.match(r"9 variables hold no value \(TF named '(body|head)/w'\):\n", text)
    assert f"  body/w  shape (3, 4)  float32  {kind} variable, global, trainable\n" in text
    assert f"  beta1_power  shape ()  float32  {kind} variable, global, optimizer accumulator\n" in text
    assert f"  head/w/Adam_1  shape (4, 2)  float32  {kind} variable, global, optimizer slot\n" in text
    assert re.search(r"  global_step  shape \(\)  int64  \w+ variable, global, step counter\n", text)
    assert "tf1init.restore_or_initialize(session, checkpoint)" in text
    with pytest.raises(tf1init.NotInCheckpointError) as missing:
        with tf1init.explained_errors(session, checkpoint=checkpoint), graph.as_default():
            saver.restore(session, checkpoint)
    assert missing.value.variables == (
        "head/w", "global_step", "beta1_power", "beta2_power",
        "body/w/Adam", "body/w/Adam_1", "head/w/Adam", "head/w/Adam_1",
    )
    assert missing.value.checkpoint == checkpoint
    assert f"holds no value for 8 variables of the graph" in str(missing.value)


def test_ours_name_both_shapes_of_a_mismatched_restore(tf, v1, tmp_path):
    graph = tf.Graph()
    with graph.as_default():
        v1.Variable(np.zeros([3, 4], np.float32), name="w", use_resource=False)
        saver = v1.train.Saver()
    session = v1.Session(graph=graph)
    tf1init.initialize_all(session)
    with graph.as_default():
        path = saver.save(session, str(tmp_path / "w34"))
    other = tf.Graph()
    with other.as_default():
        v1.Variable(np.zeros([3, 5], np.float32), name="w", use_resource=False)  # ref: raises
        saver = v1.train.Saver()
    session = v1.Session(graph=other)
    with pytest.raises(tf1init.CheckpointShapeError,
                       match=r"holds shape \[3,4\] for 'w', the graph's variable has shape \[3,5\]"):
        with tf1init.explained_errors(session), other.as_default():
            saver.restore(session, path)


def test_our_own_calls_explain_too(tf, v1):
    graph = tf.Graph()
    with graph.as_default():
        v1.Variable(np.ones(2, np.float32), name="a")
    session = v1.Session(graph=graph)
    with pytest.raises(tf1init.UninitializedVariablesError, match=r"1 variable holds no value \(TF named 'a'\)"):
        tf1init.fingerprint(session)


def test_other_errors_pass_through_unchanged(tf, v1):
    graph = tf.Graph()
    with graph.as_default():
        x = v1.placeholder(tf.float32, [2], name="x")
        y = tf.identity(x)
    session = v1.Session(graph=graph)
    with pytest.raises(tf.errors.InvalidArgumentError, match="must feed a value for placeholder"):
        with tf1init.explained_errors(session):
            session.run(y)
