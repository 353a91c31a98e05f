"""``tf1init.use_tf1_seeds`` against the real TF 1.15: the same program draws the same bits.

Each case is a piece of TF1 program text. All cases run in one TF 1.15 process (``import
tensorflow as tf``) and in one TF 2.21 process (``import tensorflow.compat.v1 as tf;
tf.disable_v2_behavior()``, the codemod's form; the ``legacy_keras`` cases in a third, with
tf_keras), in parallel, each case in its own seeded graph, and every fetched value is compared
byte for byte. ``breaks`` names the construct a case shows TF 2.21 building with another op
count: the values fetched before it still match, the random op made after it (fetched last)
does not. The switch itself (idempotence, eager mode, explicit seeds) is tested in this process.
Run this file as a script to print the matrix in docs/tf1_seeds.md.
"""
import json
import os
import pathlib
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from typing import Optional

import pytest
from tf1_reference import tf1_env, tf1_python

GRAPH_SEED = 777


@dataclass(frozen=True)
class Case:
    name: str
    code: str  # sets `fetch` (a list) and may set `feed`
    breaks: Optional[str] = None  # why TF 2.21's op count differs from here on
    tf2_code: Optional[str] = None  # the migrated spelling, where TF 2.21 lacks the TF1 one
    legacy_keras: bool = False  # needs tf_keras (TF_USE_LEGACY_KERAS=1) on TF 2.21


AFTER = "after = tf.Variable(tf.random_normal([2]))\n"

INITIALIZERS = {
    "random_normal": "tf.random_normal_initializer()",
    "random_normal_args": "tf.random_normal_initializer(0.0, 0.1)",
    "truncated_normal": "tf.truncated_normal_initializer(stddev=0.1)",
    "random_uniform": "tf.random_uniform_initializer(-1.0, 1.0)",
    "random_uniform_default": "tf.random_uniform_initializer()",
    "glorot_uniform": "tf.glorot_uniform_initializer()",
    "glorot_normal": "tf.glorot_normal_initializer()",
    "variance_scaling": "tf.variance_scaling_initializer()",
    "variance_scaling_uniform": "tf.variance_scaling_initializer(2.0, 'fan_avg', 'uniform')",
    "variance_scaling_untruncated": "tf.variance_scaling_initializer(distribution='untruncated_normal')",
    "orthogonal": "tf.orthogonal_initializer()",
    "he_normal": "tf.initializers.he_normal()",
    "he_uniform": "tf.initializers.he_uniform()",
    "lecun_normal": "tf.initializers.lecun_normal()",
    "lecun_uniform": "tf.initializers.lecun_uniform()",
    "uniform_unit_scaling": "tf.uniform_unit_scaling_initializer()",
}
# tf.contrib is gone from TF 2.x: the codemod's exact tf.compat.v1 spellings (tf1init.catalogue).
CONTRIB = {
    "xavier_uniform": ("tf.contrib.layers.xavier_initializer()", "tf.glorot_uniform_initializer()"),
    "xavier_normal": (
        "tf.contrib.layers.xavier_initializer(uniform=False)",
        "tf.variance_scaling_initializer(scale=1.3 * 0.87962566103423978 ** 2, mode='fan_avg', "
        "distribution='truncated_normal')",
    ),
    "variance_scaling": (
        "tf.contrib.layers.variance_scaling_initializer()",
        "tf.variance_scaling_initializer(scale=2.011727389229801, mode='fan_in', "
        "distribution='truncated_normal')",
    ),
}
_SCOPED = """
with tf.variable_scope("layer1"):
    w = tf.get_variable("w", [4, 3], initializer={init})
    b = tf.get_variable("b", [3], initializer=tf.zeros_initializer())
with tf.variable_scope("layer2"):
    w2 = tf.get_variable("w", [3, 3], initializer={init})
fetch = [w, b, w2]
"""
_OPTIMIZER = """
x = tf.placeholder(tf.float32, [None, 3])
W = tf.Variable(tf.random_normal([3, 1]))
b = tf.Variable(tf.zeros([1]))
loss = tf.reduce_mean(tf.square(tf.matmul(x, W) + b))
train = tf.train.{optimizer}.minimize(loss)
""" + AFTER + "fetch = [W, after]\n"
GRADIENTS = "tf.gradients (minimize): TF 2.x's gradient functions (Mean, broadcasting Add) build other ops"

