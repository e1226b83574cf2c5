"""Import a whole-record JSON export into this database: all of it, or nothing.

The document is checked against the format first (`record_schema.validate_document`);
then every patient, with their screen answers, PSFS activities, sessions (measures and
kept revisions), diary and red-flag reviews, is written in ONE transaction through the
same row-filling code the services use. Ids in the file only link its parts: stored
records get new ids, and session PSFS ratings follow their activities' new ids.
Bookkeeping (created/updated times, versions, signatures) is kept as exported.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import peewee

from practitioner.db.base import database
from practitioner.db.errors import translated_errors
from practitioner.db.models import (
    DiaryEntryRow,
    PatientRow,
    PsfsActivityRow,
    RedFlagReviewRow,
    SessionRevisionRow,
    SessionRow,
)
from practitioner.domain.outcomes import DiaryEntry
from practitioner.domain.patient import (
    Condition,
    CrampProfile,
    CrampSite,
    CrampTiming,
    Lifestyle,
    Medication,
    MuscleGroup,
    PatientInput,
    Relief,
    Sex,
    Side,
    Trigger,
    WorkPosture,
)
from practitioner.domain.record_schema import DocumentError, validate_document
from practitioner.domain.screen import RedFlagScreen
from practitioner.domain.search import name_key
from practitioner.domain.session_serialize import session_input_from_dict, session_input_to_dict
from practitioner.services.measures import diary_row
from practitioner.services.patients import PatientService
from practitioner.services.sessions import SessionService

OnDuplicate = Literal["skip", "new"]


@dataclass(frozen=True)
class ImportResult:
    """How many patients were imported, and how many skipped as already present."""

    imported: int
    skipped: int
    patient_ids: tuple[int, ...] = ()


def _date(text: str | None) -> dt.date | None:
    return None if text is None else dt.date.fromisoformat(text)


def _utc(text: str) -> dt.datetime:
    """An exported moment as the database keeps bookkeeping times: naive UTC."""
    moment = dt.datetime.fromisoformat(text)
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment


def patient_input_from_dict(raw: dict[str, Any]) -> PatientInput:
    """The editable part of an exported (and validated) patient."""
    profile, lifestyle, contact = raw["cramp_profile"], raw["lifestyle"], raw["contact"]
    screen = raw.get("red_flag_screen", {})
    return PatientInput(
        name=raw["name"],
        date_of_birth=_date(raw["date_of_birth"]),
        sex=Sex(raw["sex"]),
        phone=contact["phone"],
        email=contact["email"],
        address=contact["address"],
        notes=raw["notes"],
        profile=CrampProfile(
            sites=tuple(CrampSite(MuscleGroup(s["muscle"]), Side(s["side"]))
                        for s in profile["sites"]),
            timings=frozenset(CrampTiming(c) for c in profile["timings"]),
            onset_date=_date(profile["onset_date"]),
            frequency_per_week=profile["frequency_per_week"],
            duration_minutes=profile["duration_minutes"],
            worst_severity=profile["worst_severity"],
            triggers=frozenset(Trigger(c) for c in profile["triggers"]),
            reliefs=frozenset(Relief(c) for c in profile["reliefs"]),
        ),
        conditions=frozenset(Condition(c) for c in raw["conditions"]),
        conditions_notes=raw["conditions_notes"],
        medications=tuple(Medication(m["name"], m["dose"], _date(m["since"]))
                          for m in raw["medications"]),
        lifestyle=Lifestyle(
            exercise=lifestyle["exercise"],
            exercise_hours_per_week=lifestyle["exercise_hours_per_week"],
            fluid_litres_per_day=lifestyle["fluid_litres_per_day"],
            alcohol_units_per_week=lifestyle["alcohol_units_per_week"],
            work_posture=WorkPosture(lifestyle["work_posture"]),
        ),
        screen=RedFlagScreen.from_codes(code for code, yes in screen.items() if yes),
    )


def _remapped(raw: dict[str, Any], activities: dict[int, int]) -> dict[str, Any]:
    """A session's fields with its PSFS ratings keyed by the activities' new ids."""
    measures = raw.get("measures")
    if not measures:
        return raw
    psfs = {str(activities[int(key)]): value for key, value in measures["psfs"].items()}
    return {**raw, "measures": {**measures, "psfs": psfs}}


def _existing() -> set[tuple[str, dt.date | None]]:
    return {(row.name_key, row.date_of_birth)
            for row in PatientRow.select(PatientRow.name_key, PatientRow.date_of_birth)}


def _store_patient(raw: dict[str, Any]) -> int:
    data = patient_input_from_dict(raw)
    row = PatientRow(
        created_at=_utc(raw["created_at"]),
        updated_at=_utc(raw["updated_at"]),
        archived_at=_utc(raw["archived_at"]) if raw["archived_at"] else None,
        version=raw["version"],
    )
    PatientService._fill(row, data)
    row.save(force_insert=True)
    PatientService._write_children(row.id, data)
    activities: dict[int, int] = {}
    for activity in raw.get("psfs_activities", []):
        activities[activity["id"]] = PsfsActivityRow.insert(
            patient=row.id, position=activity["position"], wording=activity["wording"]
        ).execute()
    for session in raw.get("sessions", []):
        _store_session(row.id, session, activities)
    diary = [
        diary_row(row.id, DiaryEntry(
            day=dt.date.fromisoformat(d["day"]), cramps=d["cramps"],
            worst_severity=d["worst_severity"], total_minutes=d["total_minutes"],
            sleep_disturbed=d["sleep_disturbed"], notes=d["notes"],
        ))
        for d in raw.get("diary", [])
    ]
    for start in range(0, len(diary), 200):
        DiaryEntryRow.insert_many(diary[start : start + 200]).execute()
    for review in raw.get("red_flag_reviews", []):
        RedFlagReviewRow.insert(
            patient=row.id, flag_key=review["key"], action=review["action"],
            note=review["note"], recorded_at=_utc(review["recorded_at"]),
            recorded_by=review["recorded_by"],
        ).execute()
    return int(row.id)


def _store_session(patient_id: int, raw: dict[str, Any], activities: dict[int, int]) -> None:
    data = session_input_from_dict(_remapped(raw, activities))
    row = SessionRow(
        patient=patient_id,
        created_at=_utc(raw["finalised_at"] or raw["started_at"]),
        updated_at=_utc(raw["finalised_at"] or raw["started_at"]),
        version=raw["version"],
        status=raw["status"],
        finalised_at=_utc(raw["finalised_at"]) if raw["finalised_at"] else None,
        finalised_by=raw["finalised_by"],
    )
    SessionService._fill(row, data)
    row.save(force_insert=True)
    SessionService._write_children(row.id, data)
    for revision in raw["revisions"]:
        kept = session_input_from_dict(_remapped(revision["session"], activities))
        SessionRevisionRow.create(
            session=row.id,
            number=revision["number"],
            snapshot=json.dumps(session_input_to_dict(kept), ensure_ascii=False),
            recorded_at=_utc(revision["recorded_at"]),
            recorded_by=revision["recorded_by"],
            replaced_at=_utc(revision["replaced_at"]),
            replaced_by=revision["replaced_by"],
            reason=revision["reason"],
        )


def import_document(
    document: Any, on_duplicate: OnDuplicate = "skip",
    before_write: Callable[[], object] | None = None,
) -> ImportResult:
    """Validate an export document, then store all its patients in one transaction.

    A patient with the same name and date of birth as one already in the database is
    skipped (`on_duplicate="skip"`) or imported as a new patient (`"new"`). Raises
    DocumentError (naming the JSON path) for a document that does not match the format
    or cannot be stored; the database is then unchanged.
    """
    if on_duplicate not in ("skip", "new"):
        raise ValueError(f"on_duplicate must be skip or new, not {on_duplicate!r}")
    validate_document(document)
    if before_write is not None:
        before_write()  # The backup before an import: only once the document is valid.
    imported: list[int] = []
    skipped = 0
    try:
        with translated_errors(), database.atomic("IMMEDIATE"):
            present = _existing()
            for index, raw in enumerate(document["patients"]):
                key = (name_key(raw["name"]), _date(raw["date_of_birth"]))
                if on_duplicate == "skip" and key in present:
                    skipped += 1
                    continue
                try:
                    imported.append(_store_patient(raw))
                except (ValueError, KeyError, TypeError) as exc:
                    raise DocumentError(f"$.patients[{index}]", f"cannot be read: {exc}") \
                        from exc
    except peewee.IntegrityError as exc:
        raise DocumentError("$.patients", f"cannot be stored: {exc}") from exc
    return ImportResult(len(imported), skipped, tuple(imported))
