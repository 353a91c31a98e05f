"""One task of the test cluster (ps or worker), driven by commands on stdin, answering JSON lines.

    python job.py ps PORTS
    python job.py worker PORTS TASK CHECKPOINT_DIR [TIMEOUT]

Commands: ``train N`` (N steps of +1 on every trained variable), ``save``, ``values``, ``check``,
``recover``. The model: w [4, 3], b [3], head [2] (the saver leaves head out, so a restarted
chief must keep its trained value), global_step, and a local counter on the worker's own task.
"""
import json
import sys


def main(argv):
    role, ports = argv[0], [int(p) for p in argv[1].split(",")]
    from tf1init._tf import tf, v1

    v1.disable_eager_execution()
    spec = v1.train.ClusterSpec({"ps": [f"127.0.0.1:{ports[0]}"],
                                 "worker": [f"127.0.0.1:{p}" for p in ports[1:]]})
    if role == "ps":
        server = v1.train.Server(spec, job_name="ps", task_index=0)
        print(json.dumps({"event": "listening"}), flush=True)
        server.join()
    task, folder = int(argv[2]), argv[3]
    timeout = float(argv[4]) if len(argv) > 4 else 60.0
    from tf1init.checkpoints.saving import AtomicSaver
    from tf1init.cluster import ClusterInitializer, ModelNotReadyError
    from tf1init.errors import Tf1initError

    server = v1.train.Server(spec, job_name="worker", task_index=task)
    here = f"/job:worker/task:{task}"
    with v1.device(v1.train.replica_device_setter(cluster=spec, worker_device=here)):
        w = v1.get_variable("w", [4, 3], initializer=v1.random_normal_initializer())
        b = v1.get_variable("b", [3], initializer=v1.zeros_initializer())
        head = v1.get_variable("head", [2], initializer=v1.ones_initializer())
        step = v1.train.get_or_create_global_step()
        train = tf.group(w.assign_add(tf.ones([4, 3])), b.assign_add(tf.ones([3])),
                         head.assign_add(tf.ones([2])), step.assign_add(1))
    with v1.device(here):
        seen = v1.Variable(0.0, name="seen", collections=[v1.GraphKeys.LOCAL_VARIABLES])
        count = seen.assign_add(1.0)
    saver = AtomicSaver([w, b, step], max_to_keep=3)
    init = ClusterInitializer(spec, task=task, checkpoint=folder, timeout=timeout)
    session = v1.Session(server.target, config=init.session_config())

    def values():
        names = ["w", "b", "head", "global_step"]
        return {n: a.tobytes().hex() for n, a in zip(names, session.run([w, b, head, step]))}

    def say(**fields):
        print(json.dumps(fields), flush=True)

    try:
        report = init.prepare(session)
    except ModelNotReadyError as error:
        say(event="not_ready", message=str(error), not_ready=list(error.readiness.not_ready),
            chief=error.readiness.chief, unreachable=list(error.readiness.unreachable))
        return
    except Tf1initError as error:
        say(event="failed", error=type(error).__name__, message=str(error))
        return
    if init.is_chief:
        say(event="ready", chief=True, report=str(report), restored=list(report.restored),
            initialized=list(report.initialized), kept=list(report.kept), checkpoint=report.checkpoint,
            local=list(report.local_initialized), generation=report.generation, seconds=report.seconds,
            values=values())
    else:
        say(event="ready", chief=False, report=str(report), local=list(report.local_initialized),
            generation=report.readiness.generation, polls=report.readiness.polls,
            seconds=report.readiness.waited, values=values())
    for line in sys.stdin:
        command, *rest = line.split()
        if command == "train":
            for _ in range(int(rest[0])):
                session.run([train, count])
            say(event="trained", values=values(), seen=float(session.run(seen)))
        elif command == "save":
            prefix = saver.save(session, folder, global_step=int(session.run(step)))
            say(event="saved", prefix=prefix, values=values())
        elif command == "values":
            say(event="values", values=values())
        elif command == "check":
            look = init.check(session)
            say(event="check", ready=look.ready, chief=look.chief, restarted=init.parameter_servers_restarted(session))
        elif command == "recover":
            session.close()
            session = v1.Session(server.target, config=init.session_config())
            report = init.prepare(session)
            say(event="recovered", report=str(report), restored=list(report.restored), values=values())


if __name__ == "__main__":
    main(sys.argv[1:])
