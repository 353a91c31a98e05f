"""One object per task that runs the initialization protocol of a TF1 cluster.

Build it in the task's graph after the model (it adds the ready marker and the readiness ops,
once), open a session on the task's server with :meth:`ClusterInitializer.session_config`,
and call :meth:`ClusterInitializer.prepare`: the chief restores or initializes and publishes,
every other worker waits, and each task initializes its own local variables.

    init = ClusterInitializer(cluster, task=index, checkpoint="/ckpt")
    session = tf.compat.v1.Session(server.target, config=init.session_config())
    print(init.prepare(session))
"""
import time
from typing import Optional, Union

from tf1init._tf import v1
from tf1init.cluster.chief import ChiefReport, prepare_chief
from tf1init.cluster.marker import ReadyMarker
from tf1init.cluster.readiness import (
    NOT_STARTED, SESSION_LOST, UNKNOWN, Readiness, ReadinessProbe, listening, wait_until_ready,
)
from tf1init.cluster.worker import WorkerReport, initialize_local
from tf1init.session.sessions import as_session, session_config


class ClusterInitializer:
    """The initialization protocol for one task of a between-graph replicated cluster.

    ``cluster``: a ``tf.compat.v1.train.ClusterSpec`` (or its dict); ``job`` / ``task``: this
    task; ``is_chief``: default task 0 of ``job``. ``checkpoint``: the folder (its latest
    checkpoint) or prefix the chief restores; ``restore_options`` go to
    :func:`tf1init.restore_or_initialize` (``policy``, ``on_mismatch``, ``mapping``, ...).
    Workers wait at most ``timeout`` seconds, looking every ``poll`` seconds.
    """

    def __init__(self, cluster, *, job: str = "worker", task: int = 0, is_chief: Optional[bool] = None,
                 checkpoint=None, graph=None, ps_job: str = "ps", timeout: float = 300.0,
                 poll: float = 0.1, **restore_options):
        spec = cluster if isinstance(cluster, v1.train.ClusterSpec) else v1.train.ClusterSpec(cluster)
        if job not in spec.jobs:
            raise ValueError(f"job {job!r} is not in the cluster; its jobs are {sorted(spec.jobs)}")
        if task not in spec.task_indices(job):
            raise ValueError(f"task {task} of job {job!r} is not in the cluster; it has tasks {spec.task_indices(job)}")
        if ps_job not in spec.jobs:
            raise ValueError(f"no parameter-server job {ps_job!r} in the cluster (jobs: {sorted(spec.jobs)})")
        self.graph = graph if graph is not None else v1.get_default_graph()
        self.job, self.task = job, task
        self.is_chief = task == 0 if is_chief is None else bool(is_chief)
        self.checkpoint = checkpoint
        self.timeout, self.poll = timeout, poll
        self.restore_options = restore_options
        self.device = f"/job:{job}/task:{task}"
        self.ps_job = ps_job
        self.global_variables = list(self.graph.get_collection(v1.GraphKeys.GLOBAL_VARIABLES))
        local = list(self.graph.get_collection(v1.GraphKeys.LOCAL_VARIABLES))
        self.shared_local = tuple(v.op.name for v in local if _on_job(v.device, ps_job))
        self.local_variables = local
        self.marker = ReadyMarker(self.graph, f"/job:{ps_job}/task:0")
        ps_addresses = {f"/job:{ps_job}/task:{i}": spec.task_address(ps_job, i) for i in spec.task_indices(ps_job)}
        self.probe = ReadinessProbe(self.graph, self.global_variables, self.marker, ps_addresses)
        self.generation = 0

    def session_config(self, config=None):
        """tf1init's fast first-run config, seeing only the parameter servers and this task
        (workers do not wait for one another)."""
        tuned = session_config(config)
        if not tuned.device_filters:
            tuned.device_filters.extend([f"/job:{self.ps_job}", self.device])
        return tuned

    def check(self, session) -> Readiness:
        """One look at the model, now (see :class:`tf1init.cluster.Readiness`)."""
        return self.probe.look(as_session(session), time.monotonic() + self.timeout)

    def parameter_servers_restarted(self, session) -> bool:
        """True when a parameter server restarted since this task saw the model ready: its
        runs abort (TensorFlow lost the session's state there) or the published marker is gone.
        Open a new session; the chief calls :meth:`prepare` in it to restore the model."""
        seen = self.check(session)
        return seen.chief == SESSION_LOST or (bool(self.generation) and seen.chief == NOT_STARTED)

    def prepare(self, session, *, on_wait=None) -> Union[ChiefReport, WorkerReport]:
        """Chief: restore or initialize the global variables, then publish; others: wait until
        ready (raise :class:`tf1init.cluster.ModelNotReadyError` naming what is missing after
        ``timeout``). Every task then initializes its local variables that hold no value."""
        session = as_session(session, "ClusterInitializer.prepare")
        start = time.monotonic()
        if self.is_chief:
            if any(not listening(address) for address in self.probe.ps_addresses.values()):
                wait_until_ready(session, _ReachableOnly(self.probe), timeout=self.timeout, poll=self.poll,
                                 on_wait=on_wait)
            prefix, report, kept, generation = prepare_chief(
                session, self.probe, self.checkpoint, self.restore_options, start + self.timeout)
            self.generation = generation
            local = initialize_local(session, self.local_variables)
            return ChiefReport(prefix, report, kept, local, generation, time.monotonic() - start)
        readiness = wait_until_ready(session, self.probe, timeout=self.timeout, poll=self.poll, on_wait=on_wait)
        self.generation = readiness.generation
        return WorkerReport(readiness, initialize_local(session, self.local_variables), self.shared_local)


class _ReachableOnly:
    """A probe that is ready as soon as the parameter servers answer (the chief's wait)."""

    def __init__(self, probe: ReadinessProbe):
        self.probe = probe

    def look(self, session, deadline: float) -> Readiness:
        unreachable = tuple(sorted(t for t, a in self.probe.ps_addresses.items() if not listening(a)))
        return Readiness(not unreachable, UNKNOWN, unreachable=unreachable)


def _on_job(device: str, job: str) -> bool:
    return f"/job:{job}/" in (device or "") + "/"


__all__ = ["ClusterInitializer"]
