"""Settings every process of the app makes at start so patient data stays private.

Files and folders it creates are its user's alone, and no log line carries patient text:
peewee logs every SQL statement with its parameters (names, notes) at DEBUG level, so its
logger is held at WARNING whatever level the root logger is given.
"""

from __future__ import annotations

import logging
import os

OWNER_ONLY_UMASK = 0o077


def protect_process() -> None:
    """Call once at start, before any file is created or anything is logged."""
    if os.name == "posix":
        # New files 0600, new folders 0700: records, WAL, backups, exports, settings.
        os.umask(OWNER_ONLY_UMASK)
    logging.getLogger("peewee").setLevel(logging.WARNING)
