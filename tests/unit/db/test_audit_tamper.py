"""The audit trail is append-only and tamper-evident.

Through the app's own connection the triggers refuse any UPDATE or DELETE. An attacker with
raw access drops the triggers first; whatever they then change, remove, swap or cut off,
verification names the first entry that is no longer what was written.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import sqlite3
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import peewee
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from practitioner.db.base import database
from practitioner.db.connection import close_database, open_sqlite
from practitioner.db.dialect import portable
from practitioner.domain.outcomes import DiaryEntry
from practitioner.services.audit import AuditService
from practitioner.services.outcomes import OutcomeService
from practitioner.services.patients import PatientService
from practitioner.services.sessions import SessionService
from tests.helpers.db_fixtures import TODAY, FakeClock
from tests.helpers.demo_inputs import ann
from tests.helpers.session_inputs import full_session

TRIGGERS = ("audit_log_no_update", "audit_log_no_delete", "audit_log_continues_chain")
COLUMNS = ("at", "practitioner", "action", "entity", "entity_id", "patient_id", "detail",
           "prev_hash", "hash")


def _raw(path: Path) -> sqlite3.Connection:
    """What an attacker would use: a plain connection, triggers dropped."""
    conn = sqlite3.connect(path, isolation_level=None)
    for name in TRIGGERS:
        conn.execute(f"DROP TRIGGER IF EXISTS {name}")
    return conn


def _rows(path: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(f"SELECT seq, {', '.join(COLUMNS)} FROM audit_log ORDER BY seq"
                            ).fetchall()
    finally:
        conn.close()


def tamper(path: Path, kind: str, first: int, second: int) -> int:
    """Tamper with the trail at `path`; returns the seq verification must name."""
    conn = _raw(path)
    try:
        last = conn.execute("SELECT max(seq) FROM audit_log").fetchone()[0]
        if kind == "update":
            conn.execute("UPDATE audit_log SET detail = detail || ' ' WHERE seq = ?", (first,))
            return first
        if kind == "update_practitioner":
            conn.execute("UPDATE audit_log SET practitioner = 'Someone Else' WHERE seq = ?",
                         (first,))
            return first
        if kind == "delete":
            conn.execute("DELETE FROM audit_log WHERE seq = ?", (first,))
            return first
        if kind == "swap":
            low, high = sorted((first, second))
            if low == high:
                high = low + 1 if low < last else low - 1
                low, high = sorted((low, high))
            # Exchange the two entries' places in the order.
            conn.execute("BEGIN")
            conn.execute("UPDATE audit_log SET seq = ? WHERE seq = ?", (last + 1, low))
            conn.execute("UPDATE audit_log SET seq = ? WHERE seq = ?", (low, high))
            conn.execute("UPDATE audit_log SET seq = ? WHERE seq = ?", (high, last + 1))
            conn.execute("COMMIT")
            return low
        if kind == "truncate":
            conn.execute("DELETE FROM audit_log WHERE seq >= ?", (first,))
            return first
        raise AssertionError(kind)
    finally:
        conn.close()


@pytest.fixture(autouse=True)
def _closed() -> Iterator[None]:
    yield
    close_database()


def test_updates_and_deletes_through_the_app_connection_are_refused(db_path: Path) -> None:
    audit = AuditService(user=lambda: "Dr Test")
    audit.record("open", entity="patient", entity_id=1, patient_id=1)
    audit.record("export", entity="patient", entity_id=1, patient_id=1)
    for sql in ("UPDATE audit_log SET detail = 'x' WHERE seq = 1",
                "DELETE FROM audit_log WHERE seq = 2",
                "DELETE FROM audit_log"):
        with pytest.raises(peewee.IntegrityError, match="append-only"):
            database.execute_sql(sql)
    assert [e.fields.seq for e in audit.trail()] == [1, 2]
    assert audit.verify().intact


def test_an_insert_that_does_not_continue_the_chain_is_refused(db_path: Path) -> None:
    audit = AuditService()
    entry = audit.record("open")
    forked = ("2025-01-01T00:00:00.000000Z", "x", "open", "", None, None, "", "0" * 64,
              "1" * 64)
    marks = ", ".join("?" for _ in range(len(COLUMNS) + 1))
    for seq, prev in ((2, "0" * 64), (3, entry.hash), (1, "0" * 64)):
        row = (seq, *forked[:7], prev, forked[8])
        with pytest.raises(peewee.IntegrityError):
            database.execute_sql(portable(
                f"INSERT INTO audit_log (seq, {', '.join(COLUMNS)}) VALUES ({marks})"), row)
    assert audit.verify().intact and audit.verify().rows == 1


def test_a_rolled_back_change_leaves_no_entry(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = AuditService.record

    def record_then_fail(self: AuditService, action: str, **kwargs: object) -> object:
        real(self, action, **kwargs)  # type: ignore[arg-type]
        raise RuntimeError("crash after the audit entry, before commit")

    monkeypatch.setattr(AuditService, "record", record_then_fail)
    with pytest.raises(RuntimeError):
        PatientService(today=lambda: TODAY).create(ann())
    monkeypatch.undo()
    assert AuditService().trail() == []
    assert PatientService().count() == 0


# --- hypothesis: random edits, then one kind of tampering ------------------------------

edit = st.one_of(
    st.tuples(st.just("patient"), st.integers(0, 5)),
    st.tuples(st.just("rename"), st.integers(0, 5)),
    st.tuples(st.just("session"), st.integers(0, 5)),
    st.tuples(st.just("diary"), st.integers(0, 5)),
    st.tuples(st.just("archive"), st.integers(0, 5)),
    st.tuples(st.just("open"), st.integers(0, 5)),
)


def _apply(edits: list[tuple[str, int]]) -> None:
    clock = FakeClock()
    patients = PatientService(clock=clock, today=lambda: TODAY)
    sessions = SessionService(clock=clock, local_clock=lambda: dt.datetime(2025, 1, 15, 10),
                              user=lambda: "Dr Test")
    outcomes = OutcomeService(clock=clock, today=lambda: TODAY)
    ids = [patients.create(ann(name="First Patient")).id]
    for number, (kind, which) in enumerate(edits):
        clock.advance(minutes=1)
        target = ids[which % len(ids)]
        if kind == "patient":
            ids.append(patients.create(ann(name=f"Patient {number}")).id)
        elif kind == "rename":
            current = patients.get(target)
            patients.update(target, dataclasses.replace(current.data, notes=f"n{number}"),
                            current.version)
        elif kind == "session":
            sessions.create(target, full_session(), finalise=number % 2 == 0)
        elif kind == "diary":
            day = TODAY - dt.timedelta(days=number)
            outcomes.save_diary_entry(target, DiaryEntry(day, cramps=number % 5), replace=True)
        elif kind == "archive":
            patients.archive(target)
        else:
            patients.open_record(target)


@pytest.fixture(scope="module")
def workdir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="audit-tamper-") as folder:
        yield Path(folder)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(edit, min_size=1, max_size=8),
       kind=st.sampled_from(["update", "update_practitioner", "delete", "swap", "truncate"]),
       data=st.data())
def test_tampering_after_random_edits_is_detected_at_the_first_bad_entry(
    migrated_template: Path, workdir: Path, edits: list[tuple[str, int]], kind: str,
    data: st.DataObject,
) -> None:
    path = workdir / "records.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(migrated_template, path)
    open_sqlite(path)
    try:
        _apply(edits)
        audit = AuditService()
        before = audit.verify()
        assert before.intact, before.broken
        count = before.rows
        first = data.draw(st.integers(1, count), label="first")
        second = data.draw(st.integers(1, count), label="second")
        expected = tamper(path, kind, first, second)
        after = audit.verify()
        assert not after.intact
        assert after.broken is not None and after.broken.seq == expected, after.broken
    finally:
        close_database()


@pytest.mark.sqlite_only  # raw access to the file (tests/unit/db/test_server.py: PostgreSQL)
def test_a_cut_off_end_with_its_counter_reset_is_caught_by_the_anchor(db_path: Path) -> None:
    audit = AuditService()
    for _ in range(5):
        audit.record("open")
    head = audit.verify().head
    assert head is not None
    conn = _raw(db_path)
    conn.execute("DELETE FROM audit_log WHERE seq >= 4")
    conn.execute("UPDATE sqlite_sequence SET seq = 3 WHERE name = 'audit_log'")
    conn.close()
    assert audit.verify().intact  # nothing inside the file shows it …
    broken = audit.verify(anchor=(head.fields.seq, head.hash)).broken
    assert broken is not None and broken.seq == 4  # … the externally held head does


def test_two_writers_at_once_never_fork_the_chain(db_path: Path) -> None:
    """Each thread has its own connection; appends serialise on the write lock."""
    errors: list[BaseException] = []

    def write(name: str) -> None:
        audit = AuditService(user=lambda: name)
        try:
            for _ in range(100):
                audit.record("open", entity="patient", entity_id=1, patient_id=1)
        except BaseException as exc:
            errors.append(exc)
        finally:
            database.close()

    threads = [threading.Thread(target=write, args=(f"writer {n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    result = AuditService().verify()
    assert result.intact and result.rows == 200
    assert {e.fields.practitioner for e in AuditService().trail()} == {"writer 0", "writer 1"}
