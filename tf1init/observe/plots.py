"""PNG figures of weights: initial values per layer, and their statistics during training.

matplotlib is imported when a figure is drawn, never at ``import tf1init``, and only through
``matplotlib.figure.Figure`` (the Agg canvas): no pyplot, so drawing here neither switches a
notebook's backend nor leaves open figures behind.

    >>> import numpy as np, os, tempfile
    >>> rng = np.random.default_rng(0)
    >>> path = os.path.join(tempfile.mkdtemp(), "init.png")
    >>> plot = plot_histograms({"dense/kernel": rng.normal(0, 0.1, (64, 32)),
    ...                         "dense/bias": np.zeros(32), "out/kernel": rng.uniform(-1, 1, (32, 4))},
    ...                        path)
    >>> plot.panels, plot.axes
    (('dense', 'out'), 2)
    >>> open(path, "rb").read(8) == b"\\x89PNG\\r\\n\\x1a\\n"
    True
"""
import math
import os
from collections import OrderedDict
from dataclasses import dataclass
from typing import Optional, Sequence, Tuple

import numpy as np

from tf1init.observe.stats import layer_of, stats_of, weight_values


@dataclass(frozen=True)
class PlotFile:
    """A PNG written: its path, the title of each panel in order, and the figure's axes count."""

    path: str
    panels: Tuple[str, ...]
    axes: int


def _figure(panels: int, ncols: int, width: float, height: float):
    from matplotlib.figure import Figure

    ncols = max(1, min(ncols, panels))
    nrows = max(1, math.ceil(panels / ncols))
    fig = Figure(figsize=(width * ncols, height * nrows + 0.6), layout="constrained")
    axes = [fig.add_subplot(nrows, ncols, i + 1) for i in range(panels)]
    return fig, axes


def _save(fig, path) -> str:
    path = os.fspath(path)
    folder = os.path.dirname(path)
    if folder:
        os.makedirs(folder, exist_ok=True)
    fig.savefig(path, dpi=100, format="png")
    return path


def _short(name: str, layer: str) -> str:
    return name[len(layer) + 1:] if name.startswith(layer + "/") else name


def plot_histograms(source, path, selection=None, *, bins: int = 60,
                    title: str = "Initial weight values per layer") -> PlotFile:
    """One PNG, one panel per layer, a histogram of each of the layer's variables.

    ``source`` and ``selection`` as for :func:`tf1init.weight_stats` (a session, a Keras model, a
    checkpoint or a mapping name -> array); layers are the names up to the last '/'. A variable
    whose values are all equal (a zero bias) is drawn as a vertical line, so that it cannot
    flatten the kernel's histogram.
    """
    values = weight_values(source, selection)
    layers: "OrderedDict[str, list]" = OrderedDict()
    for name, array in values.items():
        layers.setdefault(layer_of(name), []).append((name, np.asarray(array)))
    if not layers:
        raise ValueError("no variable to plot: the selection is empty")
    fig, axes = _figure(len(layers), ncols=3, width=5.0, height=3.4)
    fig.suptitle(title, fontsize=13)
    colours = ["tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple", "tab:brown"]
    for ax, (layer, members) in zip(axes, layers.items()):
        finite = [a.astype(np.float64).ravel() for _, a in members if a.size]
        finite = [f[np.isfinite(f)] for f in finite]
        pooled = np.concatenate(finite) if finite else np.zeros(1)
        lo, hi = (float(pooled.min()), float(pooled.max())) if pooled.size else (0.0, 0.0)
        if hi - lo < 1e-12:
            lo, hi = lo - 0.5, hi + 0.5
        edges = np.linspace(lo, hi, bins + 1)
        tallest = 0.0
        for i, (name, array) in enumerate(members):
            row = stats_of(name, array)
            label = f"{_short(name, layer)} {'x'.join(map(str, row.shape)) or 'scalar'}"
            colour = colours[i % len(colours)]
            if row.std is None:
                continue
            if row.std == 0:
                # Dashes of different phases keep two constants at the same value both visible.
                ax.axvline(row.mean, color=colour, linewidth=2, linestyle=(2 * i, (4, 4)),
                           label=f"{label}: all {row.mean:.4g}")
                continue
            flat = array.astype(np.float64).ravel()
            counts, _, _ = ax.hist(flat[np.isfinite(flat)], bins=edges, histtype="stepfilled",
                                   alpha=0.45, color=colour, edgecolor=colour,
                                   label=f"{label}: mean {row.mean:.3g}, std {row.std:.3g}")
            tallest = max(tallest, float(np.max(counts)))
        pad = 0.04 * (hi - lo)
        ax.set_xlim(lo - pad, hi + pad)
        ax.set_ylim(0, 1.4 * tallest if tallest else 1.0)  # headroom for the legend
        ax.set_title(layer, fontsize=10)
        ax.set_xlabel("value")
        ax.set_ylabel("count (values per bin)")
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=7, loc="upper right")
        ax.grid(alpha=0.3)
    return PlotFile(_save(fig, path), tuple(layers), len(fig.axes))


