"""Compare two checkpoints tensor by tensor: added, removed, changed shape or dtype, changed values.

Names, shapes and dtypes come from the two ``.index`` files (no TensorFlow; it is imported only
when some values must be compared). Values are read one tensor at a time through TensorFlow's
checkpoint reader, which checks each tensor's CRC, and compared in chunks, so memory stays at
about two copies of the largest tensor.

By default (``atol == rtol == 0``) two values are the same only when their bytes are equal: a
NaN equals a NaN with the same bits, while 0.0 and -0.0, or NaNs with different payloads or
signs, differ (they are counted in ``bits_only``). Integers are compared as integers, and their
largest difference is exact (never rounded through float64). A tolerance (``atol`` or ``rtol``
above 0) applies to floating-point and complex tensors only: there, two NaNs (any payload) and
0.0 / -0.0 are equal, a NaN and a number or two different infinities are never close, and
finite values are close when ``|a - b| <= atol + rtol * max(|a|, |b|)``, computed in float64.
Integer, bool and string tensors are always compared exactly.
"""
import dataclasses
from typing import Callable, Dict, Optional, Tuple, Union

import numpy as np

from tf1init.checkpoints.reader import Entry, resolve_checkpoint, verify_checkpoint
from tf1init.errors import CorruptCheckpointError

SAME, CLOSE, VALUES, SHAPE, ADDED, REMOVED = "same", "close", "values", "shape", "added", "removed"
_CHUNK = 1 << 22  # elements compared at once


@dataclasses.dataclass(frozen=True)
class ValueDiff:
    """How the values of two arrays of one shape and dtype differ.

    ``differing``: elements whose bytes differ. ``bits_only``: those among them that are equal
    as numbers (0.0 vs -0.0, two NaNs with different payloads). ``within``: those within the
    tolerance (floating-point and complex only; 0 when there is no tolerance).
    ``max_abs_diff``: the largest ``|a - b|`` among the differing elements: an exact ``int`` for
    integers, a float for floats (NaN where a NaN meets a number), None for bools and strings.
    """

    differing: int = 0
    bits_only: int = 0
    within: int = 0
    max_abs_diff: Union[int, float, None] = None

    @property
    def close(self) -> bool:
        """Every differing element is within the tolerance (and some element differs)."""
        return 0 < self.differing == self.within


@dataclasses.dataclass(frozen=True)
class TensorDiff:
    """How one name differs: ``status`` is same (bit-identical), close (within the tolerance),
    values, shape (or dtype), added (only in B) or removed (only in A)."""

    name: str
    status: str
    a: Optional[Entry] = None
    b: Optional[Entry] = None
    max_abs_diff: Union[int, float, None] = None  # for values/close; None for bools and strings
    differing: int = 0  # elements whose bits differ
    bits_only: int = 0  # of which equal as numbers: 0.0 vs -0.0, NaN payloads

    def as_dict(self) -> dict:
        result = {"name": self.name, "status": self.status}
        for side, entry in (("a", self.a), ("b", self.b)):
            if entry is not None:
                result[side] = {"shape": list(entry.shape), "dtype": entry.dtype, "bytes": entry.nbytes}
        if self.status in (VALUES, CLOSE):
            result["max_abs_diff"] = _json_number(self.max_abs_diff)
            result["differing"] = self.differing
            result["bits_only"] = self.bits_only
        return result


def _json_number(value):
    """JSON has no NaN or infinity: write them as the strings "nan", "inf", "-inf"."""
    if isinstance(value, float) and not np.isfinite(value):
        return "nan" if np.isnan(value) else ("inf" if value > 0 else "-inf")
    return value


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


def diff_checkpoints(a, b, *, atol: float = 0.0, rtol: float = 0.0,
                     progress: Optional[Callable[[int], None]] = None) -> CheckpointDiff:
    """Compare checkpoints ``a`` and ``b`` (prefixes, or directories: their latest checkpoint).

    With the default ``atol == rtol == 0`` the comparison is bit-exact. Floating-point tensors
    whose every differing element is within ``atol + rtol * max(|a|, |b|)`` count as ``close``
    (identical for :attr:`CheckpointDiff.identical`); integer, bool and string tensors must
    match exactly. ``progress(nbytes)`` is called after each tensor compared. A missing or
    damaged checkpoint raises a :class:`tf1init.CheckpointError` that names the file.

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
        >>> a = save("a", {"w": [1.0, 2.0], "b": [0.0], "old": [1], "step": 2**62})
        >>> b = save("b", {"w": [1.0, 2.5], "b": [0.0, 0.0], "new": [1], "step": 2**62 + 1})
        >>> for t in diff_checkpoints(a, b).tensors:
        ...     print(t.name, t.status, t.max_abs_diff)
        b shape None
        new added None
        old removed None
        step values 1
        w values 0.5
        >>> [t.status for t in diff_checkpoints(a, b, atol=0.5).with_status("close", "values")]
        ['values', 'close']
    """
    if not (atol >= 0 and rtol >= 0):
        raise ValueError(f"atol and rtol must be numbers >= 0, got atol={atol!r}, rtol={rtol!r}")
    prefix_a, prefix_b = resolve_checkpoint(a), resolve_checkpoint(b)
    entries_a, entries_b = verify_checkpoint(prefix_a), verify_checkpoint(prefix_b)
    read_a, read_b = value_reader(prefix_a), value_reader(prefix_b)
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
            found = compare_values(read_a(name), read_b(name), atol=atol, rtol=rtol)
            status = SAME if not found.differing else (CLOSE if found.close else VALUES)
            tensors.append(TensorDiff(name, status, ea, eb, found.max_abs_diff if found.differing else None,
                                      found.differing, found.bits_only))
            if progress:
                progress(ea.nbytes + eb.nbytes)
    return CheckpointDiff(prefix_a, prefix_b, tuple(tensors))


