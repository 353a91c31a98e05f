"""Is the model on the parameter servers ready, and if not, what exactly is missing?

TensorFlow's ``SessionManager.wait_for_session`` asks, then sleeps 30 s, and logs "Waiting for
model to be ready" with no list. Here one run asks every global variable and the chief's ready
marker at once (one stacked bool tensor, built once), polls every 0.1 s by default, and the
answer is a :class:`Readiness` that names what is not ready: unreachable parameter servers,
the chief not started or still preparing, variables holding no value. A timeout raises
:class:`ModelNotReadyError` carrying the last one.
"""
import dataclasses
import socket
import threading
import time
from typing import Callable, Dict, Optional, Sequence, Tuple

from tf1init._tf import tf
from tf1init.errors import Tf1initError
from tf1init.graph.selection import variable_name
from tf1init.session.flags import flag_of

NOT_STARTED, PREPARING, READY, UNKNOWN = "not started", "preparing", "ready", "unknown"
SESSION_LOST = "session lost"  # a task of the session restarted: only a new session runs again


@dataclasses.dataclass(frozen=True)
class Readiness:
    """One look at the model: ``ready`` only when every global variable holds a value and the
    chief has published a generation."""

    ready: bool
    chief: str  # "not started", "preparing", "ready", "unknown" (parameter servers unreachable),
    # or "session lost" (a parameter server restarted under this session: open a new one)
    generation: int = 0
    not_ready: Tuple[str, ...] = ()  # global variables holding no value
    unreachable: Tuple[str, ...] = ()  # parameter-server tasks that did not answer
    waited: float = 0.0
    polls: int = 0

    def __str__(self) -> str:
        if self.ready:
            return f"model ready (chief generation {self.generation}) after {self.waited:.2f} s, {self.polls} polls"
        lines = [f"model not ready after {self.waited:.2f} s, {self.polls} polls:"]
        if self.chief == SESSION_LOST:
            lines.append("  a parameter server restarted under this session (TensorFlow aborts its runs): "
                         "open a new session; the chief then restores the model (prepare) from its checkpoint")
        elif self.unreachable:
            lines.append(f"  parameter servers not answering: {', '.join(self.unreachable)}"
                         " (started? right address in the ClusterSpec?)")
        elif self.chief != READY:
            lines.append(f"  chief: {self.chief}" + (
                " (start the chief task, or check that it is the one with is_chief=True)"
                if self.chief == NOT_STARTED else " (restoring or initializing)"))
        if self.not_ready:
            names = list(self.not_ready)
            shown = ", ".join(names[:10]) + (f", ... {len(names) - 10} more" if len(names) > 10 else "")
            lines.append(f"  {len(names)} global variables hold no value: {shown}")
        return "\n".join(lines)


class ModelNotReadyError(Tf1initError, TimeoutError):
    """The model did not become ready in time; ``readiness`` says what was missing."""

    def __init__(self, readiness: Readiness, timeout: float):
        why = ("Gave up at once: this session cannot run again." if readiness.chief == SESSION_LOST
               else f"Gave up after the timeout of {timeout:g} s.")
        super().__init__(f"{readiness}\n{why}")
        self.readiness = readiness


class ReadinessProbe:
    """The ops that answer 'ready?' in one run, built once before the graph is finalized."""

    def __init__(self, graph, variables: Sequence, marker, ps_addresses: Dict[str, str]):
        self.variables = list(variables)
        self.names = tuple(variable_name(v) for v in variables)
        self.marker = marker
        self.ps_addresses = dict(ps_addresses)
        flags = [flag_of(v) for v in variables]
        with graph.as_default(), graph.name_scope(None), graph.control_dependencies(None):
            self.flags = tf.stack(flags, name="tf1init_cluster_flags") if flags else None

    def look(self, session, deadline: float) -> Readiness:
        """One look; never blocks past ``deadline`` (time.monotonic()), even on a dead server."""
        unreachable = tuple(task for task, address in sorted(self.ps_addresses.items()) if not listening(address))
        if unreachable:
            return Readiness(False, UNKNOWN, unreachable=unreachable, not_ready=self.names)
        fetches = [self.marker.is_set] + ([self.flags] if self.flags is not None else [])
        answer = _run_until(session, fetches, deadline)
        failed = self._failed(answer)
        if failed:
            return failed
        marker_set = bool(answer[0])
        not_ready = tuple(n for n, ok in zip(self.names, answer[1].tolist() if len(answer) > 1 else []) if not ok)
        if not marker_set:
            return Readiness(False, NOT_STARTED, not_ready=not_ready)
        generation = _run_until(session, self.marker.value, deadline)
        failed = self._failed(generation)
        if failed:
            return failed
        generation = int(generation)
        chief = READY if generation else PREPARING
        return Readiness(chief == READY and not not_ready, chief, generation, not_ready)

    def _failed(self, answer) -> Optional[Readiness]:
        """The look for a run that aborted (a parameter server restarted under the session), or
        that gave no answer (a server that listens but does not answer: starting, stuck)."""
        if isinstance(answer, tf.errors.AbortedError):
            return Readiness(False, SESSION_LOST, not_ready=self.names)
        if answer is None or isinstance(answer, Exception):
            return Readiness(False, UNKNOWN, unreachable=tuple(sorted(self.ps_addresses)), not_ready=self.names)
        return None


def wait_until_ready(session, probe: ReadinessProbe, *, timeout: float = 300.0, poll: float = 0.1,
                     on_wait: Optional[Callable[[Readiness], None]] = None) -> Readiness:
    """Poll every ``poll`` seconds until ready; raise :class:`ModelNotReadyError` after ``timeout``.

    ``on_wait`` gets each not-ready look (for logs or progress), at most once per second.
    """
    start = time.monotonic()
    deadline = start + timeout
    polls, last_told = 0, -1.0
    while True:
        polls += 1
        seen = probe.look(session, deadline)
        now = time.monotonic()
        seen = dataclasses.replace(seen, waited=now - start, polls=polls)
        if seen.ready:
            return seen
        if now >= deadline or seen.chief == SESSION_LOST:
            raise ModelNotReadyError(seen, timeout)
        if on_wait is not None and now - last_told >= 1.0:
            on_wait(seen)
            last_told = now
        time.sleep(min(poll, max(0.0, deadline - now)))


def listening(address: str) -> bool:
    host, _, port = address.rpartition(":")
    try:
        with socket.create_connection((host.strip("[]") or "127.0.0.1", int(port)), timeout=0.5):
            return True
    except OSError:
        return False


def _run_until(session, fetches, deadline: float):
    """session.run(fetches), the error it raised (unavailable, aborted), or None if it has not
    answered by the deadline: a first run to a server that is not there waits in CreateSession,
    where RunOptions' timeout does not apply."""
    result = {}

    def target():
        try:
            result["value"] = session.run(fetches)
        except (tf.errors.UnavailableError, tf.errors.DeadlineExceededError, tf.errors.AbortedError) as error:
            result["error"] = error

    thread = threading.Thread(target=target, name="tf1init-readiness", daemon=True)
    thread.start()
    thread.join(max(0.0, deadline - time.monotonic()) + 0.05)
    return result.get("value", result.get("error"))


__all__ = ["Readiness", "ReadinessProbe", "ModelNotReadyError", "wait_until_ready"]