CASES = [
    Case("variable_random_normal", "W = tf.Variable(tf.random_normal([1]))\nfetch = [W]\n"),
    Case("variables_in_a_row", """
a = tf.Variable(tf.random_normal([3, 2]))
b = tf.Variable(tf.truncated_normal([2, 2], stddev=0.1))
c = tf.Variable(tf.random_uniform([4]))
d = tf.Variable(tf.random_uniform([2], -1.0, 1.0))
e = tf.Variable(tf.zeros([2]))
f = tf.Variable(tf.random_normal([5], mean=1.0, stddev=2.0))
g = tf.Variable(tf.random_uniform([3], 0, 10))
fetch = [a, b, c, d, e, f, g]
"""),
    Case("random_uniform_int_and_float64", """
a = tf.Variable(tf.random_uniform([4], 0, 10, dtype=tf.int32))
b = tf.Variable(tf.random_normal([3], dtype=tf.float64))
c = tf.Variable(tf.random_uniform([3], dtype=tf.float64))
fetch = [a, b, c]
"""),
    Case("get_variable_default_initializer", """
w = tf.get_variable("w", [3, 4])
b = tf.get_variable("b", [4])
fetch = [w, b]
"""),
    *[Case(f"get_variable_{name}", _SCOPED.format(init=init)) for name, init in INITIALIZERS.items()],
    *[
        Case(f"contrib_{name}", _SCOPED.format(init=tf1), tf2_code=_SCOPED.format(init=tf2))
        for name, (tf1, tf2) in CONTRIB.items()
    ],
    Case("variable_scope_initializer_and_name_scope", """
with tf.name_scope("model"):
    W = tf.Variable(tf.random_normal([2]), name="W")
    with tf.variable_scope("inner", initializer=tf.random_normal_initializer()):
        v = tf.get_variable("v", [2])
fetch = [W, v]
"""),
    Case("placeholders_and_ops_between", """
x = tf.placeholder(tf.float32, [None, 3])
W = tf.Variable(tf.random_normal([3, 4]))
b = tf.Variable(tf.zeros([4]))
h = tf.nn.relu(tf.matmul(x, W) + b)
W2 = tf.Variable(tf.random_normal([4, 2]))
b2 = tf.Variable(tf.random_normal([2]))
y = tf.matmul(h, W2) + b2
fetch = [W, W2, b2]
"""),
    Case("losses_metrics_math_then_variable", """
x = tf.placeholder(tf.float32, [None, 3]); y_ = tf.placeholder(tf.float32, [None, 2])
labels = tf.placeholder(tf.int64, [None])
W = tf.Variable(tf.random_normal([3, 2]))
b = tf.Variable(tf.constant(0.1, shape=[2]))
logits = tf.nn.xw_plus_b(x, W, b)
h = tf.sigmoid(logits)
cost = -tf.reduce_mean(y_ * tf.log(h) + (1 - y_) * tf.log(1 - h))
xent = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y_, logits=logits))
a = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
c = tf.nn.sigmoid_cross_entropy_with_logits(labels=y_, logits=logits)
e = tf.nn.l2_loss(W) + tf.add_n([tf.nn.l2_loss(b), tf.reduce_sum(tf.abs(W))])
f = tf.nn.softmax(logits) + tf.nn.log_softmax(logits)
acc = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), labels), tf.float32))
hot = tf.one_hot(labels, 2); clipped = tf.clip_by_value(h, 1e-10, 1.0)
n = tf.nn.l2_normalize(logits, 1) + tf.norm(W) + tf.reduce_logsumexp(logits, 1, keepdims=True)
m = tf.concat([logits, logits], 1); parts = tf.split(m, 2, 1); s = tf.unstack(tf.stack([logits, logits]))
t = tf.nn.tanh(logits) + tf.nn.elu(logits) + tf.nn.leaky_relu(logits) + tf.nn.softplus(logits)
mean, var = tf.nn.moments(logits, [0])
bn = tf.nn.batch_normalization(logits, mean, var, None, None, 1e-3)
accuracy, accuracy_op = tf.metrics.accuracy(labels, tf.argmax(logits, 1))
""" + AFTER + "fetch = [W, after]\n"),
    Case("cnn_conv_pool_dropout", """
x = tf.placeholder(tf.float32, [None, 8, 8, 1])
W1 = tf.Variable(tf.truncated_normal([3, 3, 1, 4], stddev=0.1))
b1 = tf.Variable(tf.constant(0.1, shape=[4]))
h1 = tf.nn.relu(tf.nn.conv2d(x, W1, strides=[1, 1, 1, 1], padding="SAME") + b1)
p1 = tf.nn.max_pool(h1, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding="SAME")
p1 = tf.nn.lrn(p1, 2, bias=1.0, alpha=0.001 / 9.0, beta=0.75)
flat = tf.reshape(p1, [-1, 4 * 4 * 4])
W2 = tf.Variable(tf.truncated_normal([64, 10], stddev=0.1))
keep_prob = tf.placeholder(tf.float32)
drop = tf.nn.dropout(tf.matmul(flat, W2), keep_prob)
W3 = tf.Variable(tf.truncated_normal([10, 2], stddev=0.1))
fetch = [W1, W2, W3]
"""),
    Case("dropout_keep_prob_placeholder", """
keep_prob = tf.placeholder(tf.float32)
d = tf.nn.dropout(tf.ones([4, 5]), keep_prob=keep_prob)
""" + AFTER + "fetch = [d, after]\nfeed = {keep_prob: 0.5}\n"),
    Case("dropout_keep_prob_number",
         "d = tf.nn.dropout(tf.ones([4, 5]), 0.7)\n" + AFTER + "fetch = [d, after]\n"),
    Case("dropout_rate_noise_shape", """
x = tf.random_normal([4, 5])
d = tf.nn.dropout(x, rate=0.3)
d2 = tf.nn.dropout(x, 0.5, noise_shape=[4, 1])
d3 = tf.nn.dropout(x, rate=tf.constant(0.25))
""" + AFTER + "fetch = [d, d2, d3, after]\n"),
    Case("random_shuffle_multinomial_categorical", """
s = tf.random_shuffle(tf.range(10))
m = tf.multinomial(tf.log([[0.2, 0.3, 0.5]]), 8)
c = tf.random.categorical(tf.log([[0.5, 0.5]]), 4)
""" + AFTER + "fetch = [s, m, c, after]\n"),
    Case("random_gamma_poisson", """
g = tf.random_gamma([3], 2.0)
g2 = tf.random_gamma([2], [1.0, 3.0], beta=[[2.0], [1.0]])
p = tf.random_poisson(3.0, [4])
""" + AFTER + "fetch = [g, g2, p, after]\n"),
    Case("image_random_ops", """
img = tf.reshape(tf.range(48, dtype=tf.float32), [4, 4, 3]) / 48.0
a = tf.random_crop(img, [2, 2, 3])
b = tf.image.random_flip_left_right(img)
c = tf.image.random_flip_up_down(img)
d = tf.image.random_brightness(img, 0.2)
e = tf.image.random_contrast(img, 0.5, 1.5)
f = tf.image.random_saturation(img, 0.5, 1.5)
g = tf.image.random_hue(img, 0.1)
""" + AFTER + "fetch = [a, b, c, d, e, f, g, after]\n"),
    Case("word2vec_nce_and_sampled_softmax", """
inputs = tf.placeholder(tf.int32, [None]); labels = tf.placeholder(tf.int64, [None, 1])
embeddings = tf.Variable(tf.random_uniform([20, 4], -1.0, 1.0))
embed = tf.nn.embedding_lookup(embeddings, inputs)
nce_w = tf.Variable(tf.truncated_normal([20, 4], stddev=1.0 / 2.0))
nce_b = tf.Variable(tf.zeros([20]))
loss = tf.reduce_mean(tf.nn.nce_loss(nce_w, nce_b, labels, embed, 5, 20))
sampled = tf.nn.sampled_softmax_loss(nce_w, nce_b, labels, embed, 5, 20)
true = tf.constant([[1], [2]], dtype=tf.int64)
candidates = tf.nn.uniform_candidate_sampler(true, 1, 4, True, 10).sampled_candidates
""" + AFTER + "fetch = [embeddings, nce_w, candidates, after]\n"),
    Case("input_pipelines_dataset_and_queues", """
it = tf.data.Dataset.range(6).shuffle(6).make_one_shot_iterator()
nxt = it.get_next()
x = tf.train.slice_input_producer([tf.constant([[1.0], [2.0], [3.0]])], shuffle=True)
q = tf.RandomShuffleQueue(10, 2, [tf.float32], shapes=[[1]])
batch = tf.train.shuffle_batch([x[0]], batch_size=2, capacity=8, min_after_dequeue=2)
""" + AFTER + "fetch = [nxt, after]\n"),
    Case("global_step_saver_summaries_ema_init_op", """
W = tf.Variable(tf.random_normal([2]))
gs = tf.Variable(0, trainable=False)
lr = tf.train.exponential_decay(0.1, gs, 100, 0.96, staircase=True)
saver = tf.train.Saver()
tf.summary.scalar("w0", W[0]); tf.summary.histogram("w", W); merged = tf.summary.merge_all()
init = tf.global_variables_initializer()
update = tf.assign(W, W * 2); update2 = tf.assign_add(W, [1.0, 1.0])
ema_op = tf.train.ExponentialMovingAverage(0.99).apply([W])
""" + AFTER + "fetch = [W, after]\n"),
    Case("initialized_value_chain", """
a = tf.Variable(tf.random_normal([3]))
b = tf.Variable(a.initialized_value() * 2)
c = tf.Variable(tf.random_normal([3]))
fetch = [a, b, c]
"""),
    Case("control_flow_v1", """
r = tf.while_loop(lambda i: i < 3, lambda i: i + 1, [tf.constant(0)])
p = tf.placeholder(tf.bool)
c = tf.cond(p, lambda: tf.random_normal([2]), lambda: tf.zeros([2]))
m = tf.map_fn(lambda e: e + tf.random_normal([]), tf.constant([1.0, 2.0, 3.0]), parallel_iterations=1)
s = tf.scan(lambda acc, e: acc + e, tf.constant([1.0, 2.0, 3.0]))
""" + AFTER + "fetch = [c, m, after]\nfeed = {p: True}\n"),
    Case("explicit_op_seeds", """
a = tf.Variable(tf.random_normal([3], seed=1))
b = tf.Variable(tf.random_normal([3]))
c = tf.get_variable("c", [2, 2], initializer=tf.glorot_uniform_initializer(seed=5))
fetch = [a, b, c]
"""),
    Case("resource_and_partitioned_variables", """
a = tf.Variable(tf.random_normal([2]), use_resource=True)
b = tf.get_variable("b", [2, 2], use_resource=True)
p = tf.get_variable("p", [6, 2], partitioner=tf.fixed_size_partitioner(2))
""" + AFTER + "fetch = [a, b] + list(p) + [after]\n"),
    Case("graph_seed_set_after_some_ops", """
pre = tf.constant(3.0)
W0 = tf.Variable(tf.zeros([2]))
tf.set_random_seed(123)
W = tf.Variable(tf.random_normal([2]))
fetch = [W]
"""),
    Case("optimizer_built_before_random_ops", """
opt = tf.train.AdamOptimizer(0.01)
x = tf.placeholder(tf.float32, [None, 3])
W = tf.Variable(tf.random_normal([3, 1]))
train = opt.minimize(tf.reduce_mean(tf.square(tf.matmul(x, W))))
fetch = [W]
"""),
    Case("gradients_of_matmul_and_sum", """
x = tf.placeholder(tf.float32, [None, 3])
W = tf.Variable(tf.random_normal([3, 1]))
g = tf.gradients(tf.reduce_sum(tf.matmul(x, W)), [W])
""" + AFTER + "fetch = [W, after]\n"),
    # Constructs after which TF 2.21 counts other ops than TF 1.15: the last fetch shows it.
    *[
        Case(f"random_after_{name}", _OPTIMIZER.format(optimizer=optimizer), breaks=GRADIENTS)
        for name, optimizer in [
            ("gradient_descent", "GradientDescentOptimizer(0.1)"),
            ("adam", "AdamOptimizer(0.01)"),
            ("momentum", "MomentumOptimizer(0.1, 0.9)"),
            ("rmsprop", "RMSPropOptimizer(0.01)"),
            ("adagrad", "AdagradOptimizer(0.1)"),
            ("adadelta", "AdadeltaOptimizer(0.1)"),
            ("ftrl", "FtrlOptimizer(0.1)"),
        ]
    ],
    Case("random_after_gradient_of_reduce_mean", """
W = tf.Variable(tf.random_normal([3]))
g = tf.gradients(tf.reduce_mean(W), [W])
""" + AFTER + "fetch = [W, after]\n", breaks=GRADIENTS),
    Case("random_after_tf_losses", """
y_ = tf.placeholder(tf.float32, [None, 2]); p = tf.placeholder(tf.float32, [None, 2])
loss = tf.losses.mean_squared_error(y_, p)
""" + AFTER + "fetch = [after]\n",
         breaks="tf.losses.*: the weighted-loss reduction builds 3 ops more (a range over the rank)"),
    Case("random_after_get_variable_regularizer", """
w = tf.get_variable("w", [4, 3], regularizer=lambda t: 0.01 * tf.nn.l2_loss(t))
""" + AFTER + "fetch = [w, after]\n",
         breaks="get_variable(regularizer=...): TF 2.x calls the regularizer once more when the variable "
                "is made (3 ops for an L2 loss) and again each time the collection is read"),
    Case("random_after_per_image_standardization", """
f = tf.image.per_image_standardization(tf.ones([4, 4, 3]))
""" + AFTER + "fetch = [after]\n",
         breaks="tf.image.per_image_standardization: TF 1.15's trailing convert_image_dtype "
                "Identity is gone"),
    Case("random_after_stateless_random_ops", """
a = tf.random.stateless_uniform([3], seed=[1, 2])
b = tf.random.stateless_normal([3], seed=[1, 2])
""" + AFTER + "fetch = [a, b, after]\n",
         breaks="tf.random.stateless_*: TF 2.x draws through key/counter ops, 2 ops more each (same values)"),
    # tf.layers and tf.nn.rnn_cell need tf_keras on TF 2.21 (Keras 3 has neither).
    Case("legacy_layers_dense_and_dropout", """
x = tf.placeholder(tf.float32, [None, 3])
h = tf.layers.dense(x, 4, activation=tf.nn.relu)
d = tf.layers.dropout(h, 0.5, training=True)
y = tf.layers.dense(d, 2)
weights = tf.trainable_variables()
""" + AFTER + "fetch = weights + [after]\n", legacy_keras=True),
    Case("legacy_static_rnn_gru", """
x = tf.placeholder(tf.float32, [None, 4, 3])
cell = tf.nn.rnn_cell.GRUCell(5)
out, state = tf.nn.static_rnn(cell, tf.unstack(x, axis=1), dtype=tf.float32)
weights = tf.trainable_variables()
""" + AFTER + "fetch = weights + [after]\n", legacy_keras=True),
    Case("legacy_random_after_layers_conv2d", """
x = tf.placeholder(tf.float32, [None, 8, 8, 1])
c = tf.layers.conv2d(x, 4, 3)
weights = tf.trainable_variables()
""" + AFTER + "fetch = weights + [after]\n", legacy_keras=True,
         breaks="tf.layers.conv2d (tf_keras): no dilation_rate Const"),
    Case("legacy_random_after_dynamic_rnn_lstm", """
x = tf.placeholder(tf.float32, [None, 4, 3])
out, state = tf.nn.dynamic_rnn(tf.nn.rnn_cell.BasicLSTMCell(5), x, dtype=tf.float32)
weights = tf.trainable_variables()
""" + AFTER + "fetch = weights + [after]\n", legacy_keras=True,
         breaks="tf.nn.dynamic_rnn: stacking the outputs' TensorArray skips TensorArraySizeV3"),
]
BY_NAME = {case.name: case for case in CASES}
# The TF 2.21 passes besides "on" (use_tf1_seeds()) run these: enough to show what "off" restores.
OWN_AND_OFF = ["variable_random_normal", "variables_in_a_row", "dropout_rate_noise_shape",
               "explicit_op_seeds", "random_gamma_poisson", "control_flow_v1"]

