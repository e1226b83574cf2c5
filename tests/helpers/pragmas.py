"""The durable connection settings, as SQLite reports them from inside a connection."""

from __future__ import annotations

import sqlite3

from practitioner.db.connection import SQLITE_PRAGMAS

# Spelled out on purpose (not derived from SQLITE_PRAGMAS), so weakening the settings
# fails the tests. SQLite reports synchronous=FULL and temp_store=MEMORY as 2.
REQUIRED: dict[str, object] = {
    "journal_mode": "wal",
    "synchronous": 2,
    "foreign_keys": 1,
    "busy_timeout": 5000,
    "trusted_schema": 0,
    "temp_store": 2,
    "secure_delete": 1,
    "cell_size_check": 1,
    "mmap_size": 0,
}


def reported(conn: sqlite3.Connection) -> dict[str, object]:
    """Every setting in SQLITE_PRAGMAS as this connection has it."""
    cursor = conn.cursor()
    try:
        return {name: cursor.execute(f"PRAGMA {name}").fetchone()[0] for name in SQLITE_PRAGMAS}
    finally:
        cursor.close()
