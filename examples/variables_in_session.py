"""Variables in a TF1 session on TensorFlow 2.21: tf1init initializes them selectively, globally
and from another variable's initial value, then a line is fitted to points read from an .xls file.

The workflow of the classic TF1 variables tutorial (tf.Variable, tf.variables_initializer,
tf.global_variables_initializer, Variable.initialized_value), done with tf1init:

1. build a tf.compat.v1 graph: four variables (truncated normal, zeros, a constant, Glorot
   uniform), one more made from another's initial value, and a linear regression on
   placeholders;
2. in a session, initialize two variables, list what is left, initialize everything, check the
   derived variable, then train by gradient descent on the 50 points of
   examples/data/regression.xls (read with xlrd);
3. regression.png: the points and the fitted line; summary.json: the numbers.

examples/variables_in_session_tf2.py is this program migrated to TF2 eager code (made with
`tf1init migrate --ignore TFI107`, then finished by hand); it computes the same numbers, and
tests/test_examples.py checks both.

    python examples/variables_in_session.py --out out
"""
import argparse
import json
import os
import pathlib
import sys

import numpy as np

tf = None  # TensorFlow: imported by load_tensorflow() when work begins, so --help answers at once

HERE = pathlib.Path(__file__).resolve().parent
DEFAULT_DATA = HERE / "data" / "regression.xls"
LEARNING_RATE = 0.1


def load_tensorflow():
    """Import TensorFlow into ``tf``, without its C++ start-up logging unless TF_CPP_MIN_LOG_LEVEL is set."""
    global tf
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf


class DataError(ValueError):
    """The spreadsheet is missing or does not hold two numeric columns x, y."""


def read_points(path):
    """(x, y) arrays from the first sheet: a header row, then numeric x and y columns."""
    import xlrd

    path = pathlib.Path(path)
    if not path.is_file():
        raise DataError(f"{path}: no such file; regenerate it with examples/data/make_regression_xls.py")
    try:
        sheet = xlrd.open_workbook(str(path)).sheet_by_index(0)
    except xlrd.biffh.XLRDError as error:
        raise DataError(f"{path}: not a readable .xls workbook ({error})") from None
    xs, ys = [], []
    for row in range(1, sheet.nrows):
        values = sheet.row_values(row)
        if len(values) < 2 or not all(isinstance(v, float) for v in values[:2]):
            raise DataError(
                f"{path}, sheet {sheet.name!r}, row {row + 1}: expected two numbers (x, y), got {values[:2]}"
            )
        xs.append(values[0])
        ys.append(values[1])
    if len(xs) < 2:
        raise DataError(f"{path}: needs at least two data rows below the header, found {len(xs)}")
    return np.array(xs, np.float32), np.array(ys, np.float32)


def make_variables():
    """The tutorial's variables: truncated normal, zeros, a constant and a Glorot matrix.

    Every random op has its own seed: with the same global seed, a TF1 graph and TF2 eager
    code draw the same first values from them.
    """
    weights = tf.Variable(tf.compat.v1.truncated_normal([1, 1], stddev=0.1, seed=1), name="weights")
    biases = tf.Variable(tf.zeros([1]), name="biases")
    custom_variable = tf.Variable(tf.constant(0.5, shape=[2, 2]), name="custom_variable")
    projection = tf.compat.v1.get_variable(
        "projection", [4, 3], initializer=tf.compat.v1.glorot_uniform_initializer(seed=2))
    return weights, biases, custom_variable, projection


def mean_squared_error(weights, biases, x_scaled, y):
    """The regression's loss: y ~ weights * x_scaled + biases, with x standardized."""
    prediction = tf.reshape(weights, []) * x_scaled + biases[0]
    return tf.reduce_mean(tf.square(prediction - y))


def line_text(slope, intercept):
    """The fitted line as text, e.g. "y = 2.0526 x - 2.249"."""
    return f"y = {slope:.4f} x {'-' if intercept < 0 else '+'} {abs(intercept):.3f}"


