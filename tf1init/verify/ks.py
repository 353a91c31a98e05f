"""Two-sample tests in numpy alone (scipy is a test dependency, not a runtime one).

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> a, b = rng.normal(0, 1, 2000), rng.normal(0, 1, 3000)
    >>> statistic, p = ks_2samp(a, b)
    >>> p > 0.01
    True
    >>> ks_2samp(a, rng.normal(0.3, 1, 3000))[1] < 1e-6
    True
    >>> round(normal_quantile(0.975), 4)
    1.96
"""
import math
from typing import Tuple

import numpy as np


def kolmogorov_sf(x: float) -> float:
    """P(K > x) for the Kolmogorov distribution (the limit law of sqrt(n) * D)."""
    if x <= 0.0:
        return 1.0
    if x < 0.2:  # the series converges slowly there and the answer is 1 to double precision
        return 1.0
    total = 0.0
    for j in range(1, 101):
        term = math.exp(-2.0 * j * j * x * x)
        total += term if j % 2 else -term
        if term < 1e-17:
            break
    return min(1.0, max(0.0, 2.0 * total))


def ks_2samp(a, b) -> Tuple[float, float]:
    """The two-sample Kolmogorov-Smirnov statistic D and its asymptotic p-value.

    The p-value uses Stephens' small-sample correction of the limit law,
    Q((sqrt(ne) + 0.12 + 0.11 / sqrt(ne)) * D) with ne = n*m/(n+m) (scipy's ``kstwobign`` form):
    accurate to a few per cent of p for n, m >= 20, which is all a same-law verdict needs.
    """
    a = np.sort(np.asarray(a, dtype=np.float64).ravel())
    b = np.sort(np.asarray(b, dtype=np.float64).ravel())
    n, m = a.size, b.size
    if n == 0 or m == 0:
        raise ValueError(f"ks_2samp needs two non-empty samples (got {n} and {m} values)")
    points = np.concatenate([a, b])
    cdf_a = np.searchsorted(a, points, side="right") / n
    cdf_b = np.searchsorted(b, points, side="right") / m
    statistic = float(np.max(np.abs(cdf_a - cdf_b)))
    root = math.sqrt(n * m / (n + m))
    return statistic, kolmogorov_sf((root + 0.12 + 0.11 / root) * statistic)


def normal_quantile(p: float) -> float:
    """The standard normal quantile, by bisection on erfc (no scipy): for test thresholds."""
    if not 0.0 < p < 1.0:
        raise ValueError(f"normal_quantile needs 0 < p < 1, got {p!r}")
    low, high = -40.0, 40.0
    for _ in range(200):
        mid = (low + high) / 2.0
        if 0.5 * math.erfc(-mid / math.sqrt(2.0)) < p:
            low = mid
        else:
            high = mid
    return (low + high) / 2.0
