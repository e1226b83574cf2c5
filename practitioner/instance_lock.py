"""One instance per records file: a QLockFile `<records>.lock` held while the file is open.

Used by both composition roots (`app` for the GUI, `reporting` for the writing CLI
commands); it imports QtCore only, never the ui. A lock left by a crashed instance is
recognised by its dead process id and taken over without asking.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from PySide6.QtCore import QLockFile

from practitioner.disk_space import disk_full_error, is_full, no_space_errno
from practitioner.errors import ErrorKind, KnownError

# How long to wait for another instance that is just closing.
WAIT_MS = 300


def lock_path(records: Path) -> Path:
    """The lock file of the records file `records`."""
    return Path(records).with_name(Path(records).name + ".lock")


class InstanceLock:
    """The held lock on one records file; `release()` (or garbage collection) frees it."""

    def __init__(self, lock: QLockFile, path: Path) -> None:
        self._lock = lock
        self.path = path

    def release(self) -> None:
        """Let another instance open the records."""
        self._lock.unlock()


def acquire(records: Path) -> InstanceLock:
    """Take the lock on `records`, recovering a stale one left by a crash.

    Raises KnownError (LOCKED) naming the process and host that hold it, or
    (CANNOT_OPEN) when the lock file cannot be written.
    """
    path = lock_path(records)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        if no_space_errno(exc):
            raise disk_full_error(path.parent, "create the folder for the records") from exc
        raise KnownError(ErrorKind.CANNOT_OPEN, f"Cannot create the folder {path.parent}: "
                         f"{exc.strerror}.") from exc
    lock = QLockFile(str(path))
    # Never stale by age (a practitioner may keep the app open for days); a lock whose
    # process is gone on this host is stale regardless, and tryLock removes it.
    lock.setStaleLockTime(0)
    if lock.tryLock(WAIT_MS):
        return InstanceLock(lock, path)
    if lock.error() == QLockFile.LockError.LockFailedError:
        info = lock.getLockInfo()
        holder = ""
        if isinstance(info, tuple) and len(info) == 3:
            pid, host, app = info
            holder = f" by {app or 'another program'} (process {pid} on {host or 'this computer'})"
        raise KnownError(
            ErrorKind.LOCKED,
            f"The records file {records} is already open{holder}. Close it there first; "
            "two windows on the same records could overwrite each other's work.",
        )
    if is_full(path.parent):  # Qt says only that the lock file could not be made
        raise disk_full_error(path.parent, f"make the lock file {path.name} that keeps two "
                              "windows off the same records")
    raise KnownError(ErrorKind.READ_ONLY, f"The folder {path.parent} is read-only for you "
                     f"(the lock file {path.name} cannot be made there). Allow writing to "
                     "the folder and try again.")


@contextlib.contextmanager
def held(records: Path) -> Iterator[InstanceLock]:
    """The lock on `records` for the length of a `with` block."""
    lock = acquire(records)
    try:
        yield lock
    finally:
        lock.release()
