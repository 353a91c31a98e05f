"""One PNG per variable that does not pass: the two histograms overlaid on the same bins.

matplotlib (a tf1init dependency) is imported only when a plot is asked for, through
``matplotlib.figure.Figure`` alone: no pyplot, so no backend is switched and no figure is left open.
"""
import os
import re
from typing import List

import numpy as np

from tf1init.verify.report import VerifyReport


def _file_name(index: int, name: str) -> str:
    return f"{index:03d}-{re.sub(r'[^A-Za-z0-9_.-]+', '_', name).strip('_')[:80]}.png"


def plot_differences(report: VerifyReport, folder: str, bins: int = 60) -> List[str]:
    """Write the overlay of each compared pair whose status does not pass; return the paths."""
    from matplotlib.figure import Figure

    paths = []
    for index, result in enumerate(report.variables):
        a, b = result.pair.original, result.pair.migrated
        if result.status in report.settings.passing or a is None or b is None:
            continue
        if a.values is None or b.values is None:
            continue
        x = np.asarray(a.values, dtype=np.float64).ravel()
        y = np.asarray(b.values, dtype=np.float64).ravel()
        x, y = x[np.isfinite(x)], y[np.isfinite(y)]
        if x.size == 0 and y.size == 0:
            continue
        both = np.concatenate([x, y])
        low, high = float(both.min()), float(both.max())
        if low == high:
            low, high = low - 0.5, high + 0.5
        edges = np.linspace(low, high, bins + 1)
        fig = Figure(figsize=(7.0, 4.2), layout="constrained")
        ax = fig.add_subplot(1, 1, 1)
        for side, values, variable, colour in (("original", x, a, "tab:blue"),
                                               ("migrated", y, b, "tab:orange")):
            label = (f"{side}: {variable.name} (mean {values.mean():.4g}, std {values.std():.4g}, "
                     f"n {values.size})" if values.size else f"{side}: {variable.name}: no finite values")
            ax.hist(values, bins=edges, alpha=0.5, color=colour, label=label, density=True)
        ax.set_title(f"{result.status}: {result.detail}"[:110], fontsize=9)
        ax.set_xlabel("initial value")
        ax.set_ylabel("density")
        ax.legend(fontsize=8)
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, _file_name(index, b.name if a.name == b.name else f"{a.name}-vs-{b.name}"))
        fig.savefig(path, dpi=100, format="png")
        paths.append(path)
    return paths
