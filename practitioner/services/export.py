"""Export patient records, with their treatment sessions and outcomes, as JSON."""

from __future__ import annotations

import json

from practitioner.domain.outcome_serialize import PatientOutcomes
from practitioner.domain.serialize import export_document
from practitioner.services.letters import LetterService
from practitioner.services.outcomes import OutcomeService, progress_of
from practitioner.services.patients import PatientService
from practitioner.services.reference import ReferenceService
from practitioner.services.sessions import SessionService

#: Every table that refers to a patient (directly or through a session), and where the
#: JSON export holds it. `tests/unit/services/test_export_coverage.py` introspects the
#: models and fails when a table is in neither this nor `EXCLUDED_TABLES`.
EXPORTED_TABLES: dict[str, str] = {
    "patient": "$.patients[*]",
    "cramp_site": "$.patients[*].cramp_profile.sites",
    "patient_code": "$.patients[*].cramp_profile.timings|triggers|reliefs, .conditions",
    "medication": "$.patients[*].medications",
    "patient_screen": "$.patients[*].red_flag_screen",
    "treatment_session": "$.patients[*].sessions[*]",
    "session_code": "$.patients[*].sessions[*].patterns|principles|modalities|advice|…",
    "session_point": "$.patients[*].sessions[*].points",
    "session_revision": "$.patients[*].sessions[*].revisions",
    "session_measure": "$.patients[*].sessions[*].measures.values",
    "session_psfs": "$.patients[*].sessions[*].measures.psfs",
    "psfs_activity": "$.patients[*].psfs_activities",
    "diary_entry": "$.patients[*].diary",
    "red_flag_review": "$.patients[*].red_flag_reviews",
    "session_reference": "$.patients[*].sessions[*].references",
    "referral_letter": "$.patients[*].referral_letters",
}

#: Patient tables the export leaves out on purpose, and why.
EXCLUDED_TABLES: dict[str, str] = {
    "draft": "unsaved form content, not part of the record until saved",
    "audit_log": "who did what and when, not the clinical record; ids only, no patient text. "
    "Shown per patient in the GUI and by `audit show --patient ID`",
    "patient_name_word": "a search index derived from the name, rebuilt on import",
}


def export_json(
    patients: PatientService,
    patient_id: int | None = None,
    sessions: SessionService | None = None,
    outcomes: OutcomeService | None = None,
    reference: ReferenceService | None = None,
    letters: LetterService | None = None,
) -> str:
    """Every patient (archived included), or just `patient_id`, as an indented JSON text.

    Each patient carries its sessions (with their measures), oldest first, its PSFS
    activities, its diary, its progress against baseline, its red-flag reviews and its
    kept referral letters; sessions carry the reference paragraphs inserted into them. All
    read in a fixed number of queries. Raises KnownError(NOT_FOUND) when `patient_id`
    names no patient.
    """
    records = [patients.get(patient_id)] if patient_id is not None else patients.all_patients()
    ids = [record.id for record in records]
    visits = (sessions or SessionService()).for_patients(ids)
    keeper = outcomes or OutcomeService()
    definitions = keeper.definitions()
    activities = keeper.psfs_for_patients(ids)
    diaries = keeper.diary_for_patients(ids)
    per_patient = {
        pid: PatientOutcomes(
            psfs_activities=tuple(activities[pid]),
            diary=tuple(diaries[pid]),
            progress=progress_of(visits[pid], definitions, diaries[pid]),
        )
        for pid in ids
    }
    library = reference or ReferenceService(patients=patients)
    reviews = library.reviews_for_patients(ids)
    references = library.references_for_sessions(s.id for pid in ids for s in visits[pid])
    kept = (letters or LetterService()).letters_for_patients(ids)
    document = export_document(records, visits, patients.now(), per_patient, definitions,
                               reviews, references, kept)
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
