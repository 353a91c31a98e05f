"""Benchmark `tf1init migrate` against tf_upgrade_v2, side by side in one run.

    python bench/migrate.py [--files 520] [--keep DIR] [--rounds 7]

Generates (deterministically, in a temporary folder) a tree of TF1-style files, mostly ordinary
model and data code with a minority touching initialization in varied spellings and aliases,
then times each command on it and prints a table of ratios. Not part of the test suite.

The `--check` target is "within 3x of the time to read the files". Definitions used here:
- R, the time to read the files: in one Python process, walk the tree and read every file's
  bytes, interpreter start-up excluded; the faster of `open(path, "rb").read()` and
  `os.open`/`os.read` (the way `tf1init migrate` reads). `find | xargs cat > /dev/null` is shown
  too, as a whole command.
- Our `--check`, as a whole command (interpreter start-up included), and in-process: from
  before `import tf1init` to the end of the run (our imports and argument parsing count, the
  interpreter's start-up does not).
- Interpreter start-up on its own: `python -c pass` in the same environment.
In-process figures are given as wall time and as CPU time (user + system, worker processes
included; less sensitive to a loaded machine than wall time).
Short measurements keep the best of --rounds, interleaved so that load drifts evenly over them.
Child processes run without PYTHONDONTWRITEBYTECODE, after a warm-up that writes bytecode:
an installed package has its .pyc files; compiling our sources on every run is not a real cost.
A breakdown of the warm in-process run follows the table.
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


def timed(argv, **kwargs):
    start = time.perf_counter()
    done = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)
    return time.perf_counter() - start, done


READ = """
import os, sys, time

def walk(root):
    for folder, dirs, files in os.walk(root):
        for name in files:
            if name.endswith(".py"):
                yield os.path.join(folder, name)

def buffered(path):
    with open(path, "rb") as handle:
        return handle.read()

