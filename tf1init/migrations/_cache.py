"""A cache of clean results: "this content produces no change", and what it reported.

A ``--check`` of an already-migrated tree would otherwise parse again, on every run, each file
left for a person (it still holds TF1 tokens). Two tables:

- results, by a hash of a file's bytes: the findings that content produced (findings carry no
  path: the same bytes anywhere give the same result). The content is the key of truth.
  Only clean results are kept: a file that would change, or does not parse, is worked out again.
- a stat shortcut, by file (device and inode): size, mtime_ns, ctime_ns, mode and the content's
  key, as git's index, mypy and ruff keep. A file whose stat matches is taken as the content it
  had, without reading it; any difference (an edit, a ``touch``, a checkout, a chmod) means the
  file is read and hashed again, and a known content is still not parsed (its record is updated).

Racy writes (as git calls them): a file changed again within its timestamp's granularity keeps
the same mtime. A stat is therefore recorded only when the file's mtime and ctime are at least
RACY_MARGIN_NS (2 s: the coarsest common granularity, FAT's) older than the moment the run
started, before it read anything; a change after that moment gets a newer ctime, which the
kernel sets and ``os.utime`` cannot set back, so restoring the mtime of an edited file is seen.
What the shortcut cannot see, like git: a change that keeps size, mtime and ctime (a clock set
back by more than the margin, a network filesystem whose server clock lags by more than the
margin, or a filesystem that updates no timestamps). ``--no-cache`` or deleting the cache folder
sidesteps it.

One cache file per (cache format, tf1init version, Python version, the rule set's own source,
the chosen rules): a change to any of them reads another file, so a stale result is never used.
The file is ``marshal`` data behind a header and a checksum: it loads with no import (``json``
would bring in ``re``, which alone costs about as much as reading a few hundred files); a file
that is corrupt, truncated, foreign or of another layout is ignored and replaced. ``marshal``
is not meant for data from others; the cache is the user's own, in their own folder, and
anyone who can write it can as well write the sources it describes.
Writes go to a temporary file renamed into place, so concurrent runs never leave a partial file
(the last one to finish wins, after merging what was there: a stat record states a fact about
one exact stat, so any mix of records from concurrent runs is still true). Entries not seen for EXPIRE_DAYS
are dropped when the cache is written. The folder is ``.tf1init_cache`` in the current
directory (like ruff's), ``$TF1INIT_CACHE_DIR``, or ``--cache-dir``; it holds a ``.gitignore``
so that it is never committed.
"""
import marshal
import os
import sys
import time

from ._model import FIXED, MANUAL, WARNING, Finding

try:  # what hashlib.blake2b is, without hashlib's import of OpenSSL (milliseconds on each run)
    from _blake2 import blake2b
except ImportError:  # another Python implementation
    from hashlib import blake2b

FORMAT = 2
MAGIC = b"tf1init-cache\n"
DEFAULT_DIR = ".tf1init_cache"
ENV = "TF1INIT_CACHE_DIR"
EXPIRE_DAYS = 30
RACY_MARGIN_NS = 2_000_000_000
NO_TENSORFLOW = b""  # the key recorded for a file without the token "tensorflow": nothing to do
_KINDS = (FIXED, WARNING, MANUAL)
_PACKAGE = os.path.dirname(os.path.abspath(__file__))

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing is not imported by a run
    from typing import Optional, Tuple

    Row = Tuple[int, int, str, str, str]  # a finding without its path: line, col, rule, kind, message


def content_key(data: bytes, notebook: bool) -> bytes:
    """The key of a file's bytes (a notebook and a script with the same bytes differ)."""
    return blake2b(data, digest_size=16, person=b"ipynb" if notebook else b"py").digest()


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


def namespace(codes: "Tuple[str, ...]") -> str:
    from tf1init import __version__

    parts = [str(FORMAT), __version__, sys.implementation.name, "%d.%d" % sys.version_info[:2],
             str(marshal.version), fingerprint(), ",".join(sorted(codes))]
    return blake2b("\n".join(parts).encode(), digest_size=12).hexdigest()


def default_folder() -> str:
    return os.environ.get(ENV) or DEFAULT_DIR


def dumps(space: str, results: dict, stats: dict) -> bytes:
    """The bytes of a cache file: MAGIC, a checksum of the payload, the payload."""
    payload = marshal.dumps((FORMAT, space, results, stats))
    return MAGIC + blake2b(payload, digest_size=16).digest() + payload


def loads(data: bytes, space: str) -> "Tuple[dict, dict]":
    """(results, stats) from a cache file's bytes; ValueError if they are not a whole cache file
    of this format and namespace (entries are checked one by one when used)."""
    head = len(MAGIC) + 16
    if data[:len(MAGIC)] != MAGIC or blake2b(data[head:], digest_size=16).digest() != data[len(MAGIC):head]:
        raise ValueError("not a tf1init cache file, or a damaged one")
    try:
        value = marshal.loads(data[head:])
    except Exception as error:  # EOFError, ValueError, MemoryError...: whatever it is, not a cache
        raise ValueError(f"damaged cache file: {error!r}") from None
    if not (type(value) is tuple and len(value) == 4 and value[0] == FORMAT and value[1] == space
            and type(value[2]) is dict and type(value[3]) is dict):
        raise ValueError("a cache file of another format or namespace")
    return value[2], value[3]


