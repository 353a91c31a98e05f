"""Variables in a TF1 session: define, initialize (selectively, globally, from another
variable's initial value), then fit a line to data read from an .xls file.

The workflow of the tutorial in shared/seeds (variables, tf.variables_initializer,
global_variables_initializer, initialized_value) on TensorFlow 2.21, done with tf1init.

    python examples/variables_in_session.py --out out
"""
import argparse
import json
import pathlib
import sys

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent
DEFAULT_DATA = HERE / "data" / "regression.xls"


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


def run(data=DEFAULT_DATA, out="out", steps=300, seed=0):
    import tf1init
    from tf1init._tf import tf, v1

    xs, ys = read_points(data)
    out = pathlib.Path(out)
    out.mkdir(parents=True, exist_ok=True)
    x_mean, x_std = xs.mean(), xs.std()

    graph = tf.Graph()
    with graph.as_default():
        # The tutorial's variables: constant, truncated normal, Glorot, zeros, and one made from
        # another's initial value (TF 2.21's initialized_value() fails on resource variables).
        weights = v1.Variable(v1.truncated_normal([1, 1], stddev=0.1), name="weights")
        biases = v1.Variable(v1.zeros([1]), name="biases")
        custom = v1.Variable(v1.constant(0.5, shape=[2, 2]), name="custom_variable")
        projection = v1.get_variable("projection", [4, 3], initializer=v1.glorot_uniform_initializer())
        weights_new = v1.Variable(tf1init.initialized_value(weights), name="WeightsNew")

        x = v1.placeholder(tf.float32, [None], name="x")
        y = v1.placeholder(tf.float32, [None], name="y")
        prediction = tf.reshape(weights, []) * (x - x_mean) / x_std + biases[0]
        loss = tf.reduce_mean(tf.square(prediction - y), name="loss")
        train = v1.train.GradientDescentOptimizer(0.1).minimize(loss)

    session = tf1init.fast_session(graph)
    report = {}
    report["selective"] = list(tf1init.initialize(session, [weights, custom], seed=seed))
    report["left_after_selective"] = [v.op.name for v in tf1init.uninitialized_variables(session)]
    report["global"] = list(tf1init.initialize_all(session, seed=seed))
    w0, w_new = session.run([weights, weights_new])
    report["weights_new_equals_weights"] = bool(np.array_equal(w0, w_new))
    report["custom"] = session.run(custom).tolist()
    report["projection_limit"] = float(np.sqrt(6.0 / (4 + 3)))
    report["projection_max_abs"] = float(np.abs(session.run(projection)).max())

    tf1init.assert_initialized(session, train)
    feed = {x: xs, y: ys}
    for _ in range(steps):
        session.run(train, feed)
    w, b, final_loss = session.run([weights, biases, loss], feed)
    slope = float(w[0, 0] / x_std)
    intercept = float(b[0] - w[0, 0] * x_mean / x_std)
    ls_slope, ls_intercept = np.polyfit(xs.astype(np.float64), ys.astype(np.float64), 1)
    report.update(
        slope=slope, intercept=intercept, loss=float(final_loss),
        least_squares_slope=float(ls_slope), least_squares_intercept=float(ls_intercept),
    )
    session.close()

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    ax.scatter(xs, ys, s=12, label="data (regression.xls)")
    grid = np.array([xs.min(), xs.max()])
    ax.plot(grid, slope * grid + intercept, color="C3", label=f"TF1 session fit: y = {slope:.3f}x + {intercept:.2f}")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.legend()
    ax.set_title("Linear regression trained in a tf.compat.v1 session")
    fig.tight_layout()
    fig.savefig(out / "regression.png", dpi=100)
    plt.close(fig)
    (out / "summary.json").write_text(json.dumps(report, indent=2))
    return report


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(DEFAULT_DATA), help="the .xls file (default: the bundled one)")
    parser.add_argument("--out", default="out", help="folder for regression.png and summary.json")
    parser.add_argument("--steps", type=int, default=300)
    args = parser.parse_args(argv)
    try:
        report = run(args.data, args.out, args.steps)
    except DataError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"initialized selectively: {report['selective']}; then globally: {len(report['global'])} variables")
    print(f"WeightsNew equals weights' initial value: {report['weights_new_equals_weights']}")
    print(f"fit: y = {report['slope']:.4f} x + {report['intercept']:.3f}   "
          f"(least squares: {report['least_squares_slope']:.4f} x + {report['least_squares_intercept']:.3f})")
    print(f"wrote {pathlib.Path(args.out) / 'regression.png'} and summary.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
