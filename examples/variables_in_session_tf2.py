# --- changed by hand: this file's own docstring (it says what the file is) ---
"""Variables in TF2 eager code: example 1 (variables_in_session.py) migrated from a TF1 session,
with the same initial weights and the same fitted line to the points of an .xls file.

How it was made, from a copy of example 1:

1. `tf1init migrate --write --ignore TFI107 variables_in_session_tf2.py`. By default migrate
   keeps a file that builds a tf.Graph in graph mode (rule TFI107), where it runs on TF 2.x as
   it is; ignoring TFI107 asks for TF2 code instead. Migrate then renamed
   tf.compat.v1.truncated_normal to tf.random.truncated_normal and reported three constructs
   for a person: get_variable (TFI103), the Glorot initializer on the same line (TFI102) and
   the session block (TFI104);
2. each of those was finished by hand, between `# --- finished by hand: ... ---` comments
   that quote migrate's report; this docstring is the only other edit.

tests/test_examples.py checks that everything outside the marked regions is exactly migrate's
output, that migrate leaves this file unchanged, and that both programs compute the same
numbers. Without sessions, there is nothing to initialize: a variable holds its value from the
moment it is created.

    python examples/variables_in_session_tf2.py --out out
"""
# --- end changed by hand ---
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
    weights = tf.Variable(tf.random.truncated_normal([1, 1], stddev=0.1, seed=1), name="weights")
    biases = tf.Variable(tf.zeros([1]), name="biases")
    custom_variable = tf.Variable(tf.constant(0.5, shape=[2, 2]), name="custom_variable")
    # --- finished by hand: tf1init migrate reported TFI103: tf.compat.v1.get_variable left as it is: the file stays graph-mode (tf.Graph at 108:13) ---
    # TFI102 reported the Glorot initializer on the same line. Both are written as the rules
    # write them in a file that becomes eager (an eager Keras 3 initializer draws once).
    projection = tf.Variable(tf.keras.initializers.GlorotUniform(seed=2)([4, 3]), name="projection")
    # --- end finished by hand ---
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

    # --- finished by hand: tf1init migrate reported TFI104: session block left as it is: tf.Session(...) with arguments (a graph, a target, a config) stays a session ---
    # TF2 eager: no graph (the session's argument) and no session. A variable holds its
    # initial value from the moment it is created, so there is nothing to initialize,
    # selectively or globally; the same global seed and op seeds draw the same first values
    # as the TF1 graph did.
    tf.random.set_seed(seed)
    weights, biases, custom_variable, projection = make_variables()
    weights_new = tf.Variable(weights.read_value(), name="WeightsNew")  # TFI105's eager form
    created = [weights, biases, custom_variable, projection, weights_new]
    report["variables"] = [v.name.split(":")[0] for v in created]
    report["weights_initial"] = weights.numpy().tolist()
    start, derived, custom, matrix = (v.numpy() for v in (weights, weights_new, custom_variable, projection))
    report["weights_trained_from"] = start.tolist()
    report["weights_new_equals_weights"] = bool(np.array_equal(start, derived))
    x_scaled = (xs - x_mean) / x_std
    for _ in range(steps):
        with tf.GradientTape() as tape:
            loss = mean_squared_error(weights, biases, x_scaled, ys)
        gradients = tape.gradient(loss, [weights, biases])
        for variable, gradient in zip([weights, biases], gradients):
            variable.assign_sub(LEARNING_RATE * gradient)  # what GradientDescentOptimizer does
    w, b = weights.numpy(), biases.numpy()
    final_loss = mean_squared_error(weights, biases, x_scaled, ys).numpy()
    report["initialization"] = f"eager: {len(created)} variables initialized when created"
    report["trained_in"] = "TF2 eager code"
    # --- end finished by hand ---

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
