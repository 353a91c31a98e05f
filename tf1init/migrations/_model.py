"""Values the codemods produce. No behaviour here, only data.

Named tuples from ``collections.namedtuple``, not dataclasses nor ``typing.NamedTuple``: every
``tf1init migrate`` run makes them, and a ``--check`` over cached files must not pay for
importing ``dataclasses`` or ``typing`` (``typing`` alone costs more than reading 500 files).
The shape of a rule (only needed when the engine runs) is in ``_rule``.
"""
from collections import namedtuple

# What happened at one place in a file.
FIXED = "fixed"  # rewritten
WARNING = "warning"  # rewritten, but a person should look (the message says what)
MANUAL = "manual"  # left as it is for a person, with the reason


class Finding(namedtuple("Finding", "path line col rule kind message")):
    """One place in a file: ``line`` and ``col`` (1-based, like editors and compilers), the
    ``rule`` code, ``kind`` (FIXED, WARNING or MANUAL) and a message saying why."""

    __slots__ = ()

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


class FileResult(namedtuple("FileResult", "path status source new_source findings error", defaults=((), None))):
    """One source text's result: ``status``, the text before and after, the findings (a tuple of
    Finding) and, when FAILED, the error."""

    __slots__ = ()

    @property
    def changed(self) -> bool:
        return self.status == CHANGED
