"""Restore-or-initialize speed: raw TF vs tf1init, side by side in one process.

(a) many small variables: N 16x16 resource variables (default 5,000); a checkpoint holds 80%
    of them; restore those and initialize the rest.
(b) a large model: a few big float32 variables (default ~200M parameters, 800 MB) restored,
    a small head initialized.
Each row is the first restore in a fresh default session on a freshly built graph:
  raw   tf.compat.v1.train.Saver(var_list) + saver.restore(...) + variables_initializer(rest)
  ours  tf1init.restore_or_initialize(session, checkpoint)
timed from building the ops to the last run. Values are compared between raw and ours (the
restored ones bit for bit with the checkpoint, the initialized ones under the same graph seed).
Bytes restored per second are printed next to the sequential read speed of the same files
(``cat`` to /dev/null after a warm read), the physical limit. Timings are noisy on a shared
machine: read the ratios. Usage: python bench/restore.py [N_SMALL] [MILLION_PARAMS]
"""
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
from tf1init._tf import tf, v1  # noqa: E402

import tf1init  # noqa: E402


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def small_graph(n):
    graph = tf.Graph()
    with graph.as_default():
        v1.set_random_seed(1234)
        variables = [
            v1.Variable(v1.random_normal([16, 16]), name=f"layer{i}/w", use_resource=True)
            for i in range(n)
        ]
    return graph, variables


def large_graph(million):
    """Four big [rows, 4096] variables holding ~``million`` M parameters, and a [4096, 64] head."""
    rows = max(1, int(million * 1e6 / 4 / 4096))
    graph = tf.Graph()
    with graph.as_default():
        v1.set_random_seed(1234)
        body = [
            v1.Variable(v1.random_uniform([rows, 4096]), name=f"block{i}/kernel", use_resource=True)
            for i in range(4)
        ]
        head = [v1.Variable(v1.random_uniform([4096, 64]), name="head/kernel", use_resource=True)]
    return graph, body + head


def save_checkpoint(build, size, restored_count, directory):
    graph, variables = build(size)
    with graph.as_default(), v1.Session(graph=graph) as session:
        session.run(v1.variables_initializer(variables))
        saver = v1.train.Saver(variables[:restored_count])
        return saver.save(session, os.path.join(directory, "model"))


def raw(build, size, restored_count, prefix):
    graph, variables = build(size)
    session = v1.Session(graph=graph)
    with graph.as_default():
        start = time.perf_counter()
        saver = v1.train.Saver(variables[:restored_count])
        init = v1.variables_initializer(variables[restored_count:])
        built = time.perf_counter() - start
        saver.restore(session, prefix)
        session.run(init)
    return time.perf_counter() - start, built, session, variables


def ours(build, size, prefix):
    graph, variables = build(size)
    session = v1.Session(graph=graph)
    seconds, report = timed(lambda: tf1init.restore_or_initialize(session, prefix))
    return seconds, report, session, variables


def same_values(session_a, session_b, variables_a, variables_b):
    for a, b in zip(variables_a, variables_b):
        if not np.array_equal(session_a.run(a), session_b.run(b)):
            return False
    return True


def sequential_read_speed(prefix):
    files = [prefix + ".index"] + sorted(
        os.path.join(os.path.dirname(prefix), f)
        for f in os.listdir(os.path.dirname(prefix))
        if f.startswith(os.path.basename(prefix) + ".data-")
    )
    size = sum(os.path.getsize(f) for f in files)
    subprocess.run(["cat", *files], stdout=subprocess.DEVNULL, check=True)  # warm the page cache
    seconds, _ = timed(lambda: subprocess.run(["cat", *files], stdout=subprocess.DEVNULL, check=True))
    return size, size / seconds


def case(title, build, size, restored_count):
    with tempfile.TemporaryDirectory() as directory:
        prefix = save_checkpoint(build, size, restored_count, directory)
        nbytes, read_speed = sequential_read_speed(prefix)
        raw_s, raw_build, raw_session, raw_vars = raw(build, size, restored_count, prefix)
        ours_s, report, our_session, our_vars = ours(build, size, prefix)
        equal = same_values(raw_session, our_session, raw_vars, our_vars)
        assert len(report.restored) == restored_count, report.problems()
        again, _ = timed(lambda: tf1init.restore_or_initialize(our_session, prefix))
        raw_session.close()
        our_session.close()
    print(f"{title}")
    print(f"  raw  {raw_s:7.2f} s  (Saver + initializer ops built in {raw_build:.2f} s, then 2 runs)")
    print(f"  ours {ours_s:7.2f} s  (one call; a repeat call on the same graph took {again:.2f} s)")
    print(f"  ours/raw {ours_s / raw_s:.2f}x   values equal: {equal}")
    print(f"  restored {nbytes / 1e6:,.0f} MB: raw {nbytes / raw_s / 1e6:,.0f} MB/s, ours "
          f"{nbytes / ours_s / 1e6:,.0f} MB/s; sequential read (cat, warm) {read_speed / 1e6:,.0f} MB/s")
    return ours_s / raw_s


def main(argv):
    n_small = int(argv[0]) if argv else 5000
    million = float(argv[1]) if len(argv) > 1 else 200
    print(f"load average at start: {os.getloadavg()[0]:.1f} (the machine is shared; read ratios)")
    a = case(f"(a) {n_small} variables of 16x16, restore {int(n_small * 0.8)}, initialize the rest",
             small_graph, n_small, int(n_small * 0.8))
    b = case(f"(b) ~{million:g}M float32 parameters in 4 variables, initialize a [4096, 64] head",
             large_graph, million, 4)
    print(f"targets: (a) ours faster than raw: {a:.2f}x {'met' if a < 1 else 'NOT met'}; "
          f"(b) overhead <= 1.1x raw: {b:.2f}x {'met' if b <= 1.1 else 'NOT met'}")


if __name__ == "__main__":
    main(sys.argv[1:])
