"""Database fixtures for the non-GUI tests: a migrated records file per test, a service.

The schema is migrated once per session into a template file; each test gets a byte copy
of it, which is much faster than running the migrations again.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from practitioner.db.connection import close_database, open_sqlite
from practitioner.services.patients import PatientService

TODAY = dt.date(2025, 1, 15)
NOW = dt.datetime(2025, 1, 15, 9, 30, 0)


class FakeClock:
    """A service clock that stands still until a test moves it."""

    def __init__(self, start: dt.datetime = NOW) -> None:
        self.current = start

    def __call__(self) -> dt.datetime:
        return self.current

    def advance(self, **delta: float) -> dt.datetime:
        self.current += dt.timedelta(**delta)
        return self.current


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A records file migrated to the latest schema, closed; copy it, never open it."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    open_sqlite(path)
    close_database()
    return path


@pytest.fixture
def db_path(migrated_template: Path, tmp_path: Path) -> Iterator[Path]:
    """A fresh migrated records file, open and bound to the live models for this test."""
    path = tmp_path / "records.db"
    shutil.copyfile(migrated_template, path)
    open_sqlite(path)
    yield path
    close_database()


@pytest.fixture
def clock() -> FakeClock:
    """The clock injected into `patients`; starts at NOW."""
    return FakeClock()


@pytest.fixture
def patients(db_path: Path, clock: FakeClock) -> PatientService:
    """A PatientService on `db_path`, with `clock` and a fixed today (TODAY)."""
    return PatientService(clock=clock, today=lambda: TODAY)
