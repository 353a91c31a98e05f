"""Benchmark `tf1init migrate` against tf_upgrade_v2, side by side in one run.

    python bench/migrate.py [--files 520] [--keep DIR] [--rounds 7] [--tf-python PATH]

Generates (deterministically, in a temporary folder) a tree of TF1-style files, mostly ordinary
model and data code with a minority touching initialization in varied spellings and aliases,
then times each command on it and prints a table of ratios. Not part of the test suite.

The reference is TensorFlow's tf_upgrade_v2, run file by file in one process (UPGRADE below):
its ``--intree`` mode stops the whole tree at the first file that raises (some do on Python
3.11), so a small driver builds the ASTCodeUpgrader as ``tf_upgrade_v2_main`` does (default
mode) and calls ``process_file`` on each file, counting the files that raise. It runs under an
interpreter with TensorFlow: ``--tf-python``; else this one if it has TensorFlow; else the
repository's ``.venv/bin/python``; else the one named by the ``tf_upgrade_v2`` script on PATH.
It is timed as a whole command (TensorFlow's import included: the real command pays it) and,
from inside, without the import. The codemod and the reference run alternately, --rounds // 2
times each (at least once), best kept.

Where tf1init runs from: a throw-away virtual environment (``python -m venv --without-pip``)
with tf1init copied into its site-packages as a regular install lays it out, and the running
interpreter's site-packages on its path (for LibCST). Not the development venv: its editable
install runs a finder at every start-up that imports pathlib, re, fnmatch and more, which makes
start-up slower and an in-process run faster than for a user (those modules are then already
there); the editable figure is shown in one row for comparison.

The `--check` target is "within 3x of the time to read the files". Definitions used here:
- R, the time to read the files: in one Python process, walk the tree and read every file's
  bytes, interpreter start-up excluded; the faster of `open(path, "rb").read()` and
  `os.open`/`os.read` (the way `tf1init migrate` reads). `find | xargs cat` is shown too.
- Our `--check`, as a whole command (interpreter start-up included), and in-process: from
  before `import tf1init` to the end of the run (our imports and argument parsing count, the
  interpreter's start-up does not).
- Interpreter start-up on its own, `python -c pass` in the same environment: the floor of any
  command written in Python; the whole-command ratio cannot go below it.
"Cache warm" is the usual case: each file's stat matches its record, no file is read. "Every
stat differs" is the first run after a checkout or a touch of every file: each file is read and
hashed, none parsed, and the cache is rewritten with the new stats.
The codemod rows give each whole command's CPU time too (worker processes included).
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


def child_cpu() -> float:
    """CPU time (user + system) of this process's finished children and theirs (worker processes)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_cpu(argv, **kwargs):
    """Wall time, CPU time of the command (its worker processes included) and its result."""
    before = child_cpu()
    seconds, done = timed(argv, **kwargs)
    return seconds, child_cpu() - before, done


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

UPGRADE = """
import os, sys, tempfile, time
wall = time.perf_counter()
from tensorflow.tools.compatibility import ast_edits, tf_upgrade_v2
imported = time.perf_counter()
root, out = sys.argv[1], sys.argv[2]
tempfile.tempdir = sys.argv[3]  # process_file writes through a temporary file, left behind when it raises
# As tf_upgrade_v2_main does in its default mode (no --no_import_rename, compat.v1 imports upgraded).
upgrader = ast_edits.ASTCodeUpgrader(tf_upgrade_v2.TFAPIChangeSpec(import_rename=False, upgrade_compat_v1_import=True))
paths = sorted(os.path.join(folder, name) for folder, _, names in os.walk(root)
               for name in names if name.endswith(".py"))
start, cpu = time.perf_counter(), time.process_time()
done, crashed, unparsed, first = 0, 0, 0, ""
for path in paths:
    target = os.path.join(out, os.path.relpath(path, root))
    os.makedirs(os.path.dirname(target), exist_ok=True)
    try:
        processed, _, _ = upgrader.process_file(path, target)
    except Exception as error:  # noqa: BLE001 (what --intree would die of)
        crashed += 1
        first = first or f"{os.path.relpath(path, root)}: {type(error).__name__}: {error}"
        continue
    done += 1
    unparsed += not processed
end = time.perf_counter()
print("RESULT", imported - wall, end - start, time.process_time() - cpu, done, crashed, unparsed)
print("CRASH", first.replace(chr(10), " ")[:300])
"""


