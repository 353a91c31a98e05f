"""The op seeds tf1init.migrations.lift.tf1_op_ids predicts, checked against real TF 1.15.

One TF 1.15 process builds every program below in a fresh default graph (graph seed 777), and
reports the ops each top-level statement created and, in creation order, the op seed (``seed2``)
of each random op and the program lines it was built from (the module-level statement's, and the
innermost function body's when helper functions built it). The prediction, made from the ast
alone, must match: the counts, the seeds in order, and each seed's key pointing at those lines.
Statements
marked ``# uncountable`` are where the module must stop counting (it says so, or stops silently
after the last random op). The same process checks every TF parameter list the module binds
arguments with against TF 1.15's own signatures.
"""
import ast
import json
import os
import subprocess
import sys
import time

import pytest
from tf1_reference import NO_TF1, tf1_env, tf1_python

from tf1init.migrations.lift.tf1_op_ids import (
    ARITHMETIC,
    COMPARING,
    ELEMENTWISE,
    INITIALIZER_LAWS,
    MODELS,
    REDUCTIONS,
    VARIANCE,
    Uncountable,
    op_counts,
    op_seeds,
    ops_created,
)

EXPLICIT = 10**6  # explicit op seeds in these programs are at least this, so never taken for counts

RUNNER = r"""
import ast, inspect, json, sys, traceback
answer, sys.stdout = sys.stdout, sys.stderr  # the programs may print
import tensorflow as tf
tf.logging.set_verbosity(tf.logging.ERROR)
RANDOM = {"RandomStandardNormal", "TruncatedNormal", "RandomUniform", "RandomUniformInt"}
job = json.load(sys.stdin)
out = {"cases": {}, "signatures": {}}
for key, source in job["cases"].items():
    tf.reset_default_graph()
    tf.set_random_seed(777)
    namespace = {"tf": tf}
    counts, types = [], []
    try:
        for stmt in ast.parse(source).body:
            before = len(tf.get_default_graph().get_operations())
            exec(compile(ast.Module(body=[stmt]), key, "exec"), namespace)
            made = tf.get_default_graph().get_operations()[before:]
            counts.append(len(made))
            types.append(" ".join(op.type for op in made))
    except Exception:
        out["cases"][key] = {"error": traceback.format_exc()}
        continue
    ops = [op for op in tf.get_default_graph().get_operations() if op.type in RANDOM]
    seeds = [op.get_attr("seed2") for op in ops]
    lines = [[frame[1] for frame in op.traceback if frame[0] == key] for op in ops]
    out["cases"][key] = {"counts": counts, "types": types, "seeds": seeds, "lines": lines}
for name in job["names"]:
    try:
        obj = eval(name, {"tf": tf})
        if isinstance(obj, type):  # tf.Variable's metaclass hides its parameters
            params = list(inspect.signature(obj.__init__).parameters)[1:]
        else:
            params = list(inspect.signature(obj).parameters)
    except Exception as error:
        params = repr(error)
    out["signatures"][name] = params
json.dump(out, answer)
"""

