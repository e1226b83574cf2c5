"""Two (or more) workstations on one set of records: each its own real database
connection, on the same SQLite file or the same PostgreSQL database.

The live models are bound to one database proxy; `Workstation.active()` points it at this
workstation's own database object (with its own connection) for the calls made inside.
On PostgreSQL the test session's migrated database (`postgres_records`, created under a
unique name and dropped at the end) is emptied first.

`at_another_workstation` runs work on another thread: peewee keeps one connection per
thread, so it goes through a second connection to the same records, as another
workstation's would.
"""

from __future__ import annotations

import contextlib
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import peewee
import pytest

from practitioner.db.base import database
from practitioner.db.connection import open_sqlite
from practitioner.db.server import open_postgres
from practitioner.services.audit import AuditService
from practitioner.services.patients import PatientService
from practitioner.services.sessions import SessionService
from tests.helpers.db_fixtures import ENGINES, NOW, TODAY, FakeClock, PostgresRecords

__all__ = ["ENGINES", "Workstation", "at_another_workstation", "workstations"]

T = TypeVar("T")


@dataclass
class Workstation:
    """One practitioner's computer: a connection of its own and the services on it."""

    name: str
    db: peewee.Database
    clock: FakeClock = field(default_factory=FakeClock)

    def __post_init__(self) -> None:
        user = lambda: self.name  # noqa: E731 - who signs, and who the audit names
        audit = AuditService(user=user, clock=self.clock)
        self.patients = PatientService(clock=self.clock, today=lambda: TODAY, audit=audit)
        self.sessions = SessionService(clock=self.clock, local_clock=lambda: NOW, user=user,
                                       audit=audit)

    @contextlib.contextmanager
    def active(self) -> Iterator[None]:
        """Run the calls inside on this workstation's own connection."""
        database.initialize(self.db)
        yield

    def run(self, call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """`call(*args, **kwargs)` on this workstation's connection."""
        with self.active():
            return call(*args, **kwargs)


@contextlib.contextmanager
def workstations(request: pytest.FixtureRequest, engine: str, folder: Path,
                 names: tuple[str, ...] = ("Dr Ash", "Dr Birch")) -> Iterator[
    list[Workstation]
]:
    """Workstations named `names`, each on its own connection to one new set of records:
    a copy of the migrated template file (SQLite), or the test server's migrated
    database emptied first (PostgreSQL; skipped, saying why, when none is configured)."""
    opened: list[peewee.Database] = []
    try:
        if engine == "sqlite":
            template: Path = request.getfixturevalue("migrated_template")
            path = folder / "shared.db"
            shutil.copyfile(template, path)
            for _ in names:
                opened.append(open_sqlite(path))
        else:
            records: PostgresRecords = request.getfixturevalue("postgres_records")
            records.reset()
            for _ in names:
                opened.append(open_postgres(records.url))
        yield [Workstation(name, db) for name, db in zip(names, opened, strict=True)]
    finally:
        for db in opened:
            db.close()
        database.initialize(None)


def at_another_workstation(work: Callable[[], T]) -> T:
    """Run `work` on its own connection (another thread) and return what it returned."""
    result: list[T] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            result.append(work())
        except BaseException as exc:  # handed back to the test's thread
            failure.append(exc)
        finally:
            if not database.is_closed():
                database.close()

    thread = threading.Thread(target=run, name="other-workstation")
    thread.start()
    thread.join(timeout=60)
    if failure:
        raise failure[0]
    assert result, "the other workstation did not finish"
    return result[0]
