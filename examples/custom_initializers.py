"""Custom initializers, per-layer initialization rules and surgery on one tensor of a restored
model, in a TF1 session with tf1init (and the same initializers and rules on a Keras 3 model).

The custom-initializer workflows of the variance and Keras-initializer tutorials:

1. two custom initializers from tf1init's catalogue, each usable in
   ``tf.compat.v1.get_variable`` and in a Keras layer:
   - ``ThresholdedUniform(limit=10, threshold=5)``: w ~ U(-10, 10), set to 0 where |w| < 5,
     a heavy-tailed law: half the weights exactly 0, the rest 5 <= |w| < 10;
   - ``ClippedNormal(stddev=1, k=2)``: a normal with nothing beyond 2 standard deviations
     (with k = 2 it is TruncatedNormal's law);
   drawn in a TF1 session (65,536 values each), their measured statistics set against the
   closed-form ``moments()``;
2. per-layer rules (``tf1init.apply_rules``) on a small network, Dense(4, relu) -> Dense(1):
   Glorot uniform for the first layer's kernel, a constant 42 for the second's, in a TF1
   session and on the same network in Keras 3; biases are left as they were;
3. surgery: save the network with ``tf.compat.v1.train.Saver``, restore it into a new session
   (restore instead of initialize), change one tensor (first kernel + 1, its [0, 0] set to
   42), save it again, and check against both checkpoints that only that tensor changed;
4. custom_initializers.png: histograms of both initializers, and the change per variable;
   summary.json: the numbers; checkpoint/: both checkpoints.

    python examples/custom_initializers.py --out out
"""
import argparse
import json
import os
import pathlib
import sys

import numpy as np

import tf1init  # importing tf1init does not import TensorFlow; its session functions do

tf = None  # TensorFlow: imported by load_tensorflow() when work begins, so --help answers at once

SAMPLE_SHAPE = [256, 256]  # 65,536 draws per initializer: statistics good to a few 0.1%
SMALL_X = np.arange(8, dtype=np.float32).reshape(2, 4) / 8.0  # two inputs for the small network
# summary key -> (the initializer as written, how to build it)
CUSTOM = {
    "thresholded_uniform": ("ThresholdedUniform(limit=10, threshold=5)",
                            lambda: tf1init.ThresholdedUniform(limit=10.0, threshold=5.0)),
    "clipped_normal": ("ClippedNormal(stddev=1, k=2)", lambda: tf1init.ClippedNormal(stddev=1.0, k=2.0)),
}


def load_tensorflow():
    """Import TensorFlow into ``tf``, without its C++ start-up logging unless TF_CPP_MIN_LOG_LEVEL is set."""
    global tf
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf


def draw_custom(seed):
    """Both custom initializers as TF1 variables, initialized in a session; their values."""
    graph = tf.Graph()
    with graph.as_default():
        variables = {key: tf.compat.v1.get_variable(key, SAMPLE_SHAPE, initializer=make())
                     for key, (_, make) in CUSTOM.items()}
    with tf1init.fast_session(graph) as session:
        tf1init.initialize_all(session, seed=seed)  # unseeded initializers: seeds from tf1init
        return session.run(variables)


def statistics(key, values):
    """Measured statistics of one custom initializer's draws, with its closed-form moments."""
    written, make = CUSTOM[key]
    mean, std, low, high = make().moments()
    return {
        "initializer": written,
        "mean": float(values.mean()), "std": float(values.std()),
        "min": float(values.min()), "max": float(values.max()),
        "fraction_zero": float(np.mean(values == 0)),
        "closed_form": {"mean": mean, "std": std, "min": low, "max": high},
    }


def build_small_net(x):
    """Dense(4, relu) -> Dense(1), with tf1init.layers.dense (variables dense/..., dense_1/...)."""
    from tf1init.layers import dense

    hidden = dense(x, 4, activation=tf.nn.relu)
    return dense(hidden, 1)


def layer_rules():
    """Glorot for the first Dense layer's kernel, the constant 42 for the second's."""
    return [
        tf1init.Rule("glorot_uniform", layer_type="Dense", layer_index=0, role="kernel"),
        tf1init.Rule(tf.keras.initializers.Constant(42.0), layer_type="Dense", layer_index=1, role="kernel"),
    ]


def dispatch_keras(seed):
    """The same rules on the small network in Keras 3 (built with a ThresholdedUniform first kernel)."""
    tf.keras.utils.set_random_seed(seed)
    model = tf.keras.Sequential([
        tf.keras.Input((4,)),
        tf.keras.layers.Dense(4, activation="relu", kernel_initializer=tf1init.ThresholdedUniform(seed=seed)),
        tf.keras.layers.Dense(1),
    ])
    thresholded_kernel = model.layers[0].kernel.numpy()
    report = tf1init.apply_rules(model, layer_rules())
    return {
        "thresholded_kernel_before_rules": thresholded_kernel.tolist(),
        "assigned": [a.variable for a in report.assigned],
        "first_kernel": model.layers[0].kernel.numpy().tolist(),
        "second_kernel": model.layers[1].kernel.numpy().tolist(),
    }


def checkpoint_values(path, names):
    return {name: tf.train.load_variable(path, name) for name in names}


