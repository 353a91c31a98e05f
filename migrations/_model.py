"""Values the codemods produce. No behaviour here, only data.

Frozen named tuples rather than dataclasses: every ``tf1init migrate`` run makes them, and a run
over cached files must not pay the import of ``dataclasses`` (with ``inspect``) and the class
construction, several milliseconds against a budget of a few times the time to read the files.
The shape of a rule (only needed when the engine runs) is in ``_rule``.
"""
from typing import NamedTuple, Optional, Tuple

# What happened at one place in a file.
FIXED = "fixed"  # rewritten
WARNING = "warning"  # rewritten, but a person should look (the message says what)
MANUAL = "manual"  # left as it is for a person, with the reason


class Finding(NamedTuple):
    path: str
    line: int
    col: int  # 1-based, like editors and compilers
    rule: str
    kind: str  # FIXED | WARNING | MANUAL
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.rule} {self.kind}: {self.message}"

    def as_dict(self) -> dict:
        return {
            "file": self.path, "line": self.line, "column": self.col,
            "rule": self.rule, "kind": self.kind, "message": self.message,
        }


# FileResult.status values
CHANGED = "changed"
UNCHANGED = "unchanged"
FAILED = "failed"  # did not parse, or the rewrite was refused: the file is left byte-identical


class FileResult(NamedTuple):
    path: str
    status: str
    source: str
    new_source: str
    findings: Tuple[Finding, ...] = ()
    error: Optional[str] = None

    @property
    def changed(self) -> bool:
        return self.status == CHANGED
