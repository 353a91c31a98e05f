"""Put a finished checkpoint in place so that a kill at any instant leaves a restorable latest.

TensorFlow's ``Saver.save`` points the ``checkpoint`` state file at the new prefix *before* it
writes the ``.meta`` file, deletes old checkpoints before that too, and overwriting one prefix
renames ``.data`` and ``.index`` one after the other (a kill in between pairs a new data file
with the old index). Here the new files are complete and fsynced in a staging folder first; a
prefix that already exists is kept alive under hard links while its files are replaced; the state
file changes last, by ``os.replace``; old checkpoints go only after the new one is in place.

Savers in several processes may share a folder (a restarted job while the old one still runs):
reading the state, placing, writing the state and evicting happen under the folder's lock
(``_lock``), and checkpoints of the saver's own naming (``<prefix>-<step>``) that no state file
lists are listed again or evicted, so none is left on disk that nothing will ever delete.

This module never imports TensorFlow: the commit is plain file work (and is tested by killing a
process at every one of its file operations).
"""
import contextlib
import errno
import glob
import os
import re
import shutil
import tempfile
from typing import Callable, List, Optional, Sequence, Tuple

from tf1init.checkpoints import _lock, _state
from tf1init.errors import CorruptCheckpointError

STAGING = ".tf1init-save-"    # a checkpoint being written
PREVIOUS = ".tf1init-prev-"   # hard links that keep an overwritten checkpoint restorable
STATE_TEMP = ".tf1init-state-"
LOCK = ".tf1init.lock"        # the folder's save lock (see _lock); stays
OWNER = ".owner"              # in a staging folder: locked by its writer while it lives

_CHECKPOINT_FILE = re.compile(r"\.(?:index|meta|data-[0-9]{5}-of-[0-9]{5})\Z")


def checkpoint_files(prefix: str) -> List[str]:
    """The files of the checkpoint at ``prefix`` that exist: data shards, ``.meta``, ``.index`` last."""
    escaped = glob.escape(prefix)
    files = sorted(glob.glob(escaped + ".data-?????-of-?????"))
    files += [path for path in (prefix + ".meta", prefix + ".index") if os.path.isfile(path)]
    return files


def exists(prefix: str) -> bool:
    return os.path.isfile(prefix + ".index")


