"""A worker's half: wait for the chief's model, then initialize only this task's local variables.

A worker never initializes or restores a global variable, so a worker restarted mid-run (its
process killed, started again) re-attaches to the parameter servers and changes nothing there.
Local variables (metric counters, per-task queues) live on the worker's own task and die with
its process: they are initialized here, only those holding no value, and only after the model
is ready, since their initial values may read global variables.
"""
import dataclasses
from typing import Tuple

from tf1init.cluster.readiness import Readiness


@dataclasses.dataclass(frozen=True)
class WorkerReport:
    """``readiness``: the look that found the model ready (how long, how many polls);
    ``local_initialized``: this task's local variables that got their initial value;
    ``shared_local``: local variables placed on a parameter server (by ``replica_device_setter``),
    shared by every worker: initialized once, by whichever task comes first."""

    readiness: Readiness
    local_initialized: Tuple[str, ...]
    shared_local: Tuple[str, ...] = ()

    def __str__(self) -> str:
        text = f"{self.readiness}; {len(self.local_initialized)} local variables initialized"
        if self.shared_local:
            text += (f"\n  {len(self.shared_local)} local variables sit on a parameter server and are shared "
                     f"by all workers: {', '.join(self.shared_local[:10])} (place them with "
                     f"tf.compat.v1.device(worker_device) to keep one per worker)")
        return text


def initialize_local(session, local_variables) -> Tuple[str, ...]:
    """Initialize the local variables that hold no value; return their names."""
    from tf1init.session.initialization import initialize_uninitialized

    if not local_variables:
        return ()
    return tuple(initialize_uninitialized(session, list(local_variables)))


__all__ = ["WorkerReport", "initialize_local"]
