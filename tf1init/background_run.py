"""A session run whose set-up TensorFlow does in a background thread while Python works.

A first run's cost is set-up in C++, not arithmetic: sending new ops to the session, then
pruning, placing and optimising the graph and creating a kernel per op (about 0.7 s for 5,000
variables, bench/init.py). TensorFlow releases the GIL for all of it. So tf1init starts the
set-up as soon as it knows which ops a run needs, and computes the values to feed (``replay``)
meanwhile; on two cores the two overlap. The executor TF builds belongs to this callable only:
a later ``session.run`` of the same feeds and fetches builds its own (measured: 0.19 s again for
a 3,000-op run whose callable had just run), so a BackgroundRun serves one call.
"""
import gc
import threading
from typing import List, Optional, Sequence, Tuple

import numpy as np

from tf1init._tf import config_pb2


class BackgroundRun:
    """``session.run(fetches, feed_dict=dict(zip(feeds, values)))`` split in two: the set-up
    starts now in a thread; ``run(values)`` waits for it and runs. Always call ``run`` or
    ``abandon``: the thread must not outlive the call that started it."""

    def __init__(self, session, feeds: Sequence, fetches: Sequence, targets: Sequence):
        self._start(session, [(t.name, t.dtype.as_numpy_dtype) for t in feeds],
                    [t.name for t in fetches], [op.name for op in targets])

    @classmethod
    def by_name(cls, session, feeds: Sequence[Tuple[str, object]], fetches: Sequence[str],
                targets: Sequence[str]) -> "BackgroundRun":
        """The same from names alone ((tensor name, numpy dtype) for feeds): the set-up can
        start before the ops have their Python objects (``graph_import.import_c_ops``)."""
        run = cls.__new__(cls)
        run._start(session, feeds, fetches, targets)
        return run

    def _start(self, session, feeds, fetches, targets) -> None:
        self._session = session
        self._dtypes = [dtype for _, dtype in feeds]
        self.feed_names = [name for name, _ in feeds]
        options = config_pb2.CallableOptions()
        options.feed.extend(name for name, _ in feeds)
        options.fetch.extend(fetches)
        options.target.extend(targets)
        self._callable = None
        self._error: Optional[BaseException] = None
        self._thread = threading.Thread(target=self._prepare, args=(options,), name="tf1init-set-up", daemon=True)
        self._thread.start()

    def _prepare(self, options) -> None:
        try:
            # _do_call: errors name their op as session.run's do (error.op, interpolation).
            session = self._session
            self._callable = session._do_call(session._make_callable_from_options, options)  # noqa: SLF001
        except BaseException as error:  # noqa: BLE001 - re-raised in the caller's thread
            self._error = error

    def run(self, values: Sequence) -> List[np.ndarray]:
        """The fetched values; raises what ``session.run`` would (tf.errors.OpError...)."""
        if self._thread.is_alive():
            # Waiting anyway: sweep the young objects the caller made meanwhile (tf1init pauses
            # the cyclic GC during a call; otherwise its first sweep after the call pays it).
            gc.collect(0)
        self._thread.join()
        if self._error is not None:
            raise self._error
        arrays = [np.asarray(v, dtype=d) for v, d in zip(values, self._dtypes)]
        return self._session._do_call(self._callable, *arrays)  # noqa: SLF001

    def abandon(self) -> None:
        """Wait for the set-up and drop it (nothing runs; the session keeps its executor)."""
        self._thread.join()
        self._callable = None


def extend_in_background(session) -> threading.Thread:
    """Send the graph's new ops to the session in a thread (a first run of a big graph spends
    a quarter of its time there) while the caller analyses the graph. Graph mutations from
    Python wait for it by themselves (TF's graph lock); join it before returning."""
    thread = threading.Thread(target=_extend_quietly, args=(session,), name="tf1init-extend", daemon=True)
    thread.start()
    return thread


def _extend_quietly(session) -> None:
    try:
        session._extend_graph()  # noqa: SLF001
    except Exception:  # noqa: BLE001 - the run that follows extends again and reports it
        pass
