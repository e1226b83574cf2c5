"""Patient records as plain JSON-ready dictionaries, with stable codes and ISO dates."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from practitioner.domain.letters import KeptLetter
from practitioner.domain.moments import utc_text
from practitioner.domain.outcome_serialize import (
    PatientOutcomes,
    definition_to_dict,
    patient_outcomes_to_dict,
)
from practitioner.domain.outcomes import MeasureDefinition
from practitioner.domain.patient import LabelledEnum, Patient
from practitioner.domain.reference_flags import RedFlagReview
from practitioner.domain.screen import SCREEN_QUESTIONS
from practitioner.domain.session import Session, SessionReference
from practitioner.domain.session_serialize import session_to_dict

EXPORT_FORMAT = "cramp-practitioner/patients"
# 2: each patient carries its treatment sessions.
# 3: sessions carry their measures; each patient its PSFS activities, diary and progress;
#    the document lists the measure definitions its codes refer to.
# 4: each patient carries its red-flag screening answers and red-flag reviews.
# 5: each session lists the reference paragraphs inserted into its note; each patient
#    carries the referral letters kept in the record (text and PDF, base64).
# 6: every moment carries its UTC offset (RFC 3339); see `domain.moments`.
EXPORT_VERSION = 6


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _codes(members: frozenset[Any]) -> list[str]:
    return sorted(member.value for member in members if isinstance(member, LabelledEnum))


def patient_to_dict(patient: Patient) -> dict[str, Any]:
    """One patient as exported: every field, codes rather than labels, ISO dates."""
    data, profile, lifestyle = patient.data, patient.data.profile, patient.data.lifestyle
    return {
        "id": patient.id,
        "name": data.name,
        "date_of_birth": _date(data.date_of_birth),
        "sex": data.sex.value,
        "contact": {"phone": data.phone, "email": data.email, "address": data.address},
        "notes": data.notes,
        "cramp_profile": {
            "sites": [{"muscle": s.muscle.value, "side": s.side.value} for s in profile.sites],
            "timings": _codes(profile.timings),
            "onset_date": _date(profile.onset_date),
            "frequency_per_week": profile.frequency_per_week,
            "duration_minutes": profile.duration_minutes,
            "worst_severity": profile.worst_severity,
            "triggers": _codes(profile.triggers),
            "reliefs": _codes(profile.reliefs),
        },
        "conditions": _codes(data.conditions),
        "conditions_notes": data.conditions_notes,
        "medications": [
            {"name": m.name, "dose": m.dose, "since": _date(m.since)} for m in data.medications
        ],
        "lifestyle": {
            "exercise": lifestyle.exercise,
            "exercise_hours_per_week": lifestyle.exercise_hours_per_week,
            "fluid_litres_per_day": lifestyle.fluid_litres_per_day,
            "alcohol_units_per_week": lifestyle.alcohol_units_per_week,
            "work_posture": lifestyle.work_posture.value,
        },
        "red_flag_screen": {
            q.code: bool(getattr(data.screen, q.code)) for q in SCREEN_QUESTIONS
        },
        "archived": patient.archived,
        "archived_at": utc_text(patient.archived_at) if patient.archived_at else None,
        "created_at": utc_text(patient.created_at),
        "updated_at": utc_text(patient.updated_at),
        "version": patient.version,
    }


def review_to_dict(review: RedFlagReview) -> dict[str, Any]:
    """A red-flag review as exported."""
    return {
        "key": review.key,
        "action": review.action,
        "note": review.note,
        "recorded_at": utc_text(review.recorded_at),
        "recorded_by": review.recorded_by,
    }


def reference_to_dict(reference: SessionReference) -> dict[str, Any]:
    """A reference paragraph inserted into a session's note, as exported."""
    return {
        "slug": reference.slug,
        "entry_version": reference.version,
        "paragraph": reference.paragraph,
        "inserted_at": utc_text(reference.inserted_at),
    }


def letter_to_dict(letter: KeptLetter) -> dict[str, Any]:
    """A kept referral letter as exported: its text, and the PDF as sent in base64."""
    return {
        "written_at": utc_text(letter.written_at),
        "written_by": letter.written_by,
        "recipient": letter.recipient,
        "body": letter.body,
        "pdf": base64.b64encode(letter.pdf).decode("ascii"),
    }


def export_document(
    patients: Sequence[Patient],
    sessions: Mapping[int, Sequence[Session]],
    exported_at: dt.datetime,
    outcomes: Mapping[int, PatientOutcomes] | None = None,
    definitions: Sequence[MeasureDefinition] = (),
    reviews: Mapping[int, Sequence[RedFlagReview]] | None = None,
    references: Mapping[int, Sequence[SessionReference]] | None = None,
    letters: Mapping[int, Sequence[KeptLetter]] | None = None,
) -> dict[str, Any]:
    """The whole export: a format marker and version, the measure definitions, then the
    patients.

    `sessions` maps a patient id to that patient's sessions, oldest first; each patient's
    record gets them under "sessions" (each with the reference paragraphs inserted into
    it, from `references` by session id), its `outcomes` (PSFS activities, diary,
    progress; empty when not given), red-flag `reviews` and kept `letters` under keys of
    their own.
    """
    found = outcomes or {}
    reviewed = reviews or {}
    cited = references or {}
    kept = letters or {}
    return {
        "format": EXPORT_FORMAT,
        "format_version": EXPORT_VERSION,
        "exported_at": utc_text(exported_at),
        "measure_definitions": [definition_to_dict(d) for d in definitions],
        "patients": [
            {
                **patient_to_dict(p),
                "sessions": [
                    {**session_to_dict(s),
                     "references": [reference_to_dict(r) for r in cited.get(s.id, ())]}
                    for s in sessions.get(p.id, ())
                ],
                **patient_outcomes_to_dict(found.get(p.id, PatientOutcomes())),
                "red_flag_reviews": [review_to_dict(r) for r in reviewed.get(p.id, ())],
                "referral_letters": [letter_to_dict(x) for x in kept.get(p.id, ())],
            }
            for p in patients
        ],
    }