def surgery(out, seed):
    """Dispatch in a TF1 session, save; restore in a new session, change one tensor, save again."""
    # The trained-and-saved model: initialized, then the per-layer rules applied.
    graph = tf.Graph()
    with graph.as_default():
        x = tf.compat.v1.placeholder(tf.float32, [None, 4], name="x")
        y = build_small_net(x)
        saver = tf.compat.v1.train.Saver()
    with tf1init.fast_session(graph) as session:
        tf1init.initialize_all(session, seed=seed)
        dispatch = tf1init.apply_rules(session, layer_rules())  # all assignments in one run
        output = session.run(y, {x: SMALL_X})
        saved = saver.save(session, str(out / "checkpoint" / "model.ckpt"))

    # The restored model: a new graph and session, the checkpoint instead of initializers.
    graph = tf.Graph()
    with graph.as_default():
        build_small_net(tf.compat.v1.placeholder(tf.float32, [None, 4], name="x"))
        saver = tf.compat.v1.train.Saver()
        variables = {v.op.name: v for v in tf.compat.v1.global_variables()}
    with tf1init.fast_session(graph) as session:
        saver.restore(session, saved)
        tf1init.assert_initialized(session)  # every variable came from the checkpoint
        kernel = variables["dense/kernel"]
        value = session.run(kernel)
        value += 1.0  # a one-off edit of a single tensor
        value[0, 0] = 42.0
        session.run(kernel.assign(value))
        after = session.run(variables)
        edited = saver.save(session, str(out / "checkpoint" / "model_edited.ckpt"))

    before = checkpoint_values(saved, variables)
    rewritten = checkpoint_values(edited, variables)
    changed = {name: float(np.abs(after[name] - before[name]).max()) for name in variables}
    return {
        "rules": [a.variable for a in dispatch.assigned],
        "untouched_by_rules": list(dispatch.untouched),
        "output_after_rules": output.tolist(),
        "glorot_limit": float(np.sqrt(6.0 / (4 + 4))),
        "first_kernel_max_abs": float(np.abs(before["dense/kernel"]).max()),
        "second_kernel": before["dense_1/kernel"].tolist(),
        "biases": {name: before[name].tolist() for name in ("dense/bias", "dense_1/bias")},
        "max_change": changed,
        "changed": sorted(name for name, change in changed.items() if change > 0),
        "edit_is_exact": bool(np.array_equal(after["dense/kernel"], value)),
        "edited_checkpoint_matches": all(np.array_equal(rewritten[n], after[n]) for n in variables),
        "edited_kernel": after["dense/kernel"].tolist(),
    }


def run(out="out", seed=0):
    """All three parts; write custom_initializers.png and summary.json; return the summary."""
    out = pathlib.Path(out)
    out.mkdir(parents=True, exist_ok=True)
    load_tensorflow()
    values = draw_custom(seed)
    thresholded = values["thresholded_uniform"]
    report = {
        **{key: statistics(key, values[key]) for key in CUSTOM},
        "nonzero_abs_min": float(np.abs(thresholded[thresholded != 0]).min()),
        "keras": dispatch_keras(seed),
        "surgery": surgery(out, seed),
    }
    plot(values, report, out / "custom_initializers.png")
    (out / "summary.json").write_text(json.dumps(report, indent=2))
    return report


def plot(values, report, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(15, 4.8))
    for ax, key in zip(axes, CUSTOM):
        stats = report[key]
        closed = stats["closed_form"]
        # 120 bins between the law's bounds: bin edges fall on the threshold (+-5), so no bin straddles it.
        counts, _, _ = ax.hist(values[key].ravel(), bins=np.linspace(closed["min"], closed["max"], 121), color="C0")
        ax.set_title(f"{stats['initializer']}\n{values[key].size:,} draws in a TF1 session")
        ax.set_xlabel("initial value")
        ax.text(0.02, 0.97, f"std {stats['std']:.4f} (closed form {closed['std']:.4f})\n"
                            f"zeros {stats['fraction_zero']:.1%}", transform=ax.transAxes, va="top", fontsize=9)
        if key == "thresholded_uniform":  # the spike at 0 holds half the weights: a log scale
            ax.set_yscale("log")
            ax.set_ylim(counts[counts > 0].min() / 3, counts.max() * 10)  # room for the text
            ax.set_ylabel("count (log scale)")
        else:
            ax.set_ylim(0, counts.max() * 1.25)
            ax.set_ylabel("count")
    # Horizontal bars: the variable names stay readable on the y axis, and each bar says its value.
    changes = report["surgery"]["max_change"]
    names = list(changes)[::-1]
    axes[2].barh(names, [changes[n] for n in names], color=["C3" if changes[n] else "C7" for n in names])
    for row, name in enumerate(names):
        text = f"{changes[name]:.3g}" if changes[name] else "0 (unchanged)"
        axes[2].text(changes[name] + 0.5, row, text, va="center", fontsize=9)
    axes[2].set_xlim(0, 1.25 * max(changes.values()) or 1.0)
    axes[2].set_title("surgery on the restored model:\nmax |change| per variable")
    axes[2].set_xlabel("max |after - checkpoint|")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def build_parser():
    parser = argparse.ArgumentParser(
        description=" ".join(__doc__.split("\n\n")[0].split()),  # the docstring's first paragraph
        epilog="Writes custom_initializers.png, summary.json and checkpoint/ to --out.")
    parser.add_argument("--out", default="out", help="output folder (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the initial values (default: %(default)s)")
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    report = run(args.out, args.seed)
    for key in CUSTOM:
        stats = report[key]
        print(f"{stats['initializer']}: std {stats['std']:.4f} (closed form {stats['closed_form']['std']:.4f}), "
              f"range [{stats['min']:.3f}, {stats['max']:.3f}], zeros {stats['fraction_zero']:.2%}")
    s = report["surgery"]
    print(f"rules set {', '.join(s['rules'])}; second kernel {s['second_kernel']}")
    print(f"surgery changed only {s['changed']}; edited kernel row 0: {s['edited_kernel'][0]}")
    print(f"wrote {pathlib.Path(args.out) / 'custom_initializers.png'}, summary.json and checkpoint/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
