"""Transfer learning in a TF1 session: tf1init.warm_start restores a trained base and initializes
a new head, and the example measures, over several seeds, what restoring gives over initializing.

A base (64 pixels -> 64 ReLU units) is pre-trained on plenty of labelled images of scikit-learn's
digits (bundled with it: nothing is downloaded), then reused, frozen, for a new task that has few
labels:

1. pre-train the base with a 10-way head to recognise the digit, on 800 of the first 1,000
   images of a fixed shuffle (the other 200 check it), and save it with
   ``tf.compat.v1.train.Saver``;
2. the new task, on the other 797 images: is the digit odd or even? Only 20 images per answer
   are labelled (40 in all); the other 757 measure accuracy;
3. the new model: the same base (same variable names), frozen (the optimizer gets only the head's
   variables), and a new head, 32 ReLU units with He uniform then a softmax layer with Glorot
   uniform; ``tf1init.warm_start(session, checkpoint, "base")`` restores the base and
   initializes the head and the optimizer's slots in one run;
4. three ways to start, trained for the same 60 full-batch Adam steps, on 5 seeds (a seed picks
   the 40 labelled images and the initial values): the restored base, frozen; an initialized
   base, frozen (the same head on random features); an initialized network trained whole on the
   40 images (no transfer). Accuracy: mean and spread (standard deviation, min, max) over seeds;
5. the same three on a task whose classes the base never saw: a base pre-trained on digits 0-4,
   the new task digits 5-9 with 20 labelled images per digit;
6. check that the frozen base still equals the checkpoint, bit for bit, after training, and that
   the new head started within He's and Glorot's limits;
7. transfer_learning.png: pre-training curves, and accuracy per step on both new tasks (mean
   and standard deviation over seeds); summary.json: the numbers and the restore report.

What it shows (TensorFlow 2.21, seeds 0-4): restoring pays when the base learnt, from more data,
what the new task needs. Odd or even is a question about the digit, which the base learnt to
recognise from 800 labels: from 40 labels the restored base reaches 0.91 ± 0.03, an initialized
frozen base 0.82 ± 0.05 and the whole network trained from scratch 0.84 ± 0.05, and the
restored base is ahead on every seed (already after 10 steps: 0.88 against 0.77 and 0.84).
Features learnt on digits 0-4 do not help with digits 5-9: the restored base ends level with an
initialized one (0.90 both) and training from scratch is best (0.94). Features of five digits'
shapes are specific to them, while random ReLU features of 64 pixels keep all of them: for
new classes, a base must have seen far more varied data than digits 0-4 (as ImageNet bases
have) before restoring it beats starting afresh.

    python examples/transfer_learning.py --out out
"""
import argparse
import json
import os
import pathlib
import sys

import numpy as np

import tf1init  # importing tf1init does not import TensorFlow; its session functions do

tf = None  # TensorFlow: imported by load_tensorflow() when work begins, so --help answers at once

POOL_A = 1000  # pre-training images (a fixed shuffle of the 1,797); the rest are the new task's
BASE_UNITS = 64
HEAD_UNITS = 32
LABELLED_PER_CLASS = 20
HEAD_STEPS = 60
EVAL_EVERY = 5
LEARNING_RATE = 0.01
BATCH_SIZE = 32
START = {
    "restored": "restored base (tf1init.warm_start), frozen",
    "initialized": "initialized base, frozen",
    "scratch": "initialized, whole network trained (no transfer)",
}
# name -> (pre-training: which digits, their labels), (new task: which digits, their labels, class names)
EXPERIMENTS = {
    "odd or even": {
        "base_task": "digits 0-9",
        "source": (lambda d: d >= 0, lambda d: d),
        "target": (lambda d: d >= 0, lambda d: d % 2, ["even", "odd"]),
    },
    "digits 5-9": {
        "base_task": "digits 0-4",
        "source": (lambda d: d < 5, lambda d: d),
        "target": (lambda d: d >= 5, lambda d: d - 5, ["5", "6", "7", "8", "9"]),
    },
}


def load_tensorflow():
    """Import TensorFlow into ``tf``, without its C++ start-up logging unless TF_CPP_MIN_LOG_LEVEL is set."""
    global tf
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf


