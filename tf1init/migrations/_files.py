"""Files: discovery, notebooks, atomic writes, and the run over many files in worker processes.

The parent process settles most files itself: from their stat alone (unchanged since a cached
clean result), or from their bytes (no TensorFlow, no rule token, or a cached clean result);
only the others go to the engine, in worker processes when there are enough of them to pay for
starting the workers. Nothing heavy is imported at module level (``json``, ``re`` and
``typing`` would cost a cached run more than reading its files).
"""
from __future__ import annotations

import os
from collections import namedtuple

from ._model import CHANGED, FAILED, UNCHANGED, FileResult, Finding
from ._prefilter import candidate

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Iterable, Iterator, List, Optional, Sequence, Tuple

SKIP_DIRS = {".git", ".hg", ".svn", "__pycache__", ".tox", ".nox", ".venv", "venv", "node_modules",
             ".mypy_cache", ".pytest_cache", "build", "dist", ".eggs", ".ipynb_checkpoints"}


def discover(paths: Iterable[str]) -> Tuple[List[str], List[str]]:
    """(files, missing): .py and .ipynb files under the given files and directories, sorted
    (top-down: a folder's files, then its subfolders; symbolic links to folders not followed)."""
    found, missing = [], []
    for path in paths:
        if os.path.isdir(path):
            _walk(path, found)
        elif os.path.isfile(path):
            found.append(path)
        else:
            missing.append(path)
    return list(dict.fromkeys(found)), missing


def _walk(folder: str, found: List[str]) -> None:
    """``os.walk``'s order and paths, on ``os.scandir`` directly (half the time: a cached run
    spends a fifth of its time finding its files)."""
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=_name)
    except OSError:  # unreadable: skipped, as os.walk does
        return
    folders = []
    for entry in entries:
        name = entry.name
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            if name not in SKIP_DIRS and not name.startswith(".") and not entry.is_symlink():
                folders.append(entry.path)
        elif name.endswith((".py", ".ipynb")):
            found.append(entry.path)
    for path in folders:
        _walk(path, found)


def _name(entry) -> str:
    return entry.name


class Options(namedtuple("Options", "mode select ignore", defaults=("diff", (), ()))):
    """``mode``: diff | write | check; ``select`` and ``ignore``: rule code prefixes."""

    __slots__ = ()


class Outcome(namedtuple("Outcome", "path status findings error diff", defaults=((), None, ""))):
    """What one file came to; small, so that it crosses process boundaries cheaply."""

    __slots__ = ()


# ---- notebooks ------------------------------------------------------------------------
_MARK = "# tf1init-cell {}\n"
_MAGIC = r"^\s*[%!?]"


