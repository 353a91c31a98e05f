"""Compare four initializers (zeros, a small normal, Glorot uniform, He uniform) on one small MLP
trained on scikit-learn's digits, in a TF1 session and in Keras 3.

The comparison of the classic initializer tutorials, on data that ships with scikit-learn
(nothing is downloaded):

1. split the 8x8 digits (1,797 images, 64 pixels) into training and validation sets;
2. for each initializer, build the same network, 64 inputs -> 64 ReLU -> 32 ReLU -> 10 softmax,
   whose two hidden layers use that initializer (the output layer is always Glorot uniform),
   and train it with plain SGD:
   - in a TF1 session: a tf.compat.v1 graph, the TF1 initializer object built by tf1init's
     catalogue, variables initialized by ``tf1init.initialize_all(session, seed=...)``;
   - in Keras 3: the catalogue's exact Keras translation of the same initializer, ``model.fit``;
3. plot validation accuracy and loss per epoch (initializer_comparison.png) and write the
   numbers (summary.json).

What it shows: zeros never learns (every hidden unit computes the same thing and ReLU's zero
gradient at 0 keeps them there); a small normal starts so close to zero that SGD needs several
epochs to get going; Glorot and He keep the signal's scale and learn from the first epoch.

    python examples/initializer_comparison.py --out out
"""
import argparse
import json
import os
import pathlib
import sys

import numpy as np

import tf1init  # importing tf1init does not import TensorFlow; its session functions do
from tf1init.catalogue import find, translate  # the catalogue's data: no TensorFlow either

tf = None  # TensorFlow: imported by load_tensorflow() when work begins, so --help answers at once

# label -> (TF1 spelling, arguments); the Keras 3 form is the catalogue's translation of it.
INITIALIZERS = {
    "zeros": ("tf.zeros_initializer", {}),
    "small normal (stddev 0.01)": ("tf.random_normal_initializer", {"stddev": 0.01}),
    "Glorot uniform": ("tf.glorot_uniform_initializer", {}),
    "He uniform": ("tf.initializers.he_uniform", {}),
}
HIDDEN = (64, 32)
EARLY_EPOCHS = 3  # "early": the first three epochs
LEARNING_RATE = 0.1
BATCH_SIZE = 32


def load_tensorflow():
    """Import TensorFlow into ``tf``, without its C++ start-up logging unless TF_CPP_MIN_LOG_LEVEL is set."""
    global tf
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf


def load_digits_split(seed=0):
    """Digits scaled to [0, 1], split into 1,344 training images (42 full batches: a last batch
    of a few images would make one noisy SGD step per epoch) and 453 validation images."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    x = (digits.data / 16.0).astype(np.float32)
    y = digits.target.astype(np.int64)
    return train_test_split(x, y, train_size=42 * BATCH_SIZE, stratify=y, random_state=seed)


def batches(n, epoch_seed):
    order = np.random.RandomState(epoch_seed).permutation(n)
    return [order[i:i + BATCH_SIZE] for i in range(0, n, BATCH_SIZE)]


def train_tf1(spelling, args, data, epochs, seed):
    """The MLP in a tf.compat.v1 graph and session; validation (loss, accuracy) per epoch."""
    from tf1init.catalogue.build import tf1_initializer
    from tf1init.layers import dense

    x_train, x_val, y_train, y_val = data
    graph = tf.Graph()
    with graph.as_default():
        x = tf.compat.v1.placeholder(tf.float32, [None, 64], name="x")
        y = tf.compat.v1.placeholder(tf.int64, [None], name="y")
        h = x
        for units in HIDDEN:
            h = dense(h, units, activation=tf.nn.relu, kernel_initializer=tf1_initializer(spelling, args))
        logits = dense(h, 10, kernel_initializer=tf.compat.v1.glorot_uniform_initializer())
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
        accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), y), tf.float32))
        train = tf.compat.v1.train.GradientDescentOptimizer(LEARNING_RATE).minimize(loss)
    history = {"val_loss": [], "val_accuracy": []}
    with tf.compat.v1.Session(graph=graph) as session:
        tf1init.initialize_all(session, seed=seed)  # seeds derived from (seed, op name)
        for epoch in range(epochs):
            for batch in batches(len(x_train), seed * 1000 + epoch):
                session.run(train, {x: x_train[batch], y: y_train[batch]})
            val_loss, val_accuracy = session.run([loss, accuracy], {x: x_val, y: y_val})
            history["val_loss"].append(float(val_loss))
            history["val_accuracy"].append(float(val_accuracy))
    return history


def train_keras(spelling, args, data, epochs, seed):
    """The same MLP in Keras 3, hidden kernels from the catalogue's translation of ``spelling``."""
    from tf1init.catalogue.build import keras_initializer

    x_train, x_val, y_train, y_val = data
    tf.keras.utils.set_random_seed(seed)
    layers = [tf.keras.Input((64,))]
    for index, units in enumerate(HIDDEN):
        seeded = dict(args, seed=seed * 10 + index) if "seed" in find(spelling).params else args
        call = translate(spelling, seeded)
        layers.append(tf.keras.layers.Dense(units, activation="relu", kernel_initializer=keras_initializer(call)))
    layers.append(tf.keras.layers.Dense(10, activation="softmax",
                                        kernel_initializer=tf.keras.initializers.GlorotUniform(seed=seed * 10 + 9)))
    model = tf.keras.Sequential(layers)
    model.compile(optimizer=tf.keras.optimizers.SGD(LEARNING_RATE),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    fit = model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=epochs,
                    batch_size=BATCH_SIZE, shuffle=True, verbose=0)
    return {key: [float(v) for v in fit.history[key]] for key in ("val_loss", "val_accuracy")}


