"""What ``tf1init verify`` found: one value with an exit code, a terminal table and a JSON form.

Exit codes are for CI: 0 when every variable is bit-identical or drawn from the same law (only
bit-identical with ``strict``) and the printed output matches; 1 when a variable differs, is
missing on one side or cannot be judged, or a printed line differs; 2 when a program could not
be run to the end (it raised, exited non-zero or ran out of time): there is nothing to compare.
"""
import json
import math
from dataclasses import asdict, dataclass
from typing import Dict, List, Optional, Tuple

from tf1init.verify.compare import (IDENTICAL, OPTIMIZER, SAME_LAW, STATUSES, UNREAD, Thresholds,
                                    VariableResult)
from tf1init.verify.prints import PrintsComparison
from tf1init.verify.run import ProgramRun, Variable

PASS, FAIL, ERROR = 0, 1, 2
NAME_WIDTH = 36


@dataclass(frozen=True)
class Settings:
    """How strict the comparison is."""

    rtol: float = 1e-6
    atol: float = 0.0
    alpha: float = 1e-3
    min_values: int = 20
    strict: bool = False
    timeout: float = 600.0

    @property
    def thresholds(self) -> Thresholds:
        return Thresholds(self.alpha, self.min_values)

    @property
    def passing(self) -> Tuple[str, ...]:
        return (IDENTICAL, UNREAD, OPTIMIZER) if self.strict else (IDENTICAL, SAME_LAW, UNREAD, OPTIMIZER)


@dataclass(frozen=True)
class VerifyReport:
    """Both runs, the verdict per variable and on the printed output."""

    original: ProgramRun
    migrated: ProgramRun
    settings: Settings
    variables: Tuple[VariableResult, ...] = ()
    prints: Optional[PrintsComparison] = None

    @property
    def failed_runs(self) -> Tuple[ProgramRun, ...]:
        return tuple(run for run in (self.original, self.migrated) if run.failure)

    def counts(self) -> Dict[str, int]:
        counts = {status: 0 for status in STATUSES}
        for result in self.variables:
            counts[result.status] += 1
        return {status: n for status, n in counts.items() if n}

    @property
    def exit_code(self) -> int:
        if self.failed_runs:
            return ERROR
        if any(r.status not in self.settings.passing for r in self.variables):
            return FAIL
        if self.prints is not None and not self.prints.match:
            return FAIL
        return PASS

    # -- JSON ----------------------------------------------------------------------------------
    def to_dict(self) -> dict:
        return {
            "exit_code": self.exit_code,
            "original": _run_dict(self.original),
            "migrated": _run_dict(self.migrated),
            "settings": asdict(self.settings),
            "counts": self.counts(),
            "variables": [_result_dict(r) for r in self.variables],
            "prints": None if self.prints is None else dict(asdict(self.prints), match=self.prints.match),
        }

    def to_json(self) -> str:
        return json.dumps(_finite(self.to_dict()), indent=2)

    # -- terminal ------------------------------------------------------------------------------
    def table(self) -> str:
        lines = [_run_line(self.original), _run_line(self.migrated), ""]
        if self.failed_runs:
            for run in self.failed_runs:
                lines.append(f"{run.program.label} program failed: {run.failure}")
                tail = run.stderr_tail()
                if tail:
                    lines.append("  last lines of its stderr:")
                    lines.extend("    " + line for line in tail.splitlines())
            lines.append("")
            lines.append(f"exit {self.exit_code}: a program did not run to the end; nothing compared")
            return "\n".join(lines)
        lines.extend(_variable_table(self.variables))
        lines.append("")
        lines.extend(_prints_lines(self.prints, self.settings))
        counts = ", ".join(f"{n} {status}" for status, n in self.counts().items()) or "none"
        verdict = {PASS: "pass", FAIL: "FAIL"}[self.exit_code]
        strict = " (strict: bit-identical required)" if self.settings.strict else ""
        lines.append(f"{len(self.variables)} variables: {counts}{strict}. exit {self.exit_code} ({verdict})")
        return "\n".join(lines)


