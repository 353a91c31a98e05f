"""First-run initialization speed: raw TF vs tf1init, side by side in one run.

For each N (default 1000 and 5000) and each variable kind (ref: the TF1 / disable_v2_behavior
kind the issue's numbers were taken with; resource: disable_eager_execution's kind), a graph of N
16x16 variables `tf.compat.v1.Variable(tf.compat.v1.random_normal([16, 16]))` is built once with
a fixed graph seed and exported. Every row below runs in a fresh Python process of its own (a
first run is what a program does once, at its start; no row inherits another's memory, caches
or garbage) on a copy imported from the MetaGraphDef (untimed), in a new session, and times
the first call exactly as written:

  raw global      DEFAULT session: sess.run(tf.compat.v1.global_variables_initializer())
  ours(default)   DEFAULT session: tf1init.initialize_all(sess)
  ours            tf1init.fast_session() (= Session(config=tf1init.session_config()), what
                  the README tells users to use): tf1init.initialize_all(sess)
  snippet         DEFAULT session: the widely copied "initialize only uninitialized" snippet:
                  flags = sess.run([is_variable_initialized(v) for v in global_variables()]),
                  then sess.run(variables_initializer(<the uninitialized>)); the time to build
                  its ops is inside (that is how it is written) and shown apart as "ops"
  ours uninit     tf1init.fast_session(): tf1init.initialize_uninitialized(sess)
Also shown: ours on a second fast session of the same graph (tf1init's analysis and loader ops
are built once per graph; this is the cost of every later session).

The rows run in turn, --repeat times (default 3), and each time is the median of its repeats:
the machine is shared and one first run can be 20% off. Every row's resulting values are
compared bit for bit with the raw global init's of the same round. Read the ratios: the
table's are ratios of medians; each row also shows the range of the ratios taken within one
round (its rows run back to back), which shows how far machine drift moves them.
Usage: python bench/init.py [--kinds ref,resource] [--repeat K] [N ...]
"""
import argparse
import compileall
import gc
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
from tf1init._tf import tf, v1  # noqa: E402

import tf1init  # noqa: E402


def build_meta_graph(n, kind):
    graph = tf.Graph()
    with graph.as_default():
        v1.set_random_seed(1234)
        for i in range(n):
            v1.Variable(v1.random_normal([16, 16]), name=f"layer{i}/w", use_resource=kind == "resource")
        return v1.train.export_meta_graph(graph=graph)


def fresh(meta):
    """A new graph holding a copy of the benchmark model; its variables in creation order."""
    graph = tf.Graph()
    with graph.as_default():
        v1.train.import_meta_graph(meta)
        return graph, v1.global_variables()


def raw_global(session, variables):
    with session.graph.as_default():
        session.run(v1.global_variables_initializer())


def snippet(session, variables):
    with session.graph.as_default():
        start = time.perf_counter()
        checks = [v1.is_variable_initialized(v) for v in v1.global_variables()]
        built = time.perf_counter() - start
        flags = session.run(checks)
        todo = [v for v, done in zip(v1.global_variables(), flags) if not done]
        if todo:
            start = time.perf_counter()
            init = v1.variables_initializer(todo)
            built += time.perf_counter() - start
            session.run(init)
    return built


ROWS = [
    ("raw global", v1.Session, raw_global),
    ("ours(default)", v1.Session, lambda s, vs: tf1init.initialize_all(s)),
    ("ours", tf1init.fast_session, lambda s, vs: tf1init.initialize_all(s)),
    ("snippet", v1.Session, snippet),
    ("ours uninit", tf1init.fast_session, lambda s, vs: tf1init.initialize_uninitialized(s)),
]


def run_row(name, meta_path, out_path):
    """One row, in this (fresh) process: time the first call, save the resulting values."""
    meta = v1.MetaGraphDef.FromString(open(meta_path, "rb").read())
    make_session, call = {row[0]: row[1:] for row in ROWS}[name]
    graph, variables = fresh(meta)
    session = make_session(graph=graph)
    gc.collect()
    start = time.perf_counter()
    extra = call(session, variables)
    result = {"seconds": time.perf_counter() - start, "ops": extra if name == "snippet" else 0.0}
    if name == "ours":  # a second session on the same graph: analysis and loader reused
        again = tf1init.fast_session(graph=graph)
        start = time.perf_counter()
        tf1init.initialize_all(again)
        result["second session"] = time.perf_counter() - start
        again.close()
    np.savez(out_path, *session.run(variables))
    print(json.dumps(result))


