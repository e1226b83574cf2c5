"""One instance per records file: an OS lock on `<records>.lock` held while the file is open.

Used by both composition roots (`app` for the GUI, `reporting` for the writing CLI
commands). The lock is the operating system's (flock, or a byte-range lock on Windows),
taken through Python's own path handling, so a records path with bytes that are not text
(an undecodable file name on Linux, which Qt's file classes cannot address) locks like any
other. The system drops the lock when its process ends, so a crashed instance's lock
needs no recovery; the file names the holder (process, host) for the refusal message.
"""

from __future__ import annotations

import contextlib
import errno
import os
import socket
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from practitioner.disk_space import disk_full_error, is_full, no_space_errno
from practitioner.errors import ErrorKind, KnownError

# How long to wait for another instance that is just closing.
WAIT_MS = 300
_POLL_S = 0.02
_APP = "Cramp Practitioner"


def lock_path(records: Path) -> Path:
    """The lock file of the records file `records`."""
    return Path(records).with_name(Path(records).name + ".lock")


if sys.platform == "win32":
    import msvcrt

    # Far past the holder's note, which other processes must still be able to read.
    _REGION = 1 << 30

    def _try_lock(fd: int) -> bool:
        os.lseek(fd, _REGION, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, _REGION, os.SEEK_SET)
        with contextlib.suppress(OSError):
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


class InstanceLock:
    """The held lock on one records file; `release()` frees it (so does the process's end)."""

    def __init__(self, fd: int, path: Path) -> None:
        self._fd: int | None = fd
        self.path = path

    def release(self) -> None:
        """Let another instance open the records."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        if sys.platform != "win32":  # Removed while held: no one can lock a file just removed.
            with contextlib.suppress(OSError):
                os.unlink(self.path)
        _unlock(fd)
        os.close(fd)
        if sys.platform == "win32":
            with contextlib.suppress(OSError):
                os.unlink(self.path)


def _holder(path: Path) -> str:
    """" by <app> (process <pid> on <host>)" from the lock file's note, or ""."""
    try:
        lines = path.read_bytes()[:512].decode("utf-8", "replace").splitlines()
    except OSError:
        return ""
    if len(lines) < 3 or not lines[0].strip().isdigit():
        return ""
    pid, app, host = lines[0].strip(), lines[1].strip(), lines[2].strip()
    return f" by {app or 'another program'} (process {pid} on {host or 'this computer'})"


def _open_locked(path: Path) -> int | None:
    """A descriptor of `path` holding its lock, or None while another process holds it."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
    try:
        if not _try_lock(fd):
            os.close(fd)
            return None
        if sys.platform != "win32" and os.fstat(fd).st_ino != os.stat(path).st_ino:
            # Locked a file its holder removed as it let go: try again on the new one.
            _unlock(fd)
            os.close(fd)
            return _open_locked(path)
        note = f"{os.getpid()}\n{_APP}\n{socket.gethostname()}\n".encode()
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, note)
    except BaseException:
        with contextlib.suppress(OSError):
            os.close(fd)
        raise
    return fd


def _cannot_lock(path: Path, exc: OSError) -> KnownError:
    if no_space_errno(exc) or is_full(path.parent):
        return disk_full_error(path.parent, f"make the lock file {path.name} that keeps two "
                               "windows off the same records")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return KnownError(ErrorKind.READ_ONLY, f"The folder {path.parent} is read-only for "
                          f"you (the lock file {path.name} cannot be made there). Allow "
                          "writing to the folder and try again.")
    return KnownError(ErrorKind.CANNOT_OPEN, f"The lock file {path} cannot be made: "
                      f"{exc.strerror or exc}.")


def acquire(records: Path) -> InstanceLock:
    """Take the lock on `records`, waiting briefly for an instance that is just closing.

    Raises KnownError (LOCKED) naming the process and host that hold it, or (READ_ONLY,
    CANNOT_OPEN) when the lock file cannot be written.
    """
    if Path(records).is_dir():  # "." or "/" has no name to put ".lock" after, either
        raise KnownError(ErrorKind.CANNOT_OPEN, f"{records} is a folder, not a records file.")
    path = lock_path(records)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        if no_space_errno(exc):
            raise disk_full_error(path.parent, "create the folder for the records") from exc
        raise KnownError(ErrorKind.CANNOT_OPEN, f"Cannot create the folder {path.parent}: "
                         f"{exc.strerror}.") from exc
    deadline = time.monotonic() + WAIT_MS / 1000
    while True:
        try:
            fd = _open_locked(path)
        except FileNotFoundError as exc:  # Its folder vanished since it was made.
            raise KnownError(ErrorKind.CANNOT_OPEN, f"Cannot create the folder "
                             f"{path.parent}: {exc.strerror}.") from exc
        except OSError as exc:
            raise _cannot_lock(path, exc) from exc
        if fd is not None:
            return InstanceLock(fd, path)
        if time.monotonic() >= deadline:
            raise KnownError(
                ErrorKind.LOCKED,
                f"The records file {records} is already open{_holder(path)}. Close it "
                "there first; two windows on the same records could overwrite each other's "
                "work.",
            )
        time.sleep(_POLL_S)


@contextlib.contextmanager
def held(records: Path) -> Iterator[InstanceLock]:
    """The lock on `records` for the length of a `with` block."""
    lock = acquire(records)
    try:
        yield lock
    finally:
        lock.release()