RUNNER = '''
import json, sys
import numpy as np


def run_case(build):
    graph = tf.Graph()
    try:
        with graph.as_default():
            tf.set_random_seed(%d)
            fetch, feed = build()
            ops = len(graph.get_operations())
            with tf.Session() as session:
                session.run(tf.global_variables_initializer())
                values = session.run(fetch, feed_dict=feed)
        return {"values": [np.asarray(v).tobytes().hex() for v in values], "ops": ops}
    except Exception as error:  # a case TensorFlow rejects is reported, not fatal
        return {"error": "%%s: %%s" %% (type(error).__name__, (str(error).splitlines() or [""])[0][:200])}
''' % GRAPH_SEED


def program(cases, tf2: bool, passes=("on",), subset=None) -> str:
    """One program that runs ``cases`` and prints JSON: under TF 1.15, or under TF 2.21 in
    ``passes`` ("own": before the switch was ever on, "on", "off": switched off again), the
    passes other than "on" only over ``subset`` (None: all)."""
    header = "import tensorflow as tf\n"
    if tf2:
        header = "import tensorflow.compat.v1 as tf\ntf.disable_v2_behavior()\nimport tf1init\n"
    parts = [header, RUNNER, "CASES = {}\n"]
    for case in cases:
        code = case.tf2_code if (tf2 and case.tf2_code) else case.code
        parts.append(f"def _{case.name}():\n    feed = None\n"
                     + textwrap.indent(code.strip() + "\n", "    ")
                     + f"    return fetch, feed\nCASES[{case.name!r}] = _{case.name}\n")
    if not tf2:
        parts.append("print(json.dumps({'tf1': {n: run_case(b) for n, b in CASES.items()}}))\n")
        return "".join(parts)
    parts.append(textwrap.dedent(f"""
        results = {{}}
        for name in {list(passes)!r}:
            if name == "on":
                assert tf1init.use_tf1_seeds() is False
                assert tf1init.use_tf1_seeds() is True  # idempotent
            elif name == "off":
                assert tf1init.use_tf1_seeds(False) is True
            chosen = CASES if name == "on" else {subset!r} or CASES
            results[name] = {{n: run_case(CASES[n]) for n in chosen if n in CASES}}
        print(json.dumps(results))
    """))
    return "".join(parts)


