"""Compare two checkpoints tensor by tensor: added, removed, changed shape or dtype, changed values.

Names, shapes and dtypes come from the two ``.index`` files (no TensorFlow; it is imported only
when some values must be compared). Values are read one tensor at a time through TensorFlow's
checkpoint reader, which checks each tensor's CRC, and compared in chunks, so memory stays at
about two copies of the largest tensor. Two values are the same when their bits are equal (NaN
equals the same NaN; 0.0 and -0.0 differ).
"""
import dataclasses
from typing import Callable, Dict, Optional, Tuple

import numpy as np

from tf1init.checkpoints.reader import Entry, resolve_checkpoint, verify_checkpoint
from tf1init.errors import CorruptCheckpointError

SAME, CLOSE, VALUES, SHAPE, ADDED, REMOVED = "same", "close", "values", "shape", "added", "removed"
_CHUNK = 1 << 22  # elements compared at once


@dataclasses.dataclass(frozen=True)
class TensorDiff:
    """How one name differs: ``status`` is same, close (within atol), values, shape (or dtype),
    added (only in B) or removed (only in A)."""

    name: str
    status: str
    a: Optional[Entry] = None
    b: Optional[Entry] = None
    max_abs_diff: Optional[float] = None  # for values/close; None for strings
    differing: int = 0  # elements whose bits differ

    def as_dict(self) -> dict:
        result = {"name": self.name, "status": self.status}
        for side, entry in (("a", self.a), ("b", self.b)):
            if entry is not None:
                result[side] = {"shape": list(entry.shape), "dtype": entry.dtype, "bytes": entry.nbytes}
        if self.status in (VALUES, CLOSE):
            result["max_abs_diff"] = self.max_abs_diff
            result["differing"] = self.differing
        return result


@dataclasses.dataclass(frozen=True)
class CheckpointDiff:
    """Every name of either checkpoint, sorted, with how it differs."""

    a: str
    b: str
    tensors: Tuple[TensorDiff, ...]

    @property
    def identical(self) -> bool:
        return all(t.status in (SAME, CLOSE) for t in self.tensors)

    def with_status(self, *statuses: str) -> Tuple[TensorDiff, ...]:
        return tuple(t for t in self.tensors if t.status in statuses)

    def counts(self) -> Dict[str, int]:
        counts = dict.fromkeys((SAME, CLOSE, VALUES, SHAPE, ADDED, REMOVED), 0)
        for tensor in self.tensors:
            counts[tensor.status] += 1
        return counts


def diff_checkpoints(a, b, *, atol: float = 0.0,
                     progress: Optional[Callable[[int], None]] = None) -> CheckpointDiff:
    """Compare checkpoints ``a`` and ``b`` (prefixes, or directories: their latest checkpoint).

    Tensors whose values differ by at most ``atol`` everywhere count as ``close`` (identical
    for :attr:`CheckpointDiff.identical`). ``progress(nbytes)`` is called after each tensor
    compared. A missing or damaged checkpoint raises a :class:`tf1init.CheckpointError` that
    names the file.

        >>> import tempfile
        >>> import tensorflow as tf; v1 = tf.compat.v1
        >>> from tf1init.checkpoints.compare import diff_checkpoints
        >>> folder = tempfile.mkdtemp()
        >>> def save(name, values):
        ...     with tf.Graph().as_default():
        ...         variables = [v1.Variable(value, name=key) for key, value in values.items()]
        ...         with v1.Session() as session:
        ...             session.run(v1.global_variables_initializer())
        ...             return v1.train.Saver().save(session, f"{folder}/{name}")
        >>> a = save("a", {"w": [1.0, 2.0], "b": [0.0], "old": [1]})
        >>> b = save("b", {"w": [1.0, 2.5], "b": [0.0, 0.0], "new": [1]})
        >>> for t in diff_checkpoints(a, b).tensors:
        ...     print(t.name, t.status, t.max_abs_diff)
        b shape None
        new added None
        old removed None
        w values 0.5
    """
    prefix_a, prefix_b = resolve_checkpoint(a), resolve_checkpoint(b)
    entries_a, entries_b = verify_checkpoint(prefix_a), verify_checkpoint(prefix_b)
    readers = {}
    tensors = []
    for name in sorted(set(entries_a) | set(entries_b)):
        ea, eb = entries_a.get(name), entries_b.get(name)
        if eb is None:
            tensors.append(TensorDiff(name, REMOVED, a=ea))
        elif ea is None:
            tensors.append(TensorDiff(name, ADDED, b=eb))
        elif ea.shape != eb.shape or ea.dtype != eb.dtype:
            tensors.append(TensorDiff(name, SHAPE, a=ea, b=eb))
        else:
            value_a = _read(readers, prefix_a, name)
            value_b = _read(readers, prefix_b, name)
            differing, largest = compare_values(value_a, value_b)
            del value_a, value_b
            if differing == 0:
                status = SAME
            elif largest is not None and largest <= atol:  # NaN never compares <=
                status = CLOSE
            else:
                status = VALUES
            tensors.append(TensorDiff(name, status, ea, eb, largest if differing else None, differing))
            if progress:
                progress(ea.nbytes + eb.nbytes)
    return CheckpointDiff(prefix_a, prefix_b, tuple(tensors))


def _read(readers: dict, prefix: str, name: str) -> np.ndarray:
    from tf1init._tf import tf, v1  # only when values are compared: names and shapes need no TF

    try:
        reader = readers.get(prefix)
        if reader is None:
            reader = readers[prefix] = v1.train.NewCheckpointReader(prefix)
        return np.asarray(reader.get_tensor(name))
    except tf.errors.OpError as error:
        message = getattr(error, "message", str(error)).strip().splitlines()[0]
        raise CorruptCheckpointError(
            f"cannot read {name!r} from checkpoint {prefix!r}: {message}; the data files are "
            f"damaged - restore or copy the checkpoint again"
        ) from None


def compare_values(a: np.ndarray, b: np.ndarray) -> Tuple[int, Optional[float]]:
    """(number of elements whose bits differ, largest |a - b| among them; None for strings)."""
    a, b = a.reshape(-1), b.reshape(-1)
    if a.dtype.kind in "OSU":  # strings: equality only
        return int(np.count_nonzero(a != b)), None
    bits = np.dtype(f"u{a.dtype.itemsize}") if a.dtype.itemsize in (1, 2, 4, 8) else None
    differing, largest = 0, 0.0
    for start in range(0, a.size, _CHUNK):
        ca, cb = a[start:start + _CHUNK], b[start:start + _CHUNK]
        if bits is not None:
            changed = ca.view(bits) != cb.view(bits)
        else:  # complex128 and friends: compare as pairs of floats
            changed = (ca != cb) & ~(np.isnan(ca) & np.isnan(cb))
        count = int(np.count_nonzero(changed))
        if not count:
            continue
        differing += count
        ca, cb = ca[changed], cb[changed]
        if a.dtype.kind == "b":
            gap = np.ones(count)
        elif a.dtype.kind == "c":
            gap = np.abs(ca.astype(np.complex128) - cb.astype(np.complex128))
        else:
            gap = np.abs(ca.astype(np.float64) - cb.astype(np.float64))
        if np.isnan(gap).any():
            largest = float("nan")
        elif not np.isnan(largest):
            largest = max(largest, float(gap.max()))
    return differing, largest
