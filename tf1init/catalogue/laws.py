"""Closed-form laws: what distribution a spelling draws for a shape, computed without TensorFlow.

Each implementation gets its own few lines written from its own source (TF1 ``init_ops``, TF
1.15 contrib, Keras 3 ``random_initializers``), so comparing the law of a TF1 call with the law
of its translation is a real check: a KS test cannot see a 0.3% scale error at 100,000 samples,
these numbers can (tests compare them to 1e-9 relative).

    >>> from tf1init.catalogue import law_of
    >>> law = law_of("tf.contrib.layers.variance_scaling_initializer", {}, (100, 10))
    >>> law.distribution, round(law.stddev, 6)     # sqrt(1.3 * 2 / 100), the pre-truncation sigma
    ('truncated_normal', 0.161245)
"""
import math
from dataclasses import dataclass
from typing import Mapping, Optional, Sequence, Tuple

from tf1init.catalogue._spellings import IMPLS, SPELLINGS, TRUNC_STD
from tf1init.catalogue.fans import fan_for_mode, normalize_shape
from tf1init.errors import FanError, UnknownInitializerError, closest


@dataclass(frozen=True)
class Law:
    """A distribution of initial values.

    ``distribution`` is one of "constant", "normal", "truncated_normal" (cut at mean +- 2
    stddev), "uniform" ([low, high)), "orthogonal" (Haar-random orthogonal matrix times
    ``gain``), "identity" (``gain`` times an identity matrix). ``stddev`` is the parameter given
    to the random op: for a truncated normal the std of the values is ``stddev * 0.8796...``.
    """

    distribution: str
    shape: Tuple[int, ...]
    mean: float = 0.0
    stddev: float = 0.0
    low: float = 0.0
    high: float = 0.0
    gain: float = 1.0

    @property
    def limit(self) -> float:
        """Half-width of a symmetric uniform law."""
        return (self.high - self.low) / 2.0

    def moments(self) -> Tuple[float, float, float, float]:
        """(mean, std, min, max) of the values, in closed form (min/max are the law's support)."""
        d = self.distribution
        if d == "constant":
            return self.mean, 0.0, self.mean, self.mean
        if d == "normal":
            return self.mean, self.stddev, -math.inf, math.inf
        if d == "truncated_normal":
            return (self.mean, self.stddev * TRUNC_STD, self.mean - 2 * self.stddev,
                    self.mean + 2 * self.stddev)
        if d == "uniform":
            return ((self.low + self.high) / 2, (self.high - self.low) / math.sqrt(12),
                    self.low, self.high)
        rows = math.prod(self.shape[:-1])
        cols = self.shape[-1]
        if d == "orthogonal":
            # Each column (or row) is a unit vector: entry variance 1 / max(rows, cols).
            return 0.0, abs(self.gain) / math.sqrt(max(rows, cols)), -abs(self.gain), abs(self.gain)
        if d == "identity":
            p = min(rows, cols) / (rows * cols)
            return self.gain * p, abs(self.gain) * math.sqrt(p * (1 - p)), min(0.0, self.gain), max(
                0.0, self.gain)
        raise AssertionError(d)

    def params(self) -> Tuple[float, ...]:
        """The numbers that define the law, for an exact comparison."""
        return (self.mean, self.stddev, self.low, self.high, self.gain)

    def same_as(self, other: "Law", rel: float = 1e-9) -> bool:
        """True when both laws are the same family with parameters equal to ``rel`` relative."""
        if (self.distribution, self.shape) != (other.distribution, other.shape):
            return False
        return all(
            math.isclose(a, b, rel_tol=rel, abs_tol=1e-300) for a, b in zip(self.params(), other.params())
        )


def _vs(scale: float, mode: str, distribution: str, shape, input_axes=None, output_axes=None) -> Law:
    """Keras 3 / TF1 v1 VarianceScaling.__call__."""
    n = fan_for_mode(shape, mode, input_axes, output_axes)
    s = scale / n
    if distribution in ("truncated_normal", "normal"):
        return Law("truncated_normal", shape, stddev=math.sqrt(s) / TRUNC_STD)
    if distribution == "untruncated_normal":
        return Law("normal", shape, stddev=math.sqrt(s))
    if distribution == "uniform":
        limit = math.sqrt(3.0 * s)
        return Law("uniform", shape, low=-limit, high=limit)
    raise ValueError(f"distribution {distribution!r} is not one of 'uniform', 'truncated_normal', "
                     "'untruncated_normal', 'normal'")


