"""Benchmark `tf1init migrate` against tf_upgrade_v2, side by side in one run.

    python bench/migrate.py [--files 520] [--keep DIR]

Generates (deterministically, in a temporary folder) a tree of TF1-style files, mostly ordinary
model and data code with a minority touching initialization in varied spellings and aliases,
then times each command on it and prints a table of ratios. Not part of the test suite.
"""
import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

ALIASES = [
    "import tensorflow as tf\n",
    "import tensorflow.compat.v1 as tf\n",
    "import tensorflow as tf\nimport tensorflow.contrib.layers as layers\n",
    "import tensorflow as tflow\ntf = tflow\n",
]

ORDINARY = '''
def {name}_block(x, units={units}, training=False):
    """A dense block: matmul, bias, activation ({units} units)."""
    shape = x.get_shape().as_list()
    h = tf.matmul(x, tf.ones([shape[-1], units]))
    h = tf.nn.relu(h + {bias})
    if training:
        h = tf.nn.dropout(h, rate=0.{rate})
    return tf.reduce_mean(h, axis=-1)


def {name}_parse(record):
    features = {{"x": tf.io.FixedLenFeature([{units}], tf.float32)}}
    parsed = tf.io.parse_single_example(record, features)
    return parsed["x"] * {scale}


class {cname}Config(object):
    def __init__(self, depth={depth}, width={units}):
        self.depth = depth
        self.width = width
        self.layers = [width] * depth

    def describe(self):
        lines = []
        for i, w in enumerate(self.layers):
            lines.append("layer %d: %d" % (i, w))
        return "\\n".join(lines)
'''

INIT_SNIPPETS = [
    '''
w_{i} = tf.Variable(tf.truncated_normal([{a}, {b}], stddev=0.1), name="w_{i}")
b_{i} = tf.Variable(tf.zeros([{b}]), name="b_{i}")
''',
    '''
k_{i} = tf.get_variable("k_{i}", [{a}, {b}], initializer=tf.random_normal_initializer(stddev=0.02))
''',
    '''
def make_{i}(shape):
    init = tf.contrib.layers.xavier_initializer(uniform=False)
    return tf.get_variable("v_{i}", shape, initializer=init)
''',
    '''
noise_{i} = tf.random_uniform([{a}], minval=-1.0, maxval=1.0)
''',
    '''
v_{i} = tf.Variable(tf.ones([{a}]), name="v_{i}")
d_{i} = tf.Variable(v_{i}.initialized_value() * 2, name="d_{i}")
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    print(sess.run([v_{i}, d_{i}]))
''',
    '''
x_{i} = tf.placeholder(tf.float32, [None, {a}])
w_{i} = tf.get_variable("w_{i}", [{a}, {b}], initializer=tf.glorot_uniform_initializer())
y_{i} = tf.matmul(x_{i}, w_{i})
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    out = sess.run(y_{i}, feed_dict={{x_{i}: data}})
''',
]


def generate(root: str, files: int) -> int:
    rng = random.Random(1234)
    lines = 0
    for n in range(files):
        folder = os.path.join(root, f"pkg{n % 12}", f"sub{n % 5}")
        os.makedirs(folder, exist_ok=True)
        parts = [f'"""Module {n} of a TF1 project."""\n', "import numpy as np\n", rng.choice(ALIASES), "\n"]
        for j in range(rng.randint(6, 8)):
            parts.append(ORDINARY.format(name=f"f{n}_{j}", cname=f"M{n}x{j}", units=rng.choice([32, 64, 128]),
                                         bias=rng.random(), rate=rng.randint(1, 5), scale=rng.randint(1, 9),
                                         depth=rng.randint(2, 8)))
        if rng.random() < 0.3:  # a minority touch initialization
            for k in range(rng.randint(1, 3)):
                snippet = rng.choice(INIT_SNIPPETS)
                parts.append(snippet.format(i=f"{n}_{k}", a=rng.randint(2, 64), b=rng.randint(2, 64)))
        text = "".join(parts)
        if "layers." not in text:
            text = text.replace("import tensorflow.contrib.layers as layers\n", "")
        with open(os.path.join(folder, f"module_{n:04d}.py"), "w") as handle:
            handle.write(text)
        lines += text.count("\n")
    return lines


def timed(argv, repeat=1, **kwargs):
    best = None
    for _ in range(repeat):
        start = time.perf_counter()
        done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **kwargs)
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best, done


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=520)
    parser.add_argument("--keep", help="generate into this folder and keep it")
    args = parser.parse_args()
    root = args.keep or tempfile.mkdtemp(prefix="tf1init-bench-")
    tree = os.path.join(root, "tree")
    shutil.rmtree(tree, ignore_errors=True)
    lines = generate(tree, args.files)
    tf1init = [sys.executable, "-m", "tf1init"]
    upgrade = "/work/venv/bin/tf_upgrade_v2"
    upgrade = upgrade if os.path.exists(upgrade) else shutil.which("tf_upgrade_v2")
    print(f"tree: {args.files} files, {lines} lines, in {tree}")

    rows = []
    t1, done = timed(tf1init + ["migrate", "--diff", "-q", "--jobs", "1", tree])
    print(done.stderr.decode().strip().splitlines()[-1])
    t2, _ = timed(tf1init + ["migrate", "--diff", "-q", "--jobs", "2", tree])
    tu = None
    if upgrade:
        out = os.path.join(root, "upgraded")
        shutil.rmtree(out, ignore_errors=True)
        tu, _ = timed([upgrade, "--intree", tree, "--outtree", out, "--reportfile", os.path.join(root, "report.txt")],
                      env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    migrated = os.path.join(root, "migrated")
    shutil.rmtree(migrated, ignore_errors=True)
    shutil.copytree(tree, migrated)
    subprocess.run(tf1init + ["migrate", "--write", "-q", migrated], stderr=subprocess.DEVNULL)
    tc, done = timed(tf1init + ["migrate", "--check", "-q", migrated], repeat=3)
    assert done.returncode == 0, "check over the migrated tree found changes"
    tr, _ = timed(["sh", "-c", f"find {migrated} -name '*.py' -print0 | xargs -0 cat > /dev/null"], repeat=3)
    th, _ = timed(tf1init + ["migrate", "--help"], repeat=3)

    rows.append(("tf1init migrate --diff --jobs 1", t1, f"{lines / t1:,.0f} lines/s",
                 f"{tu / t1:.1f}x faster than tf_upgrade_v2" if tu else ""))
    rows.append(("tf1init migrate --diff --jobs 2", t2, f"{lines / t2:,.0f} lines/s",
                 (f"{tu / t2:.1f}x faster than tf_upgrade_v2 (target >= 5x)" if tu else "")))
    if tu:
        rows.append(("tf_upgrade_v2 --intree --outtree", tu, f"{lines / tu:,.0f} lines/s", "reference"))
    rows.append(("tf1init migrate --check (migrated tree)", tc, "", f"{tc / tr:.1f}x the read time (target <= 3x)"))
    rows.append(("read all files (find | xargs cat)", tr, "", ""))
    rows.append(("tf1init migrate --help", th, "", f"target < 0.3 s: {'ok' if th < 0.3 else 'MISSED'}"))
    width = max(len(r[0]) for r in rows)
    print(f"\n{'command':<{width}}  {'wall s':>8}  {'speed':>16}  ratio")
    for name, seconds, speed, ratio in rows:
        print(f"{name:<{width}}  {seconds:8.3f}  {speed:>16}  {ratio}")
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
