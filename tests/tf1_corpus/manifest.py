"""The TF1 corpus: programs written the way public TF1 repositories and tutorials wrote them, and
what their migrations must reproduce.

Each program ran under real TensorFlow 1.15 to give `expected/<name>.txt` (regenerate.py, on
purpose only). After `tf1init migrate --write`, the program must run on today's TensorFlow and print
the same records: a record is a printed line plus the lines after it that start with a space (numpy's
wrapped arrays). Records that start with one of `exact` (initial values, fresh draws) must be
identical text, so the same bits where numpy prints every digit; the other records must have the
same words and numbers within `rtol` / `atol` (TF 2.x kernels, oneDNN included, round differently).

This file is data; tests/migrations/test_tf1_corpus.py reads it and runs the programs.
"""
import dataclasses

TMPDIR = "{tmpdir}"  # in `args`: replaced by a fresh temporary directory for each run


@dataclasses.dataclass(frozen=True)
class Program:
    name: str  # expected/<name>.txt, and the test id
    entry: str  # the script to run, relative to tests/tf1_corpus/ (run from its own folder)
    exercises: str  # what TF1 usage it stands for
    args: tuple = ()
    exact: tuple = ("initial",)
    rtol: float = 1e-3
    atol: float = 1e-6
    # (path, line, column) of constructs the migration cannot convert: it must leave the files
    # byte-identical and report each of these (1-based, as `tf1init migrate --report` gives them).
    blockers: tuple = ()


