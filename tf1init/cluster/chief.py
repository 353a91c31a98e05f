"""The chief's half: restore or initialize the variables on the parameter servers, once.

Exactly one task does this; the others wait for its ready marker. Unlike ``SessionManager``,
the restore never skips initialization (what the checkpoint lacks is initialized, and
reported), and a variable that already holds a value on a parameter server (the chief
restarted, the parameter servers did not) is never initialized again: it is restored from the
latest checkpoint if that holds it, else kept as it is. The restore is
:func:`tf1init.restore_or_initialize`, with its report and safe defaults (a shape or dtype
mismatch raises before any variable changes).
"""
import dataclasses
import os
from typing import Optional, Tuple

from tf1init._tf import v1
from tf1init.checkpoints.report import RestoreReport
from tf1init.cluster.readiness import SESSION_LOST, ModelNotReadyError
from tf1init.graph.selection import variable_name


@dataclasses.dataclass(frozen=True)
class ChiefReport:
    """What the chief did: ``restore`` is restore_or_initialize's report (None when every
    variable was kept); ``kept`` held a value on the parameter servers that no checkpoint
    replaced; ``local_initialized`` are this task's local variables."""

    checkpoint: Optional[str]
    restore: Optional[RestoreReport]
    kept: Tuple[str, ...]
    local_initialized: Tuple[str, ...]
    generation: int
    seconds: float

    @property
    def restored(self) -> Tuple[str, ...]:
        return tuple(sorted(self.restore.restored)) if self.restore else ()

    @property
    def initialized(self) -> Tuple[str, ...]:
        return tuple(self.restore.initialized) if self.restore else ()

    def __str__(self) -> str:
        head = (f"chief generation {self.generation} in {self.seconds:.2f} s: {len(self.restored)} restored, "
                f"{len(self.initialized)} initialized, {len(self.kept)} kept from the parameter servers, "
                f"{len(self.local_initialized)} local initialized")
        return head + ("\n" + str(self.restore) if self.restore else "")


def latest(checkpoint) -> Optional[str]:
    """A prefix as given; a folder: its latest checkpoint, or None when it has none yet."""
    if checkpoint is None:
        return None
    path = os.fspath(checkpoint)
    if os.path.isdir(path):
        return v1.train.latest_checkpoint(path)
    return path


def prepare_chief(session, probe, checkpoint, restore_options, deadline: float) -> Tuple[
        Optional[str], Optional[RestoreReport], Tuple[str, ...], int]:
    """Mark 'preparing', restore or initialize, publish a new generation.

    Returns (checkpoint used, restore report, kept names, generation)."""
    from tf1init.checkpoints.restore import restore_or_initialize

    probe.marker.mark_preparing(session)
    seen = probe.look(session, deadline)  # the workers' own question: its run is set up once for all
    if seen.unreachable or seen.chief == SESSION_LOST:
        raise ModelNotReadyError(seen, 0)
    holding = set(probe.names) - set(seen.not_ready)
    prefix = latest(checkpoint)
    in_checkpoint = {name for name, _ in v1.train.list_variables(prefix)} if prefix else set()
    selection = [v for v in probe.variables if variable_name(v) in in_checkpoint or variable_name(v) not in holding]
    kept = tuple(sorted(holding - {variable_name(v) for v in selection}))
    report = restore_or_initialize(session, prefix, selection=selection, **restore_options) if selection else None
    return prefix, report, kept, probe.marker.publish(session)


__all__ = ["ChiefReport", "prepare_chief", "latest"]