# aymericdamien's convnet inputs and weight dicts, which two programs below share
CONV_NET_VARIABLES = """
X = tf.placeholder(tf.float32, [None, 784])
Y = tf.placeholder(tf.float32, [None, 10])
keep_prob = tf.placeholder(tf.float32)
weights = {
    'wc1': tf.Variable(tf.random_normal([5, 5, 1, 32])),
    'wc2': tf.Variable(tf.random_normal([5, 5, 32, 64])),
    'wd1': tf.Variable(tf.random_normal([7*7*64, 1024])),
    'out': tf.Variable(tf.random_normal([1024, 10]))
}
biases = {
    'bc1': tf.Variable(tf.random_normal([32])),
    'bc2': tf.Variable(tf.random_normal([64])),
    'bd1': tf.Variable(tf.random_normal([1024])),
    'out': tf.Variable(tf.random_normal([10]))
}
"""
PROGRAMS = {
    "logistic regression (the brief)": """
tf.set_random_seed(777)
X = tf.placeholder(tf.float32, shape=[None, 2])
Y = tf.placeholder(tf.float32, shape=[None, 1])
W = tf.Variable(tf.random_normal([2, 1]), name="weight")
b = tf.Variable(tf.random_normal([1]), name="bias")
hypothesis = tf.sigmoid(tf.matmul(X, W) + b)
cost = -tf.reduce_mean(Y * tf.log(hypothesis) + (1 - Y) * tf.log(1 - hypothesis))
train = tf.train.GradientDescentOptimizer(learning_rate=0.01).minimize(cost)  # uncountable
predicted = tf.cast(hypothesis > 0.5, dtype=tf.float32)
accuracy = tf.reduce_mean(tf.cast(tf.equal(predicted, Y), dtype=tf.float32))
""",
    "multilayer perceptron with weight dicts": """
learning_rate = 0.1
n_hidden_1 = 256
n_hidden_2 = 256
num_input = 784
num_classes = 10
X = tf.placeholder("float", [None, num_input])
Y = tf.placeholder("float", [None, num_classes])
weights = {
    'h1': tf.Variable(tf.random_normal([num_input, n_hidden_1])),
    'h2': tf.Variable(tf.random_normal([n_hidden_1, n_hidden_2])),
    'out': tf.Variable(tf.random_normal([n_hidden_2, num_classes]))
}
biases = {
    'b1': tf.Variable(tf.random_normal([n_hidden_1])),
    'b2': tf.Variable(tf.random_normal([n_hidden_2])),
    'out': tf.Variable(tf.random_normal([num_classes]))
}
layer_1 = tf.add(tf.matmul(X, weights['h1']), biases['b1'])
layer_2 = tf.add(tf.matmul(layer_1, weights['h2']), biases['b2'])
logits = tf.matmul(layer_2, weights['out']) + biases['out']
prediction = tf.nn.softmax(logits)
loss_op = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(logits=logits, labels=Y))  # uncountable
""",
    "convolutional network with weight dicts and dropout": CONV_NET_VARIABLES + """
x = tf.reshape(X, shape=[-1, 28, 28, 1])
conv1 = tf.nn.conv2d(x, weights['wc1'], strides=[1, 1, 1, 1], padding='SAME')
conv1 = tf.nn.bias_add(conv1, biases['bc1'])
conv1 = tf.nn.relu(conv1)
conv1 = tf.nn.max_pool(conv1, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding='SAME')
conv2 = tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(conv1, weights['wc2'], [1, 1, 1, 1], 'SAME'), biases['bc2']))
conv2 = tf.nn.max_pool(conv2, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding='SAME')
fc1 = tf.reshape(conv2, [-1, weights['wd1'].get_shape().as_list()[0]])
fc1 = tf.add(tf.matmul(fc1, weights['wd1']), biases['bd1'])
fc1 = tf.nn.relu(fc1)
fc1 = tf.nn.dropout(fc1, keep_prob)
out = tf.add(tf.matmul(fc1, weights['out']), biases['out'])
prediction = tf.nn.softmax(out)
correct_pred = tf.equal(tf.argmax(prediction, 1), tf.argmax(Y, 1))
accuracy = tf.reduce_mean(tf.cast(correct_pred, tf.float32))
""",
    "deep MNIST for experts": """
x = tf.placeholder(tf.float32, shape=[None, 784])
y_ = tf.placeholder(tf.float32, shape=[None, 10])
W_conv1 = tf.Variable(tf.truncated_normal([5, 5, 1, 32], stddev=0.1))
b_conv1 = tf.Variable(tf.constant(0.1, shape=[32]))
x_image = tf.reshape(x, [-1, 28, 28, 1])
h_conv1 = tf.nn.relu(tf.nn.conv2d(x_image, W_conv1, strides=[1, 1, 1, 1], padding='SAME') + b_conv1)
h_pool1 = tf.nn.max_pool(h_conv1, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding='SAME')
W_conv2 = tf.Variable(tf.truncated_normal([5, 5, 32, 64], stddev=0.1))
b_conv2 = tf.Variable(tf.constant(0.1, shape=[64]))
h_conv2 = tf.nn.relu(tf.nn.conv2d(h_pool1, W_conv2, strides=[1, 1, 1, 1], padding='SAME') + b_conv2)
h_pool2 = tf.nn.max_pool(h_conv2, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding='SAME')
W_fc1 = tf.Variable(tf.truncated_normal([7 * 7 * 64, 1024], stddev=0.1))
b_fc1 = tf.Variable(tf.constant(0.1, shape=[1024]))
h_pool2_flat = tf.reshape(h_pool2, [-1, 7*7*64])
h_fc1 = tf.nn.relu(tf.matmul(h_pool2_flat, W_fc1) + b_fc1)
keep_prob = tf.placeholder(tf.float32)
h_fc1_drop = tf.nn.dropout(h_fc1, keep_prob)
W_fc2 = tf.Variable(tf.truncated_normal([1024, 10], stddev=0.1))
b_fc2 = tf.Variable(tf.constant(0.1, shape=[10]))
y_conv = tf.matmul(h_fc1_drop, W_fc2) + b_fc2
cross_entropy = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y_, logits=y_conv))  # uncountable
""",
    "getting started: y = W * x_data + b from numpy data": """
import numpy as np
x_data = np.random.rand(100).astype(np.float32)
y_data = x_data * 0.1 + 0.3
W = tf.Variable(tf.random_uniform([1], -1.0, 1.0))
b = tf.Variable(tf.zeros([1]))
y = W * x_data + b
rng = np.random
W2 = tf.Variable(rng.randn(), name="weight")
noise = tf.random_normal([1], stddev=0.01)
loss = tf.reduce_mean(tf.square(y - y_data))  # uncountable: the rank of numpy data is not known statically
""",
    "word2vec": """
import math
vocabulary_size = 5000
embedding_size = 128
batch_size = 128
train_inputs = tf.placeholder(tf.int32, shape=[batch_size])
train_labels = tf.placeholder(tf.int32, shape=[batch_size, 1])
embeddings = tf.Variable(tf.random_uniform([vocabulary_size, embedding_size], -1.0, 1.0))
embed = tf.nn.embedding_lookup(embeddings, train_inputs)
nce_weights = tf.Variable(tf.truncated_normal([vocabulary_size, embedding_size],
                                              stddev=1.0 / math.sqrt(embedding_size)))
nce_biases = tf.Variable(tf.zeros([vocabulary_size]))
norm = tf.sqrt(tf.reduce_sum(tf.square(embeddings), 1, keep_dims=True))
normalized_embeddings = embeddings / norm
""",
    "get_variable in variable scopes": """
x = tf.placeholder(tf.float32, [None, 784])
with tf.variable_scope("layer1"):
    w1 = tf.get_variable("w", [784, 256], initializer=tf.truncated_normal_initializer(stddev=0.1))
    b1 = tf.get_variable("b", [256], initializer=tf.constant_initializer(0.0))
    h1 = tf.nn.relu(tf.matmul(x, w1) + b1)
with tf.variable_scope("layer2"):
    w2 = tf.get_variable("w", [256, 10])
    b2 = tf.get_variable("b", [10], initializer=tf.zeros_initializer())
    logits = tf.matmul(h1, w2) + b2
""",
    "initializers: one object reused, a scope default, every kind": """
init = tf.random_normal_initializer(stddev=0.01)
x = tf.placeholder(tf.float32, [None, 8])
a = tf.get_variable("a", [8, 4], initializer=init)
b = tf.get_variable("b", shape=[4, 2], initializer=init)
with tf.variable_scope("s", initializer=tf.random_uniform_initializer(-0.1, 0.1)):
    c = tf.get_variable("c", [2, 2])
    with tf.variable_scope("inner"):
        d = tf.get_variable("d", [2, 2])
e = tf.get_variable("e", [3], initializer=tf.glorot_uniform_initializer())
f = tf.get_variable("f", [3], initializer=tf.glorot_normal_initializer())
g = tf.get_variable("g", [30, 40], initializer=tf.zeros_initializer())
h = tf.get_variable("h", [30, 40], initializer=tf.ones_initializer)
i = tf.get_variable("i", [3], initializer=tf.variance_scaling_initializer(distribution="uniform"))
j = tf.get_variable("j", [3], initializer=tf.variance_scaling_initializer(2.0, "fan_in", "untruncated_normal"))
k = tf.get_variable("k", [3], initializer=tf.initializers.he_normal())
l = tf.get_variable("l", [3], dtype=tf.int32)
m = tf.get_variable("m", initializer=tf.constant([1.0, 2.0]))
n = tf.get_variable("n", [3], initializer=tf.truncated_normal_initializer(seed=1234567))
o = tf.get_variable("o", [3], initializer=tf.random_uniform_initializer(0, 10, dtype=tf.int32), dtype=tf.int32)
p = tf.Variable(tf.glorot_uniform_initializer()((8, 4)))
q = tf.get_variable("q", [2], initializer=tf.contrib.layers.xavier_initializer())
r = tf.get_variable("r", [2], initializer=tf.contrib.layers.xavier_initializer(uniform=False))
""",
    "placeholders in between, a tf.compat.v1 and tf.random spelling": """
W1 = tf.Variable(tf.random.normal([3, 4]))
x = tf.placeholder(tf.float32, [None, 3], name="x")
W2 = tf.Variable(tf.compat.v1.random_normal([4, 2], mean=0.0, stddev=0.5, dtype=tf.float32))
y = tf.placeholder(dtype=tf.float32, shape=(None, 2))
lr = tf.placeholder_with_default(0.01, shape=[])
W3 = tf.Variable(tf.random.truncated_normal((2, 2)), trainable=False)
flag = tf.placeholder(tf.bool)
W4 = tf.Variable(tf.random.uniform([2], minval=-1, maxval=1))
""",
    "reset_default_graph, then the seed and a model": """
tf.reset_default_graph()
tf.set_random_seed(777)
x = tf.placeholder(tf.float32, [None, 3])
W = tf.Variable(tf.random_normal([3, 1]))
""",
    "dropout in every spelling": """
x = tf.placeholder(tf.float32, [None, 100])
dropout = 0.75
a = tf.nn.dropout(x, dropout)
b = tf.nn.dropout(x, keep_prob=1.0)
c = tf.nn.dropout(x, rate=0.5)
d = tf.nn.dropout(x, 0.5, noise_shape=[1, 100])
e = tf.nn.dropout(x, 0.5, seed=1234567)
f = tf.nn.dropout(x, rate=tf.constant(0.0))
g = tf.nn.dropout(x, keep_prob=tf.constant(1.0))
w = tf.Variable(tf.random_normal([10, 10]))
h = tf.nn.dropout(w, 0.9)
u = tf.placeholder(tf.float32)
i = tf.nn.dropout(u, rate=tf.placeholder(tf.float32))
""",
    "integers: uniform ints, casts, integer division": """
xi = tf.placeholder(tf.int32, [None, 4])
r = tf.Variable(tf.random_uniform([4], 0, 10, dtype=tf.int32))
s = tf.cast(xi, tf.float32)
t = tf.cast(s, tf.float32)
u = xi / 2
v = 7 / xi
step = tf.Variable(0, trainable=False, name="global_step")
w = tf.Variable(tf.random_uniform([4], maxval=5, dtype=tf.int64))
z = tf.to_float(xi) * tf.Variable(tf.random_normal([4]))
""",
    "Python operators between tensors and numbers": """
x = tf.placeholder(tf.float32, [None, 3])
W = tf.Variable(tf.random_normal([3, 3]))
a = W * 2.0
b = 2.0 * W
c = -W
d = W / 2
e = x @ W
f = 1 - x
g = x ** 2
h = x // 2.0
i = x % 3.0
j = W == a
k = x > 0
l = (x >= 0.5) & (x < 1.5)
m = (x <= 0.0) | (x > 2.0)
n = W + [1.0, 2.0, 3.0]
o = abs(x)
W2 = tf.Variable(tf.random_normal([3]))
p = W2 * 0.5 + W2 * W2 - 1
W3 = tf.Variable(tf.random_normal([1]))
""",
    "autoencoder": """
num_hidden_1 = 256
num_hidden_2 = 128
num_input = 784
X = tf.placeholder("float", [None, num_input])
weights = {
    'encoder_h1': tf.Variable(tf.random_normal([num_input, num_hidden_1])),
    'encoder_h2': tf.Variable(tf.random_normal([num_hidden_1, num_hidden_2])),
    'decoder_h1': tf.Variable(tf.random_normal([num_hidden_2, num_hidden_1])),
    'decoder_h2': tf.Variable(tf.random_normal([num_hidden_1, num_input])),
}
biases = {
    'encoder_b1': tf.Variable(tf.random_normal([num_hidden_1])),
    'encoder_b2': tf.Variable(tf.random_normal([num_hidden_2])),
    'decoder_b1': tf.Variable(tf.random_normal([num_hidden_1])),
    'decoder_b2': tf.Variable(tf.random_normal([num_input])),
}
layer_1 = tf.nn.sigmoid(tf.add(tf.matmul(X, weights['encoder_h1']), biases['encoder_b1']))
layer_2 = tf.nn.sigmoid(tf.add(tf.matmul(layer_1, weights['encoder_h2']), biases['encoder_b2']))
layer_3 = tf.nn.sigmoid(tf.add(tf.matmul(layer_2, weights['decoder_h1']), biases['decoder_b1']))
decoder = tf.nn.sigmoid(tf.add(tf.matmul(layer_3, weights['decoder_h2']), biases['decoder_b2']))
loss = tf.reduce_mean(tf.pow(X - decoder, 2))
optimizer = tf.train.RMSPropOptimizer(0.01).minimize(loss)  # uncountable
""",
    "softmax regression, then a second model": """
x = tf.placeholder(tf.float32, [None, 784])
W = tf.Variable(tf.zeros([784, 10]))
b = tf.Variable(tf.zeros([10]))
y = tf.nn.softmax(tf.matmul(x, W) + b)
y_ = tf.placeholder(tf.float32, [None, 10])
cross_entropy = tf.reduce_mean(-tf.reduce_sum(y_ * tf.log(y), reduction_indices=[1]))
correct = tf.equal(tf.argmax(y, 1), tf.argmax(y_, 1))
accuracy = tf.reduce_mean(tf.cast(correct, "float"))
total = tf.reduce_sum(W)
mean_b = tf.reduce_mean(b, keepdims=True)
W_2 = tf.Variable(tf.truncated_normal([784, 10], stddev=0.1))
init = tf.global_variables_initializer()
""",
    "a stacked layer loop, unrolled": """
x = tf.placeholder(tf.float32, [None, 16])
W = tf.Variable(tf.random_normal([16, 16]))
b = tf.Variable(tf.zeros([16]))
h = x
for _ in range(3):
    h = tf.nn.relu(tf.matmul(h, W) + b)
out = tf.Variable(tf.random_normal([16, 1]))
""",
    "name scopes, constants, fills and reductions": """
with tf.name_scope("input"):
    x = tf.placeholder(tf.float32, [None, 5], name="x")
    y = tf.placeholder(tf.float32, name="y")
with tf.name_scope("model"):
    W = tf.Variable(tf.random_normal([5, 1]), name="W")
    c = tf.Variable(tf.fill([5, 1], 0.5))
    o = tf.Variable(tf.ones([5, 200]))
    z = tf.Variable(tf.zeros((999,)))
    z2 = tf.Variable(tf.zeros(10))
    k = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    pred = tf.matmul(x, W)
with tf.name_scope("loss"):
    loss = tf.reduce_mean(tf.square(pred - y))
    mse = tf.reduce_mean((pred - y) ** 2, axis=0)
    reg = 0.01 * tf.reduce_sum(W) + tf.reduce_max(pred) - tf.reduce_min(pred)
    gap = tf.reduce_sum(y)
bias = tf.Variable(tf.truncated_normal([1], mean=tf.constant(0.1), stddev=0.2))
""",
    "reshapes that pack a tensor into the shape": """
x = tf.placeholder(tf.float32, [None, 12])
n = tf.placeholder(tf.int32, shape=[])
r = tf.reshape(x, [-1, n])
s = tf.reshape(x, tf.shape(x))
t = tf.stack([x, x])
zeros = tf.zeros(tf.shape(x))
noise = tf.random_normal([12, n])
v = tf.reshape(x, [-1, tf.shape(x)[0]])  # uncountable
""",
    "Python bookkeeping around the graph": """
import math
import numpy as np
sizes = [784, 256, 10]
n_in, n_out = sizes[0], sizes[1]
half: int = int(n_in / 2)
init_range = math.sqrt(6.0 / (n_in + n_out))
inputs = []
for i in range(2):
    inputs.append(tf.placeholder(tf.float32, [None, n_in], name=f"input_{i}"))
x = inputs[0]
weights = {}
weights['h1'] = tf.Variable(tf.random_uniform([n_in, n_out], -init_range, init_range))
weights['h2'] = tf.Variable(initial_value=tf.random_normal(shape=[n_out, sizes[2]], stddev=math.sqrt(2.0 / n_out)))
scale = tf.Variable(np.ones(3), dtype=tf.float32)
with tf.device('/cpu:0'), tf.variable_scope('embedding') as scope:
    table = tf.get_variable('table', [half, 8])
counter = tf.Variable(0)
counter += 1
h = tf.matmul(x, weights['h1'])
h *= 2.0
logits = tf.matmul(h, weights['h2'])
bias = tf.Variable(tf.random_normal([sizes[-1]]))
""",
    "cookbook style: a session first, runs between the variables": """
import numpy as np
sess = tf.Session()
x_vals = np.random.normal(1, 0.1, 100)
y_vals = np.repeat(10., 100)
x_data = tf.placeholder(shape=[None, 1], dtype=tf.float32)
y_target = tf.placeholder(shape=[None, 1], dtype=tf.float32)
A = tf.Variable(tf.random_normal(shape=[1, 1]))
my_output = tf.matmul(x_data, A)
loss = tf.reduce_mean(tf.square(my_output - y_target))
init = tf.global_variables_initializer()
sess.run(init)
learning_rate = tf.placeholder(tf.float32, shape=[])
my_opt = tf.train.GradientDescentOptimizer(learning_rate)
for i in range(5):
    sess.run(my_output, feed_dict={x_data: [[x_vals[i]]], y_target: [[y_vals[i]]]})
B = tf.Variable(tf.random_normal(shape=[1, 1], mean=10.0))
sess.run(tf.global_variables_initializer())
print(sess.run(B))
sess.close()
C = tf.Variable(tf.truncated_normal(shape=[1, 1]))
""",
    "deep MNIST for experts, through its helper functions": """
def weight_variable(shape):
    initial = tf.truncated_normal(shape, stddev=0.1)
    return tf.Variable(initial)
def bias_variable(shape):
    initial = tf.constant(0.1, shape=shape)
    return tf.Variable(initial)
def conv2d(x, W):
    return tf.nn.conv2d(x, W, strides=[1, 1, 1, 1], padding='SAME')
def max_pool_2x2(x):
    return tf.nn.max_pool(x, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding='SAME')
x = tf.placeholder(tf.float32, shape=[None, 784])
y_ = tf.placeholder(tf.float32, shape=[None, 10])
W_conv1 = weight_variable([5, 5, 1, 32])
b_conv1 = bias_variable([32])
x_image = tf.reshape(x, [-1, 28, 28, 1])
h_conv1 = tf.nn.relu(conv2d(x_image, W_conv1) + b_conv1)
h_pool1 = max_pool_2x2(h_conv1)
W_conv2 = weight_variable([5, 5, 32, 64])
b_conv2 = bias_variable([64])
h_conv2 = tf.nn.relu(conv2d(h_pool1, W_conv2) + b_conv2)
h_pool2 = max_pool_2x2(h_conv2)
W_fc1 = weight_variable([7 * 7 * 64, 1024])
b_fc1 = bias_variable([1024])
h_pool2_flat = tf.reshape(h_pool2, [-1, 7*7*64])
h_fc1 = tf.nn.relu(tf.matmul(h_pool2_flat, W_fc1) + b_fc1)
keep_prob = tf.placeholder(tf.float32)
h_fc1_drop = tf.nn.dropout(h_fc1, keep_prob)
W_fc2 = weight_variable([1024, 10])
b_fc2 = bias_variable([10])
y_conv = tf.matmul(h_fc1_drop, W_fc2) + b_fc2
cross_entropy = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y_, logits=y_conv))  # uncountable
""",
    "deep MLP: weight() and bias() helpers, two calls a line": """
def weight(shape):
    return tf.Variable(tf.random_normal(shape, stddev=0.1))
def bias(shape):
    return tf.Variable(tf.zeros(shape))
X = tf.placeholder(tf.float32, [None, 64])
keep = tf.placeholder(tf.float32)
W1, b1 = weight([64, 128]), bias([128])
W2, b2 = weight([128, 64]), bias([64])
W3, b3 = weight([64, 10]), bias([10])
h1 = tf.nn.dropout(tf.nn.relu(tf.matmul(X, W1) + b1), keep)
h2 = tf.nn.dropout(tf.nn.relu(tf.matmul(h1, W2) + b2), keep)
logits = tf.matmul(h2, W3) + b3
""",
    "convolutional network: conv_net over weight dicts, its dropout inside": """
def conv2d(x, W, b, strides=1):
    x = tf.nn.conv2d(x, W, strides=[1, strides, strides, 1], padding='SAME')
    x = tf.nn.bias_add(x, b)
    return tf.nn.relu(x)
def maxpool2d(x, k=2):
    return tf.nn.max_pool(x, ksize=[1, k, k, 1], strides=[1, k, k, 1], padding='SAME')
def conv_net(x, weights, biases, dropout):
    x = tf.reshape(x, shape=[-1, 28, 28, 1])
    conv1 = conv2d(x, weights['wc1'], biases['bc1'])
    conv1 = maxpool2d(conv1, k=2)
    conv2 = conv2d(conv1, weights['wc2'], biases['bc2'])
    conv2 = maxpool2d(conv2, k=2)
    fc1 = tf.reshape(conv2, [-1, weights['wd1'].get_shape().as_list()[0]])
    fc1 = tf.add(tf.matmul(fc1, weights['wd1']), biases['bd1'])
    fc1 = tf.nn.relu(fc1)
    fc1 = tf.nn.dropout(fc1, dropout)
    out = tf.add(tf.matmul(fc1, weights['out']), biases['out'])
    return out
""" + CONV_NET_VARIABLES + """\
logits = conv_net(X, weights, biases, keep_prob)
prediction = tf.nn.softmax(logits)
loss_op = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(logits=logits, labels=Y))  # uncountable
""",
    "a layer factory with default arguments, a name scope and an if": """
def dense(x, n_in, n_out, stddev=0.1, activation=tf.nn.relu, name="dense"):
    with tf.name_scope(name):
        W = tf.Variable(tf.truncated_normal([n_in, n_out], stddev=stddev), name="W")
        b = tf.Variable(tf.zeros([n_out]), name="b")
        h = tf.matmul(x, W) + b
        if activation is not None:
            h = activation(h)
        return h
def get_weight(name, shape, *, init=tf.random_normal_initializer(stddev=0.01)):
    with tf.variable_scope(name):
        return tf.get_variable("w", shape, initializer=init)
x = tf.placeholder(tf.float32, [None, 8])
h1 = dense(x, 8, 16)
h2 = dense(h1, 16, 16, stddev=0.05, activation=tf.nn.tanh, name="hidden")
out = dense(h2, 16, 4, activation=None)
v = get_weight("v", [4, 2])
u = get_weight("u", [4, 2], init=tf.glorot_uniform_initializer())
w = get_weight(shape=[2], name="w")
""",
    "one function called twice, nested, and in a loop without a random op": """
def noisy(x, stddev=0.1):
    return x + tf.random_normal(tf.shape(x), stddev=stddev)
def weight_variable(shape):
    return tf.Variable(tf.truncated_normal(shape, stddev=0.1))
def layer(x, n_in, n_out):
    W = weight_variable([n_in, n_out])
    return tf.nn.relu(tf.matmul(x, W))
def block(h, W, b):
    return tf.nn.relu(tf.matmul(h, W) + b)
def scaled(init, shape):
    return tf.Variable(init(shape) * 2.0)
x = tf.placeholder(tf.float32, [None, 4])
a = noisy(x)
b = noisy(noisy(a), stddev=0.5)
h = layer(b, 4, 8)
W = weight_variable([8, 8])
for _ in range(3):
    h = block(h, W, tf.zeros([8]))
out = layer(h, 8, 2)
s = scaled(tf.random_uniform_initializer(-1.0, 1.0), [2, 2])
""",
}

