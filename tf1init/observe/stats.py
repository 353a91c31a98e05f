"""Weight statistics per variable: what initialization actually produced, read in one run.

A bad initialization shows in a few numbers long before a loss curve does: a std that is far
from sqrt(scale / fan_in), a kernel that is all zeros, a max that is 100 times the std. This
module reads every selected variable of a TF1 session in ONE ``session.run`` (or of a Keras 3
model, a TF checkpoint, or a mapping of arrays) and reports, per variable: shape, dtype,
fan-in/fan-out (the catalogue's rules; ``-`` where a shape has none), mean, std, min, max and
the fraction of exact zeros. Statistics are computed in float64 with numpy.

    >>> import numpy as np
    >>> report = weight_stats({"dense/kernel": np.array([[0.0, 1.0], [2.0, 3.0]]),
    ...                        "dense/bias": np.zeros(2, np.float32)})
    >>> row = report["dense/kernel"]
    >>> row.fan_in, row.mean, row.max, row.zero_fraction
    (2, 1.5, 3.0, 0.25)
    >>> print(report)
    variable      shape  dtype    fan_in  fan_out  mean  std    min  max  zeros
    dense/kernel  2x2    float64  2       2        1.5   1.118  0    3    25.0%
    dense/bias    2      float32  2       2        0     0      0    0    100.0%
"""
import json
import math
import re
from collections import OrderedDict
from dataclasses import asdict, dataclass
from typing import Dict, Iterator, List, Mapping, Optional, Sequence, Tuple

import numpy as np

from tf1init.catalogue.fans import compute_fans
from tf1init.errors import FanError, SelectionError, closest

STAT_NAMES = ("mean", "std", "min", "max", "zero_fraction")


@dataclass(frozen=True)
class VariableStats:
    """The statistics of one variable's current values.

    ``fan_in``/``fan_out`` are None where the shape has none (a scalar, a zero-size dimension);
    the numbers are None for a variable that is empty or not numeric.
    """

    name: str
    layer: str
    shape: Tuple[int, ...]
    dtype: str
    fan_in: Optional[int]
    fan_out: Optional[int]
    size: int
    mean: Optional[float]
    std: Optional[float]
    min: Optional[float]
    max: Optional[float]
    zero_fraction: Optional[float]

    def to_dict(self) -> dict:
        out = asdict(self)
        out["shape"] = list(self.shape)
        for key in STAT_NAMES:
            out[key] = _json_number(out[key])
        return out


@dataclass(frozen=True)
class WeightReport:
    """Statistics of several variables, in graph / model order.

    Index it by position or by variable name; ``str()`` is an aligned table, ``to_json()`` the
    same numbers as JSON (non-finite values as the strings "nan", "inf", "-inf").
    """

    variables: Tuple[VariableStats, ...]

    def __iter__(self) -> Iterator[VariableStats]:
        return iter(self.variables)

    def __len__(self) -> int:
        return len(self.variables)

    def __getitem__(self, key):
        if isinstance(key, str):
            for row in self.variables:
                if row.name == key:
                    return row
            near = closest(key, self.names)
            raise KeyError(f"no variable {key!r} in this report; closest: {near or list(self.names)[:5]}")
        return self.variables[key]

    @property
    def names(self) -> Tuple[str, ...]:
        return tuple(row.name for row in self.variables)

    def table(self) -> str:
        """The report as an aligned plain-text table, one variable per line."""
        header = ["variable", "shape", "dtype", "fan_in", "fan_out", "mean", "std", "min", "max", "zeros"]
        rows = [header] + [_table_row(row) for row in self.variables]
        widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
        return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip() for r in rows)

    def __str__(self) -> str:
        return self.table()

    def to_dict(self) -> dict:
        return {"variables": [row.to_dict() for row in self.variables]}

    def to_json(self, indent: Optional[int] = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent)


def _json_number(value):
    if value is None or math.isfinite(value):
        return value
    return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")


