"""Settings every process of the app makes at start so patient data stays private.

Files and folders it creates are its user's alone, and no log line carries patient text:
peewee logs every SQL statement with its parameters (names, notes) at DEBUG level, so its
logger is held at WARNING whatever level the root logger is given.

Windows has no mode bits (`os.chmod` only sets the read-only flag, `os.umask` and
`os.fchmod` do nothing useful or are missing before Python 3.13). There the app's files are
private because they live in the user's profile (the app-data folder), whose inherited ACL
admits only that user, SYSTEM and administrators; files the practitioner puts elsewhere
take that folder's ACL, as any Windows program's do.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

OWNER_ONLY_UMASK = 0o077


def _has_mode_bits() -> bool:
    return sys.platform != "win32"


def protect_process() -> None:
    """Call once at start, before any file is created or anything is logged."""
    if _has_mode_bits():
        # New files 0600, new folders 0700: records, WAL, backups, exports, settings.
        os.umask(OWNER_ONLY_UMASK)
    logging.getLogger("peewee").setLevel(logging.WARNING)


def owner_only(path: Path) -> None:
    """Make an existing file (0600) or folder (0700) its user's alone, whatever the umask
    was; on Windows the folder's inherited ACL does this (see the module docstring)."""
    if _has_mode_bits():
        path.chmod(0o700 if path.is_dir() else 0o600)
