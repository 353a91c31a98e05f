"""A cache of clean results: "this content produces no change", and what it reported.

A ``--check`` of an already-migrated tree would otherwise parse again, on every run, each file
left for a person (it still holds TF1 tokens). The cache maps a hash of a file's bytes to the
findings it produced (findings carry no path: the same bytes anywhere give the same result).
Only clean results are kept: a file that would change, or does not parse, is worked out again.

One cache file per (cache format, tf1init version, Python version, the rule set's own source,
the chosen rules): a change to any of them reads another file, so a stale result is never used.
A corrupt or foreign file is ignored and replaced; writes go to a temporary file renamed into
place, so concurrent runs never leave a partial file (the last one to finish wins, after merging
what was there). Entries not seen for EXPIRE_DAYS are dropped when the cache is written.
The folder is ``.tf1init_cache`` in the current directory (like ruff's), ``$TF1INIT_CACHE_DIR``,
or ``--cache-dir``; it holds a ``.gitignore`` so that it is never committed.
"""
import json
import os
import sys
import time
from typing import Dict, Optional, Tuple

from ._model import FIXED, MANUAL, WARNING, Finding

try:  # what hashlib.blake2b is, without hashlib's import of OpenSSL (milliseconds on each run)
    from _blake2 import blake2b
except ImportError:  # another Python implementation
    from hashlib import blake2b

FORMAT = 1
DEFAULT_DIR = ".tf1init_cache"
ENV = "TF1INIT_CACHE_DIR"
EXPIRE_DAYS = 30
_KINDS = (FIXED, WARNING, MANUAL)
_PACKAGE = os.path.dirname(os.path.abspath(__file__))

Row = Tuple[int, int, str, str, str]  # a finding without its path: line, col, rule, kind, message


def content_key(data: bytes, notebook: bool) -> str:
    """The key of a file's bytes (a notebook and a script with the same bytes differ)."""
    return blake2b(data, digest_size=16, person=b"ipynb" if notebook else b"py").hexdigest()


def fingerprint() -> str:
    """A hash of the name, size and modification time of each source file of the codemods (engine,
    rules, and the catalogue they translate with): an edited rule, even without a version bump,
    invalidates the cache. Stat only: reading them would cost as much as a few user files."""
    import tf1init

    digest = blake2b(digest_size=16)
    catalogue = os.path.join(os.path.dirname(os.path.abspath(tf1init.__file__)), "catalogue")
    for folder in (_PACKAGE, os.path.join(_PACKAGE, "rules"), catalogue):
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError:  # the catalogue is optional (rules TFI101/TFI102 then do nothing)
            continue
        for entry in entries:
            if entry.name.endswith((".py", ".json")):
                stat = entry.stat()
                digest.update(f"{entry.path}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    return digest.hexdigest()


def namespace(codes: Tuple[str, ...]) -> str:
    from tf1init import __version__

    parts = [str(FORMAT), __version__, sys.implementation.name, "%d.%d" % sys.version_info[:2],
             fingerprint(), ",".join(sorted(codes))]
    return blake2b("\n".join(parts).encode(), digest_size=12).hexdigest()


def default_folder() -> str:
    return os.environ.get(ENV) or DEFAULT_DIR


class ResultCache:
    """Clean results by content key, read from and written to one file."""

    def __init__(self, path: str, space: str):
        self.path = path
        self.space = space
        self.today = int(time.time() // 86400)
        self.entries: Dict[str, list] = self._read()
        self.dirty = False

    @classmethod
    def open(cls, folder: str, codes: Tuple[str, ...]) -> "ResultCache":
        space = namespace(codes)
        return cls(os.path.join(folder, space + ".json"), space)

    def _read(self) -> Dict[str, list]:
        try:
            with open(self.path, "rb") as handle:
                data = json.loads(handle.read())
        except (OSError, ValueError):  # missing, unreadable or corrupt: start empty
            return {}
        if not (isinstance(data, dict) and data.get("format") == FORMAT and data.get("namespace") == self.space
                and isinstance(data.get("entries"), dict)):
            return {}  # foreign: another program's file, or a format we do not know
        return data["entries"]

    def get(self, key: str) -> Optional[Tuple[Row, ...]]:
        """The findings recorded for clean content, or None (never cached, or a malformed entry)."""
        entry = self.entries.get(key)
        if entry is None:
            return None
        try:
            day, rows = entry
            rows = tuple(_row(row) for row in rows)
            if not isinstance(day, int):
                raise ValueError(day)
        except (TypeError, ValueError):
            del self.entries[key]
            self.dirty = True
            return None
        if day != self.today:
            entry[0] = self.today
            self.dirty = True
        return rows

    def put(self, key: str, findings) -> None:
        self.entries[key] = [self.today, [[f.line, f.col, f.rule, f.kind, f.message] for f in findings]]
        self.dirty = True

    def save(self) -> bool:
        """Write the cache if anything changed; False (never an error) if it cannot be written."""
        if not self.dirty:
            return True
        entries = dict(self._read())  # what concurrent runs wrote meanwhile
        entries.update(self.entries)
        oldest = self.today - EXPIRE_DAYS
        entries = {k: v for k, v in entries.items()
                   if isinstance(v, list) and v and isinstance(v[0], int) and v[0] >= oldest}
        data = json.dumps({"format": FORMAT, "namespace": self.space, "entries": entries},
                          separators=(",", ":")).encode()
        import tempfile

        folder = os.path.dirname(self.path) or "."
        try:
            _prepare(folder)
            fd, temp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=folder)
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                os.replace(temp, self.path)
            except BaseException:
                _unlink(temp)
                raise
        except OSError:
            return False
        self.dirty = False
        return True


def _row(row) -> Row:
    line, col, rule, kind, message = row
    if not (isinstance(line, int) and isinstance(col, int) and isinstance(rule, str)
            and kind in _KINDS and isinstance(message, str)):
        raise ValueError(row)
    return line, col, rule, kind, message


def _prepare(folder: str) -> None:
    """Create the folder with a .gitignore (never committed) and a CACHEDIR.TAG (never backed up)."""
    if os.path.isdir(folder):
        return
    os.makedirs(folder, exist_ok=True)
    for name, text in ((".gitignore", "# Created by tf1init migrate.\n*\n"),
                       ("CACHEDIR.TAG", "Signature: 8a477f597d28d172789f06886806bc55\n"
                                        "# This file is a cache directory tag created by tf1init.\n")):
        path = os.path.join(folder, name)
        if not os.path.exists(path):
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(text)


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def findings_of(path: str, rows: Tuple[Row, ...]) -> Tuple[Finding, ...]:
    return tuple(Finding(path, *row) for row in rows)
