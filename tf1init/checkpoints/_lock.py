"""An exclusive lock on a file, held by whoever changes a checkpoint folder's state.

Two processes saving into one folder (a restarted job while the old one still runs) each read
the state file, place their checkpoint, write the state and evict old checkpoints. Interleaved,
one can list a checkpoint the other just deleted, or drop one the other just placed from every
list. Holding :func:`locked` across those steps serializes them; the slow part of a save (TF
writing the tensors into a staging folder) happens outside it.

On POSIX this is ``fcntl.flock``: released by the kernel when its holder dies (even by
SIGKILL), and honoured across machines on NFS (Linux emulates it with NFS byte-range locks,
which belong to a process, not to a file description). On Windows it is ``msvcrt.locking`` on
the file's first byte, retried until free. Threads of one process also take a
``threading.Lock`` per file first, so they exclude each other whatever the filesystem does.
Where the filesystem refuses locks (some FUSE mounts), the work goes on unlocked with a
``RuntimeWarning``: one process per folder is then safe, two are not.
"""
import contextlib
import errno
import os
import threading
import time
import warnings
from typing import Optional

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None
try:
    import msvcrt
except ImportError:
    msvcrt = None

_UNSUPPORTED = {getattr(errno, name) for name in ("ENOLCK", "EOPNOTSUPP", "ENOTSUP", "ENOSYS") if hasattr(errno, name)}
_BUSY = {getattr(errno, name) for name in ("EACCES", "EAGAIN", "EDEADLK", "EDEADLOCK") if hasattr(errno, name)}
_warned = set()
_THREADS: dict = {}  # lock file -> the lock this process's threads take first
_THREADS_GUARD = threading.Lock()


@contextlib.contextmanager
def locked(path: str):
    """Hold an exclusive lock on the file ``path`` (created if missing, never deleted: deleting
    a lock file lets a third process lock a new file while a second still waits on the old)."""
    with _thread_lock(path):
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        try:
            held = _acquire(fd, path, block=True)
            try:
                yield
            finally:
                if held and fcntl is None:
                    os.lseek(fd, 0, os.SEEK_SET)
                    msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        finally:
            os.close(fd)  # releases a flock


def _thread_lock(path: str) -> threading.Lock:
    key = os.path.realpath(path)
    with _THREADS_GUARD:
        return _THREADS.setdefault(key, threading.Lock())


def try_lock(fd: int, path: str) -> Optional[bool]:
    """Take the lock on an open file without waiting: False if another holder has it, None
    where files cannot be locked."""
    return _acquire(fd, path, block=False)


def _acquire(fd: int, path: str, block: bool) -> Optional[bool]:
    if fcntl is not None:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if block else fcntl.LOCK_NB))
            return True
        except BlockingIOError:
            return False
        except OSError as error:
            if error.errno not in _UNSUPPORTED:
                raise
            _warn(path, error)
            return None  # unlocked: carry on alone
    if msvcrt is not None:
        while True:
            try:
                os.lseek(fd, 0, os.SEEK_SET)
                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
                return True
            except OSError as error:
                if error.errno not in _BUSY:
                    raise
                if not block:
                    return False
                time.sleep(0.01)
    _warn(path, "no file locking on this platform")
    return None


def _warn(path: str, why) -> None:
    folder = os.path.dirname(os.path.abspath(path))
    if folder not in _warned:
        _warned.add(folder)
        warnings.warn(
            f"cannot lock {path!r} ({why}); saves into {folder!r} go on unlocked, so do not let two "
            f"processes save there at once",
            RuntimeWarning,
            stacklevel=4,
        )
