"""Consistent copies of a live SQLite file through the online backup API, never a file copy."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from practitioner.errors import ErrorKind, KnownError


def backup_sqlite(source: sqlite3.Connection, target: Path) -> Path:
    """Copy the database behind `source` to `target`, verified, via a temporary file.

    The copy is checked with `integrity_check` before it is renamed into place, so a
    final-named backup is always a whole, healthy one.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    dest = sqlite3.connect(partial)
    try:
        source.backup(dest)
        verdict = dest.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        dest.close()
    if verdict != "ok":
        partial.unlink(missing_ok=True)
        raise KnownError(ErrorKind.DAMAGED, f"The backup copy failed its check ({verdict}).")
    os.replace(partial, target)
    return target
