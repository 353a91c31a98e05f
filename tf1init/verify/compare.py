"""The verdict on one pair of variables: bit-identical, the same law, or different, with numbers.

"Same law" is what a correct migration gives when the random streams differ (TF 2.x derives op
seeds from a graph-level seed differently from TF 1.x, Keras 3 draws differently from TF1 ops):
the values differ but are draws from one distribution. It needs three tests to pass at level
``alpha``: the two-sample Kolmogorov-Smirnov test, and z-tests of the means and the variances
(the variance's standard error from the sample's fourth moment, so no normality is assumed).
Below ``min_values`` values a law cannot be told from its samples: such a pair is inconclusive.
"""
import math
from dataclasses import dataclass
from typing import Optional

import numpy as np

from tf1init.verify.ks import ks_2samp, normal_quantile
from tf1init.verify.match import Pair, is_optimizer_state  # noqa: F401  (re-exported)

IDENTICAL = "identical"
SAME_LAW = "same law"
DIFFERENT = "different"
INCONCLUSIVE = "inconclusive"
MISSING = "missing"
UNREAD = "not read"  # neither program ever initialized it: nothing to compare, nothing wrong
OPTIMIZER = "optimizer state"  # an optimizer's own variable on one side (TF1 slots, Keras 3 state)
STATUSES = (IDENTICAL, SAME_LAW, DIFFERENT, INCONCLUSIVE, MISSING, UNREAD, OPTIMIZER)




@dataclass(frozen=True)
class Thresholds:
    """When two samples count as one law."""

    alpha: float = 1e-3
    min_values: int = 20

    @property
    def z(self) -> float:
        return normal_quantile(1.0 - self.alpha / 2.0)


@dataclass(frozen=True)
class Stats:
    """The numbers behind a verdict (NaN where not applicable)."""

    n_original: int
    n_migrated: int
    mean_original: float
    mean_migrated: float
    std_original: float
    std_migrated: float
    ks_statistic: float = math.nan
    ks_p: float = math.nan
    mean_z: float = math.nan
    var_z: float = math.nan
    max_abs_diff: float = math.nan
    equal_fraction: float = math.nan


@dataclass(frozen=True)
class VariableResult:
    """One row of the report."""

    pair: Pair
    status: str
    detail: str
    stats: Optional[Stats] = None

    @property
    def original_name(self) -> Optional[str]:
        return self.pair.original.name if self.pair.original else None

    @property
    def migrated_name(self) -> Optional[str]:
        return self.pair.migrated.name if self.pair.migrated else None


def _moments(x: np.ndarray):
    mean = float(x.mean())
    centred = x - mean
    var = float(np.mean(centred ** 2))
    return mean, var, float(np.mean(centred ** 4))


def _z(difference: float, variance: float) -> float:
    if variance > 0:
        return abs(difference) / math.sqrt(variance)
    return 0.0 if difference == 0 else math.inf


def _same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def compare_values(a: np.ndarray, b: np.ndarray, thresholds: Thresholds = Thresholds()):
    """(status, detail, Stats) for two arrays of values.

    >>> import numpy as np
    >>> rng = np.random.default_rng(1)
    >>> compare_values(np.ones(3), np.ones(3))[0]
    'identical'
    >>> compare_values(rng.normal(0, 1, (64, 64)), rng.normal(0, 1, (64, 64)))[0]
    'same law'
    >>> compare_values(rng.normal(0, 1, (64, 64)), rng.normal(0, 1.1, (64, 64)))[0]
    'different'
    """
    with np.errstate(invalid="ignore", over="ignore"):
        return _compare_values(a, b, thresholds)


