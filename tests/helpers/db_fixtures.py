"""Database fixtures for the non-GUI tests: migrated records per test, on SQLite or on a
real PostgreSQL server, and a service.

SQLite: the schema is migrated once per session into a template file; each test gets a
byte copy of it, which is much faster than running the migrations again.

PostgreSQL: the server is named by `$PRACTITIONER_TEST_POSTGRES_URL` (a superuser's URL,
e.g. postgresql://postgres@127.0.0.1:5432/test); without it the PostgreSQL variants are
skipped, saying so. The schema is migrated once per session into a database of its own
(its name holds the process id; it is dropped at the end), and each test starts from
empty tables: every table but the migration history is emptied with triggers off (the
audit trail's refusals included) and its id sequence restarted — ~12 ms, against ~50 ms
for TRUNCATE and more for a TEMPLATE copy.

A test runs on both engines when it asks for `engine` (directly or through `db_path`)
and its folder's conftest parametrises it (`parametrize_engines`); `@pytest.mark.sqlite_only`
keeps one on SQLite.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from practitioner.db.connection import close_database, open_sqlite
from practitioner.db.server import open_postgres
from practitioner.services.patients import PatientService

TODAY = dt.date(2025, 1, 15)
NOW = dt.datetime(2025, 1, 15, 9, 30, 0)

POSTGRES_URL_ENV = "PRACTITIONER_TEST_POSTGRES_URL"
ENGINES = ("sqlite", "postgres")
NO_SERVER = (f"PostgreSQL variant: no test server configured (set {POSTGRES_URL_ENV}, "
             "e.g. postgresql://postgres@127.0.0.1:5432/test)")
# What a PostgreSQL test gets for `db_path` (in its temporary folder, never created):
# records on a server are no file.
SERVER_RECORDS = "postgresql-server-records"


class FakeClock:
    """A service clock that stands still until a test moves it."""

    def __init__(self, start: dt.datetime = NOW) -> None:
        self.current = start

    def __call__(self) -> dt.datetime:
        return self.current

    def advance(self, **delta: float) -> dt.datetime:
        self.current += dt.timedelta(**delta)
        return self.current


def with_database(url: str, name: str) -> str:
    """`url` pointing at database `name` on the same server."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


@dataclass
class PostgresTestServer:
    """The test server: its superuser URL, and databases made for this test session."""

    admin_url: str
    created: list[str] = field(default_factory=list)

    def admin(self) -> psycopg.Connection[tuple[object, ...]]:
        """A fresh autocommit superuser connection to the server's maintenance database."""
        return psycopg.connect(self.admin_url, autocommit=True, connect_timeout=5)

    def create_database(self, purpose: str, template: str | None = None) -> str:
        """A new empty (or `template`-copied) database; returns its URL. Dropped at the end."""
        name = f"practitioner_test_{os.getpid()}_{purpose}_{uuid.uuid4().hex[:6]}"
        with self.admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}"'
                         + (f' TEMPLATE "{template}"' if template else ""))
        self.created.append(name)
        return with_database(self.admin_url, name)

    def migrated_database(self, purpose: str) -> str:
        """A new database migrated to the latest schema, closed; returns its URL."""
        url = self.create_database(purpose)
        open_postgres(url)
        close_database()
        return url

    def drop_all(self) -> None:
        with self.admin() as conn:
            for name in reversed(self.created):
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.created.clear()


@dataclass
class PostgresRecords:
    """A migrated database on the test server, emptied before each test that uses it."""

    url: str
    conn: psycopg.Connection[tuple[object, ...]]
    tables: tuple[str, ...]
    sequences: tuple[str, ...]

    def reset(self) -> None:
        """Empty every table (triggers off, so the audit trail too) and restart the ids."""
        with self.conn.transaction():
            self.conn.execute("SET LOCAL session_replication_role = replica")
            self.conn.execute("SET LOCAL lock_timeout = '5s'")
            for table in self.tables:
                self.conn.execute(f'DELETE FROM "{table}"')
            for sequence in self.sequences:
                self.conn.execute(f'ALTER SEQUENCE "{sequence}" RESTART')
            self.conn.execute("INSERT INTO audit_issued (id, seq) VALUES (1, 0)")


def pytest_report_header(config: pytest.Config) -> str:
    url = os.environ.get(POSTGRES_URL_ENV, "").strip()
    if url:
        return f"PostgreSQL test server: {url}"
    return f"PostgreSQL test server: none; {NO_SERVER}"


