"""tf1init.saver_save / saver_restore: what a lifted TF1 program saves and restores through.

They must keep tf.train.Saver's layout (``prefix``, ``prefix-<step>``, the folder's state file,
the newest five kept) and read both what they wrote and what the TF1 program wrote before it was
migrated: a real TF 1.15 Saver checkpoint, matched by TF1's variable names.
"""
import os
import subprocess
import textwrap

import numpy as np
import pytest
import tensorflow as tf

import tf1init
from tf1_reference import tf1_env, tf1_python


def _model():
    weight = tf.Variable([[1.0, 2.0], [3.0, 4.0]], name="weight")
    bias = tf.Variable([0.5, -0.5])  # unnamed: TF1 called it Variable
    other = tf.Variable(7.0)  # Variable_1
    step = tf.Variable(0, dtype=tf.int64, name="global_step", trainable=False)
    optimizer = tf.keras.optimizers.Adam(0.1)
    optimizer.apply_gradients(zip([tf.ones([2, 2]), tf.ones([2]), tf.ones([])], [weight, bias, other]))
    checkpoint = tf.train.Checkpoint(weight=weight, bias=bias, other=other, global_step=step, optimizer=optimizer)
    return checkpoint, (weight, bias, other, step, optimizer)


def test_saves_as_a_saver_did_and_restores_its_own(tmp_path):
    checkpoint, (weight, bias, other, step, optimizer) = _model()
    written = []
    for n in range(7):
        step.assign(n * 10)
        written.append(tf1init.saver_save(checkpoint, str(tmp_path / "model.ckpt"), global_step=step))
    assert written[-1] == str(tmp_path / "model.ckpt-60")
    assert tf.train.latest_checkpoint(str(tmp_path)) == written[-1]
    kept = sorted(p.name for p in tmp_path.glob("model.ckpt-*.index"))
    assert kept == [f"model.ckpt-{n * 10}.index" for n in range(2, 7)]  # the newest five, as Saver kept
    saved = [v.numpy() for v in (weight, bias, other)]
    moments = [v.numpy() for v in optimizer.variables]
    for v in (weight, bias, other):
        v.assign(tf.zeros_like(v))
    for v in optimizer.variables:
        v.assign(tf.zeros_like(v))
    tf1init.saver_restore(checkpoint, str(tmp_path))  # a folder: its latest
    assert all(np.array_equal(a, v.numpy()) for a, v in zip(saved, (weight, bias, other)))
    assert all(np.array_equal(a, v.numpy()) for a, v in zip(moments, optimizer.variables))  # Adam's state too
    plain = tf1init.saver_save(checkpoint, str(tmp_path / "plain.ckpt"))
    assert plain == str(tmp_path / "plain.ckpt") and tf.train.latest_checkpoint(str(tmp_path)) == plain


def test_reads_a_tf115_saver_checkpoint_by_tf1_names(tmp_path):
    python = tf1_python()
    if not python:
        pytest.skip("no TF 1.15 interpreter: set TF1INIT_TF1_PYTHON (.ci/run makes one)")
    program = textwrap.dedent("""
        import sys
        import tensorflow as tf
        weight = tf.Variable([[9.0, 8.0], [7.0, 6.0]], name="weight")
        bias = tf.Variable([1.5, 2.5])
        other = tf.Variable(-3.0)
        step = tf.Variable(42, dtype=tf.int64, name="global_step", trainable=False)
        loss = tf.reduce_sum(weight) + tf.reduce_sum(bias) + other
        train = tf.train.AdamOptimizer(0.1).minimize(loss)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            print(tf.train.Saver().save(sess, sys.argv[1], global_step=step))
    """)
    done = subprocess.run([python, "-c", program, str(tmp_path / "model.ckpt")], capture_output=True, text=True,
                          env=tf1_env(TF_CPP_MIN_LOG_LEVEL="2"), timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    checkpoint, (weight, bias, other, step, _) = _model()
    tf1init.saver_restore(checkpoint, tf.train.latest_checkpoint(str(tmp_path)))
    assert weight.numpy().tolist() == [[9.0, 8.0], [7.0, 6.0]]
    assert bias.numpy().tolist() == [1.5, 2.5] and other.numpy() == -3.0 and step.numpy() == 42


def test_a_checkpoint_without_a_variable_changes_nothing(tmp_path):
    small = tf.train.Checkpoint(weight=tf.Variable([1.0, 1.0], name="weight"))
    with tf.Graph().as_default():  # a TF1-style name-based checkpoint that lacks `Variable`
        w = tf.compat.v1.Variable([5.0, 5.0], name="weight")
        with tf.compat.v1.Session() as sess:
            sess.run(w.initializer)
            prefix = tf.compat.v1.train.Saver().save(sess, str(tmp_path / "tf1.ckpt"))
    checkpoint, (weight, bias, *_rest) = _model()
    before = weight.numpy().copy()
    with pytest.raises(tf1init.CheckpointMismatchError, match="Variable"):
        tf1init.saver_restore(checkpoint, prefix)
    assert np.array_equal(weight.numpy(), before)
    tf1init.saver_restore(small, prefix)
    assert small.weight.numpy().tolist() == [5.0, 5.0]
    with pytest.raises(tf1init.CheckpointNotFoundError, match="None"):
        tf1init.saver_restore(checkpoint, tf.train.latest_checkpoint(str(tmp_path / "empty")))
