"""A 1 ps + 2 worker TF1 training job on localhost that is killed mid-run and resumes from its
checkpoint, with tf1init.ClusterInitializer doing the initialization protocol.

The job fits a linear regression (20 features, synthetic data, each worker its own shard) with
asynchronous between-graph replication: the weights and ``global_step`` live on the parameter
server (``replica_device_setter``), each worker runs its own SGD steps on them, the chief
(worker 0) saves an atomic checkpoint every ``--save-every`` steps. Each task is a real process
with a gRPC server on 127.0.0.1:

1. start: the chief finds no checkpoint and initializes the model; worker 1 waits for it
   (polling every 0.1 s) and starts training as soon as the chief publishes;
2. once the chief has saved a checkpoint at step ``--kill-after`` or later, every process of the
   job is killed with SIGKILL (a crash, a preempted machine);
3. start again: the chief restores the latest checkpoint (and says so: restored, initialized,
   kept), worker 1 waits for it, training resumes from the saved step to ``--steps``.

Run: python examples/cluster_job.py [--out out] [--dir DIR] [--steps 300] [--kill-after 100]
"""
import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

import numpy as np

FEATURES = 20


def task(role, ports, index, folder, steps, save_every):
    """One process of the job: the parameter server, or a worker (index 0 is the chief)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow as tf

    import tf1init
    from tf1init.checkpoints.saving import AtomicSaver

    v1 = tf.compat.v1
    v1.disable_eager_execution()
    cluster = v1.train.ClusterSpec({"ps": [f"127.0.0.1:{ports[0]}"],
                                    "worker": [f"127.0.0.1:{p}" for p in ports[1:]]})
    if role == "ps":
        v1.train.Server(cluster, job_name="ps", task_index=0).join()
    server = v1.train.Server(cluster, job_name="worker", task_index=index)
    rng = np.random.default_rng(index)
    truth = np.linspace(-1.0, 1.0, FEATURES, dtype=np.float32)[:, None]
    x_data = rng.standard_normal([256, FEATURES]).astype(np.float32)
    y_data = x_data @ truth + 0.01 * rng.standard_normal([256, 1]).astype(np.float32)

    here = f"/job:worker/task:{index}"
    with v1.device(v1.train.replica_device_setter(cluster=cluster, worker_device=here)):
        step = v1.train.get_or_create_global_step()
        w = v1.get_variable("w", [FEATURES, 1], initializer=v1.glorot_uniform_initializer())
        b = v1.get_variable("b", [1], initializer=v1.zeros_initializer())
        loss = tf.reduce_mean(tf.square(tf.constant(x_data) @ w + b - tf.constant(y_data)))
        train = v1.train.GradientDescentOptimizer(0.05).minimize(loss, global_step=step)
    with v1.device(here):  # a counter per worker: local, on this task, initialized by it
        my_steps = v1.Variable(0, name="my_steps", collections=[v1.GraphKeys.LOCAL_VARIABLES])
        count = my_steps.assign_add(1)
    saver = AtomicSaver([step, w, b], max_to_keep=3) if index == 0 else None
    init = tf1init.ClusterInitializer(cluster, task=index, checkpoint=folder, timeout=120)
    session = v1.Session(server.target, config=init.session_config())

    report = init.prepare(session, on_wait=lambda seen: say(index, f"waiting: {seen}"))
    say(index, str(report))
    done = int(session.run(step))
    say(index, f"starting at global step {done}")
    next_save = (done // save_every + 1) * save_every
    while done < steps:
        _, done, value, _ = session.run([train, step, loss, count])
        done = int(done)  # the other worker moves global_step too: saves go by thresholds
        if index == 0 and done >= next_save:
            next_save = (done // save_every + 1) * save_every
            prefix = saver.save(session, folder, global_step=done)
            say(index, f"saved {os.path.basename(prefix)}: loss {value:.5f}", event="saved", step=done)
    say(index, f"done at global step {done}: loss {session.run(loss):.5f}, "
               f"{session.run(my_steps)} steps were mine", event="done")
    sys.stdin.read()  # keep serving until the driver closes stdin


def say(index, text, **fields):
    print(json.dumps({"task": index, "text": text, **fields}), flush=True)


def run_job(args, stop_after_save):
    """Start ps + 2 workers; stop at the first save at or after ``stop_after_save`` (SIGKILL to
    every process), or when both workers are done. Returns the steps the chief saved."""
    from tf1init.cluster.localhost import free_ports  # tf1init.cluster loads TensorFlow
    ports = ",".join(map(str, free_ports(3)))
    command = [sys.executable, os.path.abspath(__file__), "--dir", args.dir, "--steps", str(args.steps),
               "--save-every", str(args.save_every), "--ports", ports]
    log = open(os.path.join(args.dir, "tasks.log"), "a")  # TensorFlow's own chatter goes here
    procs = [subprocess.Popen(command + ["--role", "ps"], stdin=subprocess.PIPE, stderr=log)]
    workers = [subprocess.Popen(command + ["--role", "worker", "--index", str(i)], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=log, text=True)
               for i in (1, 0)]  # worker 1 first: it waits for the chief
    procs += workers
    saved, done, lines = [], 0, []
    try:
        import selectors

        selector = selectors.DefaultSelector()
        for p in workers:
            selector.register(p.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + 600
        while done < 2 and time.monotonic() < deadline:
            for key, _ in selector.select(timeout=1.0):
                line = key.fileobj.readline()
                if not line:
                    selector.unregister(key.fileobj)
                    done += 1
                    continue
                message = json.loads(line)
                lines.append(message)
                text = message["text"].replace("\n", "\n" + " " * 13)
                print(f"  [worker {message['task']}] {text}", flush=True)
                if message.get("event") == "done":
                    done += 1
                if message.get("event") == "saved":
                    saved.append(message["step"])
                    if stop_after_save is not None and message["step"] >= stop_after_save:
                        print(f"-- killing the whole job (SIGKILL) after the checkpoint at step {message['step']}")
                        return saved, lines
        return saved, lines
    finally:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGKILL)
            p.wait()
        log.close()


def positive(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"needs at least 1, got {value}")
    return value


def main():
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="Writes cluster_job.json (the steps saved before the kill and after the restart, and "
               "every task's messages) to --out.")
    parser.add_argument("--out", default="out", help="folder for cluster_job.json (default: out)")
    parser.add_argument("--dir", default=None, help="checkpoint folder (default: a new temporary one)")
    parser.add_argument("--steps", type=positive, default=300, help="global steps to train in all")
    parser.add_argument("--kill-after", type=positive, default=100, help="kill the job after the first save at or after this step")
    parser.add_argument("--save-every", type=positive, default=25, help="the chief saves every N global steps")
    parser.add_argument("--role", choices=["ps", "worker"], help=argparse.SUPPRESS)
    parser.add_argument("--index", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--ports", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.role:
        return task(args.role, [int(p) for p in args.ports.split(",")], args.index, args.dir, args.steps,
                    args.save_every)
    if args.kill_after >= args.steps:
        parser.error(f"--kill-after ({args.kill_after}) must be below --steps ({args.steps})")
    args.dir = os.path.abspath(args.dir or tempfile.mkdtemp(prefix="cluster_job_"))
    os.makedirs(args.dir, exist_ok=True)
    print(f"run 1: 1 ps + 2 workers, checkpoints in {args.dir}")
    first, before = run_job(args, args.kill_after)
    print(f"run 2: the same job started again; the latest checkpoint is step {first[-1] if first else None}")
    second, after = run_job(args, None)
    print(f"saved at steps {first} before the kill, {second} after the restart")
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "cluster_job.json"), "w") as file:
        json.dump({"checkpoints": args.dir, "saved_before_kill": first, "saved_after_restart": second,
                   "resumed_from": int(np.max(first)) if first else None,
                   "messages": {"run 1": before, "run 2": after}}, file, indent=1)


if __name__ == "__main__":
    main()