PROGRAMS = (
    Program("linear_regression", "linear_regression.py",
            "placeholders, tf.random_normal, GradientDescentOptimizer, tf.Session() without `with`, "
            "tf.summary.scalar/merge_all + FileWriter into a temporary directory"),
    Program("logistic_regression", "logistic_regression.py",
            "sigmoid + cross-entropy written with tf.log, accuracy from tf.cast(tf.equal)"),
    Program("softmax_digits", "softmax_digits.py",
            "softmax regression on load_digits, explicit op seed (seed=1) besides the graph seed, "
            "reduce_sum(reduction_indices=...), mini-batch feed loop, session without `with`"),
    Program("xor_mlp", "xor_mlp.py", "XOR two-layer sigmoid network, tf.random_uniform weights"),
    Program("deep_mlp_digits", "deep_mlp_digits.py",
            "4-layer ReLU MLP: tf.truncated_normal weights, tf.constant biases, "
            "tf.nn.dropout(keep_prob=placeholder), softmax_cross_entropy_with_logits (v1), Adam"),
    Program("cnn_digits", "cnn_digits.py",
            "'Deep MNIST' convnet on 8x8 digits: tf.nn.conv2d, tf.nn.max_pool, dropout, Momentum, "
            "train_test_split, Tensor.eval / Operation.run inside `with tf.Session()`"),
    Program("rnn_digits", "rnn_digits.py",
            "RNN over image rows with a hand-written cell (tf.matmul + tf.tanh over tf.unstack), "
            "variables in dicts, Adam (rnn_cell_digits is the BasicRNNCell version)"),
    Program("saver_restore", "saver_restore.py",
            "tf.train.Saver save with global_step, latest_checkpoint, restore in a new session and "
            "into a rebuilt graph after tf.reset_default_graph()", args=(TMPDIR,)),
    Program("variables_initializer", "variables_initializer.py",
            "tf.variables_initializer on subsets (and re-run to reset a head), "
            "tf.report_uninitialized_variables, tf.assign counter, tf.variable_scope + tf.Variable",
            exact=("initial", "uninitialized", "reset W2")),
    Program("initialized_value", "initialized_value.py",
            "tf.Variable(w.initialized_value()) and initialized_value() * 2, a moving average "
            "updated by tf.assign, a second session re-running the initializer",
            exact=("initial", "w2 ==", "w_twice ==", "second session")),
    Program("app_flags", "app_flags.py",
            "tf.app.flags DEFINE_float/integer/string + tf.app.run(), tf.name_scope, "
            "sparse_softmax_cross_entropy_with_logits, Momentum, summaries",
            args=("--learning_rate=0.05", "--max_steps=150"), exact=("initial", "learning_rate=")),
    Program("interactive_session", "interactive_session.py",
            "tf.InteractiveSession, initializer.run(), train_step.run(feed_dict), tensor.eval()"),
    Program("contrib_initializers", "contrib_initializers.py",
            "tf.get_variable with tf.contrib.layers.xavier_initializer (seed=0, and uniform=False), "
            "xavier_initializer_conv2d, variance_scaling_initializer (defaults; FAN_AVG "
            "uniform=False; factor/mode from module constants), tf.zeros_initializer"),
    Program("fully_connected", "fully_connected/fully_connected_feed.py",
            "a script importing a sibling model module (after mnist.py / fully_connected_feed.py): "
            "argparse + tf.app.run(main=..., argv=...), graph built under tf.Graph().as_default() "
            "with the seed set there, tf.name_scope, tf.losses, tf.to_int64, in_top_k, global_step"),
    Program("package_model", "package_model/train.py",
            "a script importing a package (nets/) whose modules build the model with "
            "tf.variable_scope(reuse=...), tf.get_variable, truncated/random_normal, constant and "
            "zeros initializers"),
    Program("layers_dense", "layers_dense.py",
            "tf.layers.dense, which Keras 3 (TF >= 2.16) removed from tf.compat.v1 (the one "
            "program that uses tf.layers)"),
    Program("rnn_cell_digits", "rnn_cell_digits.py",
            "tf.nn.rnn_cell.BasicRNNCell + tf.nn.dynamic_rnn: Keras 3 removed the cell, a known "
            "blocker", blockers=(("rnn_cell_digits.py", 18, 8),)),
    Program("fetch_variables", "fetch_variables.py",
            "variables fetched with the cost and the train op in one sess.run list "
            "(cost_val, W_val, b_val, _ = sess.run([cost, W, b, train])), shape=[None] placeholders, "
            "tf.Session() without `with` and never closed, predictions for one and two inputs"),
    Program("gradients_apply", "gradients_apply.py",
            "optimizer.compute_gradients(cost) + apply_gradients(grads_and_vars) with Adam instead of "
            "minimize, softmax by hand with tf.log, accuracy from tf.argmax/tf.equal/tf.cast, a "
            "sess.run inside a print's format arguments"),
    Program("global_step", "global_step.py",
            "tf.Variable(0, trainable=False, name='global_step') incremented by "
            "MomentumOptimizer.minimize(cost, global_step=...), sess.run(global_step) printed with "
            "the cost"),
    Program("two_sessions", "two_sessions.py",
            "two `with tf.Session()` blocks on one graph: the second re-runs the initializer and "
            "evaluates the untrained model, starting from the same initial values ('initial W "
            "again' is an exact record)"),
    Program("model_function", "model_function.py",
            "forward pass as a Python function over module-level weights/biases dicts "
            "(aymericdamien style), tf.placeholder('float'), softmax_cross_entropy_with_logits_v2, "
            "GradientDescentOptimizer, mini-batches sliced from numpy, Tensor.eval(feed_dict) "
            "inside `with tf.Session()`"),
    Program("interactive_eval", "interactive_eval.py",
            "tf.InteractiveSession with tf.name_scope around every layer: initializer.run(), "
            "train_step.run(feed_dict=...), cost.eval(feed_dict=...), W.eval(), accuracy.eval"),
    Program("layer_loop", "layer_loop.py",
            "layers built by a module-level `for` loop over layer sizes, tf.Variable weights and "
            "biases appended to lists, h = tf.nn.relu(tf.matmul(h, W) + b) chained, "
            "sigmoid_cross_entropy_with_logits, variables printed by iterating the list"),
)

# Programs whose migration does not yet run on today's TensorFlow and print their golden output
# (or, for programs with blockers, is not yet left unchanged with each blocker reported). Their
# test is a strict xfail: remove a name once its test passes.
NOT_YET_MIGRATABLE = frozenset()

# Programs the migration must lift to eager TF2 (rule TFI109): the migrated entry file holds no
# session, no placeholder, no tf.compat.v1, and TF2 behaviour stays on. The others take the
# compat route (graph mode through tf.compat.v1), each with a warning saying why.
EAGER = frozenset({
    "logistic_regression", "xor_mlp", "softmax_digits", "rnn_digits", "fetch_variables", "global_step",
    "gradients_apply", "model_function", "interactive_session", "interactive_eval", "two_sessions",
    "linear_regression",
})
