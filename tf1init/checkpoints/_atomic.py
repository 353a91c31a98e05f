"""Put a finished checkpoint in place so that a kill at any instant leaves a restorable latest.

TensorFlow's ``Saver.save`` points the ``checkpoint`` state file at the new prefix *before* it
writes the ``.meta`` file, deletes old checkpoints before that too, and overwriting one prefix
renames ``.data`` and ``.index`` one after the other (a kill in between pairs a new data file
with the old index). Here the new files are complete and fsynced in a staging folder first; a
prefix that already exists is kept alive under hard links while its files are replaced; the state
file changes last, by ``os.replace``; old checkpoints go only after the new one is in place.

This module never imports TensorFlow: the commit is plain file work (and is tested by killing a
process at every one of its file operations).
"""
import errno
import glob
import os
import re
import shutil
import tempfile
from typing import List, Optional, Sequence, Tuple

from tf1init.checkpoints import _state

STAGING = ".tf1init-save-"    # a checkpoint being written
PREVIOUS = ".tf1init-prev-"   # hard links that keep an overwritten checkpoint restorable
STATE_TEMP = ".tf1init-state-"


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


# --- staging folders and the commit ---


def staging_folder(directory: str) -> str:
    """A new empty folder next to the checkpoints (same filesystem, so renames are atomic)."""
    return tempfile.mkdtemp(prefix=f"{STAGING}{os.getpid()}-", dir=directory)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_leftovers(directory: str, latest_filename: str = "checkpoint") -> List[str]:
    """Delete what saves killed earlier left behind (never a folder the state file still names)."""
    latest, paths = read_state(directory, latest_filename)
    referenced = {os.path.dirname(os.path.abspath(p)) for p in [latest, *paths] if p}
    removed = []
    try:
        names = os.listdir(directory)
    except FileNotFoundError:
        return removed
    for name in names:
        for marker in (STAGING, PREVIOUS, STATE_TEMP):
            if name.startswith(marker):
                break
        else:
            continue
        owner = name[len(marker):].split("-")[0]
        if not owner.isdigit() or int(owner) == os.getpid() or _pid_alive(int(owner)):
            continue
        path = os.path.join(directory, name)
        if os.path.abspath(path) in referenced:
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


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:  # a filesystem without hard links: a copy keeps the same promise, slower
        shutil.copy2(source, target)


def commit(staged_prefix: str, final_prefix: str, *, max_to_keep: Optional[int] = 5,
           latest_filename: str = "checkpoint", durable: bool = True) -> str:
    """Move the complete checkpoint at ``staged_prefix`` to ``final_prefix`` and make it the latest.

    ``staged_prefix`` lies in a staging folder inside ``final_prefix``'s folder. Returns
    ``final_prefix``. At every instant the state file names a complete checkpoint.
    """
    directory = os.path.dirname(final_prefix) or "."
    staged = _flushed(staged_prefix, durable)

    latest, listed = read_state(directory, latest_filename)
    same = os.path.abspath(final_prefix)
    listed = [p for p in listed if exists(p) and os.path.abspath(p) != same]

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
        if latest and os.path.abspath(latest) == same:
            write_state(directory, backup, [*listed, backup], latest_filename, durable)

    _move(staged, directory, previous, durable)

    kept = [*listed, final_prefix]
    evicted = kept[:-max_to_keep] if max_to_keep else []
    kept = kept[len(evicted):]
    write_state(directory, final_prefix, kept, latest_filename, durable)

    for prefix in evicted:
        delete_checkpoint(prefix)
    if backup_folder:
        shutil.rmtree(backup_folder, ignore_errors=True)
    return final_prefix


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