def _notebook_source(notebook) -> Tuple[str, List[int], List[List[Tuple[int, str]]]]:
    """All code cells as one module (aliases imported in one cell serve the others)."""
    import re

    magic = re.compile(_MAGIC)
    parts, indexes, magics = [], [], []
    for index, cell in enumerate(notebook.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        text = cell.get("source", "")
        text = "".join(text) if isinstance(text, list) else text
        lines = text.split("\n")
        cell_magics = []
        for number, line in enumerate(lines):
            if magic.match(line):  # IPython magics and shell lines do not parse: hold them aside
                cell_magics.append((number, line))
                lines[number] = re.match(r"\s*", line).group(0) + "pass  # tf1init-magic"
        parts.append(_MARK.format(len(indexes)) + "\n".join(lines) + "\n")
        indexes.append(index)
        magics.append(cell_magics)
    return "".join(parts), indexes, magics


def _notebook_rewrite(notebook, new_source: str, indexes, magics) -> Optional[dict]:
    import re

    chunks = re.split(r"^# tf1init-cell (\d+)\n", new_source, flags=re.M)
    numbers = chunks[1::2]
    if chunks[0].strip() or numbers != [str(i) for i in range(len(indexes))]:
        return None  # a rewrite crossed a cell boundary: refuse
    cells = notebook["cells"]
    for number, (index, text) in enumerate(zip(indexes, chunks[2::2])):
        text = text[:-1] if text.endswith("\n") else text
        lines = text.split("\n")
        for line_number, line in magics[number]:
            if line_number >= len(lines) or not lines[line_number].endswith("pass  # tf1init-magic"):
                return None
            lines[line_number] = line
        text = "\n".join(lines)
        old = cells[index].get("source", "")
        if ("".join(old) if isinstance(old, list) else old) != text:
            cells[index]["source"] = text.splitlines(keepends=True) if isinstance(old, list) else text
    return notebook


# ---- one file ---------------------------------------------------------------------------
def migrate_file(path: str, options: Options, rules=None, data: Optional[bytes] = None,
                 screened: bool = False) -> Outcome:
    """One file's outcome; ``screened`` when its bytes already passed the prefilter."""
    import json

    from ._engine import migrate_screened, migrate_source

    migrate = migrate_screened if screened else migrate_source
    try:
        if data is None:
            with open(path, "rb") as handle:
                data = handle.read()
        text = data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return Outcome(path, FAILED, error=f"{path}: cannot read as UTF-8: {error}")
    bom = text.startswith("\ufeff")
    text = text[1:] if bom else text
    if path.endswith(".ipynb"):
        try:
            notebook = json.loads(text)
        except ValueError as error:
            return Outcome(path, FAILED, error=f"{path}: not a notebook: {error}")
        source, indexes, magics = _notebook_source(notebook)
        result = migrate_source(source, path, rules)
        if result.status == CHANGED:
            notebook = _notebook_rewrite(notebook, result.new_source, indexes, magics)
            if notebook is None:
                return Outcome(path, FAILED, result.findings, f"{path}: a rewrite crossed a cell boundary; notebook left as it is")
            indent = 1 if text.startswith("{\n ") and not text.startswith("{\n  ") else 2
            new_text = json.dumps(notebook, indent=indent, ensure_ascii=False) + ("\n" if text.endswith("\n") else "")
            result = FileResult(path, CHANGED, text, new_text, _notebook_lines(result.findings, source))
        else:
            result = FileResult(path, result.status, text, text, _notebook_lines(result.findings, source), result.error)
    else:
        result = migrate(text, path, rules)
    if result.status != CHANGED:
        return Outcome(path, result.status, result.findings, result.error)
    diff = ""
    if options.mode == "diff":
        import difflib

        diff = "".join(difflib.unified_diff(
            result.source.splitlines(keepends=True), result.new_source.splitlines(keepends=True),
            fromfile=path, tofile=path))
    elif options.mode == "write":
        write_atomic(path, (("\ufeff" if bom else "") + result.new_source).encode("utf-8"))
    return Outcome(path, CHANGED, result.findings, None, diff)


def _notebook_lines(findings, source: str):
    """Findings in a notebook point at 'cell N, line L' inside the file's code cells."""
    if not findings:
        return findings
    import re

    starts = [m.start() for m in re.finditer(r"^# tf1init-cell \d+\n", source, flags=re.M)]
    line_of = [source.count("\n", 0, s) + 1 for s in starts]
    result = []
    for f in findings:
        cell = max((i for i, line in enumerate(line_of) if line <= f.line), default=0)
        result.append(Finding(f.path, f.line - line_of[cell], f.col, f.rule, f.kind, f"(cell {cell + 1}) {f.message}"))
    return tuple(result)


def write_atomic(path: str, data: bytes) -> None:
    """Write to a temporary file in the same folder, then rename over the original: a reader (or
    an interrupted run) sees the old file or the new one, never a partial one. A symbolic link
    is written through: its target gets the new text and the link stays a link."""
    import tempfile

    path = os.path.realpath(path)
    folder = os.path.dirname(os.path.abspath(path))
    fd, temp = tempfile.mkstemp(prefix=".tf1init-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, os.stat(path).st_mode & 0o7777)
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise


# ---- many files -------------------------------------------------------------------------
def _worker(args) -> List[Outcome]:
    files, options = args
    from ._registry import select

    rules = select(options.select, options.ignore)
    return [migrate_file(path, options, rules, data, screened=True) for path, data in files]


def read_bytes(path: str) -> bytes:
    """A file's bytes (see read_with_stat)."""
    return read_with_stat(path)[0]


def read_with_stat(path: str) -> Tuple[bytes, os.stat_result]:
    """A file's bytes and its stat, taken before they were read (so that a change while reading
    shows as a newer stat next time, never as an old stat over new bytes). One open, fstat, read
    and close: a third cheaper than ``open().read()``, which builds a buffered file object."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        stat = os.fstat(fd)
        data = os.read(fd, stat.st_size + 1)
        if len(data) != stat.st_size:  # grew, shrank, or a file whose size fstat does not know: read to the end
            chunks = [data]
            while chunks[-1]:
                chunks.append(os.read(fd, 1 << 20))
            data = b"".join(chunks)
        return data, stat
    finally:
        os.close(fd)


def run_many(paths: Sequence[str], options: Options, jobs: int = 1, cache=None) -> Iterator[Outcome]:
    """Outcomes for every file: first those settled without the engine, then the others as the
    engine finishes them. Settled without the engine: a file whose stat matches its record in
    ``cache`` (a ResultCache; not even read), then, from its bytes, a file without a TensorFlow
    token, without a rule token, or whose content has a clean result in ``cache``. Rules (and
    LibCST) are imported only if some file needs the engine, and worker processes are started
    only if enough do. Clean results are added to ``cache``; the caller saves it."""
    if cache is not None:
        from ._cache import NO_TENSORFLOW, content_key, findings_of
    pending: List[Tuple[str, bytes, Optional[bytes], os.stat_result]] = []
    stat_of = os.stat
    for path in paths:
        if cache is not None:
            try:
                rows = cache.known(stat_of(path))
            except OSError:
                rows = None  # reading it says why
            if rows is not None:
                yield Outcome(path, UNCHANGED, findings_of(path, rows) if rows else ())
                continue
        try:
            data, stat = read_with_stat(path)
        except OSError as error:
            yield Outcome(path, FAILED, error=f"{path}: cannot read: {error}")
            continue
        if b"tensorflow" not in data:  # nothing to do
            if cache is not None:
                cache.remember(stat, NO_TENSORFLOW)
            yield Outcome(path, UNCHANGED)
            continue
        key = None
        if cache is not None:
            key = content_key(data, path.endswith(".ipynb"))
            rows = cache.get(key)
            if rows is not None:
                cache.remember(stat, key)
                yield Outcome(path, UNCHANGED, findings_of(path, rows))
                continue
        if candidate(data):
            pending.append((path, data, key, stat))
            continue
        if cache is not None:
            cache.put(key, ())
            cache.remember(stat, key)
        yield Outcome(path, UNCHANGED)
    for (path, _, key, stat), outcome in zip(pending, _engine_outcomes(pending, options, jobs)):
        if cache is not None and outcome.status == UNCHANGED:
            cache.put(key, outcome.findings)
            cache.remember(stat, key)
        yield outcome


def _engine_outcomes(pending, options: Options, jobs: int) -> Iterator[Outcome]:
    """Outcomes of the files that need the engine, in order."""
    if not pending:
        return
    files = [(path, data) for path, data, _, _ in pending]
    if jobs <= 1 or len(files) < 8:  # a worker costs its start and its own imports
        from ._registry import select

        rules = select(options.select, options.ignore)
        for path, data in files:
            yield migrate_file(path, options, rules, data, screened=True)
        return
    from concurrent.futures import ProcessPoolExecutor

    size = max(1, min(16, len(files) // (jobs * 4)))
    chunks = [(files[i:i + size], options) for i in range(0, len(files), size)]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for outcomes in pool.map(_worker, chunks):
            yield from outcomes