def _relative_std(first: dict):
    def get(row):
        start = first.get(row.name)
        if row.std is None or not start:
            return None
        return 100.0 * (row.std / start - 1.0)

    return get


# statistic -> (panel title, y label, value from a VariableStats, y axis starts at 0)
_HISTORY_PANELS = OrderedDict([
    ("std", ("Standard deviation", "std of the values", lambda r: r.std, True)),
    ("std_change", ("Change of std since the first record", "std change (%)", None, False)),
    ("mean", ("Mean", "mean of the values", lambda r: r.mean, False)),
    ("max_abs", ("Largest magnitude", "max |value|",
                 lambda r: None if r.max is None else max(abs(r.min), abs(r.max)), True)),
    ("zero_fraction", ("Exact zeros", "zeros (% of values)",
                       lambda r: None if r.zero_fraction is None else 100 * r.zero_fraction, True)),
])


def _default_series(points) -> Sequence[str]:
    names = []
    for _, report in points:
        for row in report:
            if row.name not in names and len(row.shape) >= 2:
                names.append(row.name)
    if names:
        return names
    return list(OrderedDict.fromkeys(row.name for _, report in points for row in report))


def plot_history(history, path, *, variables: Optional[Sequence[str]] = None,
                 stats: Sequence[str] = tuple(_HISTORY_PANELS),
                 title: str = "Weight statistics during training") -> PlotFile:
    """One PNG, a panel per statistic, a line per variable.

    Panels: std, its change since the first record (%), mean, max |value|, % exact zeros.

    ``history`` is a :class:`tf1init.observe.monitor.StatsHistory` (what the Keras callback and the
    session hook record). By default the kernels (rank >= 2) are drawn, or every variable if
    there is no kernel; ``variables`` picks others by name.
    """
    points = list(history.points)
    if not points:
        raise ValueError("the history is empty: nothing was recorded yet")
    unknown = [s for s in stats if s not in _HISTORY_PANELS]
    if unknown:
        raise ValueError(f"unknown statistic {unknown[0]!r}; choose from {', '.join(_HISTORY_PANELS)}")
    names = list(variables) if variables is not None else list(_default_series(points))
    first = {row.name: row.std for row in points[0][1]}
    fig, axes = _figure(len(stats), ncols=3, width=4.6, height=3.4)
    fig.suptitle(f"{title} ({len(names)} variables, {len(points)} records)", fontsize=13)
    from matplotlib import colormaps

    cmap = colormaps["tab10" if len(names) <= 10 else "tab20"]
    handles = []
    for ax, stat in zip(axes, stats):
        panel_title, ylabel, get, from_zero = _HISTORY_PANELS[stat]
        get = get or _relative_std(first)
        top = 0.0
        for i, name in enumerate(names):
            xs, ys = [], []
            for x, report in points:
                if name in report.names:
                    value = get(report[name])
                    if value is not None and math.isfinite(value):
                        xs.append(x)
                        ys.append(value)
            top = max([top] + ys)
            style = "-" if i < 20 else "--"
            (line,) = ax.plot(xs, ys, style, marker="o", markersize=3, color=cmap(i % cmap.N),
                              label=name)
            if stat == stats[0]:
                handles.append(line)
        if from_zero:
            ax.set_ylim(0, 1.1 * top if top > 0 else 1.0)
        if stat == "std_change":
            ax.axhline(0.0, color="black", linewidth=0.8)
        ax.set_title(panel_title, fontsize=10)
        ax.set_xlabel(history.unit)
        ax.set_ylabel(ylabel)
        ax.grid(alpha=0.3)
    fig.legend(handles=handles, loc="outside right upper", fontsize=7, title="variable")
    return PlotFile(_save(fig, path), tuple(_HISTORY_PANELS[s][0] for s in stats), len(fig.axes))
