"""A variable initialized from a NumPy array over 2 GB: raw tf.Variable fails, the fed path works.

    python bench/big_array.py               # 2.2 GB float32 array (peak 4.9 GiB resident here)
    python bench/big_array.py --gb 0.5      # smaller, to see the same paths quickly

Run by hand only (not a test). Memory: the array itself, plus the variable's buffer, plus
whatever TF copies on the way; the script prints its peak resident size. It refuses to start
when MemAvailable is below 2.5x the array (override with --force).

Raw path: ``tf.compat.v1.Variable(array)`` must put the array in the GraphDef as a constant and
fails at once ("Cannot create a tensor proto whose content is larger than 2GB"). Fed path:
``tf1init.variable_from_array`` + ``tf1init.initialize_all`` feeds the array to a placeholder
at init time; the GraphDef holds only shapes. The values are checked element by element at
several places, and by a sum.
"""
import argparse
import os
import resource
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def mem_available_gb() -> float:
    with open("/proc/meminfo") as info:
        for line in info:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) / 2**20
    return float("nan")


def peak_rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gb", type=float, default=2.2, help="array size in GB (default 2.2)")
    parser.add_argument("--force", action="store_true", help="run even if memory looks short")
    args = parser.parse_args(argv)
    size = int(args.gb * 1e9) // 4 * 4
    available = mem_available_gb()
    print(f"array: {size / 1e9:.2f} GB float32; MemAvailable {available:.1f} GiB")
    if available < 2.5 * size / 2**30 and not args.force:
        print(f"refusing: needs about {2.5 * size / 2**30:.1f} GiB free (use --force to try)")
        return 2

    import numpy as np

    import tf1init
    from tf1init._tf import tf, v1

    n = size // 4
    start = time.perf_counter()
    array = np.full(n, 0.5, dtype=np.float32)
    probes = np.linspace(0, n - 1, 9).astype(np.int64)
    array[probes] = np.arange(len(probes), dtype=np.float32) + 10.0
    print(f"made the array in {time.perf_counter() - start:.1f} s; peak RSS {peak_rss_gb():.2f} GiB")

    graph = tf.Graph()
    with graph.as_default():
        table = tf1init.variable_from_array(array, "table")
        # One dense read shared by every check: a gather would switch the resource variable to
        # copy-on-read, and a float64 cast would double the memory.
        value = table.value()
        gathered = tf.stack([value[int(i)] for i in probes])
        extremes = tf.reduce_min(value), tf.reduce_max(value)
        total = tf.reduce_sum(value)
    print(f"fed path: GraphDef {graph.as_graph_def().ByteSize():,} bytes")
    session = v1.Session(graph=graph, config=tf1init.session_config())
    start = time.perf_counter()
    tf1init.initialize_all(session)
    seconds = time.perf_counter() - start
    print(f"fed path: tf1init.initialize_all {seconds:.1f} s ({size / seconds / 1e9:.2f} GB/s); "
          f"peak RSS {peak_rss_gb():.2f} GiB")
    got, (low, high), got_total = session.run([gathered, extremes, total])
    expected_total = float(np.sum(array, dtype=np.float64))
    ok = (np.array_equal(got, array[probes]) and (low, high) == (0.5, 18.0)
          and abs(got_total - expected_total) <= 1e-5 * expected_total)
    print(f"fed path: values {'correct' if ok else 'WRONG'} (probes {got.tolist()}, min {low}, "
          f"max {high}, float32 sum {got_total:.6g} vs {expected_total:.6g}); "
          f"peak RSS {peak_rss_gb():.2f} GiB")
    del session, graph, table, value, gathered, extremes, total
    graph = tf.Graph()
    with graph.as_default():
        start = time.perf_counter()
        try:
            v1.Variable(array, name="raw")
            print(f"raw tf.compat.v1.Variable(array): built, GraphDef "
                  f"{graph.as_graph_def().ByteSize():,} bytes (the array is inside; under 2 GB)")
        except ValueError as error:
            print(f"raw tf.compat.v1.Variable(array): {type(error).__name__}: {error} "
                  f"({time.perf_counter() - start:.2f} s)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
