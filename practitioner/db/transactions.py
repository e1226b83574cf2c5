"""The one way services open a write transaction, on either database engine."""

from __future__ import annotations

from typing import Any

import peewee

from practitioner.db.base import database


def write_transaction() -> Any:
    """A context manager for one write: commits on success, rolls back on any error.

    On SQLite it is `BEGIN IMMEDIATE`, taking the file's write lock up front so a busy
    file fails at the start, never half-way through. On PostgreSQL it is a plain `BEGIN`:
    rows lock as they are written and version numbers catch concurrent edits.
    """
    if isinstance(database.obj, peewee.SqliteDatabase):
        return database.atomic("IMMEDIATE")
    return database.atomic()
