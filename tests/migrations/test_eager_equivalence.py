"""A migrated TF1 program, run under real TensorFlow eager, gives the numbers the TF1 original
gives in a tf.compat.v1 session. The only test of the codemods that imports TensorFlow (in
subprocesses: the TF1 run needs v2 behaviour off for the whole process)."""
import importlib.util
import json
import subprocess
import sys

import numpy as np
import pytest

from tf1init.migrations import migrate_source

# find_spec, not import: importing TensorFlow here would cost every test run 5 s at collection.
pytestmark = pytest.mark.skipif(importlib.util.find_spec("tensorflow") is None, reason="needs TensorFlow")

PROGRAM = '''\
import json
import tensorflow.compat.v1 as tf

w = tf.get_variable("w", [2, 3], initializer=tf.constant_initializer(0.5))
b = tf.Variable(tf.ones([3]), name="b")
c = tf.Variable(b.initialized_value() * 2, name="c")  # from b's initial value
r = tf.Variable(tf.random_uniform([4], minval=1.0, maxval=2.0), name="r")
g = tf.get_variable("g", [30, 20])
d = tf.get_variable("d", [40, 10], dtype=tf.float64)  # no initializer: TF1's default by dtype
n = tf.get_variable("n", [2], dtype=tf.int64)
t = tf.get_variable("t", [2], dtype="string")
saver = tf.train.Saver({"b": b})
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    saver.restore(sess, CKPT)
    out = sess.run([w, b, c, r, g, d, n, t])
print(json.dumps([v.tolist() for v in out], default=bytes.decode))
'''

TF1_RUN = '''\
import os, sys
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import tensorflow as tf
v1 = tf.compat.v1
v1.disable_v2_behavior()
CKPT = sys.argv[1]
with tf.Graph().as_default():
    b = v1.Variable([7.0, 8.0, 9.0], name="b")
    with v1.Session() as s:
        s.run(v1.global_variables_initializer())
        v1.train.Saver([b]).save(s, CKPT)
exec(compile(open(sys.argv[2]).read(), "tf1.py", "exec"), {"CKPT": CKPT})
'''

EAGER_RUN = '''\
import os, sys
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import tensorflow as tf
assert tf.executing_eagerly()
exec(compile(open(sys.argv[2]).read(), "tf2.py", "exec"), {"CKPT": sys.argv[1]})
'''


def run(harness, ckpt, program_path):
    done = subprocess.run([sys.executable, "-c", harness, ckpt, str(program_path)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return [np.array(v) for v in json.loads(done.stdout.strip().splitlines()[-1])]


def test_migrated_program_matches_tf1_session(tmp_path):
    result = migrate_source(PROGRAM, "program.py")
    migrated = result.new_source
    assert "Session" not in migrated and "initialized_value" not in migrated and "get_variable" not in migrated
    assert "Saver" not in migrated and all(f.kind != "manual" for f in result.findings), migrated
    assert migrate_source(migrated, "program.py").new_source == migrated
    (tmp_path / "tf1.py").write_text(PROGRAM)
    (tmp_path / "tf2.py").write_text(migrated)
    ckpt = str(tmp_path / "model.ckpt")
    tf1 = run(TF1_RUN, ckpt, tmp_path / "tf1.py")
    tf2 = run(EAGER_RUN, ckpt, tmp_path / "tf2.py")
    assert len(tf1) == len(tf2) == 8
    for name, a, e in zip("wbcrgdnt", tf1, tf2):
        assert a.shape == e.shape, name
    np.testing.assert_allclose(tf2[0], tf1[0])  # constant initializer
    np.testing.assert_allclose(tf2[1], [7.0, 8.0, 9.0])  # restored
    np.testing.assert_allclose(tf1[1], [7.0, 8.0, 9.0])
    np.testing.assert_allclose(tf2[2], tf1[2])  # from b's initial value, not the restored one
    for values in (tf1[3], tf2[3]):  # random: the same law, not the same samples
        assert values.min() >= 1.0 and values.max() < 2.0
    for index, fans in ((4, 30 + 20), (5, 40 + 10)):  # floats: TF1's default is Glorot uniform
        limit = np.sqrt(6.0 / fans)
        for values in (tf1[index], tf2[index]):
            assert np.abs(values).max() <= limit and abs(values.std() - limit / np.sqrt(3)) < limit / 10
    for values in (tf1[6], tf2[6]):  # integers: zeros
        assert values.tolist() == [0, 0]
    for values in (tf1[7], tf2[7]):  # strings: empty
        assert values.tolist() == ["", ""]
