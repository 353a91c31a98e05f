"""Transfer learning without downloads: restore a trained base instead of initializing it.

The Keras-initializers tutorial's transfer-learning workflow (a pre-trained base, frozen, with a new
head: He for its ReLU layer, Glorot for the softmax layer), in a TF1 session on scikit-learn's
digits, so nothing is downloaded:

1. train a small base (64 pixels -> 64 ReLU units) with a 5-way head on digits 0-4 and save
   a checkpoint with ``tf.compat.v1.train.Saver``;
2. build the next model: the same base (same variable names), frozen (the optimizer gets only
   the head's variables), and a new head for digits 5-9: a 32-unit ReLU layer with He uniform
   and a 5-way softmax layer with Glorot uniform;
3. ``tf1init.warm_start(session, checkpoint, "base")``: restore the ``base`` scope from the
   checkpoint and initialize everything else (the new head, the optimizer's slots) in one
   run; nothing of the base is initialized;
4. train the head; then check that the base still equals the checkpoint, bit for bit;
5. for comparison, train the same head on a frozen base that was initialized, not restored;
6. transfer_learning.png: validation accuracy per epoch; summary.json: the numbers and the
   restore report.

What the comparison shows, honestly: on 8x8 digits a frozen *initialized* base does about as
well as the restored one (random ReLU features of these images are already good, and features
learnt on five digits are no better for the other five; seeds 0-2 and wider or deeper bases
gave the same picture). Restoring pays off when the base learnt from far more data than the new
task has (ImageNet in the article); the mechanics shown here are the same.

    python examples/transfer_learning.py --out out
"""
import argparse
import json
import os
import pathlib
import sys

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # before TensorFlow's start-up chatter
import tensorflow as tf  # noqa: E402

import tf1init  # noqa: E402
from tf1init.layers import dense  # noqa: E402

BASE_LAYERS = (("base/hidden", 64),)
LEARNING_RATE = 0.01
BATCH_SIZE = 32


