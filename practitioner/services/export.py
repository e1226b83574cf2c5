"""Export patient records, with their treatment sessions, as JSON."""

from __future__ import annotations

import json

from practitioner.domain.serialize import export_document
from practitioner.services.patients import PatientService
from practitioner.services.sessions import SessionService


def export_json(
    patients: PatientService,
    patient_id: int | None = None,
    sessions: SessionService | None = None,
) -> str:
    """Every patient (archived included), or just `patient_id`, as an indented JSON text.

    Each patient carries its sessions, oldest first, read in a fixed number of queries.
    Raises KnownError(NOT_FOUND) when `patient_id` names no patient.
    """
    records = [patients.get(patient_id)] if patient_id is not None else patients.all_patients()
    visits = (sessions or SessionService()).for_patients(record.id for record in records)
    document = export_document(records, visits, patients.now())
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