# One statement each, after a common prelude; a random op after it checks its count in a seed.
PRELUDE = """x = tf.placeholder(tf.float32, [None, 4])
xi = tf.placeholder(tf.int32, [None, 4])
W = tf.Variable(tf.random_normal([4, 4]))
v = tf.placeholder(tf.float32, [None])
"""
FORMS = [
    "a = tf.nn.leaky_relu(x)", "a = tf.nn.leaky_relu(x, alpha=0.1)", "a = tf.nn.elu(x) + tf.nn.softplus(x)",
    "a = tf.nn.relu6(x) * tf.nn.selu(x) - tf.nn.softsign(x)", "a = tf.nn.log_softmax(x)",
    "a = tf.nn.softmax(x, axis=1)", "a = tf.nn.softmax(x, axis=-1)", "a = tf.sqrt(x) + tf.abs(x) + tf.negative(x)",
    "a = tf.identity(W) + tf.stop_gradient(x)", "a = tf.maximum(x, 0.0) + tf.minimum(x, W)",
    "a = tf.pow(x, 2.0) + tf.squared_difference(x, W)", "a = tf.not_equal(x, W)",
    "a = tf.less(x, 1.0)", "a = tf.greater_equal(2.0, x)", "a = tf.divide(x, W)", "a = tf.divide(xi, 2)",
    "a = tf.truediv(xi, xi)", "a = tf.to_int32(x) + tf.to_int32(xi)", "a = tf.to_double(x)",
    "a = tf.to_int64(xi)", "a = tf.argmin(x, axis=1)", "a = tf.argmax(x, dimension=1)",
    "a = tf.argmax(x, 1, output_type=tf.int32)",
    "a = tf.nn.avg_pool(tf.reshape(x, [-1, 2, 2, 1]), [1, 2, 2, 1], [1, 1, 1, 1], 'VALID')",
    "a = tf.shape(W)", "a = tf.shape(x)", "a = tf.reduce_prod(x, 1)", "a = tf.reduce_all(x > 0)",
    "a = tf.reduce_any(x > 0, axis=0, keepdims=True)", "a = tf.reduce_mean(W, axis=[0, 1])",
    "a = tf.reduce_mean(W, reduction_indices=1)", "a = tf.reduce_sum(v)", "a = tf.reduce_mean(x) + tf.reduce_mean(W)",
    "a = tf.cast(1, tf.float32)", "a = tf.cast(1.0, tf.float32)", "a = tf.cast(W, tf.int32)",
    "a = tf.placeholder_with_default([1.0, 2.0], shape=[2])", "a = tf.placeholder(tf.float32)",
    "a = tf.train.AdamOptimizer(learning_rate=0.001, beta1=0.9)", "a = tf.train.MomentumOptimizer(0.1, 0.9)",
    "a = tf.global_variables_initializer()", "a = tf.constant(3.0, shape=[2, 2], dtype=tf.float64)",
    "a = tf.fill([2, 3], 9)", "a = tf.zeros([2, 3], dtype=tf.int32)", "a = tf.ones([1000], tf.float64)",
    "a = tf.zeros([])", "a = tf.Variable([[1, 2], [3, 4]])", "a = tf.Variable(5.0, dtype=tf.float64)",
    "a = tf.Variable(tf.zeros([4]), name='a', trainable=False, validate_shape=True)",
    "a = tf.matmul(x, W, transpose_b=True)", "a = tf.matmul([[1.0, 2.0]], [[3.0], [4.0]])",
    "a = x + [[1.0, 2.0, 3.0, 4.0]]", "a = [1.0, 2.0, 3.0, 4.0] * x", "a = x - tf.constant(1.0)",
    "a = tf.nn.embedding_lookup(W, [0, 2])", "a = tf.nn.embedding_lookup(W, xi)",
    "a = tf.random_normal([2, 2], 1.0, 0.1, tf.float32, 1234567)", "a = tf.random_uniform((2,), -1, 1)",
    "a = tf.truncated_normal([2], seed=None)", "a = tf.random_uniform([2], 0.0, tf.reduce_max(x))",
    "a = tf.random_normal([2, 4]) @ W", "a = tf.Variable(tf.random_normal([4]) + tf.random_uniform([4]))",
    "a = tf.constant_initializer(0.5)((2, 2))", "a = tf.zeros_initializer()([2, 2])",
    "a = tf.random_normal_initializer(seed=1234567)([2])", "a = tf.stack([x, x], axis=0)",
    "a = tf.nn.bias_add(x, [1.0, 2.0, 3.0, 4.0])", "a = x * 0.5 if True else x",
    "a = print(x)", "a = tf.reduce_mean(x, 1, keep_dims=True)",
]
# every name of the module's tables, called once
FORMS += [f"a = {name}(x, W)" for name in ARITHMETIC + COMPARING]
FORMS += [f"a = {name}(x)" for name in ELEMENTWISE]
FORMS += [f"a = tf.{p}reduce_{r}(x{b}), tf.{p}reduce_{r}(W{b}), tf.{p}reduce_{r}(W{b}, 1)"
          for r in REDUCTIONS.split() for p in ("", "math.") for b in [" > 0" if r in ("all", "any") else ""]]