def pytest_terminal_summary(terminalreporter: Any) -> None:
    skipped = [r for r in terminalreporter.stats.get("skipped", [])
               if NO_SERVER in str(getattr(r, "longrepr", ""))]
    if skipped:
        terminalreporter.write_line(f"{len(skipped)} skipped: {NO_SERVER}")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresTestServer]:
    """The configured PostgreSQL test server; skips the test when none is configured."""
    url = os.environ.get(POSTGRES_URL_ENV, "").strip()
    if not url:
        pytest.skip(NO_SERVER)
    server = PostgresTestServer(url)
    try:
        server.admin().close()
    except psycopg.Error as exc:
        pytest.fail(f"{POSTGRES_URL_ENV}={url} does not answer: {exc}")
    yield server
    server.drop_all()


@pytest.fixture(scope="session")
def postgres_records(postgres_server: PostgresTestServer) -> Iterator[PostgresRecords]:
    """A database migrated to the latest schema, for this test session."""
    url = postgres_server.migrated_database("records")
    conn = psycopg.connect(url, autocommit=True)
    tables = tuple(str(r[0]) for r in conn.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
        "AND tablename <> 'schema_migration' ORDER BY tablename"))
    sequences = tuple(str(r[0]) for r in conn.execute(
        "SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema()"))
    yield PostgresRecords(url, conn, tables, sequences)
    conn.close()


@pytest.fixture
def engine(request: pytest.FixtureRequest) -> str:
    """The database engine of this test: "sqlite" unless parametrised (see module doc)."""
    return str(getattr(request, "param", "sqlite"))


def parametrize_engines(metafunc: pytest.Metafunc) -> None:
    """Run a test that uses `engine` on SQLite and PostgreSQL (for a folder's
    `pytest_generate_tests`), unless it is marked `sqlite_only`."""
    if "engine" not in metafunc.fixturenames or metafunc.definition.get_closest_marker(
        "sqlite_only"
    ):
        return
    if any(m.args and m.args[0] == "engine"
           for m in metafunc.definition.iter_markers("parametrize")):
        return
    metafunc.parametrize("engine", ENGINES, indirect=True)


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A records file migrated to the latest schema, closed; copy it, never open it."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    open_sqlite(path)
    close_database()
    return path


#: Demo patients in the `records` file. A module that needs more asks for them with
#: `pytest.mark.parametrize("records", [n], indirect=True)`.
RECORDS_PATIENTS = 6


@pytest.fixture
def records(
    request: pytest.FixtureRequest, migrated_template: Path, tmp_path: Path,
) -> Iterator[Path]:
    """A closed SQLite records file, `tmp_path / "records.db"`, holding demo patients."""
    from tests.helpers.records import demo_records  # it needs the demo generator

    yield demo_records(migrated_template, tmp_path / "records.db",
                       getattr(request, "param", RECORDS_PATIENTS))
    close_database()


def seeded_records(
    request: pytest.FixtureRequest, engine: str, purpose: str, seed: Callable[[], object]
) -> str | Path:
    """Records shared by a module's read-only tests: migrated, then `seed()` run once on
    them; a file (SQLite) or a database URL (PostgreSQL), closed. Cached per module."""
    cache: dict[tuple[str, str], str | Path] = request.module.__dict__.setdefault(
        "_seeded_records", {})
    if (engine, purpose) in cache:
        return cache[(engine, purpose)]
    location: str | Path
    if engine == "postgres":
        server: PostgresTestServer = request.getfixturevalue("postgres_server")
        location = server.migrated_database(purpose)
        open_postgres(location)
    else:
        template: Path = request.getfixturevalue("migrated_template")
        folder: Path = request.getfixturevalue("tmp_path_factory").mktemp(purpose)
        location = folder / "records.db"
        shutil.copyfile(template, location)
        open_sqlite(location)
    try:
        seed()
    finally:
        close_database()
    cache[(engine, purpose)] = location
    return location


def open_records_at(location: str | Path) -> None:
    """Open records `seeded_records` made."""
    if isinstance(location, str):
        open_postgres(location)
    else:
        open_sqlite(location)


def open_test_records(request: pytest.FixtureRequest, engine: str, tmp_path: Path) -> Path:
    """Open fresh migrated records on `engine`, bound to the live models; the records
    file's path (SQLite) or SERVER_RECORDS (PostgreSQL)."""
    if engine == "postgres":
        records: PostgresRecords = request.getfixturevalue("postgres_records")
        records.reset()
        open_postgres(records.url)
        return tmp_path / SERVER_RECORDS
    template: Path = request.getfixturevalue("migrated_template")
    path = tmp_path / "records.db"
    shutil.copyfile(template, path)
    open_sqlite(path)
    return path


@pytest.fixture
def db_path(request: pytest.FixtureRequest, engine: str, tmp_path: Path) -> Iterator[Path]:
    """Fresh migrated records, open and bound to the live models for this test: a SQLite
    file (its path), or empty tables on the PostgreSQL test server (SERVER_RECORDS)."""
    path = open_test_records(request, engine, tmp_path)
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