def run(out="out", epochs=8, seed=0):
    """Train every (framework, initializer) pair; write the figure and summary.json; return the summary."""
    out = pathlib.Path(out)
    out.mkdir(parents=True, exist_ok=True)
    load_tensorflow()
    data = load_digits_split()
    report = {"epochs": epochs, "seed": seed, "train_size": len(data[0]), "val_size": len(data[1]),
              "keras_initializers": {}, "histories": {"tf1_session": {}, "keras3": {}}}
    for label, (spelling, args) in INITIALIZERS.items():
        report["keras_initializers"][label] = translate(spelling, args).to_source()
        report["histories"]["tf1_session"][label] = train_tf1(spelling, args, data, epochs, seed)
        report["histories"]["keras3"][label] = train_keras(spelling, args, data, epochs, seed)
    report["early_accuracy"] = {
        framework: {label: float(np.mean(h["val_accuracy"][:EARLY_EPOCHS])) for label, h in histories.items()}
        for framework, histories in report["histories"].items()
    }
    report["final_accuracy"] = {
        framework: {label: h["val_accuracy"][-1] for label, h in histories.items()}
        for framework, histories in report["histories"].items()
    }
    plot(report, out / "initializer_comparison.png")
    (out / "summary.json").write_text(json.dumps(report, indent=2))
    return report


def plot(report, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    frameworks = {"tf1_session": "TF1 session (tf.compat.v1 + tf1init)", "keras3": "Keras 3"}
    fig, axes = plt.subplots(2, 2, figsize=(12, 7.5), sharex=True)
    for column, (key, title) in enumerate(frameworks.items()):
        for label, history in report["histories"][key].items():
            epochs = range(1, len(history["val_accuracy"]) + 1)
            axes[0, column].plot(epochs, history["val_accuracy"], marker="o", label=label)
            axes[1, column].plot(epochs, history["val_loss"], marker="o", label=label)
        axes[0, column].set_title(f"{title}: validation accuracy")
        axes[1, column].set_title(f"{title}: validation loss")
        axes[1, column].set_xlabel("epoch")
    axes[0, 0].set_ylabel("accuracy")
    axes[1, 0].set_ylabel("cross-entropy")
    # One legend for the four panels, below them: inside a panel it would hide a curve.
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, [f"hidden layers: {label}" for label in labels], loc="lower center", ncol=4,
               frameon=False)
    fig.suptitle("64-64-32-10 MLP on scikit-learn digits, SGD: hidden-layer initializers compared")
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    fig.savefig(path, dpi=100)
    plt.close(fig)


def build_parser():
    parser = argparse.ArgumentParser(
        description=" ".join(__doc__.split("\n\n")[0].split()),  # the docstring's first paragraph
        epilog="Writes initializer_comparison.png and summary.json to --out.")
    parser.add_argument("--out", default="out", help="output folder (default: %(default)s)")
    parser.add_argument("--epochs", type=int, default=8, help="training epochs per network (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the initial values and the batches "
                                                             "(default: %(default)s)")
    return parser


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.epochs < 1:
        parser.error(f"--epochs: needs at least 1, got {args.epochs}")
    report = run(args.out, args.epochs, args.seed)
    for framework, histories in report["histories"].items():
        print(framework)
        for label, history in histories.items():
            accuracy = " ".join(f"{a:.2f}" for a in history["val_accuracy"])
            print(f"  {label:28s} validation accuracy per epoch: {accuracy}")
        early = ", ".join(f"{label} {a:.2f}" for label, a in report["early_accuracy"][framework].items())
        print(f"  mean over the first {EARLY_EPOCHS} epochs: {early}")
    print(f"wrote {pathlib.Path(args.out) / 'initializer_comparison.png'} and summary.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