def _contrib_vs(factor: float, mode: str, uniform: bool, shape) -> Law:
    """TF 1.15 tf.contrib.layers.variance_scaling_initializer: sqrt(1.3 * factor / n), no /0.8796."""
    if mode not in ("FAN_IN", "FAN_OUT", "FAN_AVG"):
        raise ValueError(f"mode {mode!r} is not one of 'FAN_IN', 'FAN_OUT', 'FAN_AVG'")
    n = fan_for_mode(shape, mode.lower())
    if uniform:
        limit = math.sqrt(3.0 * factor / n)
        return Law("uniform", shape, low=-limit, high=limit)
    return Law("truncated_normal", shape, stddev=math.sqrt(1.3 * factor / n))


def _law(impl: str, a: Mapping[str, object], shape: Tuple[int, ...]) -> Law:
    fam = IMPLS[impl].family
    if fam == "zeros":
        return Law("constant", shape, mean=0.0)
    if fam == "ones":
        return Law("constant", shape, mean=1.0)
    if fam == "constant":
        return Law("constant", shape, mean=float(a["value"]))
    if fam == "random_normal":
        return Law("normal", shape, mean=float(a["mean"]), stddev=float(a["stddev"]))
    if fam == "truncated_normal" and not impl.startswith("contrib"):
        return Law("truncated_normal", shape, mean=float(a["mean"]), stddev=float(a["stddev"]))
    if fam == "random_uniform":
        maxval = a["maxval"]
        if maxval is None:  # TF1 random_uniform: maxval None means 1 for floats
            maxval = 1.0
        return Law("uniform", shape, low=float(a["minval"]), high=float(maxval))
    if fam == "orthogonal":
        if len(shape) < 2:
            raise FanError(f"shape {shape}: an orthogonal initializer needs rank >= 2")
        return Law("orthogonal", shape, gain=float(a["gain"]))
    if fam == "identity":
        if len(shape) != 2:
            raise FanError(f"shape {shape}: an identity initializer needs rank 2")
        return Law("identity", shape, gain=float(a["gain"]))
    if impl == "contrib.xavier":
        return _contrib_vs(1.0, "FAN_AVG", bool(a["uniform"]), shape)
    if impl == "contrib.variance_scaling":
        return _contrib_vs(float(a["factor"]), str(a["mode"]), bool(a["uniform"]), shape)
    if impl == "v1.UniformUnitScaling":
        if len(shape) == 0 or 0 in shape:
            raise FanError(f"shape {shape} has no input size")
        input_size = max(1.0, float(math.prod(shape[:-1])))
        limit = math.sqrt(3 / input_size) * float(a["factor"])
        return Law("uniform", shape, low=-limit, high=limit)
    axes = (a.get("input_axes"), a.get("output_axes"))
    fixed = {  # family: (scale, mode, distribution) of the Glorot/He/LeCun shortcuts
        "glorot_uniform": (1.0, "fan_avg", "uniform"),
        "glorot_normal": (1.0, "fan_avg", "truncated_normal"),
        "he_uniform": (2.0, "fan_in", "uniform"),
        "he_normal": (2.0, "fan_in", "truncated_normal"),
        "lecun_uniform": (1.0, "fan_in", "uniform"),
        "lecun_normal": (1.0, "fan_in", "truncated_normal"),
    }
    if fam in fixed:
        return _vs(*fixed[fam], shape, *axes)
    if fam == "variance_scaling":
        return _vs(float(a["scale"]), str(a["mode"]), str(a["distribution"]).lower(), shape, *axes)
    raise AssertionError(impl)


def resolve_args(name: str, args: Optional[Mapping[str, object]] = None) -> dict:
    """The spelling's TF1 defaults overlaid with ``args`` (literal values only)."""
    spelling = SPELLINGS.get(name)
    if spelling is None:
        raise UnknownInitializerError(_unknown_message(name))
    merged = dict(spelling.defaults)
    merged.update(args or {})
    return merged


def law_of(name: str, args: Optional[Mapping[str, object]], shape: Sequence[int]) -> Law:
    """The closed-form law that spelling ``name`` called with ``args`` draws for ``shape``.

    For a tensor op (``tf.random_normal``...) the shape is the op's own ``shape`` argument.
    """
    spelling = SPELLINGS.get(name)
    if spelling is None:
        raise UnknownInitializerError(_unknown_message(name))
    return _law(spelling.impl, resolve_args(name, args), normalize_shape(shape))


def _unknown_message(name: str) -> str:
    near = closest(str(name), SPELLINGS.keys())
    hint = f"; closest known: {', '.join(near)}" if near else ""
    return f"unknown initializer {name!r}{hint}"


def law_of_call(call, shape: Sequence[int]) -> Law:
    """The law that a translated :class:`KerasCall` draws (its target is itself a catalogue spelling)."""
    from tf1init.catalogue._translate import Source

    bad = [k for k, v in call.kwargs.items() if isinstance(v, Source)]
    if bad:
        raise ValueError(f"{call.target}: {bad[0]}={call.kwargs[bad[0]].text} is not a literal")
    return law_of(call.target, dict(call.kwargs), shape)
