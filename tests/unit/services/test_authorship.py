"""Every change is stamped with the signed-in account, and a private note's text is seen
only by its author and administrators: in the timeline, the session, the history, exports
and reports, and nobody else may change it."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import NamedTuple

import pytest
from argon2 import PasswordHasher

from practitioner.db.models import AuditRow, PatientRow, SessionRevisionRow, SessionRow
from practitioner.domain.accounts import PRIVATE_NOTE, Identity, Role
from practitioner.errors import ErrorKind, KnownError
from practitioner.services.accounts import AccountService
from practitioner.services.audit import AuditService
from practitioner.services.csv_export import csv_tables
from practitioner.services.export import export_json
from practitioner.services.identity import SignedIn
from practitioner.services.outcomes import OutcomeService
from practitioner.services.patients import PatientService
from practitioner.services.reference import ReferenceService
from practitioner.services.reports import ReportService
from practitioner.services.sessions import SessionService
from tests.helpers.db_fixtures import TODAY, FakeClock
from tests.helpers.demo_inputs import ann
from tests.helpers.session_inputs import full_session

SECRET = "Patient disclosed a family matter; keep between us."


class Clinic(NamedTuple):
    who: SignedIn
    admin: Identity
    lee: Identity
    kim: Identity
    patients: PatientService
    sessions: SessionService


@pytest.fixture
def clinic(db_path: Path, clock: FakeClock) -> Clinic:
    """An administrator and two practitioners; services acting as whoever `who` holds."""
    who = SignedIn(Identity(None, "setup"))
    hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    accounts = AccountService(user=who, clock=clock, hasher=hasher)
    admin = accounts.create("Dr Admin", "administrator password").identity
    who.switch(admin)
    lee = accounts.create("Dr Lee", "practitioner password").identity
    kim = accounts.create("Dr Kim", "practitioner password").identity
    audit = AuditService(user=who, clock=clock)
    return Clinic(who, admin, lee, kim,
                  PatientService(clock=clock, today=lambda: TODAY, audit=audit),
                  SessionService(clock=clock, local_clock=clock, user=who, audit=audit))


def _private_session(clinic: Clinic) -> tuple[int, int]:
    """Dr Lee records a private, signed visit for a new patient: (patient, session)."""
    clinic.who.switch(clinic.lee)
    patient_id = clinic.patients.create(ann()).id
    session = clinic.sessions.create(patient_id, full_session(notes=SECRET), finalise=True,
                                     private=True)
    return patient_id, session.id


# --- stamping -------------------------------------------------------------------------------


def test_patients_sessions_amendments_and_audit_entries_carry_their_author(
    clinic: Clinic,
) -> None:
    clinic.who.switch(clinic.lee)
    patient = clinic.patients.create(ann())
    session = clinic.sessions.create(patient.id, full_session(), finalise=True)
    clinic.who.switch(clinic.kim)
    clinic.patients.update(patient.id, ann(phone="0123"), patient.version)
    amended = clinic.sessions.update(session.id, dataclasses.replace(session.data, plan="New"),
                                     session.version, reason="typo")

    row = PatientRow.get_by_id(patient.id)
    assert (row.created_by_id, row.updated_by_id) == (clinic.lee.id, clinic.kim.id)
    stored = SessionRow.get_by_id(session.id)
    assert (stored.created_by_id, stored.updated_by_id) == (clinic.lee.id, clinic.kim.id)
    assert amended.author_id == clinic.lee.id
    assert amended.finalised_by == "Dr Lee"
    [revision] = amended.revisions
    assert (revision.recorded_by, revision.replaced_by) == ("Dr Lee", "Dr Kim")
    assert SessionRevisionRow.get().amended_by_id == clinic.kim.id

    clinic.patients.archive(patient.id)
    assert PatientRow.get_by_id(patient.id).updated_by_id == clinic.kim.id
    entries = [e.fields for e in AuditService().trail(patient.id)]
    assert [(f.action, f.practitioner, f.author_id) for f in entries] == [
        ("create", "Dr Lee", clinic.lee.id),
        ("create", "Dr Lee", clinic.lee.id),
        ("finalise", "Dr Lee", clinic.lee.id),
        ("update", "Dr Kim", clinic.kim.id),
        ("amend", "Dr Kim", clinic.kim.id),
        ("archive", "Dr Kim", clinic.kim.id),
    ]
    assert AuditService().verify().intact


def test_a_new_visit_is_signed_with_the_signed_in_name(clinic: Clinic) -> None:
    clinic.who.switch(clinic.kim)
    assert clinic.sessions.blank().practitioner == "Dr Kim"


# --- private notes ----------------------------------------------------------------------------


@pytest.mark.parametrize(("reader", "sees"), [("lee", True), ("admin", True), ("kim", False)])
def test_a_private_note_is_read_by_its_author_and_administrators_only(
    clinic: Clinic, reader: str, sees: bool,
) -> None:
    patient_id, session_id = _private_session(clinic)
    clinic.who.switch(getattr(clinic, reader))

    session = clinic.sessions.get(session_id)
    [line] = clinic.sessions.timeline(patient_id)
    latest = clinic.sessions.latest(patient_id)
    [listed] = clinic.sessions.for_patients([patient_id])[patient_id]
    exported = export_json(clinic.patients, patient_id, clinic.sessions)
    table = csv_tables(clinic.patients, patient_id, clinic.sessions).sessions

    assert session.private and line.private
    assert session.hidden is line.hidden is (not sees)
    for seen in (session, latest, listed):
        assert seen is not None
        assert (seen.data.notes == SECRET) is sees
        assert (seen.data.plan == full_session().plan) is sees
    for text in (exported, table):
        assert (SECRET in text) is sees
        assert (full_session().patient_report in text) is sees
    if not sees:
        assert session.data.notes == PRIVATE_NOTE and PRIVATE_NOTE in exported
        assert session.data.points == full_session().points  # Structured data stays.
        assert session.data.measures == full_session().measures


def test_the_history_of_an_amended_private_note_is_withheld_too(clinic: Clinic) -> None:
    patient_id, session_id = _private_session(clinic)
    before = clinic.sessions.get(session_id)
    clinic.sessions.update(session_id, dataclasses.replace(before.data, plan="Later plan"),
                           before.version, reason="plan changed")
    clinic.who.switch(clinic.kim)
    [revision] = clinic.sessions.get(session_id).revisions
    assert revision.data.notes == PRIVATE_NOTE and SECRET not in json.dumps(
        export_json(clinic.patients, patient_id, clinic.sessions))
    clinic.who.switch(clinic.admin)
    [revision] = clinic.sessions.get(session_id).revisions
    assert revision.data.notes == SECRET


def test_another_practitioner_cannot_change_a_private_note(clinic: Clinic) -> None:
    _, session_id = _private_session(clinic)
    clinic.who.switch(clinic.kim)
    seen = clinic.sessions.get(session_id)
    with pytest.raises(KnownError) as caught:
        clinic.sessions.update(session_id, seen.data, seen.version, reason="x")
    assert caught.value.kind is ErrorKind.NOT_ALLOWED
    assert "private" in caught.value.message
    assert SessionRow.get_by_id(session_id).notes == SECRET


def test_only_the_author_or_an_administrator_marks_a_note_private(clinic: Clinic) -> None:
    clinic.who.switch(clinic.lee)
    patient_id = clinic.patients.create(ann()).id
    session = clinic.sessions.create(patient_id, full_session())
    clinic.who.switch(clinic.kim)
    with pytest.raises(KnownError):
        clinic.sessions.update(session.id, session.data, session.version, private=True)
    clinic.who.switch(clinic.admin)
    marked = clinic.sessions.update(session.id, session.data, session.version, private=True)
    assert marked.private and not marked.hidden
    clinic.who.switch(clinic.lee)
    unmarked = clinic.sessions.update(session.id, marked.data, marked.version, private=False)
    assert not unmarked.private


def test_carrying_forward_from_a_hidden_private_note_carries_no_text(clinic: Clinic) -> None:
    patient_id, _ = _private_session(clinic)
    clinic.who.switch(clinic.kim)
    data, previous = clinic.sessions.from_last_visit(patient_id)
    assert previous is not None and previous.hidden
    assert SECRET not in repr(data) and PRIVATE_NOTE not in repr(data)
    assert data.practitioner == "Dr Kim"


def test_a_name_without_an_account_acts_as_the_solo_administrator(clinic: Clinic) -> None:
    _, session_id = _private_session(clinic)
    solo = SessionService(user=lambda: "Script")
    assert solo.get(session_id).data.notes == SECRET


def test_audit_entries_name_no_author_id_when_there_is_no_account(db_path: Path) -> None:
    AuditService(user=lambda: "Dr Name").record("export", entity="patient", entity_id=1)
    row = AuditRow.get()
    assert (row.practitioner, row.author_id) == ("Dr Name", None)
    assert Role.ADMINISTRATOR is Identity(None, "x").role


@pytest.mark.parametrize(("reader", "sees"), [("lee", True), ("kim", False)])
def test_a_progress_report_carries_a_private_notes_text_only_for_those_who_may_read_it(
    clinic: Clinic, reader: str, sees: bool,
) -> None:
    patient_id, _ = _private_session(clinic)
    clinic.who.switch(getattr(clinic, reader))
    report = ReportService(clinic.patients, clinic.sessions, OutcomeService(),
                           ReferenceService(user=clinic.who, patients=clinic.patients),
                           today=lambda: TODAY).build(patient_id)
    [visit] = report.visits
    assert ("Kidney Yang weakness" in visit.pattern) is sees  # The free-text pattern.
    assert visit.points  # Points are structured data: shown to everyone.