class ResultCache:
    """Clean results by content key, and the stat shortcut by file, read from and written to one
    file. ``started`` (ns since the epoch) is when the run began, before it read any file."""

    def __init__(self, path: str, space: str):
        self.path = path
        self.space = space
        self.started = time.time_ns()
        self.today = self.started // 86_400_000_000_000
        self.results, self.stats = self._read()
        self.dirty = False

    @classmethod
    def open(cls, folder: str, codes: "Tuple[str, ...]") -> "ResultCache":
        space = namespace(codes)
        return cls(os.path.join(folder, space + ".cache"), space)

    def _read(self) -> "Tuple[dict, dict]":
        try:
            with open(self.path, "rb") as handle:
                return loads(handle.read(), self.space)
        except (OSError, ValueError):  # missing, unreadable, corrupt or foreign: start empty
            return {}, {}

    # ---- results, by content ------------------------------------------------------------
    def get(self, key: bytes) -> "Optional[Tuple[Row, ...]]":
        """The findings recorded for clean content, or None (never cached, or a malformed entry)."""
        entry = self.results.get(key)
        if entry is None:
            return None
        try:
            day, rows = entry
            rows = tuple(_row(row) for row in rows)
            if type(day) is not int:
                raise ValueError(day)
        except (TypeError, ValueError):
            del self.results[key]
            self.dirty = True
            return None
        if day != self.today:
            self.results[key] = (self.today, rows)
            self.dirty = True
        return rows

    def put(self, key: bytes, findings) -> None:
        self.results[key] = (self.today, tuple((f.line, f.col, f.rule, f.kind, f.message) for f in findings))
        self.dirty = True

    # ---- the stat shortcut ----------------------------------------------------------------
    def known(self, stat: os.stat_result) -> "Optional[Tuple[Row, ...]]":
        """The findings of a file whose stat matches its record exactly, without reading it;
        None when it must be read (no record, any difference, or a malformed record)."""
        record = self.stats.get((stat.st_dev, stat.st_ino))
        if record is None:
            return None
        try:
            size, mtime, ctime, mode, key, day = record
        except (TypeError, ValueError):
            return None
        if type(key) is not bytes:
            return None
        if size != stat.st_size or mtime != stat.st_mtime_ns or ctime != stat.st_ctime_ns or mode != stat.st_mode:
            return None
        rows = () if key == NO_TENSORFLOW else self.get(key)
        if rows is not None and day != self.today:
            self.stats[(stat.st_dev, stat.st_ino)] = (size, mtime, ctime, mode, key, self.today)
            self.dirty = True
        return rows

    def remember(self, stat: os.stat_result, key: bytes) -> None:
        """Record that the file with this stat (taken before its bytes were read) holds the content
        ``key`` (already a clean result, or NO_TENSORFLOW); only when the stat can be trusted."""
        if not stat.st_ino or max(stat.st_mtime_ns, stat.st_ctime_ns) >= self.started - RACY_MARGIN_NS:
            return  # no inode numbers here, or changed too recently: it will be hashed next time
        record = (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_mode, key, self.today)
        where = (stat.st_dev, stat.st_ino)
        if self.stats.get(where) != record:
            self.stats[where] = record
            self.dirty = True

    def save(self) -> bool:
        """Write the cache if anything changed; False (never an error) if it cannot be written."""
        if not self.dirty:
            return True
        results, stats = self._read()  # what concurrent runs wrote meanwhile
        results.update(self.results)
        stats.update(self.stats)
        oldest = self.today - EXPIRE_DAYS
        results = {k: v for k, v in results.items() if _day(v, 0) >= oldest}
        stats = {k: v for k, v in stats.items() if _day(v, 5) >= oldest}
        data = dumps(self.space, results, stats)
        try:
            _prepare(os.path.dirname(self.path) or ".")
            _write_atomic(self.path, data)
        except OSError:
            return False
        self.dirty = False
        return True


def _day(entry, index: int) -> int:
    """The day an entry was last used, or -1 for a malformed one (dropped on save)."""
    try:
        day = entry[index]
    except (TypeError, IndexError, KeyError):
        return -1
    return day if type(day) is int else -1


def _row(row) -> "Row":
    line, col, rule, kind, message = row
    if not (type(line) is int and type(col) is int and type(rule) is str
            and kind in _KINDS and type(message) is str):
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


def _write_atomic(path: str, data: bytes) -> None:
    """Write a temporary file beside ``path`` (created exclusively: concurrent runs never share
    one), then rename it over ``path``. Not ``tempfile``: its import costs more than the write."""
    temp = f"{os.path.dirname(path) or '.'}{os.sep}.tmp-{os.getpid()}-{time.perf_counter_ns()}.cache"
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o644)
    try:
        with open(fd, "wb") as handle:
            handle.write(data)
        os.replace(temp, path)
    except BaseException:
        _unlink(temp)
        raise


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def findings_of(path: str, rows: "Tuple[Row, ...]") -> "Tuple[Finding, ...]":
    return tuple(Finding(path, *row) for row in rows)
