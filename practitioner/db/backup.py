"""Consistent copies of a live SQLite file through the online backup API, never a file copy."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from practitioner.db.cipher import connect_raw, is_cipher_connection
from practitioner.errors import BugError, ErrorKind, KnownError


def backup_sqlite(
    source: sqlite3.Connection, target: Path, passphrase: str | None = None
) -> Path:
    """Copy the database behind `source` to `target`, verified, via a temporary file.

    The copy is checked with `integrity_check` before it is renamed into place, so a
    final-named backup is always a whole, healthy one. The copy of an encrypted database
    is encrypted under `passphrase` (its own, `cipher.passphrase_of(db)`); there is no way
    to make a plaintext copy of it.
    """
    encrypted = is_cipher_connection(source)
    if encrypted and passphrase is None:
        raise BugError("An encrypted database is only backed up under its passphrase.")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    dest = connect_raw(partial, passphrase if encrypted else None)
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