def load_pools():
    """Digits scaled to [0, 1], shuffled once: (images, digits) of pool A and of pool B."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    x = (digits.data / 16.0).astype(np.float32)
    order = np.random.RandomState(123).permutation(len(x))
    a, b = order[:POOL_A], order[POOL_A:]
    return (x[a], digits.target[a]), (x[b], digits.target[b])


def source_data(pool, experiment):
    """The base's task: 80% of the selected pool-A images to train on, 20% to check it."""
    keep, label = EXPERIMENTS[experiment]["source"]
    x, d = pool
    x, y = x[keep(d)], label(d[keep(d)]).astype(np.int64)
    cut = int(0.8 * len(x))
    return x[:cut], y[:cut], x[cut:], y[cut:]


def target_data(pool, experiment, seed):
    """The new task: ``LABELLED_PER_CLASS`` labelled images per class (picked by ``seed``), the rest held out."""
    keep, label, _ = EXPERIMENTS[experiment]["target"]
    x, d = pool
    x, y = x[keep(d)], label(d[keep(d)]).astype(np.int64)
    pick = np.random.RandomState(seed)
    labelled = np.concatenate([pick.choice(np.flatnonzero(y == c), LABELLED_PER_CLASS, replace=False)
                               for c in range(y.max() + 1)])
    held_out = np.setdiff1d(np.arange(len(y)), labelled)
    return x[labelled], y[labelled], x[held_out], y[held_out]


def base(x):
    """The shared base: the same variable names in every graph, so a checkpoint fits."""
    from tf1init.layers import dense

    return dense(x, BASE_UNITS, activation=tf.nn.relu, name="base/hidden")


def classifier(logits, y):
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
    accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), y), tf.float32))
    return loss, accuracy


def train_base(data, classes, checkpoint, epochs, seed):
    """Step 1: base + a head for the base's task, minibatch Adam; saved to ``checkpoint``."""
    from tf1init.layers import dense

    x_train, y_train, x_val, y_val = data
    graph = tf.Graph()
    with graph.as_default():
        x = tf.compat.v1.placeholder(tf.float32, [None, 64], name="x")
        y = tf.compat.v1.placeholder(tf.int64, [None], name="y")
        logits = dense(base(x), classes, name="old_head/logits")
        loss, accuracy = classifier(logits, y)
        train = tf.compat.v1.train.AdamOptimizer(LEARNING_RATE).minimize(loss)
        saver = tf.compat.v1.train.Saver()
    history = []
    with tf1init.fast_session(graph) as session:
        tf1init.initialize_all(session, seed=seed)
        for epoch in range(epochs):
            order = np.random.RandomState(seed * 1000 + epoch).permutation(len(x_train))
            for start in range(0, len(order), BATCH_SIZE):
                batch = order[start:start + BATCH_SIZE]
                session.run(train, {x: x_train[batch], y: y_train[batch]})
            history.append(float(session.run(accuracy, {x: x_val, y: y_val})))
        pathlib.Path(checkpoint).parent.mkdir(parents=True, exist_ok=True)
        return history, saver.save(session, str(checkpoint))


def train_head(data, classes, start, checkpoint, seed):
    """Steps 3-4: the new model, started one of the ``START`` ways, trained ``HEAD_STEPS`` steps."""
    from tf1init.layers import dense

    x_train, y_train, x_val, y_val = data
    graph = tf.Graph()
    with graph.as_default():
        x = tf.compat.v1.placeholder(tf.float32, [None, 64], name="x")
        y = tf.compat.v1.placeholder(tf.int64, [None], name="y")
        hidden = dense(base(x), HEAD_UNITS, activation=tf.nn.relu, name="head/hidden",
                       kernel_initializer=tf.compat.v1.initializers.he_uniform())  # ReLU: He
        logits = dense(hidden, classes, name="head/logits",
                       kernel_initializer=tf.compat.v1.glorot_uniform_initializer())  # softmax: Glorot
        loss, accuracy = classifier(logits, y)
        head_variables = tf.compat.v1.trainable_variables("head")
        # A frozen base: the optimizer gets the head's variables only (and makes slots only for them).
        trained = None if start == "scratch" else head_variables
        train = tf.compat.v1.train.AdamOptimizer(LEARNING_RATE).minimize(loss, var_list=trained)
        base_variables = tf.compat.v1.global_variables("base/")
    with tf1init.fast_session(graph) as session:
        if start == "restored":
            restore = tf1init.warm_start(session, checkpoint, "base", seed=seed)
        else:
            restore = None
            tf1init.initialize_all(session, seed=seed)
        base_start = session.run(base_variables)
        head_start = session.run({v.op.name: v for v in head_variables})
        curve = [float(session.run(accuracy, {x: x_val, y: y_val}))]
        for step in range(1, HEAD_STEPS + 1):
            session.run(train, {x: x_train, y: y_train})  # 40 or 100 images: one full batch
            if step % EVAL_EVERY == 0:
                curve.append(float(session.run(accuracy, {x: x_val, y: y_val})))
        base_end = session.run(base_variables)
    names = [v.op.name for v in base_variables]
    return {
        "curve": curve,
        "restore": restore,
        "base_start": dict(zip(names, base_start)),
        "base_end": dict(zip(names, base_end)),
        "head_variables": [v.op.name for v in head_variables],
        "head_start": head_start,
    }