def load_tasks(seed=0):
    """Digits 0-4 (the base's task) and 5-9 (the new task), each split 75/25, labels 0..4."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    x = (digits.data / 16.0).astype(np.float32)
    tasks = {}
    for name, first in (("digits 0-4", 0), ("digits 5-9", 5)):
        keep = (digits.target >= first) & (digits.target < first + 5)
        labels = (digits.target[keep] - first).astype(np.int64)
        tasks[name] = train_test_split(x[keep], labels, test_size=0.25, stratify=labels, random_state=seed)
    return tasks


def base(x):
    """The shared base: the same variable names in every graph, so a checkpoint fits."""
    h = x
    for name, units in BASE_LAYERS:
        h = dense(h, units, activation=tf.nn.relu, name=name)
    return h


def classifier(logits, y):
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
    accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), y), tf.float32))
    return loss, accuracy


def fit(session, train, accuracy, x, y, data, epochs, seed):
    """Minibatch training; validation accuracy after each epoch."""
    x_train, x_val, y_train, y_val = data
    history = []
    for epoch in range(epochs):
        order = np.random.RandomState(seed * 1000 + epoch).permutation(len(x_train))
        for start in range(0, len(order), BATCH_SIZE):
            batch = order[start:start + BATCH_SIZE]
            session.run(train, {x: x_train[batch], y: y_train[batch]})
        history.append(float(session.run(accuracy, {x: x_val, y: y_val})))
    return history


def train_base(data, checkpoint, epochs, seed):
    """Step 1: base + a 5-way head on digits 0-4, saved (with its Adam slots) to ``checkpoint``."""
    graph = tf.Graph()
    with graph.as_default():
        x = tf.compat.v1.placeholder(tf.float32, [None, 64], name="x")
        y = tf.compat.v1.placeholder(tf.int64, [None], name="y")
        logits = dense(base(x), 5, name="old_head/logits")
        loss, accuracy = classifier(logits, y)
        train = tf.compat.v1.train.AdamOptimizer(LEARNING_RATE).minimize(loss)
        saver = tf.compat.v1.train.Saver()
    with tf1init.fast_session(graph) as session:
        tf1init.initialize_all(session, seed=seed)
        history = fit(session, train, accuracy, x, y, data, epochs, seed)
        pathlib.Path(checkpoint).parent.mkdir(parents=True, exist_ok=True)
        return history, saver.save(session, str(checkpoint))


def train_head(data, checkpoint, epochs, seed):
    """Steps 2-4 (``checkpoint`` given) or 5 (``checkpoint=None``: the base is initialized)."""
    graph = tf.Graph()
    with graph.as_default():
        x = tf.compat.v1.placeholder(tf.float32, [None, 64], name="x")
        y = tf.compat.v1.placeholder(tf.int64, [None], name="y")
        features = base(x)
        hidden = dense(features, 32, activation=tf.nn.relu, name="head/hidden",
                       kernel_initializer=tf.compat.v1.initializers.he_uniform())  # ReLU: He
        logits = dense(hidden, 5, name="head/logits",
                       kernel_initializer=tf.compat.v1.glorot_uniform_initializer())  # softmax: Glorot
        loss, accuracy = classifier(logits, y)
        head_variables = tf.compat.v1.trainable_variables("head")
        # Frozen base: the optimizer gets the head's variables only (and makes slots only for them).
        train = tf.compat.v1.train.AdamOptimizer(LEARNING_RATE).minimize(loss, var_list=head_variables)
        base_variables = tf.compat.v1.global_variables("base")
    with tf1init.fast_session(graph) as session:
        if checkpoint is not None:
            restore = tf1init.warm_start(session, checkpoint, "base", seed=seed)
        else:
            restore = None
            tf1init.initialize_all(session, seed=seed)
        start = session.run(base_variables)
        head_start = session.run({v.op.name: v for v in head_variables})
        history = fit(session, train, accuracy, x, y, data, epochs, seed)
        end = session.run(base_variables)
    names = [v.op.name for v in base_variables]
    return {
        "history": history,
        "restore": restore,
        "base_start": dict(zip(names, start)),
        "base_end": dict(zip(names, end)),
        "head_variables": [v.op.name for v in head_variables],
        "head_start": head_start,
    }


def run(out="out", base_epochs=15, head_epochs=10, seed=0):
    """The whole workflow; write transfer_learning.png, summary.json and checkpoint/; return the summary."""
    out = pathlib.Path(out)
    out.mkdir(parents=True, exist_ok=True)
    tasks = load_tasks()
    base_history, checkpoint = train_base(tasks["digits 0-4"], out / "checkpoint" / "base.ckpt", base_epochs, seed)
    transfer = train_head(tasks["digits 5-9"], checkpoint, head_epochs, seed)
    scratch = train_head(tasks["digits 5-9"], None, head_epochs, seed)

    saved = {name: tf.train.load_variable(checkpoint, name) for name in transfer["base_end"]}
    report = {
        "checkpoint": checkpoint,
        "base_accuracy_digits_0_4": base_history[-1],
        "base_history": base_history,
        "restore": transfer["restore"].to_dict(),
        "head_variables": transfer["head_variables"],
        "base_restored_exactly": all(np.array_equal(saved[n], transfer["base_start"][n]) for n in saved),
        "base_unchanged_by_head_training": all(
            np.array_equal(saved[n], transfer["base_end"][n]) for n in saved),
        # The new head's first values: within He's limit sqrt(6 / fan_in) for the ReLU layer and
        # Glorot's sqrt(6 / (fan_in + fan_out)) for the softmax layer.
        "head_hidden_kernel_max_abs": float(np.abs(transfer["head_start"]["head/hidden/kernel"]).max()),
        "he_limit": float(np.sqrt(6.0 / BASE_LAYERS[-1][1])),
        "head_logits_kernel_max_abs": float(np.abs(transfer["head_start"]["head/logits/kernel"]).max()),
        "glorot_limit": float(np.sqrt(6.0 / (32 + 5))),
        "head_accuracy_digits_5_9": transfer["history"][-1],
        "head_history": transfer["history"],
        "initialized_base_head_accuracy": scratch["history"][-1],
        "initialized_base_head_history": scratch["history"],
        "chance": 0.2,
    }
    plot(report, out / "transfer_learning.png")
    (out / "summary.json").write_text(json.dumps(report, indent=2))
    return report


def plot(report, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4), sharey=True)
    left.plot(range(1, len(report["base_history"]) + 1), report["base_history"], marker="o")
    left.set_title("step 1: base + head trained on digits 0-4")
    right.plot(range(1, len(report["head_history"]) + 1), report["head_history"], marker="o",
               label="restored base (tf1init.warm_start), frozen")
    right.plot(range(1, len(report["initialized_base_head_history"]) + 1),
               report["initialized_base_head_history"], marker="s", label="initialized base, frozen")
    right.set_title("new head (He ReLU layer, Glorot softmax) on digits 5-9")
    for ax in (left, right):
        ax.axhline(report["chance"], color="gray", linestyle=":", label="chance (5 classes)")
        ax.set_xlabel("epoch")
    left.set_ylabel("validation accuracy")
    right.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="out", help="folder for transfer_learning.png, summary.json, checkpoint/")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    report = run(args.out, seed=args.seed)
    restore = report["restore"]
    print(f"base on digits 0-4: validation accuracy {report['base_accuracy_digits_0_4']:.3f}")
    print(f"warm start: restored {sorted(restore['restored'])}; initialized {restore['initialized']}")
    print(f"new head on digits 5-9: validation accuracy {report['head_accuracy_digits_5_9']:.3f} "
          f"(initialized base: {report['initialized_base_head_accuracy']:.3f}, chance 0.2)")
    print(f"base still equals the checkpoint after head training: {report['base_unchanged_by_head_training']}")
    print(f"wrote {pathlib.Path(args.out) / 'transfer_learning.png'}, summary.json and checkpoint/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