def tf_interpreter(given):
    """An interpreter that can import TensorFlow's upgrade script, or None (with why)."""
    import importlib.util

    if given:
        return given, ""
    if importlib.util.find_spec("tensorflow") is not None:
        return sys.executable, ""
    local = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), ".venv", "bin", "python")
    if os.path.exists(local):  # the repository's own development venv
        return local, ""
    script = shutil.which("tf_upgrade_v2")
    if script:
        with open(script, "rb") as handle:
            first = handle.readline().decode(errors="replace")
        if first.startswith("#!") and os.path.exists(first[2:].strip()):
            return first[2:].strip(), ""
    return None, "no interpreter with TensorFlow: give --tf-python PATH"


IN_PROCESS = """
import os, resource, sys, time
def cpu():  # this process and its finished children (worker processes)
    return sum(getattr(resource.getrusage(who), field) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
               for field in ("ru_utime", "ru_stime"))
sys.stderr = open(os.devnull, "w")  # (no contextlib: it would import modules that tf1init then finds loaded)
wall, start = time.perf_counter(), cpu()
from tf1init.cli import main
status = main(sys.argv[1:])
print(time.perf_counter() - wall, cpu() - start, status)
"""

PHASES = """
import os, sys, time
marks = [("", time.process_time())]
def mark(name):
    marks.append((name, time.process_time()))
import tf1init.cli
mark("import tf1init.cli")
from tf1init.migrations import cli
mark("import the migrate command")
args = cli.parse(["--check", "-q", sys.argv[1]])
mark("parse arguments")
from tf1init.migrations import _cache, _files, _registry
mark("import the run modules")
cache = _cache.ResultCache.open(_cache.default_folder(), _registry.select_codes())
mark("open the cache (fingerprint, read, check)")
files, _ = _files.discover(args.paths)
mark("discover (walk the tree)")
stats = [os.stat(path) for path in files]
mark("stat the files")
rows = [cache.known(stat) for stat in stats]
mark("look up the stats")
outcomes = [_files.Outcome(p, "unchanged", _cache.findings_of(p, r)) for p, r in zip(files, rows) if r is not None]
mark("make outcomes")
for (_, a), (name, b) in zip(marks, marks[1:]):
    print(f"{name}\\t{(b - a) * 1e3:.1f}")
print(f"files settled by their stat alone\\t{len(outcomes)}/{len(files)}")
"""


def in_process(python, code, *args, env=None):
    done = subprocess.run([python, "-c", code, *args], capture_output=True, text=True, env=env, check=True, cwd="/")
    wall, cpu = done.stdout.split()[:2]
    return float(wall), float(cpu)


def install_copy(root: str) -> str:
    """A throw-away venv with tf1init laid out as a regular install; its python."""
    import site
    import sysconfig

    import tf1init
    import tf1init.migrations

    venv = os.path.join(root, "venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True)
    python = os.path.join(venv, "bin", "python")
    purelib = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    package = os.path.join(purelib, "tf1init")
    shutil.copytree(os.path.dirname(tf1init.__file__), package, ignore=ignore)
    shutil.rmtree(os.path.join(package, "migrations"), ignore_errors=True)
    shutil.copytree(os.path.dirname(tf1init.migrations.__file__), os.path.join(package, "migrations"), ignore=ignore)
    # Dependencies (LibCST for the --diff runs): this interpreter's site-packages, as plain path
    # entries (their .pth files, the editable finder among them, are not run).
    dirs = [d for d in [*site.getsitepackages(), sysconfig.get_paths()["purelib"], *sys.path]
            if os.path.isdir(d) and os.path.basename(d) in ("site-packages", "dist-packages")]
    with open(os.path.join(purelib, "_bench_dependencies.pth"), "w") as handle:
        handle.write("\n".join(dict.fromkeys(dirs)) + "\n")
    return python


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg()) + f" ({os.cpu_count()} CPUs)"
    except OSError:
        return "unknown"


