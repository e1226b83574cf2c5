"""Opening a records file: connection settings, file markers, creation, reopening."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import peewee
import pytest

from practitioner.db.base import database
from practitioner.db.connection import APPLICATION_ID, close_database, open_sqlite
from practitioner.db.migrate import HISTORY_TABLE, known_migrations
from practitioner.services.patients import PatientService
from tests.helpers.db_fixtures import TODAY
from tests.helpers.demo_inputs import ann

# About SQLite files: opening, refusing and locking records files.
pytestmark = pytest.mark.sqlite_only

LATEST = max(m.idx for m in known_migrations())


@pytest.fixture(autouse=True)
def _close_at_end() -> Iterator[None]:
    yield
    close_database()


def _header(path: Path) -> tuple[int, int]:
    conn = sqlite3.connect(path)
    try:
        return (
            conn.execute("PRAGMA application_id").fetchone()[0],
            conn.execute("PRAGMA user_version").fetchone()[0],
        )
    finally:
        conn.close()


def _settings(db: peewee.Database) -> dict[str, object]:
    names = ("journal_mode", "synchronous", "foreign_keys", "busy_timeout", "trusted_schema")
    return {name: db.execute_sql(f"PRAGMA {name}").fetchone()[0] for name in names}


def _assert_hardened(db: peewee.Database) -> None:
    found = _settings(db)
    assert found["journal_mode"] == "wal"
    assert found["synchronous"] == 2  # FULL
    assert found["foreign_keys"] == 1
    assert found["busy_timeout"] >= 5000
    assert found["trusted_schema"] == 0


def test_latest_migration_number_is_positive() -> None:
    assert LATEST >= 1


def test_every_connection_is_hardened(db_path: Path) -> None:
    db = database.obj
    _assert_hardened(db)
    # peewee applies the pragmas per connection: a reconnect must get them again.
    db.close()
    db.connect()
    _assert_hardened(db)


def test_a_fresh_file_in_a_missing_folder_is_created_and_marked(tmp_path: Path) -> None:
    path = tmp_path / "not" / "yet" / "there" / "records.db"
    db = open_sqlite(path)
    _assert_hardened(db)
    close_database()
    assert path.is_file()
    assert _header(path) == (APPLICATION_ID, LATEST)


def test_a_migrated_file_carries_our_markers(db_path: Path) -> None:
    close_database()
    assert _header(db_path) == (APPLICATION_ID, LATEST)


def _snapshot(path: Path) -> tuple[object, ...]:
    conn = sqlite3.connect(path)
    try:
        return (
            conn.execute("PRAGMA application_id").fetchone()[0],
            conn.execute("PRAGMA user_version").fetchone()[0],
            conn.execute(f'SELECT name FROM "{HISTORY_TABLE}" ORDER BY name').fetchall(),
            conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall(),
            conn.execute("SELECT id, name FROM patient ORDER BY id").fetchall(),
        )
    finally:
        conn.close()


def test_reopening_is_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "records.db"
    open_sqlite(path)
    PatientService(today=lambda: TODAY).create(ann())
    close_database()
    before = _snapshot(path)

    for _ in range(2):
        db = open_sqlite(path)
        _assert_hardened(db)
        close_database()

    assert _snapshot(path) == before
    assert before[4] == [(1, "Ann Lee")]
    # Nothing was pending, so nothing was backed up.
    assert not (tmp_path / "backups").exists()


def test_close_database_closes_the_bound_file(db_path: Path) -> None:
    assert not database.is_closed()
    close_database()
    assert database.is_closed()
    close_database()  # A second close is harmless.
