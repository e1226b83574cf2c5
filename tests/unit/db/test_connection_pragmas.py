"""Every connection the app opens on a records file carries every setting in SQLITE_PRAGMAS.

peewee opens one connection per thread and again after a close, and runs the pragmas on
each; these tests look at the settings from inside each such connection, never at the
configuration that asks for them.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import peewee
import pytest

from practitioner.db.base import database
from practitioner.db.connection import SQLITE_PRAGMAS, close_database, open_sqlite
from practitioner.services.patients import PatientService
from tests.helpers.demo_inputs import ann
from tests.helpers.pragmas import REQUIRED, reported

# What SQLite reports back for the words SQLITE_PRAGMAS uses.
_AS_REPORTED = {("synchronous", "full"): 2, ("temp_store", "memory"): 2}


def _expected() -> dict[str, object]:
    return {name: _AS_REPORTED.get((name, value), value) for name, value in SQLITE_PRAGMAS.items()}


@pytest.fixture
def opened(tmp_path: Path) -> Iterator[peewee.SqliteDatabase]:
    db = open_sqlite(tmp_path / "records.db")
    yield db
    close_database()


def test_the_settings_asked_for_are_the_durable_ones() -> None:
    assert _expected() == REQUIRED


def test_the_first_connection_has_every_setting(opened: peewee.SqliteDatabase) -> None:
    assert reported(opened.connection()) == REQUIRED


def test_a_reconnect_has_every_setting(opened: peewee.SqliteDatabase) -> None:
    first = opened.connection()
    opened.close()
    PatientService().create(ann())  # peewee reconnects on first use
    second = opened.connection()
    assert second is not first
    assert reported(second) == REQUIRED


def test_a_worker_threads_connection_has_every_setting(opened: peewee.SqliteDatabase) -> None:
    main = opened.connection()
    found: dict[str, object] = {}

    def work() -> None:
        PatientService().create(ann(name="From A Worker"))
        conn = database.connection()
        found.update(reported(conn), same=conn is main)
        database.close()

    worker = threading.Thread(target=work)
    worker.start()
    worker.join(timeout=30)
    assert not worker.is_alive()
    assert found.pop("same") is False
    assert found == REQUIRED
    assert [p.name for p in PatientService().list_patients()] == ["From A Worker"]


def test_reopening_an_existing_file_has_every_setting(tmp_path: Path) -> None:
    path = tmp_path / "records.db"
    open_sqlite(path)
    PatientService().create(ann())
    close_database()
    db = open_sqlite(path)
    try:
        assert reported(db.connection()) == REQUIRED
    finally:
        close_database()
