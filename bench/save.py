"""The price of an all-or-nothing save: raw Saver.save vs tf1init.AtomicSaver, side by side.

One graph of a few large float32 variables (default 50 M parameters, 200 MB), saved in turns
(raw, atomic without fsync, atomic with fsync) with a new global step each time, max_to_keep=2,
into one folder on the same disk. The atomic save without fsync costs a few renames; fsync
costs whatever the disk needs to make the data durable (that is the point of it). Timings are
noisy on a shared machine: read the ratios. Usage: python bench/save.py [MILLIONS_OF_PARAMETERS]
"""
import os
import shutil
import sys
import tempfile
import time

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
from tf1init._tf import tf, v1  # noqa: E402

import tf1init  # noqa: E402


def main(millions: float = 50.0, repeats: int = 3) -> None:
    size = int(millions * 1e6 / 4)
    graph = tf.Graph()
    with graph.as_default():
        variables = [v1.get_variable(f"block{i}/w", [size], initializer=v1.zeros_initializer()) for i in range(4)]
        savers = {
            "raw Saver.save": v1.train.Saver(max_to_keep=2),
            "AtomicSaver, durable=False": tf1init.AtomicSaver(max_to_keep=2, durable=False),
            "AtomicSaver (fsync)": tf1init.AtomicSaver(max_to_keep=2),
        }
    session = tf1init.fast_session(graph=graph)
    with graph.as_default():
        session.run([v.assign(tf.random.uniform([size])) for v in variables])
    nbytes = 4 * size * len(variables)
    folder = tempfile.mkdtemp(dir=os.environ.get("BENCH_DIR"))
    times = {name: [] for name in savers}
    step = 0
    try:
        for _ in range(repeats):
            for name, saver in savers.items():
                step += 1
                target = os.path.join(folder, name.split()[0])
                started = time.perf_counter()
                with graph.as_default():
                    saver.save(session, target + "/model.ckpt", global_step=step)
                times[name].append(time.perf_counter() - started)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    base = min(times["raw Saver.save"])
    print(f"{nbytes / 1e6:.0f} MB in {len(variables)} variables, best of {repeats}, {os.cpu_count()} CPUs")
    for name, values in times.items():
        best = min(values)
        print(f"  {name:28s} {best:6.3f} s  {nbytes / best / 1e6:7.0f} MB/s  {best / base:5.2f}x raw")


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 50.0)
