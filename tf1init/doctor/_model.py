"""What the doctor reports: one row per layer, findings, and the diagnosis that holds them.

TensorFlow-free values, so reports can be built, compared and printed anywhere.
"""
import json
import math
from dataclasses import asdict, dataclass
from typing import Optional, Tuple

# Where a kernel's variance came from.
FROM_INITIALIZER = "initializer"  # the initializer's law, read from graph ops or Keras config
FROM_SAMPLE = "empirical"  # the variance of one sample of the initial value (or current values)
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Layer:
    """One layer with a kernel, as the doctor sees it.

    ``gain`` is fan_in * var(w) * c(activation), the factor by which the layer multiplies the
    second moment of the signal (c = 1/2 for ReLU, 1 for tanh near 0 and linear...); ``product``
    the product of gains from the first layer of its chain up to this one. Both are None where
    the variance is unknown or the kernel is constant.
    """

    name: str
    kernel: str
    layer_type: str
    shape: Tuple[int, ...]
    fan_in: int
    fan_out: int
    activation: str
    initializer: str
    variance: Optional[float]
    source: str
    constant: Optional[float] = None
    gain: Optional[float] = None
    product: Optional[float] = None
    parent: Optional[str] = None
    normalized: bool = False
    negative_slope: Optional[float] = None
    note: str = ""

    @property
    def activation_label(self) -> str:
        """The activation as shown: ``leaky_relu(0.1)`` carries its slope."""
        if self.negative_slope is not None:
            return f"{self.activation}({self.negative_slope:g})"
        return self.activation

    def to_dict(self) -> dict:
        out = asdict(self)
        out["shape"] = list(self.shape)
        return out


@dataclass(frozen=True)
class Finding:
    """A problem, the layers it concerns, and what to use instead (Keras and TF1 spellings)."""

    code: str
    title: str
    message: str
    layers: Tuple[str, ...]
    instead: Tuple[str, ...]

    def __str__(self) -> str:
        lines = [f"{self.code} {self.title}: {self.message}"]
        lines += [f"  use instead: {line}" for line in self.instead]
        return "\n".join(lines)

    def to_dict(self) -> dict:
        out = asdict(self)
        out["layers"] = list(self.layers)
        out["instead"] = list(self.instead)
        return out


def _num(value: Optional[float]) -> str:
    if value is None:
        return "-"
    if value == 0:
        return "0"
    if not math.isfinite(value):
        return str(value)
    return f"{value:.3g}"


@dataclass(frozen=True)
class Diagnosis:
    """The doctor's answer for one graph or model: a row per layer and the findings.

    ``ok`` is True when there are no findings; ``exit_code`` is what ``tf1init doctor``
    returns (0 healthy, 1 findings).
    """

    source: str
    kind: str
    layers: Tuple[Layer, ...]
    findings: Tuple[Finding, ...]
    notes: Tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.findings

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    @property
    def codes(self) -> Tuple[str, ...]:
        return tuple(f.code for f in self.findings)

    def layer(self, name: str) -> Layer:
        for row in self.layers:
            if name in (row.name, row.kernel):
                return row
        raise KeyError(f"no layer {name!r}; layers: {[r.name for r in self.layers]}")

    def table(self) -> str:
        header = ["layer", "type", "shape", "fan_in", "activation", "initializer", "var(w)", "from",
                  "gain", "product"]
        rows = [header]
        for r in self.layers:
            act = r.activation_label + (" (after norm)" if r.normalized else "")
            rows.append([r.name, r.layer_type, "x".join(map(str, r.shape)), str(r.fan_in), act,
                         r.initializer, _num(r.variance), r.source, _num(r.gain), _num(r.product)])
        widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
        return "\n".join("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in rows)

    def __str__(self) -> str:
        count = len(self.findings)
        lines = [f"{self.kind} {self.source}: {len(self.layers)} layer"
                 f"{'s' if len(self.layers) != 1 else ''}, "
                 f"{count} finding{'s' if count != 1 else ''}"]
        if self.layers:
            lines += ["", self.table()]
        lines += [f"note: {n}" for n in self.notes]
        if self.findings:
            lines.append("")
            lines += [str(f) for f in self.findings]
        elif self.layers:
            lines += ["", "no findings: every chain of layers keeps the signal variance within "
                          "[0.5, 2] and every initializer suits its activation"]
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return {"source": self.source, "kind": self.kind, "ok": self.ok,
                "layers": [r.to_dict() for r in self.layers],
                "findings": [f.to_dict() for f in self.findings], "notes": list(self.notes)}

    def to_json(self, indent: Optional[int] = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, default=str)