def legacy_keras_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("tf_keras") is not None


def start(python: str, text: str, env=None) -> subprocess.Popen:
    return subprocess.Popen([python, "-c", text], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env)


def finish(process: subprocess.Popen, what: str) -> dict:
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, f"{what} failed (exit {process.returncode}):\n{err[-3000:]}"
    return json.loads(out.strip().splitlines()[-1])


def measure(full: bool = False) -> dict:
    """{"tf1", "own", "on", "off"} -> {case: {"values" or "error", "ops"}}, from TF 1.15 and
    TF 2.21 processes that run in parallel. ``full``: every case in every pass (for the docs)."""
    legacy = [case for case in CASES if case.legacy_keras] if legacy_keras_available() else []
    keras3 = [case for case in CASES if not case.legacy_keras]
    # Importing TF 2.x sets TF2_BEHAVIOR=1 in os.environ; TF 1.15 would switch to v2 behaviour.
    env = tf1_env(TF_CPP_MIN_LOG_LEVEL="3")
    passes = ("own", "on", "off")
    running = [
        ("TF 1.15", start(tf1_python(), program(keras3 + legacy, tf2=False), env)),
        ("TF 2.21", start(sys.executable, program(keras3, True, passes, None if full else OWN_AND_OFF), env)),
    ]
    if legacy:
        running.append(("TF 2.21 with tf_keras", start(
            sys.executable, program(legacy, True, passes if full else ("on",)),
            dict(env, TF_USE_LEGACY_KERAS="1"))))
    results = {}
    for what, process in running:
        for key, values in finish(process, what).items():
            results.setdefault(key, {}).update(values)
    return results