def measure(n, kind, repeat, folder):
    start = time.perf_counter()
    meta_path = os.path.join(folder, f"{kind}{n}.pb")
    with open(meta_path, "wb") as file:
        file.write(build_meta_graph(n, kind).SerializeToString())
    build_s = time.perf_counter() - start
    times = {name: [] for name, *_ in ROWS}
    times["ours 2nd session"], snippet_ops = [], []
    same = {name: True for name, *_ in ROWS}
    for _ in range(repeat):
        reference = None
        for name, *_ in ROWS:
            out_path = os.path.join(folder, "values.npz")
            child = subprocess.run(
                [sys.executable, os.path.abspath(__file__), "--row", name, "--meta", meta_path, "--out", out_path],
                check=True, capture_output=True, text=True,
            )
            result = json.loads(child.stdout.strip().splitlines()[-1])
            times[name].append(result["seconds"])
            if name == "snippet":
                snippet_ops.append(result["ops"])
            if name == "ours":
                times["ours 2nd session"].append(result["second session"])
            with np.load(out_path) as saved:
                values = [saved[f"arr_{i}"] for i in range(len(saved.files))]
            if reference is None:
                reference = values
            same[name] &= len(values) == len(reference) and all(
                np.array_equal(a, b) for a, b in zip(reference, values))
    medians = {name: statistics.median(values) for name, values in times.items()}
    return medians, times, same, statistics.median(snippet_ops), build_s


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1000, 5000])
    parser.add_argument("--kinds", default="ref,resource")
    parser.add_argument("--repeat", type=int, default=3, help="rounds; each time is the median")
    parser.add_argument("--row", help=argparse.SUPPRESS)  # internal: run one row in this process
    parser.add_argument("--meta", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.row:
        return run_row(args.row, args.meta, args.out)
    # Byte-compile tf1init as an install does (pip compiles; a source tree under
    # PYTHONDONTWRITEBYTECODE would otherwise compile its modules inside every first call timed).
    compileall.compile_dir(os.path.dirname(tf1init.__file__), quiet=1)
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    fast = tf1init.session_config().graph_options
    print("sessions: raw global, ours(default), snippet: tf.compat.v1.Session() (default config); "
          f"ours, ours uninit: tf1init.fast_session() (disable_meta_optimizer="
          f"{fast.rewrite_options.disable_meta_optimizer}, opt_level={v1.OptimizerOptions.Level.Name(fast.optimizer_options.opt_level)}, "
          f"place_pruned_graph={fast.place_pruned_graph})")
    print(f"{'N':>6} {'kind':>8} {'raw global':>10} {'ours(default)':>13} {'ours':>6} "
          f"{'snippet (ops)':>15} {'ours uninit':>11} | {'raw/ours':>8} {'snippet/ours uninit':>19}  values"
          "   (extra: ours on a 2nd session of the same graph)")
    print(f"each time: the median of {args.repeat} first runs, each in a fresh process")
    folder = tempfile.mkdtemp(prefix="tf1init-bench-")
    try:
        for n in args.sizes:
            for kind in args.kinds.split(","):
                report(n, kind, *measure(n, kind, args.repeat, folder))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    print("targets at N=5000: raw/ours >= 5x, snippet/ours uninit >= 10x, values identical")


def spread(rounds, slow, fast):
    """'lo-hi' of the ratio slow/fast taken within each round (rows of one round run back to back)."""
    ratios = [a / b for a, b in zip(rounds[slow], rounds[fast])]
    return f"{min(ratios):.1f}-{max(ratios):.1f}x"


def report(n, kind, t, rounds, same, ops, build_s):
    values = "identical" if all(same.values()) else "DIFFERENT: " + ", ".join(k for k, ok in same.items() if not ok)
    print(f"{n:>6} {kind:>8} {t['raw global']:>9.2f}s {t['ours(default)']:>12.2f}s {t['ours']:>5.2f}s "
          f"{t['snippet']:>7.2f}s ({ops:.2f}s) {t['ours uninit']:>10.2f}s | "
          f"{t['raw global'] / t['ours']:>7.1f}x {t['snippet'] / t['ours uninit']:>18.1f}x  {values}"
          f"   (model built in {build_s:.0f}s; ours(default) vs raw {t['raw global'] / t['ours(default)']:.1f}x;"
          f" ours 2nd session {t['ours 2nd session']:.2f}s;"
          f" per round: raw/ours {spread(rounds, 'raw global', 'ours')},"
          f" snippet/ours uninit {spread(rounds, 'snippet', 'ours uninit')})",
          flush=True)


if __name__ == "__main__":
    main()
