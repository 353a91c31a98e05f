"""How the signal's variance travels through 16 layers at initialization, for four initializers
and two activations, measured in a TF1 session and set against the variance law.

The variance argument for initialization (Var(y) = n_in * var(w) * var(x) for y = W x, so a stack of L
layers scales the variance by (n_in * var(w))**L), measured on a real TF1 graph:

1. build, in one tf.compat.v1 graph, a 16-layer ReLU network and a 16-layer tanh network
   (64 inputs, 512 units per layer, no bias) for each initializer: a small normal (stddev
   0.01), Glorot uniform, He normal and LeCun normal, all built by tf1init's catalogue;
2. initialize everything with ``tf1init.initialize_all(session, seed=...)`` and push one batch
   of standard normal inputs through all eight networks in a single ``session.run``;
3. per layer, measure the linear gain E[z_l^2] / E[h_(l-1)^2] (z_l = h_(l-1) W_l, the
   pre-activation; h the layer's input) and compare it with n_in * var(w), where var(w) comes
   from the catalogue's closed-form law of the initializer and n_in from its fans; for ReLU
   also check E[relu(z)^2] = Var(z) / 2, which makes the whole depth predictable (tanh has no
   such closed form: only its linear part is predicted);
4. plot E[z_l^2] per layer on a log scale, with the ReLU predictions dashed, and the measured /
   predicted gain per layer (deep_network_stability.png), and write summary.json.

What it shows: under ReLU only He keeps the variance (n_in * 2/n_in * 1/2 = 1 per layer);
Glorot and LeCun halve it every layer, the small normal loses a factor 40 per layer; under
tanh, He overshoots into saturation, Glorot / LeCun decay slowly, the small normal vanishes.
The law holds in expectation over the weights: one network of width n fluctuates by about
sqrt(2 / n) per layer (6% here), and those fluctuations compound through depth.

    python examples/deep_network_stability.py --out out
"""
import argparse
import json
import os
import pathlib
import sys

import numpy as np

import tf1init  # importing tf1init does not import TensorFlow; its session functions do
from tf1init.catalogue import compute_fans, law_of  # the catalogue's laws: no TensorFlow either

tf = None  # TensorFlow: imported by load_tensorflow() when work begins, so --help answers at once

# label -> (TF1 spelling, arguments), as in the catalogue
INITIALIZERS = {
    "small normal (stddev 0.01)": ("tf.random_normal_initializer", {"stddev": 0.01}),
    "Glorot uniform": ("tf.glorot_uniform_initializer", {}),
    "He normal": ("tf.initializers.he_normal", {}),
    "LeCun normal": ("tf.initializers.lecun_normal", {}),
}
ACTIVATIONS = ("relu", "tanh")  # functions of tf.nn
INPUTS, WIDTH, DEPTH, BATCH = 64, 512, 16, 512


def load_tensorflow():
    """Import TensorFlow into ``tf``, without its C++ start-up logging unless TF_CPP_MIN_LOG_LEVEL is set."""
    global tf
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf


def weight_variance(spelling, args, shape):
    """var(w) of the initializer's law for ``shape``, in closed form (the catalogue's laws)."""
    std = law_of(spelling, args, shape).moments()[1]
    return std ** 2


def build(x):
    """Every (activation, initializer) network on input ``x``: {(act, label): [(z_l, h_l), ...]}."""
    from tf1init.catalogue.build import tf1_initializer
    from tf1init.layers import dense

    networks = {}
    for act_name in ACTIVATIONS:
        activation = getattr(tf.nn, act_name)
        for label, (spelling, args) in INITIALIZERS.items():
            h, layers = x, []
            with tf.compat.v1.variable_scope(f"{act_name}_{spelling.rsplit('.', 1)[1]}"):
                for _ in range(DEPTH):
                    z = dense(h, WIDTH, use_bias=False, kernel_initializer=tf1_initializer(spelling, args))
                    h = activation(z)
                    layers.append((z, h))
            networks[act_name, label] = layers
    return networks


def second_moment(a):
    return float(np.mean(np.square(a, dtype=np.float64)))