@pytest.fixture(scope="module")
def measured():
    if tf1_python() is None:
        pytest.skip("no TF 1.15 interpreter: set TF1INIT_TF1_PYTHON to a Python with tensorflow 1.15")
    return measure()


def _values(result: dict, case: str) -> list:
    entry = result[case]
    assert "error" not in entry, f"{case}: {entry['error']}"
    return entry["values"]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_tf1_seeds_draw_what_tf115_drew(measured, case):
    if case.name not in measured["on"]:
        pytest.skip("needs tf_keras (pip install tf-keras) for tf.layers / tf.nn.rnn_cell")
    tf1, tf2 = _values(measured["tf1"], case.name), _values(measured["on"], case.name)
    assert len(tf1) == len(tf2)
    if case.breaks is None:
        differ = [i for i, (a, b) in enumerate(zip(tf1, tf2)) if a != b]
        assert differ == [], f"{case.name}: fetches {differ} differ from TF 1.15's"
    else:  # what was made before the construct matches; the random op after it does not
        assert tf1[:-1] == tf2[:-1]
        assert tf1[-1] != tf2[-1], f"{case.name} now matches TF 1.15: update docs/tf1_seeds.md"


def test_headline_value_and_tf2s_own(measured):
    import numpy as np

    def first(result):
        value = bytes.fromhex(result["variable_random_normal"]["values"][0])
        return float(np.frombuffer(value, np.float32)[0])

    assert first(measured["tf1"]) == first(measured["on"]) == np.float32(2.2086694)
    assert first(measured["own"]) == np.float32(0.58597755)


