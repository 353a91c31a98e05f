"""Chief start to all workers ready on a loopback cluster: tf1init vs MonitoredTrainingSession.

1 ps + W workers (default 4), N variables (default 5,000, 16x16 float32, placed by
replica_device_setter), real processes and gRPC servers on 127.0.0.1, no checkpoint (the chief
initializes). Every task builds its graph first and waits at a barrier (a file), so graph
building is not timed; then all start at once and the clock runs from the chief's start to
the moment the last worker is ready to train:
  mts      tf.compat.v1.train.MonitoredTrainingSession(master, is_chief) with its defaults
           (non-chief workers: SessionManager, 30 s between looks)
  tf1init  tf1init.ClusterInitializer(...).prepare(session) on init.session_config()
           (0.1 s between looks; device filters; Grappler off for the first runs)
Both run in one invocation (mts, tf1init, then again if --rounds 2): compare the ratios, the
absolute numbers are noisy on a shared 2-core machine.
Usage: python bench/cluster.py [--workers 4] [--variables 5000] [--rounds 1]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from tf1init.cluster.localhost import free_ports

ROOT = Path(__file__).resolve().parents[1]


def task(mode, ports, task_index, variables, barrier):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    from tf1init._tf import v1

    v1.disable_eager_execution()
    spec = v1.train.ClusterSpec({"ps": [f"127.0.0.1:{ports[0]}"], "worker": [f"127.0.0.1:{p}" for p in ports[1:]]})
    if task_index < 0:
        v1.train.Server(spec, job_name="ps", task_index=0).join()
    server = v1.train.Server(spec, job_name="worker", task_index=task_index)
    here = f"/job:worker/task:{task_index}"
    with v1.device(v1.train.replica_device_setter(cluster=spec, worker_device=here)):
        for i in range(variables):
            v1.get_variable(f"v{i}", [16, 16], initializer=v1.random_normal_initializer())
        v1.train.get_or_create_global_step()
    if mode == "tf1init":
        from tf1init.cluster import ClusterInitializer

        init = ClusterInitializer(spec, task=task_index, timeout=600)
    print("built", flush=True)
    while not os.path.exists(barrier):
        time.sleep(0.01)
    start = time.time()
    if mode == "mts":
        session = v1.train.MonitoredTrainingSession(master=server.target, is_chief=task_index == 0)
    else:
        session = v1.Session(server.target, config=init.session_config())
        init.prepare(session)
    print(json.dumps({"task": task_index, "start": start, "ready": time.time()}), flush=True)
    sys.stdin.read()  # stay up (servers serve the others) until the bench closes stdin


def one_round(mode, workers, variables):
    ports = ",".join(map(str, free_ports(workers + 1)))
    barrier = os.path.join(tempfile.mkdtemp(), "go")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    procs = []
    try:
        for index in [-1] + list(range(workers)):
            procs.append(subprocess.Popen(
                [sys.executable, __file__, "--task", str(index), "--mode", mode, "--ports", ports,
                 "--variables", str(variables), "--barrier", barrier],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env))
        built = time.time()
        for p in procs[1:]:
            assert p.stdout.readline().strip() == "built", f"{mode}: a task failed before its barrier"
        built = time.time() - built
        Path(barrier).touch()
        times = [json.loads(p.stdout.readline()) for p in procs[1:]]
    finally:
        for p in procs:
            p.kill()
            p.wait()
    chief = next(t for t in times if t["task"] == 0)
    ready = {t["task"]: t["ready"] - chief["start"] for t in times}
    return built, ready


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--variables", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--task", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--mode", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--ports", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--barrier", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.task is not None:
        return task(args.mode, [int(p) for p in args.ports.split(",")], args.task, args.variables, args.barrier)
    print(f"1 ps + {args.workers} workers, {args.variables} variables 16x16, {os.cpu_count()} cores")
    results = {"mts": [], "tf1init": []}
    for _ in range(args.rounds):
        for mode in ("mts", "tf1init"):
            built, ready = one_round(mode, args.workers, args.variables)
            results[mode].append(max(ready.values()))
            print(f"  {mode:8} graphs built in {built:6.1f} s; chief start -> ready: "
                  + ", ".join(f"task {t} {s:.2f} s" for t, s in sorted(ready.items()))
                  + f"; all ready {max(ready.values()):.2f} s", flush=True)
    mts, ours = (sum(results[m]) / len(results[m]) for m in ("mts", "tf1init"))
    print(f"chief start -> all workers ready: MonitoredTrainingSession {mts:.2f} s, tf1init {ours:.2f} s "
          f"({mts / ours:.1f}x faster)")


if __name__ == "__main__":
    main()