def spread(values):
    values = np.asarray(values, np.float64)
    return {"mean": float(values.mean()), "std": float(values.std()),
            "min": float(values.min()), "max": float(values.max())}


def experiment(name, pools, out, base_epochs, seeds):
    """Pre-train one base, then start the new task every ``START`` way on every seed."""
    pool_a, pool_b = pools
    source = source_data(pool_a, name)
    base_classes = int(source[1].max()) + 1
    checkpoint = out / "checkpoint" / f"{EXPERIMENTS[name]['base_task'].replace(' ', '_')}_base.ckpt"
    base_history, checkpoint = train_base(source, base_classes, checkpoint, base_epochs, seed=0)
    class_names = EXPERIMENTS[name]["target"][2]
    runs = {start: [] for start in START}
    first = None
    for seed in seeds:
        data = target_data(pool_b, name, seed)
        for start in START:
            result = train_head(data, len(class_names), start, checkpoint, seed)
            runs[start].append(result["curve"])
            if first is None and start == "restored":
                first = result
    held_out = len(target_data(pool_b, name, seeds[0])[3])
    return {
        "base_task": EXPERIMENTS[name]["base_task"],
        "base_train_images": len(source[0]),
        "base_accuracy": base_history[-1],
        "base_history": base_history,
        "checkpoint": checkpoint,
        "classes": class_names,
        "chance": 1.0 / len(class_names),
        "labelled_images": LABELLED_PER_CLASS * len(class_names),
        "held_out_images": held_out,
        "steps": list(range(0, HEAD_STEPS + 1, EVAL_EVERY)),
        "curves": runs,
        "final": {start: spread([curve[-1] for curve in curves]) for start, curves in runs.items()},
        # Paired by seed (the same labelled images): on how many seeds the restored base ended higher.
        "restored_ahead_on_seeds": {start: sum(r[-1] > o[-1] for r, o in zip(runs["restored"], runs[start]))
                                    for start in START if start != "restored"},
        "after_10_steps": {start: spread([curve[10 // EVAL_EVERY] for curve in curves])
                           for start, curves in runs.items()},
    }, first


def run(out="out", base_epochs=15, seeds=(0, 1, 2, 3, 4)):
    """Both experiments; write transfer_learning.png, summary.json and checkpoint/; return the summary."""
    seeds = list(seeds)
    if not seeds:
        raise ValueError("seeds: give at least one seed")
    out = pathlib.Path(out)
    out.mkdir(parents=True, exist_ok=True)
    load_tensorflow()
    pools = load_pools()
    report = {"seeds": seeds, "head_steps": HEAD_STEPS, "starts": START, "experiments": {}}
    for name in EXPERIMENTS:
        report["experiments"][name], first = experiment(name, pools, out, base_epochs, seeds)
        if name == "odd or even":
            checks = first
    # Checks on the first restored run of "odd or even": what warm_start did and the frozen base.
    checkpoint = report["experiments"]["odd or even"]["checkpoint"]
    saved = {name: tf.train.load_variable(checkpoint, name) for name in checks["base_end"]}
    report.update({
        "restore": checks["restore"].to_dict(),
        "head_variables": checks["head_variables"],
        "base_restored_exactly": all(np.array_equal(saved[n], checks["base_start"][n]) for n in saved),
        "base_unchanged_by_head_training": all(np.array_equal(saved[n], checks["base_end"][n]) for n in saved),
        # The new head's first values: within He's limit sqrt(6 / fan_in) for the ReLU layer and
        # Glorot's sqrt(6 / (fan_in + fan_out)) for the softmax layer.
        "head_hidden_kernel_max_abs": float(np.abs(checks["head_start"]["head/hidden/kernel"]).max()),
        "he_limit": float(np.sqrt(6.0 / BASE_UNITS)),
        "head_logits_kernel_max_abs": float(np.abs(checks["head_start"]["head/logits/kernel"]).max()),
        "glorot_limit": float(np.sqrt(6.0 / (HEAD_UNITS + 2))),
    })
    plot(report, out / "transfer_learning.png")
    (out / "summary.json").write_text(json.dumps(report, indent=2))
    return report


def plot(report, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    experiments = report["experiments"]
    fig, axes = plt.subplots(1, 3, figsize=(16, 6.2), gridspec_kw={"width_ratios": [0.8, 1, 1]})
    for name, result in experiments.items():
        history = result["base_history"]
        axes[0].plot(range(1, len(history) + 1), history, marker="o",
                     label=f"{result['base_task']} ({result['base_train_images']} training images)")
    axes[0].set_title("1. pre-training the base")
    axes[0].set_xlabel("epoch")
    axes[0].set_ylabel("accuracy on held-out images")
    axes[0].set_ylim(0.5, 1.0)
    axes[0].legend(loc="lower right")
    markers = {"restored": "o", "initialized": "s", "scratch": "^"}
    for ax, (name, result) in zip(axes[1:], experiments.items()):
        steps = result["steps"]
        for index, (start, label) in enumerate(report["starts"].items()):
            curves = np.array(result["curves"][start])
            mean, std = curves.mean(axis=0), curves.std(axis=0)
            final = result["final"][start]
            ax.plot(steps, mean, marker=markers[start], markersize=4, color=f"C{index}",
                    label=f"{label}: {final['mean']:.3f} ± {final['std']:.3f}")
            ax.fill_between(steps, mean - std, mean + std, color=f"C{index}", alpha=0.2)
        ax.axhline(result["chance"], color="gray", linestyle=":", label=f"chance ({result['chance']:.1f})")
        ax.set_title(f"{'2' if ax is axes[1] else '3'}. new task: {name}, {result['labelled_images']} labelled "
                     f"images\nbase pre-trained on {result['base_task']}")
        ax.set_xlabel("training step of the new model (full batch)")
        ax.set_ylim(0.0, 1.0)
        # Below the panel: inside, it would cover the first steps' curves or the chance line.
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), fontsize=9, title_fontsize=9,
                  title=f"accuracy after {report['head_steps']} steps, mean ± std over {len(report['seeds'])} seeds")
    axes[1].set_ylabel("accuracy on held-out images")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def build_parser():
    parser = argparse.ArgumentParser(
        description=" ".join(__doc__.split("\n\n")[0].split()),  # the docstring's first paragraph
        epilog="Writes transfer_learning.png, summary.json and checkpoint/ to --out.")
    parser.add_argument("--out", default="out", help="output folder (default: %(default)s)")
    parser.add_argument("--seeds", type=int, default=5, metavar="N",
                        help="new-task runs per way of starting, seeds 0 to N-1 (default: %(default)s)")
    return parser


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.seeds < 1:
        parser.error(f"--seeds: needs at least 1, got {args.seeds}")
    report = run(args.out, seeds=range(args.seeds))
    restore = report["restore"]
    head = [name for name in restore["initialized"] if name in report["head_variables"]]
    print(f"warm start: restored {', '.join(sorted(restore['restored']))} from the checkpoint; initialized "
          f"the new head ({', '.join(head)}) and {len(restore['initialized']) - len(head)} Adam slots and counters")
    print(f"the frozen base still equals the checkpoint after training: {report['base_unchanged_by_head_training']}")
    for name, result in report["experiments"].items():
        print(f"new task {name!r} ({result['labelled_images']} labelled images; base pre-trained on "
              f"{result['base_task']}, accuracy {result['base_accuracy']:.3f}): accuracy after "
              f"{report['head_steps']} steps, mean ± std over {len(report['seeds'])} seeds [min, max]")
        for start, label in report["starts"].items():
            final = result["final"][start]
            ahead = result["restored_ahead_on_seeds"].get(start)
            paired = "" if ahead is None else f"  (restored ahead on {ahead} of {len(report['seeds'])} seeds)"
            print(f"  {label:50s} {final['mean']:.3f} ± {final['std']:.3f}  "
                  f"[{final['min']:.3f}, {final['max']:.3f}]{paired}")
    print(f"wrote {pathlib.Path(args.out) / 'transfer_learning.png'}, summary.json and checkpoint/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