def forget_stats(cache_dir: str) -> bytes:
    """The cache file's bytes with its stat records removed: the next run reads and hashes every
    file (as after a checkout), then records their stats again."""
    from tf1init.migrations import _cache

    (name,) = [n for n in os.listdir(cache_dir) if n.endswith(".cache")]
    with open(os.path.join(cache_dir, name), "rb") as handle:
        data = handle.read()
    results, _ = _cache.loads(data, name[:-len(".cache")])
    return _cache.dumps(name[:-len(".cache")], results, {})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=520)
    parser.add_argument("--keep", help="generate into this folder and keep it")
    parser.add_argument("--rounds", type=int, default=7, help="repeats of the short measurements (best is kept)")
    parser.add_argument("--no-upgrade", action="store_true", help="skip tf_upgrade_v2 (about a minute a run)")
    parser.add_argument("--tf-python", help="interpreter with TensorFlow, for tf_upgrade_v2 (default: see above)")
    parser.add_argument("--check-only", action="store_true", help="only the --check measurements (large trees)")
    args = parser.parse_args()
    root = args.keep or tempfile.mkdtemp(prefix="tf1init-bench-")
    tree = os.path.join(root, "tree")
    for name in ("tree", "venv", "migrated", "upgraded", "upgrade-tmp", "cache"):
        shutil.rmtree(os.path.join(root, name), ignore_errors=True)
    lines = generate(tree, args.files)
    python = install_copy(root)
    tf1init = [python, "-m", "tf1init"]
    upgrade, why_not = tf_interpreter(args.tf_python)
    if args.no_upgrade or args.check_only:
        upgrade, why_not = None, "skipped"
    cache = os.path.join(root, "cache")
    base = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env = {**base, "TF1INIT_CACHE_DIR": cache}
    print(f"tree: {args.files} files, {lines} lines, in {tree}")
    print(f"tf1init installed as a copy in {os.path.dirname(os.path.dirname(python))} (not editable)")
    print(f"tf_upgrade_v2 under: {upgrade or why_not}")
    print(f"load average at start: {load_average()}")
    subprocess.run([python, "-m", "compileall", "-q", os.path.dirname(os.path.dirname(python))], env=base)
    timed(tf1init + ["migrate", "--help"], env=base)  # warm-up: files in page cache

    # The codemods against the reference, no cache (tf_upgrade_v2 has none), alternately.
    t1 = t2 = tu = None
    diff_summary = upgrade_summary = "(skipped)"
    upgrade_in = {}
    upgrade_env = {**base, "TF_CPP_MIN_LOG_LEVEL": "3"}
    cpu_of = {}
    diff = tf1init + ["migrate", "--diff", "-q", "--no-cache", "--jobs"]
    for _ in range(max(1, args.rounds // 2) if not args.check_only else 0):
        seconds, cpu, done = timed_cpu(diff + ["1", tree], env=base)
        t1, cpu_of["t1"] = min(seconds, t1 or seconds), min(cpu, cpu_of.get("t1", cpu))
        diff_summary = done.stderr.decode().strip().splitlines()[-1]
        seconds, cpu, _ = timed_cpu(diff + ["2", tree], env=base)
        t2, cpu_of["t2"] = min(seconds, t2 or seconds), min(cpu, cpu_of.get("t2", cpu))
        if upgrade:
            out, scratch = os.path.join(root, "upgraded"), os.path.join(root, "upgrade-tmp")
            for folder in (out, scratch):
                shutil.rmtree(folder, ignore_errors=True)
            os.makedirs(scratch)
            seconds, cpu, done = timed_cpu([upgrade, "-c", UPGRADE, tree, out, scratch], env=upgrade_env, cwd="/")
            if done.returncode:
                raise SystemExit("tf_upgrade_v2 driver failed: " + done.stderr.decode()[-2000:])
            tu, cpu_of["tu"] = min(seconds, tu or seconds), min(cpu, cpu_of.get("tu", cpu))
            said = dict(line.split(" ", 1) for line in done.stdout.decode().splitlines()
                        if line.startswith(("RESULT ", "CRASH ")))  # (the upgrader prints too)
            imported, processing, cpu, n_done, n_crashed, n_unparsed = said["RESULT"].split()
            first_crash = said["CRASH"].strip()
            for name, value in (("import", imported), ("files", processing), ("files_cpu", cpu)):
                upgrade_in[name] = min(float(value), upgrade_in.get(name, float(value)))
            upgrade_summary = (f"{n_done} files done ({n_unparsed} of them not parsed), {n_crashed} crashed"
                               + (f"; first crash: {first_crash}" if first_crash else ""))

    # --check over the migrated tree.
    migrated = os.path.join(root, "migrated")
    shutil.copytree(tree, migrated)
    subprocess.run(tf1init + ["migrate", "--write", "-q", "--no-cache", migrated], stderr=subprocess.DEVNULL, env=base)
    time.sleep(2.1)  # a stat is trusted only when the file is older than the racy margin (2 s)
    check = ["migrate", "--check", "-q", migrated]
    first, done = timed(tf1init + check, env=env)  # cold, and it fills the cache
    assert done.returncode == 0, "check over the migrated tree found changes: " + done.stderr.decode()[-500:]
    check_summary = done.stderr.decode().strip().splitlines()[-1]
    stat_less = forget_stats(cache)
    (cache_file,) = [os.path.join(cache, n) for n in os.listdir(cache) if n.endswith(".cache")]
    with open(cache_file, "rb") as handle:
        full = handle.read()

    def restore(data):
        with open(cache_file, "wb") as handle:
            handle.write(data)

    best = {}

    def keep(name, value):
        if isinstance(value, tuple):
            for suffix, item in zip(("", "_cpu"), value):
                keep(name + suffix, item)
        else:
            best[name] = min(value, best.get(name, value))

    for _ in range(args.rounds):
        keep("read_buffered", in_process(python, READ, migrated, "buffered"))
        keep("read_raw", in_process(python, READ, migrated, "raw"))
        keep("read_cat", timed(["sh", "-c", f"find {migrated} -name '*.py' -print0 | xargs -0 cat > /dev/null"])[0])
        keep("startup", timed([python, "-c", "pass"], env=base)[0])
        keep("warm", timed(tf1init + check, env=env)[0])
        keep("warm_in", in_process(python, IN_PROCESS, *check, env=env))
        keep("warm_editable", in_process(sys.executable, IN_PROCESS, *check, env=env))
        restore(stat_less)
        keep("rehash_in", in_process(python, IN_PROCESS, *check, env=env))
        restore(full)
        keep("help", timed(tf1init + ["migrate", "--help"], env=base)[0])
    for _ in range(max(1, args.rounds // 2)):
        keep("cold", timed(tf1init + check + ["--no-cache"], env=base)[0])
        keep("cold_in", in_process(python, IN_PROCESS, *check, "--no-cache", env=base))
    read, read_cpu = (min(best["read_buffered"], best["read_raw"]), min(best["read_buffered_cpu"], best["read_raw_cpu"]))
    phases = subprocess.run([python, "-c", PHASES, migrated], capture_output=True, text=True, env=env, check=True,
                            cwd="/")

    def vs_read(seconds, cpu=None):
        text = f"{seconds / read:.1f}x R"
        return text + (f" (CPU {cpu * 1e3:.1f} ms: {cpu / read_cpu:.1f}x R's CPU)" if cpu is not None else "")

    rows = []
    if tu:
        rows.append(("tf_upgrade_v2, file by file, one process", tu, f"{lines / tu:,.0f} lines/s",
                     f"reference (whole command, TensorFlow's import included); CPU {cpu_of['tu']:.2f} s"))
        rows.append(("  its import of TensorFlow", upgrade_in["import"], "", ""))
        rows.append(("  its files, without the import", upgrade_in["files"],
                     f"{lines / upgrade_in['files']:,.0f} lines/s", f"CPU {upgrade_in['files_cpu']:.2f} s"))
    for key, jobs, seconds in (("t1", 1, t1), ("t2", 2, t2)):
        if seconds is None:
            continue
        ratio = f"CPU {cpu_of[key]:.2f} s"
        if tu:
            goal = f" (target >= 5x: {'ok' if tu / seconds >= 5 else 'MISSED'})" if jobs == 2 else ""
            ratio = (f"{tu / seconds:.1f}x faster than tf_upgrade_v2{goal}, {upgrade_in['files'] / seconds:.1f}x its "
                     f"files alone; {ratio}: {cpu_of['tu'] / cpu_of[key]:.1f}x less")
        rows.append((f"migrate --diff --jobs {jobs} (no cache)", seconds, f"{lines / seconds:,.0f} lines/s", ratio))
    rows.append(("R: read the files, in Python", read, "",
                 f"CPU {read_cpu * 1e3:.1f} ms; open().read() {best['read_buffered'] * 1e3:.1f} ms, "
                 f"os.read {best['read_raw'] * 1e3:.1f} ms"))
    rows.append(("read the files: find | xargs cat", best["read_cat"], "", vs_read(best["read_cat"])))
    rows.append(("python -c pass (start-up, the floor)", best["startup"], "", vs_read(best["startup"]) + " on its own"))
    rows.append(("check migrated, no cache (cold)", best["cold"], "", vs_read(best["cold"])))
    rows.append(("  in-process", best["cold_in"], "", vs_read(best["cold_in"], best["cold_in_cpu"])))
    rows.append(("check migrated, first run (fills cache)", first, "", vs_read(first)))
    rows.append(("check migrated, every stat differs", best["rehash_in"], "",
                 vs_read(best["rehash_in"], best["rehash_in_cpu"]) + " in-process: read, hash, rewrite the cache"))
    rows.append(("check migrated, cache warm", best["warm"], "",
                 vs_read(best["warm"]) + f" with start-up; {(best['warm'] - best['startup']) / read:.1f}x R above "
                 "python -c pass"))
    rows.append(("  in-process", best["warm_in"], "",
                 vs_read(best["warm_in"], best["warm_in_cpu"]) + " without start-up (target <= 3x)"))
    rows.append(("  in-process, editable install", best["warm_editable"], "",
                 vs_read(best["warm_editable"]) + " (its start-up pre-imports modules we would import)"))
    rows.append(("tf1init migrate --help", best["help"], "", f"target < 0.3 s: {'ok' if best['help'] < 0.3 else 'MISSED'}"))
    width = max(len(r[0]) for r in rows)
    print(f"--diff of the TF1 tree:        {diff_summary}")
    print(f"tf_upgrade_v2 on the TF1 tree: {upgrade_summary}")
    print(f"--check of the migrated tree:  {check_summary}")
    print(f"\n{'command':<{width}}  {'wall s':>8}  {'speed':>15}  ratio")
    for name, seconds, speed, ratio in rows:
        print(f"{name:<{width}}  {seconds:8.3f}  {speed:>15}  {ratio}")
    print("\nwhere a warm in-process --check spends its CPU time (one run, ms):")
    total = 0.0
    for line in phases.stdout.strip().splitlines():
        name, value = line.split("\t")
        if "/" in value:
            print(f"  ({name}: {value})")
            continue
        total += float(value)
        print(f"  {name:<42} {float(value):6.1f}")
    print(f"  {'total':<42} {total:6.1f}   (R's CPU: {read_cpu * 1e3:.1f})")
    print(f"\nload average at end: {load_average()}")
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
