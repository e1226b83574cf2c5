"""Export patient records, with their treatment sessions and outcomes, as JSON."""

from __future__ import annotations

import json

from practitioner.domain.outcome_serialize import PatientOutcomes
from practitioner.domain.serialize import export_document
from practitioner.services.outcomes import OutcomeService, progress_of
from practitioner.services.patients import PatientService
from practitioner.services.reference import ReferenceService
from practitioner.services.sessions import SessionService


def export_json(
    patients: PatientService,
    patient_id: int | None = None,
    sessions: SessionService | None = None,
    outcomes: OutcomeService | None = None,
    reference: ReferenceService | None = None,
) -> str:
    """Every patient (archived included), or just `patient_id`, as an indented JSON text.

    Each patient carries its sessions (with their measures), oldest first, its PSFS
    activities, its diary, its progress against baseline and its red-flag reviews; all
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
            progress=progress_of(visits[pid], definitions),
        )
        for pid in ids
    }
    reviews = (reference or ReferenceService(patients=patients)).reviews_for_patients(ids)
    document = export_document(records, visits, patients.now(), per_patient, definitions,
                               reviews)
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