FORMS += [f"a = tf.get_variable('a', [3, 2], initializer={name}())" for name in [*INITIALIZER_LAWS, *VARIANCE]]
FORM_CASES = {f"form: {form}": PRELUDE + form + "\nlast = tf.random_normal([1])\n" for form in FORMS}


def resolve(node):
    """`import tensorflow as tf`: a dotted name with the `tf.` head is that name."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name) and node.id == "tf":
        name = ".".join(["tf"] + parts[::-1])
        return "tf." + name[len("tf.compat.v1."):] if name.startswith("tf.compat.v1.") else name
    return None


def no_outside_graph_values(name):
    return False


@pytest.fixture(scope="module")
def tf1():
    python = tf1_python()
    if python is None:
        pytest.skip(NO_TF1)
    names = sorted(name for name, (params, _) in MODELS.items() if params is not None)
    job = json.dumps({"cases": {**PROGRAMS, **FORM_CASES}, "names": names})
    started = time.monotonic()
    run = subprocess.run([python, "-c", RUNNER], input=job, capture_output=True, text=True, timeout=300,
                         env=tf1_env(TF_CPP_MIN_LOG_LEVEL="3"), cwd="/")
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(run.stdout)
    result["seconds"] = time.monotonic() - started
    return result


def functions_of(statements):
    return {s.name: s for s in statements if isinstance(s, ast.FunctionDef)}


def lines_of(key, nodes):
    """Where a key says its random op was built: the module-level call's lines, and for a call
    in a function's body, that call's lines too (Python 3.7 tracebacks give one line in a call's
    span, not always its first)."""
    ids = key if isinstance(key, tuple) else (key,)
    return [range(nodes[i].lineno, nodes[i].end_lineno + 1) for i in ids]


def check(source, measured):
    assert "error" not in measured, measured.get("error")
    statements = ast.parse(source).body
    functions = functions_of(statements)
    marked = [i for i, s in enumerate(statements) if "# uncountable" in source.splitlines()[s.end_lineno - 1]]
    countable = statements[:marked[0]] if marked else statements
    predicted = op_counts(countable, resolve, no_outside_graph_values, functions)
    wrong = [f"line {s.lineno}: {n} predicted, TF 1.15 made {m}: {t}" for s, n, m, t in
             zip(countable, predicted, measured["counts"], measured["types"]) if n != m]
    assert not wrong
    if marked:
        with pytest.raises(Uncountable):
            op_counts(statements[:marked[0] + 1], resolve, no_outside_graph_values, functions)
    seeds = op_seeds(statements, resolve, no_outside_graph_values, functions)
    tf1 = [(seed, lines) for seed, lines in zip(measured["seeds"], measured["lines"]) if seed < EXPLICIT]
    assert list(seeds.values()) == [seed for seed, _ in tf1]  # in the order TF 1.15 built them
    nodes = {id(n): n for s in statements for n in ast.walk(s)}
    for (key, seed), (_, lines) in zip(seeds.items(), tf1):
        outer, *inner = lines_of(key, nodes)
        assert lines[0] in outer and (not inner or lines[-1] in inner[0]), (seed, key, lines)
        assert inner or len(lines) == 1, f"seed {seed}: built in a function's body at lines {lines}"


@pytest.mark.parametrize("name", PROGRAMS)
def test_programs_get_tf1s_op_seeds(tf1, name):
    check(PROGRAMS[name], tf1["cases"][name])


@pytest.mark.parametrize("name", FORM_CASES)
def test_each_form_makes_tf1s_op_count(tf1, name):
    check(FORM_CASES[name], tf1["cases"][name])


def test_parameter_lists_are_tf1s(tf1):
    wrong = {name: (MODELS[name][0], got) for name, got in tf1["signatures"].items()
             if list(MODELS[name][0]) != got}
    assert not wrong


def test_the_tf1_process_is_quick(tf1):
    assert tf1["seconds"] < 20, tf1["seconds"]


# --- without TensorFlow ------------------------------------------------------------------------

def parse(source):
    return ast.parse(source).body


def test_uncountable_names_line_column_and_construct():
    statements = parse("x = tf.placeholder(tf.float32, [None, 3])\n"
                       "h = tf.layers.dense(x, 10)\n"
                       "W = tf.Variable(tf.random_normal([10, 1]))\n")
    with pytest.raises(Uncountable) as caught:
        op_seeds(statements, resolve, no_outside_graph_values)
    assert str(caught.value).startswith("2:5: tf.layers.dense(...)")
    assert caught.value.node is statements[1].value


def test_nothing_after_the_last_random_op_is_counted():
    statements = parse("x = tf.placeholder(tf.float32, [None, 3])\n"
                       "W = tf.Variable(tf.random_normal([3, 1]))\n"
                       "h = tf.layers.dense(x, 10)\n"
                       "train = tf.train.AdamOptimizer().minimize(tf.reduce_mean(h))\n"
                       "while True:\n    pass\n")
    seeds = op_seeds(statements, resolve, no_outside_graph_values)
    assert list(seeds.values()) == [4]
    with pytest.raises(Uncountable, match="3:5: tf.layers.dense"):
        op_counts(statements, resolve, no_outside_graph_values)


def test_an_uncountable_part_of_the_last_random_statement_after_its_draw_is_fine():
    statements = parse("x = tf.placeholder(tf.float32, [None, 3])\n"
                       "W = tf.Variable(tf.random_normal([3, 1]), caching_device='/cpu:0')\n")
    assert list(op_seeds(statements, resolve, no_outside_graph_values).values()) == [4]
    statements = parse("W = tf.Variable(tf.random_normal([3, 1]), caching_device='/cpu:0')\n"
                       "b = tf.Variable(tf.random_normal([1]))\n")
    with pytest.raises(Uncountable, match=r"1:5: tf.Variable\(caching_device=...\)"):
        op_seeds(statements, resolve, no_outside_graph_values)


@pytest.mark.parametrize("source, what", [
    ("V = tf.Variable(W * 2)", "reads another variable"),
    ("V = tf.Variable(W.initialized_value())", "W.initialized_value()"),
    ("V = tf.Variable(tf.random_normal([2]), use_resource=True)", "use_resource"),
    ("for i in range(3):\n    V = tf.Variable(tf.random_normal([2]))", "inside a loop"),
    ("n = W[0]", "slicing a tensor"),
    ("z = tf.zeros([size, 2])", "size is not known"),
    ("z = tf.nn.dropout(W, keep)", "keep_prob is a Python value not known here"),
    ("s = tf.reduce_sum(outside_tensor)", "may be a variable or a tensor"),
    ("s = tf.cast(outside_tensor, tf.float32)", "dtype is not known"),
    ("with tf.variable_scope('s', reuse=True):\n    a = tf.get_variable('a', [2])", "reuse"),
    ("h = layer(W)", "layer(W)"),
    ("if W is None:\n    pass", "If statement"),
])
def test_uncountable_constructs_say_what(source, what):
    statements = parse("W = tf.Variable(tf.zeros([2, 2]))\n" + source + "\nlast = tf.random_normal([1])\n")
    with pytest.raises(Uncountable) as caught:
        op_seeds(statements, resolve, lambda name: name == "outside_tensor")
    assert what in str(caught.value)
    assert str(caught.value).startswith(f"{caught.value.node.lineno}:{caught.value.node.col_offset + 1}: ")


def test_names_bound_outside_the_statements():
    """A tensor bound elsewhere converts for free; a Python value is one Const."""
    (statement,) = parse("h = tf.matmul(inputs, tf.Variable(tf.random_normal([3, 2]))) * scale")
    graph_values = {"inputs"}
    assert ops_created(statement, resolve, graph_values.__contains__) == 6 + 3 + 1 + 2
    graph_values.add("scale")
    assert ops_created(statement, resolve, graph_values.__contains__) == 6 + 3 + 1 + 1


def test_explicit_seeds_are_not_reported_but_counted():
    statements = parse("a = tf.random_normal([2], seed=1)\nb = tf.random_uniform([2], 0, 1, tf.float32, 2)\n"
                       "c = tf.truncated_normal([2], seed=None)\n")
    seeds = op_seeds(statements, resolve, no_outside_graph_values)
    assert list(seeds.values()) == [6 + 7 + 3]
    assert list(seeds) == [id(statements[2].value)]


def test_an_initializer_called_after_an_uncountable_statement_raises():
    for source in ("init = tf.random_normal_initializer()\nh = layer()\nW = tf.Variable(init([2]))\n",
                   "h = layer()\nW = tf.Variable(tf.glorot_uniform_initializer()([2, 2]))\n"):
        with pytest.raises(Uncountable, match="layer"):
            op_seeds(parse(source), resolve, no_outside_graph_values)
    source = "init = tf.random_normal_initializer(seed=1234567)\nh = layer()\nW = tf.Variable(init([2]))\n"
    assert op_seeds(parse(source), resolve, no_outside_graph_values) == {}


def test_get_variable_seeds_are_keyed_by_the_get_variable_call():
    statements = parse("w = tf.get_variable('w', [3, 2])\n"
                       "b = tf.get_variable('b', [2], initializer=tf.zeros_initializer())\n")
    assert op_seeds(statements, resolve, no_outside_graph_values) == {id(statements[0].value): 3}


def test_the_module_never_imports_tensorflow_or_numpy():
    code = ("import sys\nimport tf1init.migrations.lift.tf1_op_ids\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'numpy')))")
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root,
                         env={**os.environ, "PYTHONPATH": root}, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"


# --- the program's own functions, without TensorFlow -----------------------------------------

CONV_NET = """
def conv_net(x, dropout):
    h = tf.nn.relu(tf.matmul(x, W))
    h = tf.nn.dropout(h, dropout)
    return h