def value_reader(prefix: str) -> Callable[[str], np.ndarray]:
    """A function name -> value (a numpy array) for the checkpoint ``prefix``.

    TensorFlow is imported, and its reader opened, on the first call. A tensor TensorFlow cannot
    read (its CRC fails: the data file was damaged after it was written) raises
    :class:`tf1init.CorruptCheckpointError` naming the tensor and the checkpoint.
    """
    reader = None

    def read(name: str) -> np.ndarray:
        nonlocal reader
        from tf1init._tf import tf, v1  # only when values are read: names and shapes need no TF

        try:
            if reader is None:
                reader = v1.train.NewCheckpointReader(prefix)
            return np.asarray(reader.get_tensor(name))
        except tf.errors.OpError as error:
            message = getattr(error, "message", str(error)).strip().splitlines()[0]
            raise CorruptCheckpointError(
                f"cannot read {name!r} from checkpoint {prefix!r}: {message}; the data files are "
                f"damaged - restore or copy the checkpoint again"
            ) from None

    return read


# --- comparing two arrays ---------------------------------------------------------------------


def _kind(dtype: np.dtype) -> str:
    """float, complex, int, bool, str or other (bfloat16 and float8 are numpy 'V' types)."""
    if dtype.kind == "f" or (dtype.kind == "V" and dtype.name.startswith(("bfloat", "float"))):
        return "float"
    return {"c": "complex", "i": "int", "u": "int", "b": "bool", "O": "str", "S": "str", "U": "str"}.get(
        dtype.kind, "other")


def _changed(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per element: do the bytes differ? (Strings: do the byte strings differ.)"""
    if a.dtype.kind in "OSU":
        return np.asarray(a != b, dtype=bool)
    size = a.dtype.itemsize
    if size in (1, 2, 4, 8):
        bits = np.dtype(f"u{size}")
        return a.view(bits) != b.view(bits)
    raw = np.dtype("u1")  # complex128 and other wide types: every byte of each element
    return (a.view(raw).reshape(-1, size) != b.view(raw).reshape(-1, size)).any(axis=1)


def _integer_gaps(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """|a - b| as uint64, exact: the true gap of two 64-bit integers is below 2**64, and uint64
    arithmetic is exact modulo 2**64."""
    high, low = np.maximum(a, b), np.minimum(a, b)
    if a.dtype != np.uint64:
        high, low = high.astype(np.int64).view(np.uint64), low.astype(np.int64).view(np.uint64)
    return high - low


def _float_gaps(a: np.ndarray, b: np.ndarray, atol: float, rtol: float):
    """(|a - b| in float64 with two NaNs at 0 and NaN where a NaN meets a number,
    numbers equal despite different bits, within the tolerance) per element."""
    a, b = a.astype(np.float64), b.astype(np.float64)
    nan_a, nan_b = np.isnan(a), np.isnan(b)
    with np.errstate(invalid="ignore", over="ignore"):
        gaps = np.abs(a - b)
        gaps[nan_a & nan_b] = 0.0
        gaps[nan_a ^ nan_b] = np.nan
        equal = (a == b) | (nan_a & nan_b)
        finite = np.isfinite(a) & np.isfinite(b)
        within = equal | (finite & (gaps <= atol + rtol * np.maximum(np.abs(a), np.abs(b))))
    return gaps, equal, within


def compare_values(a: np.ndarray, b: np.ndarray, *, atol: float = 0.0, rtol: float = 0.0) -> ValueDiff:
    """How two arrays of one shape and dtype differ (see the module docstring for the rules).

        >>> compare_values(np.float32([0.0, 1.0]), np.float32([-0.0, 1.0]))
        ValueDiff(differing=1, bits_only=1, within=0, max_abs_diff=0.0)
        >>> compare_values(np.int64([2**62]), np.int64([2**62 + 1]), atol=5)
        ValueDiff(differing=1, bits_only=0, within=0, max_abs_diff=1)
    """
    a, b = a.reshape(-1), b.reshape(-1)
    kind = _kind(a.dtype)
    tolerant = atol > 0 or rtol > 0
    differing = bits_only = within = 0
    largest: Union[int, float, None] = {"int": 0, "float": 0.0, "complex": 0.0}.get(kind)
    for start in range(0, a.size, _CHUNK):
        ca, cb = a[start:start + _CHUNK], b[start:start + _CHUNK]
        changed = _changed(ca, cb)
        count = int(np.count_nonzero(changed))
        if not count:
            continue
        differing += count
        ca, cb = ca[changed], cb[changed]
        if kind == "int":
            largest = max(largest, int(_integer_gaps(ca, cb).max()))
        elif kind in ("float", "complex"):
            if kind == "complex":
                real = _float_gaps(ca.real, cb.real, atol, rtol)
                imag = _float_gaps(ca.imag, cb.imag, atol, rtol)
                gaps = np.hypot(real[0], imag[0])
                equal, close = real[1] & imag[1], real[2] & imag[2]
            else:
                gaps, equal, close = _float_gaps(ca, cb, atol, rtol)
            bits_only += int(np.count_nonzero(equal))
            within += int(np.count_nonzero(close)) if tolerant else 0
            if np.isnan(gaps).any() or np.isnan(largest):
                largest = float("nan")
            else:
                largest = max(largest, float(gaps.max()))
    return ValueDiff(differing, bits_only, within, largest)
