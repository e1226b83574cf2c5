"""Erasure: refused inside the retention period; afterwards every trace of the patient is
gone from the tables and from the file's bytes, and the audit trail says so by id only."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from practitioner.db.base import database
from practitioner.db.models import MODELS
from practitioner.domain.outcomes import DiaryEntry
from practitioner.errors import ErrorKind, KnownError
from practitioner.services.audit import AuditService
from practitioner.services.drafts import DraftService
from practitioner.services.outcomes import OutcomeService
from practitioner.services.patients import PatientService
from practitioner.services.privacy import ErasureBlockedError, PrivacyService
from practitioner.services.reference import ReferenceService
from practitioner.services.sessions import SessionService
from tests.helpers.db_fixtures import TODAY, FakeClock
from tests.helpers.demo_inputs import ann
from tests.helpers.session_inputs import VISIT, full_session

MARKER = "PURGE-MARKER-7f3a9c"
LAST_VISIT = VISIT.date()
ALLOWED_FROM = dt.date(2035, 1, 14)  # ten years after the last visit


def _bytes(path: Path) -> bytes:
    found = b""
    for suffix in ("", "-wal"):
        part = Path(f"{path}{suffix}")
        if part.exists():
            found += part.read_bytes()
    return found


def _fill(patients: PatientService, clock: FakeClock) -> int:
    """A patient whose marker is in every kind of row, beside another patient."""
    audit = AuditService(user=lambda: "Dr Test", clock=clock)
    sessions = SessionService(clock=clock, local_clock=lambda: dt.datetime(2025, 1, 15, 10),
                              user=lambda: "Dr Test", audit=audit)
    outcomes = OutcomeService(clock=clock, today=lambda: TODAY, audit=audit)
    patient = patients.create(ann(name=f"Ann {MARKER}", notes=MARKER))
    patients.create(ann(name="Bea Other", notes="keep me"))
    session = sessions.create(patient.id, full_session(notes=MARKER), finalise=True)
    sessions.update(session.id, dataclasses.replace(session.data, plan=MARKER),
                    session.version, reason=MARKER)
    sessions.create(patient.id, full_session(started_at=dt.datetime(2024, 12, 1, 9)))
    outcomes.save_diary_entry(patient.id, DiaryEntry(TODAY, 1, notes=MARKER))
    outcomes.set_psfs_activities(patient.id, [f"Walk {MARKER}"])
    DraftService(clock=clock).save(patient.id, None, {"notes": MARKER})
    reference = ReferenceService(clock=clock, patients=patients, audit=audit, full_text=False)
    reference.record_review(patient.id, "calf", "referred", note=MARKER)
    return patient.id


def test_inside_retention_erasure_is_refused_and_audited(
    db_path: Path, patients: PatientService, clock: FakeClock
) -> None:
    patient_id = _fill(patients, clock)
    privacy = PrivacyService(today=lambda: ALLOWED_FROM - dt.timedelta(days=1), backup=None)
    with pytest.raises(ErasureBlockedError) as caught:
        privacy.purge(patient_id)
    assert "2035-01-14" in caught.value.message
    assert caught.value.retention.erasable_from == ALLOWED_FROM
    assert patients.get(patient_id).data.notes == MARKER
    assert AuditService().trail(patient_id)[-1].fields.action == "purge_refused"


@pytest.mark.sqlite_only  # the bytes of the records file, and its file backup
def test_a_purge_removes_every_trace_from_tables_and_file_bytes(
    db_path: Path, patients: PatientService, clock: FakeClock, tmp_path: Path
) -> None:
    patient_id = _fill(patients, clock)
    assert MARKER.encode() in _bytes(db_path)  # the check below can fail

    done = PrivacyService(today=lambda: ALLOWED_FROM).purge(patient_id)

    assert done.wal_truncated
    assert done.backup is not None and done.backup.parent == db_path.parent / "backups"
    for model in MODELS:
        if "patient" in model._meta.fields:
            left = model.select().where(model.patient == patient_id).count()
            assert left == 0, model._meta.table_name
    left = database.execute_sql(
        "SELECT count(*) FROM treatment_session WHERE patient_id = ?", (patient_id,)
    ).fetchone()[0]
    assert left == 0
    for table in ("session_code", "session_point", "session_measure", "session_revision",
                  "session_reference", "session_psfs"):
        orphans = database.execute_sql(
            f"SELECT count(*) FROM {table} WHERE session_id NOT IN "
            "(SELECT id FROM treatment_session)").fetchone()[0]
        assert orphans == 0, table
    assert MARKER.encode() not in _bytes(db_path)
    assert [p.data.name for p in patients.all_patients()] == ["Bea Other"]
    audit = AuditService()
    assert audit.verify().intact
    last = audit.trail(patient_id)[-1].fields
    assert (last.action, last.entity_id, last.detail) == ("purge", patient_id, "record erased")
    assert all(MARKER not in repr(e.fields) for e in audit.trail())


def test_erasure_on_a_clinic_server_is_left_to_the_administrator(
    db_path: Path, patients: PatientService, clock: FakeClock, engine: str
) -> None:
    if engine != "postgres":
        pytest.skip("clinic servers only (a records file is erased by the app)")
    patient_id = _fill(patients, clock)
    privacy = PrivacyService(today=lambda: ALLOWED_FROM, backup=None)
    with pytest.raises(KnownError) as caught:
        privacy.purge(patient_id)
    assert caught.value.kind is ErrorKind.PERMISSION_DENIED
    assert "administrator" in caught.value.message
    assert patients.get(patient_id).data.notes == MARKER
