"""Export patient records as JSON."""

from __future__ import annotations

import json

from practitioner.domain.serialize import export_document
from practitioner.services.patients import PatientService


def export_json(patients: PatientService, patient_id: int | None = None) -> str:
    """Every patient (archived included), or just `patient_id`, as an indented JSON text.

    Raises KnownError(NOT_FOUND) when `patient_id` names no patient.
    """
    records = [patients.get(patient_id)] if patient_id is not None else patients.all_patients()
    document = export_document(records, patients.now())
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