def test_switching_off_restores_tf2s_own_seeds(measured):
    assert measured["off"] == measured["own"]
    assert measured["own"]["variables_in_a_row"] != measured["on"]["variables_in_a_row"]


def test_explicit_op_seeds_are_left_alone(measured):
    own, on, tf1 = (_values(measured[key], "explicit_op_seeds") for key in ("own", "on", "tf1"))
    assert own[0] == on[0] == tf1[0] and own[2] == on[2] == tf1[2]  # seed=1, seed=5
    assert own[1] != on[1] == tf1[1]  # the op without a seed


# In this process (TF 2.x behaviour, explicit graphs): the switch itself. Each test leaves it
# as it found it, since it is process-wide.
@pytest.fixture
def seeds_switch():
    import tf1init

    was = tf1init.use_tf1_seeds(False)
    yield tf1init.use_tf1_seeds
    tf1init.use_tf1_seeds(was)


def _draw(v1, build, seed=GRAPH_SEED):
    import tensorflow as tf

    with tf.Graph().as_default():
        if seed is not None:
            v1.set_random_seed(seed)
        tensors = build()
        with v1.Session() as session:
            return [value.tobytes() for value in session.run(tensors)]


def test_switch_is_idempotent_and_reports_the_previous_setting(seeds_switch, v1):
    from tf1init.graph import tf1_random_ops

    tf2_uniform = v1.random_uniform
    assert seeds_switch() is False
    assert seeds_switch() is True
    assert v1.random_uniform is v1.random.uniform is tf1_random_ops.random_uniform
    assert v1.get_seed is tf1_random_ops.get_seed
    assert seeds_switch(False) is True
    assert seeds_switch(False) is False
    assert v1.random_uniform is tf2_uniform and v1.get_seed is not tf1_random_ops.get_seed


