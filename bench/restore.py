"""Restore-or-initialize speed: raw TF vs tf1init, side by side in one process.

(a) many small variables: N 16x16 resource variables (default 5,000); a checkpoint holds 80%
    of them; restore those and initialize the rest.
(b) a large model: a few big float32 variables (default ~200M parameters, 800 MB) restored,
    a small head initialized.
Each measurement is the first restore in a fresh default session on a freshly built graph
(each session is closed before the next starts; both cases run raw, ours, ours, raw and
average, and (a) adds ours on tf1init.fast_session(), Grappler off, for reference):
  raw   tf.compat.v1.train.Saver(var_list) + saver.restore(...) + variables_initializer(rest)
  ours  tf1init.restore_or_initialize(session, checkpoint)
timed from building the ops to the last run. Values are compared between raw and ours (the
restored ones bit for bit with the checkpoint, the initialized ones under the same graph seed).
Bytes restored per second are printed next to the sequential read speed of the same files
(``cat`` to /dev/null after a warm read), the physical limit. Timings are noisy on a shared
machine: read the ratios. Usage: python bench/restore.py [N_SMALL] [MILLION_PARAMS]
"""
import hashlib
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
from tf1init._tf import tf, v1  # noqa: E402

import tf1init  # noqa: E402

tf1init.restore_or_initialize  # load the module now: import time is not restore time


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


def timed_session(graph, config=None):
    """A session whose ``run`` adds up its own time in ``session.run_seconds``."""
    session = v1.Session(graph=graph, config=config)
    session.run_seconds = 0.0
    run = session.run

    def timed_run(*args, **kwargs):
        start = time.perf_counter()
        try:
            return run(*args, **kwargs)
        finally:
            session.run_seconds += time.perf_counter() - start

    session.run = timed_run
    return session


def raw(build, size, restored_count, prefix):
    graph, variables = build(size)
    session = timed_session(graph)
    with graph.as_default():
        start, cpu = time.perf_counter(), time.process_time()
        saver = v1.train.Saver(variables[:restored_count])
        init = v1.variables_initializer(variables[restored_count:])
        built = time.perf_counter() - start
        saver.restore(session, prefix)
        session.run(init)
    return (time.perf_counter() - start, time.process_time() - cpu), built, session, variables


def ours(build, size, prefix, config=None):
    graph, variables = build(size)
    session = timed_session(graph, config)
    start, cpu = time.perf_counter(), time.process_time()
    report = tf1init.restore_or_initialize(session, prefix)
    return (time.perf_counter() - start, time.process_time() - cpu), report, session, variables


def digests(session, variables):
    """A SHA-1 per variable value: one run for many small variables, one variable at a time
    for big ones (memory), so that sessions can be closed before the next one starts."""
    small = sum(v.shape.num_elements() for v in variables) < 50_000_000
    groups = [variables] if small else [[v] for v in variables]
    return [
        hashlib.sha1(np.ascontiguousarray(value).view(np.uint8)).hexdigest()
        for group in groups
        for value in session.run(group)
    ]


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


def case(title, build, size, restored_count, orders):
    """Time each contender in ``orders`` (fresh graph and session each, closed before the next:
    a second live 800 MB session would pay fresh page faults the first did not)."""
    times = {"raw": [], "ours": [], "fast": []}
    in_run = {"raw": [], "ours": [], "fast": []}
    values = {}
    with tempfile.TemporaryDirectory() as directory:
        prefix = save_checkpoint(build, size, restored_count, directory)
        nbytes, read_speed = sequential_read_speed(prefix)
        for who in orders:
            if who == "raw":
                measured, built, session, variables = raw(build, size, restored_count, prefix)
            else:
                config = tf1init.session_config() if who == "fast" else None
                measured, report, session, variables = ours(build, size, prefix, config)
                assert len(report.restored) == restored_count, report.problems()
            times[who].append(measured)
            in_run[who].append(session.run_seconds)
            values.setdefault(who, digests(session, variables))
            if who == "ours":  # a repeat call re-draws the initialized variables: after digests
                again, _ = timed(lambda: tf1init.restore_or_initialize(session, prefix))
            session.close()
            del session, variables
    raw_s, raw_cpu = (float(np.mean(x)) for x in zip(*times["raw"]))
    ours_s, ours_cpu = (float(np.mean(x)) for x in zip(*times["ours"]))
    runs = f"mean of {len(times['raw'])}, order {'-'.join(orders)}" if len(times["raw"]) > 1 else "one each"
    print(f"{title}  ({runs})")
    print(f"  raw  {raw_s:7.2f} s wall {raw_cpu:7.2f} s CPU  (Saver + initializer built in {built:.2f} s, 2 runs)")
    print(f"  ours {ours_s:7.2f} s wall {ours_cpu:7.2f} s CPU  (one call; repeated on the same graph: {again:.2f} s)")
    print(f"  inside session.run: raw {np.mean(in_run['raw']):.2f} s (2 runs), ours "
          f"{np.mean(in_run['ours']):.2f} s (1 run); the rest is Python: building ops, checks")
    print(f"  ours/raw: wall {ours_s / raw_s:.2f}x, CPU {ours_cpu / raw_cpu:.2f}x   "
          f"values equal: {values['raw'] == values['ours']}")
    if times["fast"]:
        fast_s = float(np.mean([t[0] for t in times["fast"]]))
        print(f"  ours on tf1init.fast_session() (Grappler off): {fast_s:.2f} s wall, "
              f"{fast_s / raw_s:.2f}x raw (default session); values equal: {values['fast'] == values['raw']}")
    print(f"  restored {nbytes / 1e6:,.1f} MB: raw {nbytes / raw_s / 1e6:,.0f} MB/s, ours "
          f"{nbytes / ours_s / 1e6:,.0f} MB/s; sequential read (cat, warm) {read_speed / 1e6:,.0f} MB/s")
    return ours_s / raw_s


def main(argv):
    n_small = int(argv[0]) if argv else 5000
    million = float(argv[1]) if len(argv) > 1 else 200
    print(f"load average at start: {os.getloadavg()[0]:.1f} (on a shared machine wall time is noisy; "
          f"CPU time, all threads, less so)")
    a = case(f"(a) {n_small} variables of 16x16, restore {int(n_small * 0.8)}, initialize the rest",
             small_graph, n_small, int(n_small * 0.8), ["raw", "ours", "ours", "raw", "fast"])
    b = case(f"(b) ~{million:g}M float32 parameters in 4 variables, initialize a [4096, 64] head",
             large_graph, million, 4, ["raw", "ours", "ours", "raw"])
    print(f"targets: (a) ours faster than raw: {a:.2f}x {'met' if a < 1 else 'NOT met'}; "
          f"(b) overhead <= 1.1x raw: {b:.2f}x {'met' if b <= 1.1 else 'NOT met'}")


if __name__ == "__main__":
    main(sys.argv[1:])