def _compare_values(a, b, thresholds):
    x = np.asarray(a).astype(np.float64).ravel()
    y = np.asarray(b).astype(np.float64).ravel()
    if x.size == 0 or y.size == 0:
        same = x.size == y.size and np.asarray(a).shape == np.asarray(b).shape
        return (IDENTICAL if same else DIFFERENT), "empty", None
    (mx, vx, m4x), (my, vy, m4y) = _moments(x), _moments(y)
    stats = dict(n_original=x.size, n_migrated=y.size, mean_original=mx, mean_migrated=my,
                 std_original=math.sqrt(vx), std_migrated=math.sqrt(vy))
    if x.size == y.size:
        differences = np.abs(x - y)
        differences = differences[~np.isnan(differences)]
        stats["max_abs_diff"] = float(differences.max()) if differences.size else math.nan
        stats["equal_fraction"] = float(np.mean(x == y))
    if _same_bits(np.asarray(a), np.asarray(b)):
        return IDENTICAL, "bit for bit", Stats(**stats)
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        return DIFFERENT, "non-finite values that are not bit-identical", Stats(**stats)
    if min(x.size, y.size) < thresholds.min_values:
        return (INCONCLUSIVE,
                f"values differ; fewer than {thresholds.min_values} values cannot show a law",
                Stats(**stats))
    d, p = ks_2samp(x, y)
    mean_z = _z(mx - my, vx / x.size + vy / y.size)
    var_z = _z(vx - vy, max(m4x - vx * vx, 0.0) / x.size + max(m4y - vy * vy, 0.0) / y.size)
    stats.update(ks_statistic=d, ks_p=p, mean_z=mean_z, var_z=var_z)
    z = thresholds.z
    failed = []
    if p < thresholds.alpha:
        failed.append(f"KS p={p:.2g} < {thresholds.alpha:g}")
    if mean_z > z:
        failed.append(f"means {mx:.4g} vs {my:.4g} (z={mean_z:.1f})")
    if var_z > z:
        failed.append(f"stds {math.sqrt(vx):.4g} vs {math.sqrt(vy):.4g} (z={var_z:.1f})")
    if failed:
        return DIFFERENT, "; ".join(failed), Stats(**stats)
    return SAME_LAW, f"KS p={p:.2g}, mean z={mean_z:.1f}, var z={var_z:.1f}", Stats(**stats)


def compare_pair(pair: Pair, thresholds: Thresholds = Thresholds()) -> VariableResult:
    """The verdict on one matched pair (or a variable only one program created)."""
    a, b = pair.original, pair.migrated
    if a is None or b is None:
        only = a or b
        side = "original" if a is not None else "migrated"
        if is_optimizer_state(only.name):
            return VariableResult(pair, OPTIMIZER, f"the {side} program's optimizer state, not compared")
        return VariableResult(pair, MISSING, f"only the {side} program creates {only.name} "
                                             f"{list(only.shape) if only.shape else ''}".rstrip())
    if a.values is None and b.values is None:
        note = a.note or b.note or "neither program initialized it"
        return VariableResult(pair, UNREAD, note)
    if a.values is None or b.values is None:
        unread = a if a.values is None else b
        side = "original" if unread is a else "migrated"
        why = unread.note or "never initialized"
        return VariableResult(pair, DIFFERENT, f"the {side} program's value was not read: {why}")
    status, detail, stats = compare_values(a.values, b.values, thresholds)
    late = [side for side, v in (("original", a), ("migrated", b)) if v.read_at.startswith("program exit")]
    late = f" ({' and '.join(late)} read at program exit, not at initialization)" if late else ""
    problems = []
    if a.values.shape != b.values.shape:
        problems.append(f"shape {list(a.values.shape)} vs {list(b.values.shape)}")
    if a.dtype != b.dtype:
        problems.append(f"dtype {a.dtype} vs {b.dtype}")
    if problems:
        flat_same = a.values.dtype == b.values.dtype and a.values.tobytes() == b.values.tobytes()
        law = (" (the same values, flattened)" if flat_same
               else f" (values: {status})" if status in (SAME_LAW, IDENTICAL) else "")
        return VariableResult(pair, DIFFERENT, "; ".join(problems) + law + late, stats)
    return VariableResult(pair, status, detail + late, stats)