def _fmt(value: Optional[float]) -> str:
    if value is None:
        return "-"
    if value == 0:
        return "0"
    return f"{value:.4g}"


def _table_row(row: VariableStats) -> List[str]:
    shape = "x".join(map(str, row.shape)) if row.shape else "scalar"
    zeros = "-" if row.zero_fraction is None else f"{100 * row.zero_fraction:.1f}%"
    return [row.name, shape, row.dtype, _fmt(row.fan_in), _fmt(row.fan_out), _fmt(row.mean),
            _fmt(row.std), _fmt(row.min), _fmt(row.max), zeros]


def layer_of(name: str) -> str:
    """The layer a variable belongs to: its name up to the last '/' (the name itself if none)."""
    layer = name.rpartition("/")[0]
    return layer or name


def fans_or_none(shape: Sequence[int]) -> Tuple[Optional[int], Optional[int]]:
    """(fan_in, fan_out) by the catalogue's rules, or (None, None) where they are undefined."""
    try:
        return compute_fans(shape)
    except FanError:
        return None, None


def stats_of(name: str, values, dtype: Optional[str] = None) -> VariableStats:
    """The statistics of one array (any numeric dtype), computed in float64."""
    array = np.asarray(values)
    dtype = dtype or array.dtype.name
    shape = tuple(int(d) for d in array.shape)
    fan_in, fan_out = fans_or_none(shape)
    numbers: Dict[str, Optional[float]] = dict.fromkeys(STAT_NAMES)
    if array.size and (np.issubdtype(array.dtype, np.number) or array.dtype == np.bool_):
        flat = array.astype(np.float64).ravel()
        with np.errstate(invalid="ignore", over="ignore"):
            numbers = {
                "mean": float(flat.mean()),
                "std": float(flat.std()),
                "min": float(flat.min()),
                "max": float(flat.max()),
                "zero_fraction": float(np.count_nonzero(flat == 0.0)) / flat.size,
            }
    return VariableStats(name, layer_of(name), shape, dtype, fan_in, fan_out, int(array.size),
                         **numbers)


def stats_from_values(values: Mapping[str, object]) -> WeightReport:
    """A report from a mapping name -> array (e.g. what :func:`weight_values` returns)."""
    return WeightReport(tuple(stats_of(name, array) for name, array in values.items()))


# --- reading values ---


def _is_session(source) -> bool:
    return hasattr(source, "graph") and hasattr(source, "run") and hasattr(source, "close")


def _is_keras_model(source) -> bool:
    return hasattr(source, "weights") and hasattr(source, "layers")


def _in_scope(name: str, scope: str) -> bool:
    return name == scope or name.startswith(scope + "/")


def select_names(names: Sequence[str], selection) -> List[str]:
    """The names that ``selection`` picks: None (all), a scope prefix, a compiled regex, a list.

    The same rules as :func:`tf1init.select_variables`, for sources that are not TF1 graphs.
    """
    names = list(names)
    if selection is None:
        return names
    if isinstance(selection, re.Pattern):
        chosen = [n for n in names if selection.match(n)]
        if not chosen:
            raise SelectionError(f"the pattern {selection.pattern!r} matches no variable (it must "
                                 f"match from the start of the name); closest: "
                                 f"{closest(selection.pattern, names) or names[:5]}")
        return chosen
    if isinstance(selection, str):
        scope = selection.rstrip("/")
        chosen = [n for n in names if _in_scope(n, scope)]
        if not chosen:
            raise SelectionError(f"no variable is in the scope {selection!r}; closest: "
                                 f"{closest(scope, names) or names[:5]}")
        return chosen
    wanted = [getattr(item, "path", None) or getattr(item, "name", item) for item in selection]
    missing = [w for w in wanted if w not in names]
    if missing:
        raise SelectionError(f"no variable named {missing[0]!r}; closest: "
                             f"{closest(str(missing[0]), names) or names[:5]}")
    return [n for n in names if n in set(wanted)]


