"""What a restore did: restored, initialized, missing, unused, mismatched, and suggestions.

Like the status object of TF2's ``Checkpoint.restore()``, the report lets the caller decide
how strict to be after the fact about what the checkpoint lacks or has in excess;
``policy="strict"`` makes the same checks raise before anything runs. A shape or dtype
mismatch raises unless accepted with ``on_mismatch="initialize"``.
"""
import dataclasses
from typing import Dict, Optional, Tuple


@dataclasses.dataclass(frozen=True)
class Mismatch:
    """A variable whose checkpoint source has another shape or dtype.

    For a partitioned variable, ``variable`` is its name and shape the whole one; ``parts``
    names its parts, the variables that were not restored.
    """

    variable: str
    variable_shape: Tuple[int, ...]
    variable_dtype: str
    entry: str  # the checkpoint entry (or "a + b", "a[0:3]" for joins and splits)
    entry_shape: Tuple[int, ...]
    entry_dtype: str
    parts: Tuple[str, ...] = ()

    def difference(self) -> str:
        """'shape [12, 4] vs [10, 4] in the checkpoint', and/or the same for dtypes."""
        what = []
        if tuple(self.variable_shape) != tuple(self.entry_shape):
            what.append(f"shape {list(self.variable_shape)} vs {list(self.entry_shape)} in the checkpoint")
        if self.variable_dtype != self.entry_dtype:
            what.append(f"dtype {self.variable_dtype} vs {self.entry_dtype} in the checkpoint")
        return ", ".join(what)

    def __str__(self) -> str:
        parts = f" (partitioned: {', '.join(map(repr, self.parts))})" if self.parts else ""
        return f"variable {self.variable!r}{parts} <- {self.entry!r}: {self.difference()}"


@dataclasses.dataclass
class RestoreReport:
    """The outcome of :func:`tf1init.restore_or_initialize` or :func:`tf1init.warm_start`.

    ``restored``: variable -> the checkpoint entry it got; ``initialized``: variables that ran
    their initializer; ``missing``: variables that should have been restored but the checkpoint
    lacks; ``unused``: entries that name no variable; ``skipped``: entries left out on purpose
    (mapped to None, or for variables excluded from restoring); ``mismatched``: shape or dtype
    disagreements (the call raises on them, unless ``on_mismatch="initialize"``: then those
    variables are initialized instead); ``suggestions``: entry -> variable guesses for renamed
    models, to pass as ``mapping=``.
    """

    checkpoint: Optional[str]
    restored: Dict[str, str] = dataclasses.field(default_factory=dict)
    initialized: Tuple[str, ...] = ()
    missing: Tuple[str, ...] = ()
    unused: Tuple[str, ...] = ()
    skipped: Tuple[str, ...] = ()
    mismatched: Tuple[Mismatch, ...] = ()
    suggestions: Dict[str, str] = dataclasses.field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when every restorable variable was restored and every entry was used."""
        return not (self.missing or self.unused or self.mismatched)

    def problems(self) -> str:
        """The missing, unused and mismatched items in a few lines ('' when ok)."""
        lines = []
        if self.mismatched:
            lines.append(f"{len(self.mismatched)} mismatched: " + "; ".join(str(m) for m in self.mismatched[:10]))
        if self.missing:
            lines.append(f"{len(self.missing)} variables missing from the checkpoint: {_few(self.missing)}")
        if self.unused:
            lines.append(f"{len(self.unused)} checkpoint entries name no variable: {_few(self.unused)}")
        if self.suggestions:
            lines.append(f"renamed? try mapping={self.suggestions!r}")
        return "\n".join(lines)

    def to_dict(self) -> dict:
        """The report as plain JSON-able data."""
        return {
            "checkpoint": self.checkpoint,
            "ok": self.ok,
            "restored": dict(self.restored),
            "initialized": list(self.initialized),
            "missing": list(self.missing),
            "unused": list(self.unused),
            "skipped": list(self.skipped),
            "mismatched": [
                {
                    "variable": m.variable,
                    "variable_shape": list(m.variable_shape),
                    "variable_dtype": m.variable_dtype,
                    "entry": m.entry,
                    "entry_shape": list(m.entry_shape),
                    "entry_dtype": m.entry_dtype,
                    "parts": list(m.parts),
                }
                for m in self.mismatched
            ],
            "suggestions": dict(self.suggestions),
        }

    def __str__(self) -> str:
        rows = [(v, "restored", e) for v, e in sorted(self.restored.items())]
        mismatched = {n for m in self.mismatched for n in (m.parts or (m.variable,))}
        rows += [(v, "initialized", "") for v in self.initialized if v not in self.missing and v not in mismatched]
        rows += [(v, "missing", "initialized instead") for v in self.missing]
        rows += [(m.variable, "mismatched", m.difference() + "; initialized instead") for m in self.mismatched]
        rows += [(e, "unused", "entry names no variable") for e in self.unused]
        rows += [(e, "skipped", "left out on purpose") for e in self.skipped]
        head = (
            f"checkpoint {self.checkpoint or '(none: everything initialized)'}: "
            f"{len(self.restored)} restored, {len(self.initialized)} initialized, "
            f"{len(self.missing)} missing, {len(self.unused)} unused, "
            f"{len(self.mismatched)} mismatched"
        )
        width = max([len(r[0]) for r in rows] + [8])
        lines = [head] + [f"  {name:<{width}}  {status:<11}  {detail}".rstrip() for name, status, detail in rows]
        if self.suggestions:
            lines.append(f"  renamed? try mapping={self.suggestions!r}")
        return "\n".join(lines)


def _few(names, n: int = 8) -> str:
    names = list(names)
    return repr(names[:n])[:-1] + (f", ... {len(names) - n} more]" if len(names) > n else "]")