def fsync_path(path: str, directory: bool = False) -> None:
    """Flush a file's (or a folder's entries') data to the disk."""
    flags = os.O_RDONLY | (getattr(os, "O_DIRECTORY", 0) if directory else 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        if directory:  # some platforms cannot open folders; their renames are durable anyway
            return
        raise
    try:
        os.fsync(fd)
    except OSError as error:
        if not (directory and error.errno in (errno.EINVAL, errno.EBADF, errno.EACCES)):
            raise
    finally:
        os.close(fd)


# --- the `checkpoint` state file (its text format is _state's business) ---


def state_text(directory: str, latest: str, paths: Sequence[str]) -> str:
    """The state file's text; paths inside ``directory`` are written relative (the folder can move)."""
    return _state.text(directory, latest, paths)


def read_state(directory: str, latest_filename: str = "checkpoint") -> Tuple[Optional[str], List[str]]:
    """(latest prefix, every listed prefix) from the state file, as paths; (None, []) if absent.

    A state file that TensorFlow could not read raises :class:`tf1init.CorruptCheckpointError`.
    """
    return _state.read(directory, latest_filename)


def write_state(directory: str, latest: str, paths: Sequence[str], latest_filename: str = "checkpoint",
                durable: bool = True) -> None:
    """Replace the state file in one step: a reader sees the old text or the new, never a mix."""
    temp = os.path.join(directory, f"{STATE_TEMP}{os.getpid()}-{os.urandom(4).hex()}")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # the umask applies, as for TF's file
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:  # _state.quote escapes every other byte
            handle.write(state_text(directory, latest, paths))
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.replace(temp, os.path.join(directory, latest_filename))
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise
    if durable:
        fsync_path(directory, directory=True)


# --- the folder lock and staging folders ---


@contextlib.contextmanager
def folder_locked(directory: str):
    """Hold ``directory``'s save lock (the file ``.tf1init.lock`` in it): every read-place-write-
    evict of the state happens under it, so concurrent savers never undo each other."""
    with _lock.locked(os.path.join(directory, LOCK)):
        yield


def staging_folder(directory: str) -> str:
    """A new empty folder next to the checkpoints (same filesystem, so renames are atomic)."""
    return tempfile.mkdtemp(prefix=f"{STAGING}{os.getpid()}-", dir=directory)


@contextlib.contextmanager
def _staging(directory: str, latest_filename: str):
    """A staging folder whose ``.owner`` file this process keeps locked while it writes there:
    another process, even on another machine sharing the folder (where our pid means nothing),
    then knows the save is alive. Made under the folder lock after what killed saves left is
    removed (which frees disk space first, and fails on a state file TF could not read);
    removed on exit."""
    with folder_locked(directory):
        _remove_leftovers(directory, latest_filename)
        folder = staging_folder(directory)
        owner = os.path.join(folder, OWNER)
        fd = os.open(owner, os.O_RDWR | os.O_CREAT, 0o666)
        _lock.try_lock(fd, owner)
    try:
        yield folder
    finally:
        os.close(fd)
        shutil.rmtree(folder, ignore_errors=True)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _owner_alive(path: str, pid: int) -> bool:
    if pid == os.getpid():
        return True
    owner = os.path.join(path, OWNER)
    try:
        fd = os.open(owner, os.O_RDWR)
    except OSError:
        fd = None
    if fd is not None:
        try:
            free = _lock.try_lock(fd, owner)
        finally:
            os.close(fd)
        if free is not None:
            return not free
    return _pid_alive(pid)


def remove_leftovers(directory: str, latest_filename: str = "checkpoint") -> List[str]:
    """Delete what saves killed earlier left behind (never a folder the state file still names)."""
    if not os.path.isdir(directory):
        return []
    with folder_locked(directory):
        return _remove_leftovers(directory, latest_filename)


def _remove_leftovers(directory: str, latest_filename: str) -> List[str]:
    latest, paths = read_state(directory, latest_filename)
    referenced = {os.path.dirname(os.path.abspath(p)) for p in [latest, *paths] if p}
    removed = []
    for name in os.listdir(directory):
        for marker in (STAGING, PREVIOUS, STATE_TEMP):
            if name.startswith(marker):
                break
        else:
            continue
        owner = name[len(marker):].split("-")[0]
        path = os.path.join(directory, name)
        if not owner.isdigit() or os.path.abspath(path) in referenced or _owner_alive(path, int(owner)):
            continue
        if os.path.isdir(path):
            shutil.rmtree(path, ignore_errors=True)
        else:
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass
        removed.append(path)
    return removed


def delete_checkpoint(prefix: str) -> None:
    """Remove a checkpoint's files, ``.index`` first so that it stops existing before its data goes."""
    for path in reversed(checkpoint_files(prefix)):
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass


# --- which checkpoints a save keeps ---


def _key(path: str) -> str:
    return os.path.realpath(path)


def _inside(directory: str, path: str) -> bool:
    folder = _key(directory)
    return os.path.commonpath([folder, _key(path)]) == folder


def _still_listed(directory: str, listed: Sequence[str], final_prefix: str) -> List[str]:
    """The listed checkpoints that exist, once each, without ``final_prefix``. A path outside the
    folder whose name exists inside it means the folder was copied or moved: the copy inside is
    meant (as :func:`tf1init.checkpoints.reader.resolve_checkpoint` reads it), never the original."""
    kept, seen = [], {_key(final_prefix)}
    for path in listed:
        if not _inside(directory, path):
            local = os.path.join(directory, os.path.basename(path))
            if exists(local):
                path = local
        if exists(path) and _key(path) not in seen:
            seen.add(_key(path))
            kept.append(path)
    return kept


def _listed_anywhere(directory: str) -> set:
    """Every prefix that any state file in the folder lists (a second saver's ``latest_filename``
    too): such a checkpoint is never an orphan."""
    listed = set()
    for name in os.listdir(directory):
        path = os.path.join(directory, name)
        if name.startswith(".") or _CHECKPOINT_FILE.search(name) or not os.path.isfile(path):
            continue
        try:
            if os.path.getsize(path) > 1 << 20:
                continue
            with open(path, "rb") as handle:
                start = handle.read(64)
                if not start.lstrip().startswith((b"model_checkpoint_path", b"all_model_checkpoint_paths")):
                    continue  # an events file, a graph, notes: not a state file
                latest, paths = _state.parse(start + handle.read(), path)
        except (OSError, CorruptCheckpointError):
            continue
        for prefix in [latest, *paths]:
            if prefix:
                listed.add(_key(prefix if os.path.isabs(prefix) else os.path.join(directory, prefix)))
    return listed


def _orphans(family: str, known: Sequence[str]) -> Tuple[List[str], List[str]]:
    """(complete, incomplete): checkpoints ``<family>-<step>`` that our saves named but that no
    state file lists, oldest step first. Only that naming: other files are never touched."""
    directory, base = os.path.dirname(family) or ".", os.path.basename(family)
    # the step as Saver.save writes it, padded (pad_step_number) or not
    pattern = re.compile(re.escape(base) + r"-(-?[0-9]+)\.(?:index|meta|data-[0-9]{5}-of-[0-9]{5})\Z")
    steps = {}
    for name in os.listdir(directory):
        match = pattern.match(name)
        if match:
            steps[(int(match.group(1)), match.group(1))] = os.path.join(directory, f"{base}-{match.group(1)}")
    if not steps:
        return [], []
    listed = _listed_anywhere(directory) | {_key(p) for p in known}
    complete, incomplete = [], []
    for step in sorted(steps):
        prefix = steps[step]
        if _key(prefix) not in listed:
            (complete if exists(prefix) else incomplete).append(prefix)
    return complete, incomplete


# --- the commit ---


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:  # a filesystem without hard links: a copy keeps the same promise, slower
        shutil.copy2(source, target)


def commit(staged_prefix: str, final_prefix: str, *, max_to_keep: Optional[int] = 5,
           latest_filename: str = "checkpoint", durable: bool = True,
           family: Optional[str] = None) -> List[str]:
    """Move the complete checkpoint at ``staged_prefix`` to ``final_prefix`` and make it the latest.

    ``staged_prefix`` lies in a staging folder inside ``final_prefix``'s folder. At every instant
    the state file names a complete checkpoint. Holds the folder lock throughout. With
    ``family`` (the prefix that ``<family>-<step>`` names extend), checkpoints of that naming that
    no state file lists (left by a save killed between placing and listing, or by a copied
    folder) are listed again, oldest first, or evicted with the rest beyond ``max_to_keep``.
    Checkpoints outside the folder are never deleted. Returns the listed prefixes, latest last.
    """
    directory = os.path.dirname(final_prefix) or "."
    staged = _flushed(staged_prefix, durable)
    with folder_locked(directory):
        latest, listed = read_state(directory, latest_filename)
        same = _key(final_prefix)
        listed = _still_listed(directory, listed, final_prefix)
        orphans, incomplete = _orphans(family, [*listed, final_prefix]) if family else ([], [])

        previous = checkpoint_files(final_prefix)
        backup_folder = None
        if previous:
            # Overwriting a prefix: keep its files alive under a second name, and point the state at
            # that name while the files are replaced one by one.
            backup_folder = tempfile.mkdtemp(prefix=f"{PREVIOUS}{os.getpid()}-", dir=directory)
            backup = os.path.join(backup_folder, os.path.basename(final_prefix))
            for path in previous:
                _link_or_copy(path, os.path.join(backup_folder, os.path.basename(path)))
            if durable:
                fsync_path(backup_folder, directory=True)
            if latest and _key(latest) == same:
                write_state(directory, backup, [*listed, backup], latest_filename, durable)

        _move(staged, directory, previous, durable)

        kept = [*orphans, *listed, final_prefix]
        evicted = kept[:-max_to_keep] if max_to_keep else []
        kept = kept[len(evicted):]
        write_state(directory, final_prefix, kept, latest_filename, durable)

        for prefix in evicted:
            if _inside(directory, prefix):
                delete_checkpoint(prefix)
        for prefix in incomplete:  # nothing can restore them, and no save of ours is midway
            delete_checkpoint(prefix)
        if backup_folder:
            shutil.rmtree(backup_folder, ignore_errors=True)
        _remove_leftovers(directory, latest_filename)  # what the old state still named
    return kept


def place(staged_prefix: str, final_prefix: str, *, durable: bool = True) -> str:
    """Move a complete staged checkpoint to ``final_prefix`` without touching any state file.

    An existing checkpoint there loses its ``.index`` first, so a kill midway leaves either no
    checkpoint at ``final_prefix`` or the new one, never old data under a new index.
    """
    directory = os.path.dirname(final_prefix) or "."
    staged = _flushed(staged_prefix, durable)
    previous = checkpoint_files(final_prefix)
    if exists(final_prefix):
        os.unlink(final_prefix + ".index")
    previous = [path for path in previous if not path.endswith(".index")]
    _move(staged, directory, previous, durable)
    return final_prefix


def _flushed(staged_prefix: str, durable: bool) -> List[str]:
    if not exists(staged_prefix):
        raise FileNotFoundError(f"{staged_prefix}.index: the staged checkpoint is incomplete")
    staged = checkpoint_files(staged_prefix)
    if durable:
        for path in staged:
            fsync_path(path)
        fsync_path(os.path.dirname(staged_prefix), directory=True)
    return staged


def _move(staged: List[str], directory: str, previous: List[str], durable: bool) -> None:
    new_names = set()
    for path in staged:  # data and meta first, the index last: the index is what makes it exist
        name = os.path.basename(path)
        new_names.add(name)
        os.replace(path, os.path.join(directory, name))
    for path in previous:
        if os.path.basename(path) not in new_names:  # shards of an old layout
            os.unlink(path)
    if durable:
        fsync_path(directory, directory=True)


# --- a whole save ---


def save(write: Callable[[str], object], prefix: str, *, max_to_keep: Optional[int] = 5,
         latest_filename: str = "checkpoint", durable: bool = True, family: Optional[str] = None,
         write_state: bool = True) -> Optional[List[str]]:
    """Save the checkpoint that ``write(staged_prefix)`` writes, so that it becomes ``prefix``
    all at once (see :func:`commit`); returns the listed prefixes (``[prefix]`` without
    ``write_state``), or None when ``write`` wrote nothing (a Saver with no variables).

    The folder lock is held only to clean up and create the staging folder, and to commit;
    never while ``write`` runs.
    """
    directory = os.path.dirname(prefix) or "."
    os.makedirs(directory, exist_ok=True)
    with _staging(directory, latest_filename) as folder:
        staged = os.path.join(folder, os.path.basename(prefix))
        if write(staged) is None and not exists(staged):
            return None
        if write_state:
            return commit(staged, prefix, max_to_keep=max_to_keep, latest_filename=latest_filename,
                          durable=durable, family=family)
        with folder_locked(directory):
            place(staged, prefix, durable=durable)
        return [prefix]