def test_switch_applies_to_ops_made_after_it(seeds_switch, v1):
    def build():
        return [v1.random_normal([1]), v1.random_uniform([2]), v1.nn.dropout(v1.ones([3]), rate=0.5)]

    own = _draw(v1, build)
    seeds_switch()
    tf1 = _draw(v1, build)
    seeds_switch(False)
    assert _draw(v1, build) == own != tf1
    import numpy as np

    assert np.frombuffer(tf1[0], np.float32)[0] == np.float32(2.2086694)


def test_explicit_seeds_and_unseeded_graphs_are_unchanged(seeds_switch, v1):
    def build():
        return [v1.random_normal([3], seed=4), v1.random_uniform([2], seed=9)]

    own = _draw(v1, build)
    seeds_switch()
    assert _draw(v1, build) == own
    with v1.Graph().as_default():
        assert v1.get_seed(None) == (None, None)  # no graph seed: random, as before


def test_eager_mode_is_unchanged(seeds_switch, tf):
    def draw():
        tf.random.set_seed(5)
        return [tf.random.normal([3]).numpy().tobytes(), tf.random.uniform([2]).numpy().tobytes(),
                tf.nn.dropout(tf.ones([4]), rate=0.5, seed=1).numpy().tobytes()]

    own = draw()
    seeds_switch()
    assert draw() == own


def test_docstring_example():
    import doctest

    from tf1init.graph import tf1_seeds

    result = doctest.testmod(tf1_seeds)
    assert result.attempted > 0 and result.failed == 0


def matrix_markdown(results: dict) -> str:
    """The measured matrix for docs/tf1_seeds.md."""
    def verdict(key, case):
        entry = results.get(key, {}).get(case.name)
        if entry is None:
            return "not run"
        if "error" in entry:
            return "error: " + entry["error"]
        tf1 = results["tf1"][case.name]["values"]
        same = sum(a == b for a, b in zip(tf1, entry["values"]))
        return "bit-identical" if same == len(tf1) else f"{same} of {len(tf1)} identical"

    rows = ["| case | ops TF 1.15 / TF 2.21 | TF 2.21 alone | with use_tf1_seeds() | why not identical |",
            "|---|---|---|---|---|"]
    for case in CASES:
        ops = f"{results['tf1'][case.name].get('ops')} / {results['on'].get(case.name, {}).get('ops')}"
        rows.append(f"| `{case.name}` | {ops} | {verdict('own', case)} | {verdict('on', case)} "
                    f"| {case.breaks or ''} |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(matrix_markdown(measure(full=True)))
