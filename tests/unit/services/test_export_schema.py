"""Real exports validate against the shipped JSON Schema with a real validator and format
checking on (RFC 3339 date-times need their UTC offset), and moments make the round trip.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from practitioner.db.connection import close_database, open_sqlite
from practitioner.domain.demo_sessions import DEMO_PRACTITIONER
from practitioner.domain.outcomes import DiaryEntry
from practitioner.domain.serialize import EXPORT_VERSION
from practitioner.services.demo import fill_demo
from practitioner.services.export import export_json
from practitioner.services.letters import LetterService
from practitioner.services.outcomes import OutcomeService
from practitioner.services.patients import PatientService
from practitioner.services.record_import import import_document
from practitioner.services.reference import ReferenceService
from practitioner.services.sessions import SessionService
from tests.helpers.demo_inputs import full_record
from tests.helpers.session_inputs import full_session
from tests.unit.services.test_record_import import PDF, add_letter_citation_and_custom_measure

SCHEMA_FILE = (Path(__file__).parents[3] / "resources" / "schemas"
               / f"export-v{EXPORT_VERSION}.schema.json")


def _errors(document: dict[str, Any]) -> list[str]:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    assert validator_class is jsonschema.Draft202012Validator
    validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
    # Format checking is real only when the checker knows date-time (rfc3339-validator).
    assert "date-time" in validator.format_checker.checkers
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator.iter_errors(document)]


def _export() -> dict[str, Any]:
    return json.loads(export_json(PatientService(), None, SessionService()))


def _every_field_filled() -> None:
    """One archived patient with every field filled, a finalised and amended session with
    every field, PSFS, diary, a red-flag review, a kept letter and a cited paragraph."""
    patients, sessions = PatientService(), SessionService(user=lambda: "Dr Lee")
    outcomes = OutcomeService()
    patient = patients.create(full_record())
    [walk] = outcomes.set_psfs_activities(patient.id, ["Walking the dog"])
    visit = full_session()
    visit = dataclasses.replace(visit, measures=dataclasses.replace(
        visit.measures, psfs=((walk.id, 4.0),)))
    created = sessions.create(patient.id, visit, finalise=True)
    amended = sessions.update(created.id, dataclasses.replace(visit, notes="Amended."),
                              created.version, reason="typo")
    outcomes.save_diary_entry(patient.id, DiaryEntry(
        day=dt.date(2025, 1, 10), cramps=2, worst_severity=6, total_minutes=3.5,
        sleep_disturbed=True, notes="Two at night."))
    ReferenceService().record_review(patient.id, "red-flag:calf", "referred", "To GP.")
    ReferenceService().record_reference(amended.id, "nocturnal-leg-cramps", 2, 1)
    LetterService(user=lambda: "Dr Lee").keep(patient.id, "Dr Example", "Dear Dr,\n…", PDF)
    patients.archive(patient.id)


@pytest.fixture
def demo_export(migrated_template: Path, tmp_path: Path) -> dict[str, Any]:
    path = tmp_path / "demo.db"
    shutil.copyfile(migrated_template, path)
    open_sqlite(path)
    try:
        fill_demo(PatientService(), 5, 1, sessions=SessionService(user=lambda: DEMO_PRACTITIONER))
        add_letter_citation_and_custom_measure()
        return _export()
    finally:
        close_database()


def test_the_demo_export_validates_with_formats_checked(demo_export: dict[str, Any]) -> None:
    assert _errors(demo_export) == []


def test_an_export_with_every_field_filled_validates(db_path: Path) -> None:
    _every_field_filled()
    document = _export()
    [patient] = document["patients"]
    assert patient["archived_at"] and patient["sessions"][0]["revisions"]
    assert patient["red_flag_reviews"] and patient["referral_letters"]
    assert patient["sessions"][0]["references"] and patient["diary"]
    assert _errors(document) == []


def test_the_empty_database_export_validates(db_path: Path) -> None:
    document = _export()
    assert document["patients"] == []
    assert _errors(document) == []


@pytest.fixture
def far_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The practitioner's clock in Newfoundland (UTC-03:30, -02:30 in summer)."""
    if not hasattr(time, "tzset"):
        pytest.skip("time zones are switched with time.tzset, which this platform lacks")
    monkeypatch.setenv("TZ", "America/St_Johns")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_every_exported_moment_carries_its_utc_offset(db_path: Path, far_zone: None) -> None:
    _every_field_filled()
    document = _export()
    [patient] = document["patients"]
    [session] = patient["sessions"]
    moments = [document["exported_at"], patient["created_at"], patient["updated_at"],
               patient["archived_at"], session["finalised_at"],
               session["revisions"][0]["recorded_at"], session["revisions"][0]["replaced_at"],
               session["references"][0]["inserted_at"],
               patient["red_flag_reviews"][0]["recorded_at"],
               patient["referral_letters"][0]["written_at"]]
    for moment in moments:  # bookkeeping: stored as UTC
        assert moment.endswith("+00:00"), moment
    for visit in (session, session["revisions"][0]["session"]):  # local wall-clock time
        parsed = dt.datetime.fromisoformat(visit["started_at"])
        assert parsed.replace(tzinfo=None) == full_session().started_at
        assert parsed.utcoffset() == dt.timedelta(hours=-3, minutes=-30)  # January


def _strip_offsets(value: Any) -> Any:
    """The document as an older app wrote it: moments without their UTC offset."""
    if isinstance(value, dict):
        return {key: _strip_offsets(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_strip_offsets(item) for item in value]
    if isinstance(value, str) and len(value) >= 19 and value[10:11] == "T":
        try:
            return dt.datetime.fromisoformat(value).replace(tzinfo=None).isoformat()
        except ValueError:
            return value
    return value


def test_exports_with_and_without_offsets_import_to_the_same_records(
    db_path: Path, far_zone: None
) -> None:
    _every_field_filled()
    document = _export()
    old_form = _strip_offsets(document)
    assert old_form != document
    import_document(document, on_duplicate="new")
    import_document(old_form, on_duplicate="new")
    first, again, old = _export()["patients"]
    for key in ("created_at", "updated_at", "archived_at"):
        assert first[key] == again[key] == old[key]
    for exported in (again, old):
        [session], [original] = exported["sessions"], first["sessions"]
        assert _moments(session) == _moments(original)


def _moments(session: dict[str, Any]) -> list[str]:
    revisions = session["revisions"]
    return [session["started_at"], session["finalised_at"],
            *(r["session"]["started_at"] for r in revisions),
            *(r[key] for r in revisions for key in ("recorded_at", "replaced_at")),
            *(r["inserted_at"] for r in session["references"])]