def _finite(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def _run_dict(run: ProgramRun) -> dict:
    return {
        "path": run.program.path, "python": run.program.python, "mode": run.program.mode,
        "tensorflow": run.info.get("tensorflow"), "python_version": run.info.get("python"),
        "seconds": round(run.seconds, 3), "import_seconds": run.info.get("import_seconds"),
        "run_seconds": run.info.get("run_seconds"), "returncode": run.returncode,
        "failure": run.failure, "stopped": run.stopped,
        "stderr_tail": run.stderr_tail() if run.failure else None,
        "stdout": run.stdout, "variables": len(run.variables),
        "recorder_errors": run.info.get("recorder_errors", []),
    }


def _variable_dict(variable: Optional[Variable]) -> Optional[dict]:
    if variable is None:
        return None
    return {"name": variable.name, "shape": None if variable.shape is None else list(variable.shape),
            "dtype": variable.dtype, "kind": variable.kind, "order": variable.order,
            "read_at": variable.read_at, "note": variable.note}


def _result_dict(result: VariableResult) -> dict:
    return {"status": result.status, "detail": result.detail, "matched_by": result.pair.matched_by,
            "original": _variable_dict(result.pair.original),
            "migrated": _variable_dict(result.pair.migrated),
            "stats": None if result.stats is None else asdict(result.stats)}


def _run_line(run: ProgramRun) -> str:
    if run.stopped:
        return f"{run.program.label:<9} {run.program.path}  (stopped: the other program failed)"
    shim = ", TF1 shim" if run.program.mode == "shim" else ""
    return (f"{run.program.label:<9} {run.program.path}  TF {run.tensorflow}{shim}, "
            f"Python {run.info.get('python', '?')} ({run.program.python}), {run.seconds:.1f} s")


def _short(name: Optional[str]) -> str:
    if name is None:
        return "-"
    return name if len(name) <= NAME_WIDTH else "..." + name[-(NAME_WIDTH - 3):]


def _num(x: float) -> str:
    return "-" if x is None or not math.isfinite(x) else f"{x:.4g}"


def _variable_table(results: Tuple[VariableResult, ...]) -> List[str]:
    header = ("status", "original", "migrated", "shape", "mean orig / migr", "std orig / migr", "KS p",
              "detail")
    rows = [header]
    for r in results:
        variable = r.pair.original or r.pair.migrated
        shape = "?" if variable.shape is None else str(list(variable.shape))
        s = r.stats
        rows.append((
            r.status, _short(r.original_name), _short(r.migrated_name), shape,
            "-" if s is None else f"{_num(s.mean_original)} / {_num(s.mean_migrated)}",
            "-" if s is None else f"{_num(s.std_original)} / {_num(s.std_migrated)}",
            "-" if s is None else _num(s.ks_p),
            r.detail,
        ))
    if len(rows) == 1:
        return ["no variables in either program"]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header) - 1)]
    return ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[-1]
            for row in rows]


def _prints_lines(prints: Optional[PrintsComparison], settings: Settings) -> List[str]:
    if prints is None:
        return []
    tolerance = f"rtol {settings.rtol:g}" + (f", atol {settings.atol:g}" if settings.atol else "")
    if prints.match:
        return [f"printed output: {prints.lines_original} lines, the same "
                f"(numbers within {tolerance}; largest relative difference {prints.max_rel_diff:.2g})"]
    lines = [f"printed output differs in {prints.differing} of "
             f"{max(prints.lines_original, prints.lines_migrated)} lines ({tolerance}):"]
    for d in prints.differences:
        lines.append(f"  line {d.line}: {d.reason}")
        lines.append(f"    original: {d.original if d.original is not None else '(none)'}")
        lines.append(f"    migrated: {d.migrated if d.migrated is not None else '(none)'}")
    if prints.differing > len(prints.differences):
        lines.append(f"  ... and {prints.differing - len(prints.differences)} more")
    return lines