def _session_values(session, selection) -> "OrderedDict[str, np.ndarray]":
    from tf1init._tf import tf
    from tf1init.errors import UninitializedVariablesError
    from tf1init.session.initialization import uninitialized_variables
    from tf1init.session.readiness import _message
    from tf1init.graph.selection import select_variables, variable_name

    variables = select_variables(session.graph, selection)
    try:
        arrays = session.run(variables)  # one run; fetching a variable builds no op
    except tf.errors.FailedPreconditionError:
        missing = uninitialized_variables(session, variables)
        if not missing:
            raise
        raise UninitializedVariablesError(_message(missing, {}, None),
                                          [variable_name(v) for v in missing]) from None
    return OrderedDict((variable_name(v), np.asarray(a)) for v, a in zip(variables, arrays))


def _keras_values(model, selection) -> "OrderedDict[str, np.ndarray]":
    weights = OrderedDict()
    for weight in model.weights:
        weights.setdefault(getattr(weight, "path", None) or weight.name, weight)
    chosen = select_names(list(weights), selection)
    return OrderedDict((name, np.asarray(weights[name].numpy())) for name in chosen)


def _checkpoint_values(path: str, selection) -> "OrderedDict[str, np.ndarray]":
    # The same checks, and the same messages, as `tf1init ckpt`: a missing checkpoint, a damaged
    # index or a truncated data shard is named before TensorFlow is imported, and a tensor whose
    # bytes fail their CRC raises CorruptCheckpointError rather than a TensorFlow traceback.
    from tf1init.checkpoints.compare import value_reader
    from tf1init.checkpoints.reader import resolve_checkpoint, verify_checkpoint

    prefix = resolve_checkpoint(path)
    chosen = select_names(list(verify_checkpoint(prefix)), selection)  # sorted by name
    read = value_reader(prefix)
    return OrderedDict((name, read(name)) for name in chosen)


def weight_values(source, selection=None) -> "OrderedDict[str, np.ndarray]":
    """Name -> current value of each selected variable of ``source``.

    ``source``: a ``tf.compat.v1.Session`` (its graph's global and local variables, fetched in
    one run; uninitialized ones raise :class:`tf1init.UninitializedVariablesError` naming them),
    a Keras 3 model (``model.weights``, keyed by path), a TF checkpoint path or folder, or a
    mapping name -> array. ``selection``: None (all), a scope prefix, a compiled regex, or a list
    of variables or names. A checkpoint that is missing or damaged raises
    :class:`tf1init.CheckpointNotFoundError` or :class:`tf1init.CorruptCheckpointError` naming
    the file, as ``tf1init ckpt`` reports it.
    """
    if _is_session(source):
        return _session_values(source, selection)
    if _is_keras_model(source):
        return _keras_values(source, selection)
    if isinstance(source, Mapping):
        chosen = select_names(list(source), selection)
        return OrderedDict((name, np.asarray(source[name])) for name in chosen)
    if isinstance(source, str) or hasattr(source, "__fspath__"):
        return _checkpoint_values(str(source), selection)
    raise TypeError(f"weight statistics need a tf.compat.v1.Session, a Keras model, a checkpoint "
                    f"path or a mapping name -> array; got {type(source).__name__}")


def weight_stats(source, selection=None) -> WeightReport:
    """Mean, std, min, max, zero fraction, fans, shape and dtype of each selected variable.

    ``source`` and ``selection`` are as for :func:`weight_values`; for a session all values come
    from one ``session.run`` and the graph does not grow.
    """
    values = weight_values(source, selection)
    dtypes = _dtypes(source, values)
    return WeightReport(tuple(stats_of(name, array, dtypes.get(name)) for name, array in values.items()))


def _dtypes(source, values) -> Dict[str, str]:
    """The variables' own dtype names (a bfloat16 variable fetches as a numpy ml_dtypes array)."""
    if _is_keras_model(source):
        return {getattr(w, "path", w.name): str(w.dtype) for w in source.weights}
    return {name: np.asarray(a).dtype.name for name, a in values.items()}
