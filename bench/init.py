"""First-run initialization speed: raw TF vs tf1init, side by side in one process.

For each N (default 1000 and 5000) and each variable kind (ref: the TF1 / disable_v2_behavior
kind the issue's numbers were taken with; resource: disable_eager_execution's kind), a graph of N
16x16 variables `tf.compat.v1.Variable(tf.compat.v1.random_normal([16, 16]))` is built once with
a fixed graph seed and exported; every row below runs on its own fresh copy of it (imported
from the MetaGraphDef, untimed), in a new session, and times the first call exactly as written:

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

Every row's resulting values are compared bit for bit with the raw global init's. Each row is
one first run on a shared, loaded machine: timings are noisy, read the ratios (and run it a few
times). Usage: python bench/init.py [--kinds ref,resource] [N ...]
"""
import argparse
import os
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


def measure(n, kind):
    start = time.perf_counter()
    meta = build_meta_graph(n, kind)
    build_s = time.perf_counter() - start
    times, same, snippet_ops = {}, {}, 0.0
    reference = None
    for name, make_session, call in ROWS:
        graph, variables = fresh(meta)
        session = make_session(graph=graph)
        start = time.perf_counter()
        extra = call(session, variables)
        times[name] = time.perf_counter() - start
        if name == "snippet":
            snippet_ops = extra
        if name == "ours":  # a second session on the same graph: analysis and loader reused
            again = tf1init.fast_session(graph=graph)
            start = time.perf_counter()
            tf1init.initialize_all(again)
            times["ours 2nd session"] = time.perf_counter() - start
            again.close()
        values = session.run(variables)
        if reference is None:
            reference = values
        same[name] = all(np.array_equal(a, b) for a, b in zip(reference, values))
        session.close()
    return times, same, snippet_ops, build_s


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1000, 5000])
    parser.add_argument("--kinds", default="ref,resource")
    args = parser.parse_args(argv)
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    fast = tf1init.session_config().graph_options
    print("sessions: raw global, ours(default), snippet: tf.compat.v1.Session() (default config); "
          f"ours, ours uninit: tf1init.fast_session() (disable_meta_optimizer="
          f"{fast.rewrite_options.disable_meta_optimizer}, opt_level={v1.OptimizerOptions.Level.Name(fast.optimizer_options.opt_level)}, "
          f"place_pruned_graph={fast.place_pruned_graph})")
    print(f"{'N':>6} {'kind':>8} {'raw global':>10} {'ours(default)':>13} {'ours':>6} "
          f"{'snippet (ops)':>15} {'ours uninit':>11} | {'raw/ours':>8} {'snippet/ours uninit':>19}  values"
          "   (extra: ours on a 2nd session of the same graph)")
    for n in args.sizes:
        for kind in args.kinds.split(","):
            t, same, ops, build_s = measure(n, kind)
            values = "identical" if all(same.values()) else "DIFFERENT: " + ", ".join(k for k, ok in same.items() if not ok)
            print(f"{n:>6} {kind:>8} {t['raw global']:>9.2f}s {t['ours(default)']:>12.2f}s {t['ours']:>5.2f}s "
                  f"{t['snippet']:>7.2f}s ({ops:.2f}s) {t['ours uninit']:>10.2f}s | "
                  f"{t['raw global'] / t['ours']:>7.1f}x {t['snippet'] / t['ours uninit']:>18.1f}x  {values}"
                  f"   (model built in {build_s:.0f}s; ours(default) vs raw {t['raw global'] / t['ours(default)']:.1f}x;"
                  f" ours 2nd session {t['ours 2nd session']:.2f}s)",
                  flush=True)
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    print("targets at N=5000: raw/ours >= 5x, snippet/ours uninit >= 10x, values identical")


if __name__ == "__main__":
    main()