def run(out="out", seed=0):
    """Measure every network at initialization; write the figure and summary.json; return the summary."""
    out = pathlib.Path(out)
    out.mkdir(parents=True, exist_ok=True)
    load_tensorflow()
    inputs = np.random.RandomState(seed).standard_normal((BATCH, INPUTS)).astype(np.float32)
    graph = tf.Graph()
    with graph.as_default():
        x = tf.constant(inputs)
        networks = build(x)
    with tf1init.fast_session(graph) as session:
        tf1init.initialize_all(session, seed=seed)
        values = session.run(networks)  # one run: all layers of all eight networks

    report = {"depth": DEPTH, "width": WIDTH, "inputs": INPUTS, "batch": BATCH, "seed": seed,
              "input_second_moment": second_moment(inputs), "networks": {}}
    for (act_name, label), layers in values.items():
        spelling, args = INITIALIZERS[label]
        previous = inputs
        rows = []
        for index, (z, h) in enumerate(layers):
            shape = (previous.shape[1], WIDTH)
            fan_in = compute_fans(shape)[0]
            predicted_gain = fan_in * weight_variance(spelling, args, shape)  # n_in * var(w)
            rows.append({
                "layer": index + 1,
                "fan_in": fan_in,
                "var_w": weight_variance(spelling, args, shape),
                "predicted_gain": predicted_gain,
                "measured_gain": second_moment(z) / second_moment(previous),
                "pre_activation_second_moment": second_moment(z),
                "activation_second_moment": second_moment(h),
                "activation_variance": float(np.var(h, dtype=np.float64)),
            })
            previous = h
        if act_name == "relu":
            # E[relu(z)^2] = Var(z) / 2 for z symmetric around 0: the whole chain is predictable.
            predicted = report["input_second_moment"]
            for row in rows:
                predicted *= row["predicted_gain"]
                row["predicted_pre_activation_second_moment"] = predicted
                predicted /= 2
        report["networks"][f"{act_name} / {label}"] = rows
    plot(report, out / "deep_network_stability.png")
    (out / "summary.json").write_text(json.dumps(report, indent=2))
    return report


def plot(report, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    fig, axes = plt.subplots(1, 3, figsize=(16, 5.6))
    colors = {label: f"C{i}" for i, label in enumerate(INITIALIZERS)}
    style = {"relu": {"marker": "o", "linestyle": "-"}, "tanh": {"marker": "x", "linestyle": ":"}}
    for key, rows in report["networks"].items():
        act_name, label = key.split(" / ")
        ax = axes[ACTIVATIONS.index(act_name)]
        layers = [row["layer"] for row in rows]
        ax.plot(layers, [row["pre_activation_second_moment"] for row in rows], color=colors[label],
                **style[act_name])
        if act_name == "relu":
            ax.plot(layers, [row["predicted_pre_activation_second_moment"] for row in rows], "--",
                    color=colors[label], alpha=0.7)
        axes[2].plot(layers, [row["measured_gain"] / row["predicted_gain"] for row in rows],
                     color=colors[label], **style[act_name])
    for ax, act_name in zip(axes[:2], ACTIVATIONS):
        ax.set_yscale("log")
        ax.set_xlabel("layer")
        ax.set_ylabel("E[z^2] of the pre-activation (log scale)")
        ax.set_title(f"{act_name}: signal variance by depth at initialization")
    axes[2].axhline(1.0, color="black", linewidth=0.8)
    axes[2].set_ylim(0.7, 1.3)
    axes[2].set_xlabel("layer")
    axes[2].set_ylabel("measured E[z^2]/E[h^2]  /  n_in * var(w)")
    axes[2].set_title("per-layer linear gain: measured / predicted")
    # One legend for all three panels: colour = initializer, line style = activation.
    handles = [Line2D([], [], color=color, linewidth=6) for color in colors.values()]
    labels = list(colors)
    handles += [Line2D([], [], color="black", **style[name]) for name in ACTIVATIONS]
    labels += [f"{name}, measured" for name in ACTIVATIONS]
    handles.append(Line2D([], [], color="black", linestyle="--", alpha=0.7))
    labels.append("relu, predicted: n_in * var(w) per layer, 1/2 per ReLU")
    fig.legend(handles, labels, loc="lower center", ncol=4, fontsize=10, frameon=False)
    fig.suptitle(f"{report['depth']} layers of {report['width']} units, "
                 f"{report['batch']} standard normal inputs of size {report['inputs']}")
    fig.tight_layout(rect=(0, 0.12, 1, 1))
    fig.savefig(path, dpi=100)
    plt.close(fig)


def build_parser():
    parser = argparse.ArgumentParser(
        description=" ".join(__doc__.split("\n\n")[0].split()),  # the docstring's first paragraph
        epilog="Writes deep_network_stability.png and summary.json to --out.")
    parser.add_argument("--out", default="out", help="output folder (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the weights and the inputs (default: %(default)s)")
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    report = run(args.out, args.seed)
    print(f"E[z^2] of the pre-activation at layers 1 and {report['depth']} (ReLU: predicted in brackets)")
    for key, rows in report["networks"].items():
        first, last = rows[0], rows[-1]
        line = f"  {key:36s} {first['pre_activation_second_moment']:10.3g} -> {last['pre_activation_second_moment']:10.3g}"
        if "predicted_pre_activation_second_moment" in last:
            line += f"  ({last['predicted_pre_activation_second_moment']:.3g})"
        worst = max(abs(row["measured_gain"] / row["predicted_gain"] - 1) for row in rows)
        print(f"{line}   largest per-layer gain error {worst:.1%}")
    print(f"wrote {pathlib.Path(args.out) / 'deep_network_stability.png'} and summary.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