def run(data=DEFAULT_DATA, out="out", steps=300, seed=0):
    """Run the whole workflow; write regression.png and summary.json to ``out``; return the summary."""
    xs, ys = read_points(data)  # a missing or malformed file is reported before TensorFlow loads
    load_tensorflow()
    out = pathlib.Path(out)
    out.mkdir(parents=True, exist_ok=True)
    x_mean, x_std = xs.mean(), xs.std()
    report = {}

    import tf1init

    graph = tf.Graph()
    with graph.as_default():
        tf.compat.v1.set_random_seed(seed)  # a graph seed plus op seeds: the same draws every run
        weights, biases, custom_variable, projection = make_variables()
        # A variable made from another's initial value. TF 2.21's weights.initialized_value()
        # raises NotImplementedError on resource variables; tf1init's replacement works.
        weights_new = tf.Variable(tf1init.initialized_value(weights), name="WeightsNew")
        x = tf.compat.v1.placeholder(tf.float32, [None], name="x")
        y = tf.compat.v1.placeholder(tf.float32, [None], name="y")
        loss = mean_squared_error(weights, biases, (x - x_mean) / x_std, y)
        train = tf.compat.v1.train.GradientDescentOptimizer(LEARNING_RATE).minimize(loss)

    with tf.compat.v1.Session(graph=graph, config=tf1init.session_config()) as sess:
        report["selective"] = list(tf1init.initialize(sess, [weights, custom_variable]))
        report["left_after_selective"] = [v.op.name for v in tf1init.uninitialized_variables(sess)]
        report["weights_initial"] = sess.run(weights).tolist()
        # Running an initializer again draws again: weights now holds its op's second sample.
        report["global"] = list(tf1init.initialize_all(sess))
        start, derived, custom, matrix = sess.run([weights, weights_new, custom_variable, projection])
        report["weights_trained_from"] = start.tolist()
        report["weights_new_equals_weights"] = bool(np.array_equal(start, derived))
        tf1init.assert_initialized(sess, train)  # names anything uninitialized before a step fails
        feed = {x: xs, y: ys}
        for _ in range(steps):
            sess.run(train, feed)
        w, b, final_loss = sess.run([weights, biases, loss], feed)
    report["initialization"] = (f"initialized selectively: {', '.join(report['selective'])}; "
                                f"then globally: {len(report['global'])} variables")
    report["trained_in"] = "a tf.compat.v1 session"

    report["custom"] = custom.tolist()
    report["projection_limit"] = float(np.sqrt(6.0 / (4 + 3)))  # Glorot uniform: sqrt(6 / (fan_in + fan_out))
    report["projection_max_abs"] = float(np.abs(matrix).max())
    slope = float(w[0, 0] / x_std)
    intercept = float(b[0] - w[0, 0] * x_mean / x_std)
    ls_slope, ls_intercept = np.polyfit(xs.astype(np.float64), ys.astype(np.float64), 1)
    report.update(
        slope=slope, intercept=intercept, loss=float(final_loss),
        least_squares_slope=float(ls_slope), least_squares_intercept=float(ls_intercept),
    )
    plot(xs, ys, report, out / "regression.png")
    (out / "summary.json").write_text(json.dumps(report, indent=2))
    return report


def plot(xs, ys, report, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    slope, intercept = report["slope"], report["intercept"]
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.scatter(xs, ys, s=12, label="data (regression.xls)")
    grid = np.array([xs.min(), xs.max()])
    ax.plot(grid, slope * grid + intercept, color="C3", label=f"fit: {line_text(slope, intercept)}")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.legend()
    ax.set_title(f"Linear regression trained in {report['trained_in']}")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def build_parser():
    parser = argparse.ArgumentParser(
        description=" ".join(__doc__.split("\n\n")[0].split()),  # the docstring's first paragraph
        epilog="Writes regression.png and summary.json to --out.")
    parser.add_argument("--data", default=str(DEFAULT_DATA),
                        help="the .xls file: a header row, then x and y columns (default: the bundled one)")
    parser.add_argument("--out", default="out", help="output folder (default: %(default)s)")
    parser.add_argument("--steps", type=int, default=300, help="gradient descent steps (default: %(default)s)")
    return parser


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.steps < 1:
        parser.error(f"--steps: needs at least 1, got {args.steps}")
    try:
        report = run(args.data, args.out, args.steps)
    except DataError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(report["initialization"])
    print(f"WeightsNew equals weights' initial value: {report['weights_new_equals_weights']}")
    print(f"fit: {line_text(report['slope'], report['intercept'])}   (least squares: "
          f"{line_text(report['least_squares_slope'], report['least_squares_intercept'])})")
    print(f"wrote {pathlib.Path(args.out) / 'regression.png'} and summary.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
