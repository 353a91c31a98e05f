"""First-run initialization speed: raw TF vs tf1init, side by side in one process.

For N in (1000, 5000) 16x16 variables (resource variables, graph seed fixed), each row is the
first run in a fresh session on the same graph:
  raw global     default session, sess.run(tf.compat.v1.global_variables_initializer())
  ours (default) tf1init.initialize_all on a default session
  ours           tf1init.initialize_all on tf1init.fast_session()
  snippet        the widely copied "initialize only uninitialized" snippet: one run of
                 [is_variable_initialized(v) for v in global_variables()], then
                 variables_initializer(<the uninitialized>)
  ours uninit    tf1init.initialize_uninitialized on tf1init.fast_session()
Values are compared bit for bit with the raw global init. Timings are noisy on a shared
machine: read the ratios. Usage: python bench/init.py [N ...]
"""
import os
import sys
import time

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
from tf1init._tf import tf, v1  # noqa: E402

import tf1init  # noqa: E402


def build(n):
    graph = tf.Graph()
    with graph.as_default():
        v1.set_random_seed(1234)
        variables = [
            v1.Variable(v1.random_normal([16, 16]), name=f"layer{i}/w", use_resource=True)
            for i in range(n)
        ]
        raw_init = v1.global_variables_initializer()
        checks = [v1.is_variable_initialized(v) for v in variables]
    return graph, variables, raw_init, checks


def timed(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def snippet(session, variables, checks):
    flags = session.run(checks)
    todo = [v for v, done in zip(variables, flags) if not done]
    if todo:
        with session.graph.as_default():
            session.run(v1.variables_initializer(todo))


def main(sizes):
    print(f"{'N':>6} {'raw global':>11} {'ours(default)':>14} {'ours':>8} {'snippet':>9} "
          f"{'ours uninit':>12} | {'raw/ours':>9} {'snippet/ours-uninit':>20}  values")
    for n in sizes:
        start = time.perf_counter()
        graph, variables, raw_init, checks = build(n)
        build_s = time.perf_counter() - start

        raw = v1.Session(graph=graph)
        t_raw = timed(lambda: raw.run(raw_init))
        reference = raw.run(variables)

        default = v1.Session(graph=graph)
        t_ours_default = timed(lambda: tf1init.initialize_all(default))

        fast = tf1init.fast_session(graph)
        t_ours = timed(lambda: tf1init.initialize_all(fast))
        ours_values = fast.run(variables)

        snip = v1.Session(graph=graph)
        t_snippet = timed(lambda: snippet(snip, variables, checks))

        fast2 = tf1init.fast_session(graph)
        t_uninit = timed(lambda: tf1init.initialize_uninitialized(fast2))
        uninit_values = fast2.run(variables)

        same = all(np.array_equal(a, b) for a, b in zip(reference, ours_values)) and all(
            np.array_equal(a, b) for a, b in zip(reference, uninit_values)
        )
        print(f"{n:>6} {t_raw:>10.2f}s {t_ours_default:>13.2f}s {t_ours:>7.2f}s {t_snippet:>8.2f}s "
              f"{t_uninit:>11.2f}s | {t_raw / t_ours:>8.1f}x {t_snippet / t_uninit:>19.1f}x  "
              f"{'identical' if same else 'DIFFERENT'}   (graph built in {build_s:.1f}s)",
              flush=True)
        for session in (raw, default, fast, snip, fast2):
            session.close()
    print("targets at N=5000: raw/ours >= 5x, snippet/ours-uninit >= 10x, values identical")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 5000])
