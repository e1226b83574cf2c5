"""Whether a failure to write was a full disk: the one question every error path asks
before it blames permissions or a missing folder.

SQLite reports a full disk as SQLITE_FULL only once a write is under way; when it cannot
even make its -wal/-shm files, it says "unable to open database file", and Qt's lock file
says only that it failed. The errno (ENOSPC, EDQUOT) is used where there is one; else the
disk's free space is looked at.
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

from practitioner.errors import ErrorKind, KnownError

# Less than this free is "full": SQLite needs room for a -shm (32 KiB) and -wal at once.
LOW_SPACE_BYTES = 64 * 1024
NO_SPACE_ERRNOS = frozenset({errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)})


def _nearest_folder(path: Path) -> Path | None:
    for candidate in (path, *path.parents):
        if candidate.is_dir():
            return candidate
    return None


def is_full(path: Path) -> bool:
    """Whether the disk holding `path` (a file or folder, made or not) has no room left:
    too few free bytes, or no free file entries. A read-only drive is not "full"."""
    folder = _nearest_folder(Path(path).absolute())
    if folder is None or not os.access(folder, os.W_OK):
        return False
    try:
        if shutil.disk_usage(folder).free < LOW_SPACE_BYTES:
            return True
        if hasattr(os, "statvfs"):
            found = os.statvfs(folder)
            return found.f_files > 0 and found.f_favail == 0
    except OSError:
        return False
    return False


def no_space_errno(exc: BaseException) -> bool:
    """Whether `exc`, or an exception it was raised from, is an OSError saying the disk
    (or the user's quota) is full."""
    seen: set[int] = set()
    link: BaseException | None = exc
    while link is not None and id(link) not in seen:
        seen.add(id(link))
        if isinstance(link, OSError) and link.errno in NO_SPACE_ERRNOS:
            return True
        link = link.__cause__ or link.__context__
    return False


def disk_full_error(path: Path, doing: str) -> KnownError:
    """The error for a full disk at `path` while `doing` (e.g. "open the records")."""
    folder = _nearest_folder(Path(path).absolute()) or Path(path).parent
    return KnownError(
        ErrorKind.DISK_FULL,
        f"The disk that holds {folder} is full, so the app could not {doing}. Nothing was "
        "changed and nothing you typed was lost: free some space on that disk, then try "
        "again.")
