"""Two (or more) workstations on one set of records: each its own real database
connection, on the same SQLite file or the same PostgreSQL database.

The live models are bound to one database proxy; `Workstation.active()` points it at this
workstation's own database object (with its own connection) for the calls made inside.
PostgreSQL databases are created under a unique name and dropped afterwards.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import peewee
import pytest

from practitioner.db.base import database
from practitioner.db.connection import open_sqlite
from practitioner.services.audit import AuditService
from practitioner.services.patients import PatientService
from practitioner.services.sessions import SessionService
from tests.helpers.db_fixtures import NOW, TODAY, FakeClock

POSTGRES_ENV = "PRACTITIONER_TEST_POSTGRES_URL"
ENGINES = ("sqlite", "postgresql")
_counter = itertools.count()

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


def postgres_url() -> str | None:
    """The test server's URL, or None when none is configured."""
    return os.environ.get(POSTGRES_ENV) or None


@contextlib.contextmanager
def scratch_postgres(prefix: str = "conflicts") -> Iterator[str]:
    """A new, empty database on the test server under a unique name; dropped after."""
    url = postgres_url()
    if url is None:
        pytest.skip(f"no PostgreSQL server configured: set {POSTGRES_ENV}")
    import psycopg

    name = f"{prefix}_{os.getpid()}_{next(_counter)}"
    admin = psycopg.connect(url, autocommit=True)
    try:
        admin.execute(f'CREATE DATABASE "{name}"')
        parts = urlsplit(url)
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def open_postgres_database(url: str) -> peewee.Database:
    """Open (migrating when new) the PostgreSQL database at `url`: a new database object."""
    try:
        from practitioner.db.server import open_postgres  # type: ignore[import-not-found]
    except ImportError:
        pytest.skip("this build has no PostgreSQL engine (practitioner.db.server)")
    db: peewee.Database = open_postgres(url)
    return db


@contextlib.contextmanager
def workstations(engine: str, folder: Path, template: Path,
                 names: tuple[str, ...] = ("Dr Ash", "Dr Birch")) -> Iterator[
    list[Workstation]
]:
    """Workstations named `names` on one new set of records on `engine`."""
    opened: list[peewee.Database] = []
    try:
        if engine == "sqlite":
            path = folder / "shared.db"
            shutil.copyfile(template, path)
            for _ in names:
                opened.append(open_sqlite(path))
            yield [Workstation(name, db) for name, db in zip(names, opened, strict=True)]
        else:
            with scratch_postgres() as url:
                try:
                    for _ in names:
                        opened.append(open_postgres_database(url))
                    yield [Workstation(name, db) for name, db in zip(names, opened,
                                                                     strict=True)]
                finally:
                    for db in opened:
                        db.close()
                    opened.clear()
    finally:
        for db in opened:
            db.close()
        database.initialize(None)
