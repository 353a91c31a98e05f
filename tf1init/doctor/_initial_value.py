"""Read the law of a TF1 variable's initial value from its ops, without running anything.

Every TF1 random initializer builds the same small subgraph: a standard random op (uniform on
[0, 1), standard normal, or standard normal truncated at 2) followed by a multiply and an add
with constants (``RandomUniform * (max - min) + min``, ``TruncatedNormal * stddev + mean``);
Keras 3 initializers called in a graph build the stateless variants of the same ops. Reading
the op types and folding the constants gives the exact law, as a catalogue
:class:`tf1init.catalogue.Law`. Anything else (an orthogonal QR, a law built from other
variables) returns None and the doctor falls back to sampling the initial value in a session.
"""
from dataclasses import dataclass
from typing import Optional, Tuple

import numpy as np

from tf1init._tf import tf
from tf1init.catalogue.laws import Law

# op type -> the standard law it draws
_BASES = {
    "RandomUniform": "uniform", "StatelessRandomUniform": "uniform",
    "StatelessRandomUniformV2": "uniform",
    "RandomStandardNormal": "normal", "StatelessRandomNormal": "normal",
    "StatelessRandomNormalV2": "normal",
    "TruncatedNormal": "truncated_normal", "StatelessTruncatedNormal": "truncated_normal",
    "StatelessTruncatedNormalV2": "truncated_normal",
}
_PASS = frozenset({"Identity", "Snapshot", "StopGradient", "Reshape", "Cast", "EnsureShape"})
_MAX_DEPTH = 32


@dataclass(frozen=True)
class InitialLaw:
    """What an initial value draws: a description, its variance and mean, and the value when constant."""

    description: str
    variance: float
    mean: float
    constant: Optional[float]


def _const(tensor, depth: int = 0) -> Optional[np.ndarray]:
    """The value of a tensor computed only from constants (Const, Fill, + - * /), else None."""
    op = tensor.op
    if depth > _MAX_DEPTH:
        return None
    if op.type == "Const":
        return tf.make_ndarray(op.get_attr("value"))
    if op.type in _PASS:
        return _const(op.inputs[0], depth + 1)
    args = [_const(t, depth + 1) for t in op.inputs]
    if any(a is None for a in args):
        return None
    with np.errstate(all="ignore"):
        if op.type == "Fill":
            return np.full(tuple(args[0].tolist()), args[1])
        if op.type in ("Add", "AddV2"):
            return args[0] + args[1]
        if op.type == "Sub":
            return args[0] - args[1]
        if op.type in ("Mul", "MulV2"):
            return args[0] * args[1]
        if op.type in ("RealDiv", "Div"):
            return args[0] / args[1]
        if op.type == "Neg":
            return -args[0]
        if op.type == "Sqrt":
            return np.sqrt(args[0])
    return None


def _scalar(array) -> Optional[float]:
    if array is None or array.size == 0:
        return None
    flat = np.asarray(array, dtype=np.float64).ravel()
    return float(flat[0]) if np.all(flat == flat[0]) else None


def _affine(tensor, depth: int = 0) -> Optional[Tuple[str, float, float]]:
    """(base law, a, b) with value = a * base + b, for a random op under scalar affine maps."""
    op = tensor.op
    if depth > _MAX_DEPTH:
        return None
    if op.type in _BASES:
        return _BASES[op.type], 1.0, 0.0
    if op.type in _PASS:
        return _affine(op.inputs[0], depth + 1)
    if op.type == "Neg":
        inner = _affine(op.inputs[0], depth + 1)
        return None if inner is None else (inner[0], -inner[1], -inner[2])
    if op.type in ("Add", "AddV2", "Sub", "Mul", "MulV2", "RealDiv", "Div"):
        left, right = op.inputs[0], op.inputs[1]
        lc, rc = _scalar(_const(left)), _scalar(_const(right))
        if rc is not None and lc is None:
            inner = _affine(left, depth + 1)
            if inner is None:
                return None
            base, a, b = inner
            if op.type in ("Add", "AddV2"):
                return base, a, b + rc
            if op.type == "Sub":
                return base, a, b - rc
            if op.type in ("Mul", "MulV2"):
                return base, a * rc, b * rc
            return (base, a / rc, b / rc) if rc != 0 else None
        if lc is not None and rc is None:
            inner = _affine(right, depth + 1)
            if inner is None:
                return None
            base, a, b = inner
            if op.type in ("Add", "AddV2"):
                return base, a, b + lc
            if op.type == "Sub":
                return base, -a, lc - b
            if op.type in ("Mul", "MulV2"):
                return base, a * lc, b * lc
    return None


def describe(law: Law) -> str:
    """A short text for a law, e.g. 'uniform [-0.306, 0.306)' or 'truncated normal (stddev 0.1)'."""
    d = law.distribution
    if d == "constant":
        return f"constant {law.mean:.4g}"
    if d == "uniform":
        return f"uniform [{law.low:.4g}, {law.high:.4g})"
    if d in ("normal", "truncated_normal"):
        mean = f"mean {law.mean:.4g}, " if law.mean else ""
        return f"{d.replace('_', ' ')} ({mean}stddev {law.stddev:.4g})"
    return f"{d} (gain {law.gain:.4g})"


def from_law(law: Law) -> InitialLaw:
    mean, std, _, _ = law.moments()
    constant = law.mean if law.distribution == "constant" else None
    return InitialLaw(describe(law), std * std, mean, constant)


def from_values(values, description: str) -> InitialLaw:
    flat = np.asarray(values, dtype=np.float64).ravel()
    constant = float(flat[0]) if flat.size and np.all(flat == flat[0]) else None
    return InitialLaw(description if constant is None else f"constant {constant:.4g}",
                      float(flat.var()) if flat.size else 0.0,
                      float(flat.mean()) if flat.size else 0.0, constant)


def read_initial_law(tensor, shape) -> Optional[InitialLaw]:
    """The law of ``tensor`` (a variable's initial value) read from its ops, or None."""
    values = _const(tensor)
    if values is not None:
        try:
            values = np.broadcast_to(values, tuple(shape))
        except ValueError:
            pass
        return from_values(values, "fixed values stored in the graph")
    found = _affine(tensor)
    if found is None:
        return None
    base, a, b = found
    shape = tuple(shape)
    if a == 0:
        return from_law(Law("constant", shape, mean=b))
    if base == "uniform":
        low, high = sorted((b, a + b))
        return from_law(Law("uniform", shape, low=low, high=high))
    return from_law(Law(base, shape, mean=b, stddev=abs(a)))