x = tf.placeholder(tf.float32, [None, 3])
keep = tf.placeholder(tf.float32)
W = tf.Variable(tf.random_normal([3, 3]))
"""


def seeds_of(source, functions=True):
    statements = parse(source)
    return statements, op_seeds(statements, resolve, no_outside_graph_values,
                                functions_of(statements) if functions else None)


def test_a_random_op_in_a_called_function_is_one_still_to_count():
    """An uncountable statement before the call of a function that draws raises: stopping there
    would leave the dropout inside without its seed."""
    with pytest.raises(Uncountable, match="9:5: tf.layers.dense"):
        seeds_of(CONV_NET + "h = tf.layers.dense(x, 3)\nout = conv_net(x, keep)\n")
    statements, seeds = seeds_of(CONV_NET + "out = conv_net(x, keep)\nh = tf.layers.dense(x, 3)\n")
    site = statements[-2].value
    dropout = statements[0].body[1].value
    # x, keep: 2; W: 3 Consts | 3 random ops, 3 for the variable; matmul, relu; dropout: Const Sub Shape Const Const |
    assert seeds == {id(statements[3].value.args[0]): 2 + 3, (id(site), id(dropout)): 2 + 9 + 2 + 5}


def test_in_a_function_the_stop_comes_after_its_last_random_op():
    source = CONV_NET.replace("    return h", "    return tf.layers.dense(h, 3)") + "out = conv_net(x, keep)\n"
    assert len(seeds_of(source)[1]) == 2
    source = CONV_NET.replace("tf.nn.relu(", "tf.layers.dense(") + "out = conv_net(x, keep)\n"
    with pytest.raises(Uncountable, match=r"3:9: tf.layers.dense.* \(in conv_net\(\), called at 9:7\)"):
        seeds_of(source)


def test_without_functions_a_call_of_one_is_uncountable_as_before():
    with pytest.raises(Uncountable, match="conv_net"):
        seeds_of(CONV_NET + "out = conv_net(x, keep)\nlast = tf.random_normal([1])\n", functions=False)
    statements = parse(CONV_NET + "out = conv_net(x, keep)\nlast = tf.random_normal([1])\n")
    with pytest.raises(Uncountable, match="conv_net"):  # a function not among those given
        op_seeds(statements, resolve, no_outside_graph_values, {"other": statements[0]})


def test_keys_of_nested_calls_are_the_outermost_site_and_the_innermost_random_call():
    statements, seeds = seeds_of("def w(shape):\n    return tf.Variable(tf.random_normal(shape))\n"
                                 "def layer(x):\n    return tf.matmul(x, w([3, 3]))\n"
                                 "x = tf.placeholder(tf.float32, [None, 3])\n"
                                 "a, b = layer(x), layer(x)\n")
    inner = statements[0].body[0].value.args[0]
    sites = statements[-1].value.elts
    assert seeds == {(id(sites[0]), id(inner)): 1 + 3, (id(sites[1]), id(inner)): 1 + 10 + 3}


def test_an_initializer_passed_in_draws_under_the_call_of_the_parameter():
    statements, seeds = seeds_of("def make(init):\n    return tf.Variable(init([2]))\n"
                                 "v = make(tf.random_normal_initializer())\n"
                                 "h = tf.layers.dense(v, 3)\n")
    assert seeds == {(id(statements[1].value), id(statements[0].body[0].value.args[0])): 3}


@pytest.mark.parametrize("source, what", [
    ("def f(x):\n    if x > 0:\n        pass\n    return x\nh = f(W)", "3:5: an If statement"),
    ("def f(x):\n    while True:\n        pass\nh = f(W)", "3:5: a While statement"),
    ("def f(x):\n    return f(x)\nh = f(W)", "calls itself"),
    ("def f(*xs):\n    return xs\nh = f(W)", "*args"),
    ("def f(x):\n    return x\nh = f(*[W])", "*args in a call of f()"),
    ("def f(x, y):\n    return x\nh = f(W)", "without its argument y"),
    ("def f(x):\n    return x\nh = f(W, y=1)", "f(y=...)"),
    ("def f(x):\n    return x\ng = f\nh = g(W)", "f() called as g()"),
    ("def f(x):\n    return tf.nn.relu(x)\nfor i in range(2):\n    h = f(W)", None),
    ("def f(x):\n    return tf.random_normal([2])\nfor i in range(2):\n    h = f(W)", "a random op inside a loop"),
    ("def f(x, b=tf.zeros([2])):\n    return x + b\nh = f(W)", "a default argument of f() that builds TF ops"),
])
def test_what_a_function_body_may_not_do_is_uncountable(source, what):
    statements = parse("W = tf.Variable(tf.zeros([2, 2]))\n" + source + "\nlast = tf.random_normal([1])\n")
    counted = lambda: op_seeds(statements, resolve, no_outside_graph_values, functions_of(statements))
    if what is None:
        assert list(counted().values()) == [4 + 2 * 1 + 3]
        return
    with pytest.raises(Uncountable) as caught:
        counted()
    assert what in str(caught.value)
    assert str(caught.value).startswith(f"{caught.value.node.lineno}:{caught.value.node.col_offset + 1}: ")


@pytest.mark.parametrize("source", [
    # the same random op built twice for one key: no seed= argument can carry both
    "def w():\n    return tf.Variable(tf.random_normal([2]))\ndef two():\n    return w(), w()\nv = two()\n",
    "init = tf.random_normal_initializer()\nfor i in range(2):\n    v = tf.Variable(init([2]))\n",
    # a default that draws: TF 1.15 drew when the def ran, not at the call
    "def f(v=tf.Variable(tf.random_normal([2]))):\n    return v\nh = f()\n",
])
def test_a_random_op_counted_wrong_always_raises_even_after_the_last(source):
    with pytest.raises(Uncountable, match="more than once|default argument"):
        seeds_of(source)
