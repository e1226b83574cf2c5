"""Service tests run on SQLite and, when a test server is configured, on PostgreSQL
(`tests/helpers/db_fixtures.py`). Every service test also checks that each write a
service makes runs inside a transaction: on SQLite a `BEGIN IMMEDIATE` one, taking the
write lock up front (so a busy file fails at the start, never half-way through); on
PostgreSQL one the server itself reports open when the statement is sent."""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path

import peewee
import psycopg
import pytest
from psycopg.pq import TransactionStatus

from tests.helpers.db_fixtures import parametrize_engines

_WRITES = frozenset({"INSERT", "UPDATE", "DELETE", "REPLACE"})
_SERVICES = str(Path(__file__).resolve().parents[3] / "practitioner" / "services")
# Builds a new file under a temporary name that nothing else can have open; its bulk
# loading (and the migrations of the new file) need no write lock taken up front.
_DATASETS = str(Path(_SERVICES) / "datasets.py")


def _called_from_a_service() -> bool:
    frame = sys._getframe(2)
    from_service = False
    while frame is not None:
        name = frame.f_code.co_filename
        if name == _DATASETS:
            return False
        from_service = from_service or name.startswith(_SERVICES)
        frame = frame.f_back  # type: ignore[assignment]
    return from_service


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    parametrize_engines(metafunc)


def _first_word(sql: str) -> str:
    words = sql.split(None, 1)
    return words[0].upper() if words else ""


@pytest.fixture(autouse=True)
def _service_writes_run_in_immediate_transactions(
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[None]:
    outside: list[str] = []
    connect = peewee.SqliteDatabase._connect

    def traced_connect(self: peewee.SqliteDatabase) -> sqlite3.Connection:
        conn: sqlite3.Connection = connect(self)
        begun = [""]

        def trace(sql: str) -> None:
            words = sql.split(None, 2)
            first = words[0].upper() if words else ""
            if first == "BEGIN":
                # A test may wrap a service call in its own transaction on purpose.
                begun[0] = (" ".join(words[:2]).upper() if _called_from_a_service()
                            else "BEGIN IMMEDIATE")
            elif first in _WRITES and _called_from_a_service() and (
                not conn.in_transaction or begun[0] != "BEGIN IMMEDIATE"
            ):
                outside.append(sql[:120])

        conn.set_trace_callback(trace)
        return conn

    monkeypatch.setattr(peewee.SqliteDatabase, "_connect", traced_connect)
    execute_sql = peewee.PostgresqlDatabase.execute_sql

    def traced_execute_sql(self: peewee.PostgresqlDatabase, sql: str,
                           params: object = None) -> object:
        if _first_word(sql) in _WRITES and _called_from_a_service():
            conn: psycopg.Connection[object] = self.connection()
            if conn.info.transaction_status is not TransactionStatus.INTRANS:
                outside.append(sql[:120])
        return execute_sql(self, sql, params)

    monkeypatch.setattr(peewee.PostgresqlDatabase, "execute_sql", traced_execute_sql)
    yield
    assert outside == [], "service writes outside a (BEGIN IMMEDIATE) transaction"