def raw(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        return os.read(fd, os.fstat(fd).st_size + 1)
    finally:
        os.close(fd)

read = buffered if sys.argv[2] == "buffered" else raw
wall, cpu = time.perf_counter(), time.process_time()
total = sum(len(read(path)) for path in walk(sys.argv[1]))
print(time.perf_counter() - wall, time.process_time() - cpu, total)
"""

IN_PROCESS = """
import time, resource
def cpu():  # this process and its finished children (worker processes)
    return sum(getattr(resource.getrusage(who), field) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
               for field in ("ru_utime", "ru_stime"))
wall, start = time.perf_counter(), cpu()
import contextlib, io, sys
from tf1init.cli import main
with contextlib.redirect_stderr(io.StringIO()):
    status = main(sys.argv[1:])
print(time.perf_counter() - wall, cpu() - start, status)
"""

PHASES = """
import time
marks = [("", time.process_time())]
def mark(name):
    marks.append((name, time.process_time()))
import sys
from tf1init.cli import build_parser
mark("import tf1init.cli")
argv = ["migrate", "--check", "-q", sys.argv[1]]
args = build_parser(argv).parse_args(argv)
mark("parse arguments (argparse)")
from tf1init.migrations import _cache, _files, _registry
mark("import the codemods' run modules")
cache = _cache.ResultCache.open(_cache.default_folder(), _registry.select_codes())
mark("open the cache (fingerprint, JSON)")
files, _ = _files.discover([sys.argv[1]])
mark("discover (walk the tree)")
data = [_files.read_bytes(path) for path in files]
mark("read the files")
keys = [_cache.content_key(d, p.endswith(".ipynb")) for p, d in zip(files, data)]
mark("hash the contents (blake2b)")
rows = [cache.get(key) for key in keys]
outcomes = [_files.Outcome(p, "unchanged", _cache.findings_of(p, r)) for p, r in zip(files, rows)]
assert all(r is not None for r in rows), "the cache is not warm"
mark("look up, make outcomes")
for (_, a), (name, b) in zip(marks, marks[1:]):
    print(f"{name}\t{(b - a) * 1e3:.1f}")
"""


def in_process(code, *args, env=None):
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, check=True)
    wall, cpu = done.stdout.split()[:2]
    return float(wall), float(cpu)


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg()) + f" ({os.cpu_count()} CPUs)"
    except OSError:
        return "unknown"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=520)
    parser.add_argument("--keep", help="generate into this folder and keep it")
    parser.add_argument("--rounds", type=int, default=7, help="repeats of the short measurements (best is kept)")
    parser.add_argument("--no-upgrade", action="store_true", help="skip tf_upgrade_v2 (about a minute)")
    parser.add_argument("--check-only", action="store_true", help="only the --check measurements (large trees)")
    args = parser.parse_args()
    root = args.keep or tempfile.mkdtemp(prefix="tf1init-bench-")
    tree = os.path.join(root, "tree")
    shutil.rmtree(tree, ignore_errors=True)
    lines = generate(tree, args.files)
    python = sys.executable
    tf1init = [python, "-m", "tf1init"]
    upgrade = "/work/venv/bin/tf_upgrade_v2"
    upgrade = upgrade if os.path.exists(upgrade) else shutil.which("tf_upgrade_v2")
    upgrade = None if args.no_upgrade or args.check_only else upgrade
    cache = os.path.join(root, "cache")
    base = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env = {**base, "TF1INIT_CACHE_DIR": cache}
    print(f"tree: {args.files} files, {lines} lines, in {tree}")
    print(f"load average at start: {load_average()}")
    timed(tf1init + ["migrate", "--help"], env=base)  # warm-up: bytecode written, files in page cache

    # The codemods against the reference, no cache (tf_upgrade_v2 has none).
    t1 = t2 = None
    diff_summary = "(skipped)"
    if not args.check_only:
        t1, done = timed(tf1init + ["migrate", "--diff", "-q", "--no-cache", "--jobs", "1", tree], env=base)
        diff_summary = done.stderr.decode().strip().splitlines()[-1]
        t2, _ = timed(tf1init + ["migrate", "--diff", "-q", "--no-cache", "--jobs", "2", tree], env=base)
    tu = None
    if upgrade:
        out = os.path.join(root, "upgraded")
        shutil.rmtree(out, ignore_errors=True)
        tu, _ = timed([upgrade, "--intree", tree, "--outtree", out, "--reportfile", os.path.join(root, "report.txt")],
                      env={**base, "TF_CPP_MIN_LOG_LEVEL": "3"})

    # --check over the migrated tree.
    migrated = os.path.join(root, "migrated")
    shutil.rmtree(migrated, ignore_errors=True)
    shutil.copytree(tree, migrated)
    subprocess.run(tf1init + ["migrate", "--write", "-q", "--no-cache", migrated], stderr=subprocess.DEVNULL, env=base)
    shutil.rmtree(cache, ignore_errors=True)
    check = ["migrate", "--check", "-q", migrated]
    first, done = timed(tf1init + check, env=env)  # cold, and it fills the cache
    assert done.returncode == 0, "check over the migrated tree found changes: " + done.stderr.decode()[-500:]
    check_summary = done.stderr.decode().strip().splitlines()[-1]
    best = {}

    def keep(name, value):
        if isinstance(value, tuple):
            for suffix, item in zip(("", "_cpu"), value):
                keep(name + suffix, item)
        else:
            best[name] = min(value, best.get(name, value))

    for _ in range(args.rounds):
        keep("read_buffered", in_process(READ, migrated, "buffered"))
        keep("read_raw", in_process(READ, migrated, "raw"))
        keep("read_cat", timed(["sh", "-c", f"find {migrated} -name '*.py' -print0 | xargs -0 cat > /dev/null"])[0])
        keep("startup", timed([python, "-c", "pass"], env=base)[0])
        keep("warm", timed(tf1init + check, env=env)[0])
        keep("warm_in", in_process(IN_PROCESS, *check, env=env))
        keep("help", timed(tf1init + ["migrate", "--help"], env=base)[0])
    for _ in range(max(1, args.rounds // 2)):
        keep("cold", timed(tf1init + check + ["--no-cache"], env=base)[0])
        keep("cold_in", in_process(IN_PROCESS, *check, "--no-cache", env=base))
    read, read_cpu = (min(best["read_buffered"], best["read_raw"]), min(best["read_buffered_cpu"], best["read_raw_cpu"]))
    phases = subprocess.run([python, "-c", PHASES, migrated], capture_output=True, text=True, env=env, check=True)

    def vs_read(seconds, cpu=None):
        text = f"{seconds / read:.1f}x R"
        return text + (f" (CPU {cpu * 1e3:.1f} ms: {cpu / read_cpu:.1f}x R's CPU)" if cpu is not None else "")

    rows = []
    if tu:
        rows.append(("tf_upgrade_v2 --intree --outtree", tu, f"{lines / tu:,.0f} lines/s", "reference"))
    if t1 is not None:
        rows.append(("migrate --diff --jobs 1 (no cache)", t1, f"{lines / t1:,.0f} lines/s",
                     f"{tu / t1:.1f}x faster than tf_upgrade_v2" if tu else ""))
        rows.append(("migrate --diff --jobs 2 (no cache)", t2, f"{lines / t2:,.0f} lines/s",
                     f"{tu / t2:.1f}x faster than tf_upgrade_v2 (target >= 5x)" if tu else ""))
    rows.append(("R: read the files, in Python", read, "",
                 f"CPU {read_cpu * 1e3:.1f} ms; open().read() {best['read_buffered'] * 1e3:.1f} ms, "
                 f"os.read {best['read_raw'] * 1e3:.1f} ms"))
    rows.append(("read the files: find | xargs cat", best["read_cat"], "", vs_read(best["read_cat"])))
    rows.append(("python -c pass (interpreter start-up)", best["startup"], "", vs_read(best["startup"]) + " on its own"))
    rows.append(("check migrated, no cache (cold)", best["cold"], "", vs_read(best["cold"])))
    rows.append(("  in-process", best["cold_in"], "", vs_read(best["cold_in"], best["cold_in_cpu"])))
    rows.append(("check migrated, first run (fills cache)", first, "", vs_read(first)))
    rows.append(("check migrated, cache warm", best["warm"], "", vs_read(best["warm"]) + " with start-up (target <= 3x)"))
    rows.append(("  in-process", best["warm_in"], "",
                 vs_read(best["warm_in"], best["warm_in_cpu"]) + " without start-up (target <= 3x)"))
    rows.append(("tf1init migrate --help", best["help"], "", f"target < 0.3 s: {'ok' if best['help'] < 0.3 else 'MISSED'}"))
    width = max(len(r[0]) for r in rows)
    print(f"--diff of the TF1 tree:        {diff_summary}")
    print(f"--check of the migrated tree:  {check_summary}")
    print(f"\n{'command':<{width}}  {'wall s':>8}  {'speed':>15}  ratio")
    for name, seconds, speed, ratio in rows:
        print(f"{name:<{width}}  {seconds:8.3f}  {speed:>15}  {ratio}")
    print("\nwhere a warm in-process --check spends its CPU time (one run, ms):")
    total = 0.0
    for line in phases.stdout.strip().splitlines():
        name, ms = line.split("\t")
        total += float(ms)
        print(f"  {name:<40} {float(ms):6.1f}")
    print(f"  {'total':<40} {total:6.1f}   (R's CPU: {read_cpu * 1e3:.1f})")
    print(f"\nload average at end: {load_average()}")
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
