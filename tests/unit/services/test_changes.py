"""ChangeService: the change counter other workstations' changes are noticed by."""

from __future__ import annotations

import datetime as dt

import pytest

from practitioner.db.base import database
from practitioner.domain.patient import PatientInput
from practitioner.domain.session import NeedledPoint, SessionInput
from practitioner.services.audit import AuditService
from practitioner.services.changes import ChangeService
from practitioner.services.patients import PatientService
from practitioner.services.protocols import ProtocolService
from practitioner.services.sessions import SessionService
from tests.helpers.db_fixtures import TODAY, FakeClock


@pytest.fixture
def mine(patients: PatientService, clock: FakeClock) -> tuple[PatientService, ChangeService]:
    """This window's patient service and change service, sharing one audit service."""
    audit = AuditService(clock=clock)
    return PatientService(clock=clock, today=lambda: TODAY, audit=audit), ChangeService([audit])


def _input(name: str) -> PatientInput:
    return PatientInput(name=name, date_of_birth=dt.date(1970, 1, 1))


def test_nothing_changed_means_an_empty_change_set_and_the_same_token(
    mine: tuple[PatientService, ChangeService], patients: PatientService,
) -> None:
    _, changes = mine
    patients.create(_input("Ann Other"))
    token = changes.current_token()

    found = changes.changes_since(token)

    assert found.token == token
    assert not found.elsewhere and not found.own_patient_ids


def test_another_workstations_change_is_reported_with_its_patient(
    mine: tuple[PatientService, ChangeService], patients: PatientService,
) -> None:
    _, changes = mine
    ann = patients.create(_input("Ann Other"))
    token = changes.current_token()

    patients.update(ann.id, _input("Ann Changed"), ann.version)  # "elsewhere": its own audit
    found = changes.changes_since(token)

    assert found.patient_ids == {ann.id}
    assert found.own_patient_ids == frozenset()
    assert found.token > token
    assert changes.changes_since(found.token).elsewhere is False


def test_this_windows_own_changes_are_told_apart(
    mine: tuple[PatientService, ChangeService], patients: PatientService,
) -> None:
    my_patients, changes = mine
    token = changes.current_token()

    mine_created = my_patients.create(_input("Mine Patient"))
    theirs = patients.create(_input("Their Patient"))
    found = changes.changes_since(token)

    assert found.own_patient_ids == {mine_created.id}
    assert found.patient_ids == {theirs.id}


def test_opening_a_record_elsewhere_is_not_a_change(
    mine: tuple[PatientService, ChangeService], patients: PatientService,
) -> None:
    _, changes = mine
    ann = patients.create(_input("Ann Other"))
    token = changes.current_token()

    patients.open_record(ann.id)  # audited as an access, not a change

    assert changes.changes_since(token).elsewhere is False
    assert changes.current_token() > token


def test_sessions_and_shared_records_are_reported(
    mine: tuple[PatientService, ChangeService], patients: PatientService, clock: FakeClock,
) -> None:
    _, changes = mine
    ann = patients.create(_input("Ann Other"))
    token = changes.current_token()
    sessions = SessionService(clock=clock, local_clock=lambda: dt.datetime(2025, 1, 15, 10))

    sessions.create(ann.id, SessionInput(started_at=dt.datetime(2025, 1, 15, 10)))
    ProtocolService(clock=clock).save("Night cramps", (NeedledPoint("GB34"),))
    found = changes.changes_since(token)

    assert found.patient_ids == {ann.id}
    assert "protocol" in found.shared


def test_a_long_backlog_is_read_whole(
    mine: tuple[PatientService, ChangeService], patients: PatientService,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, changes = mine
    token = changes.current_token()
    monkeypatch.setattr("practitioner.services.changes.BATCH", 2)
    made = [patients.create(_input(f"Patient {n}")).id for n in range(5)]

    found = changes.changes_since(token)

    assert found.patient_ids == set(made)
    assert found.token == changes.current_token()


def test_the_poll_is_one_cheap_indexed_read(
    mine: tuple[PatientService, ChangeService], patients: PatientService, engine: str,
) -> None:
    from playhouse.test_utils import count_queries

    _, changes = mine
    for n in range(30):
        patients.create(_input(f"Patient {n}"))
    token = changes.current_token()
    with count_queries() as counted:
        changes.changes_since(token)
    assert counted.count == 1
    [(sql, params)] = [record.msg for record in counted.get_queries()]
    explain = "EXPLAIN QUERY PLAN " if engine == "sqlite" else "EXPLAIN "
    if engine == "postgres":  # a tiny test table is scanned; is an index path there?
        database.execute_sql("SET enable_seqscan = off")
    plan = " ".join(str(row) for row in database.execute_sql(explain + sql, params))
    if engine == "postgres":
        database.execute_sql("RESET enable_seqscan")
    assert "PRIMARY KEY" in plan.upper() or "audit_log_pkey" in plan, plan
