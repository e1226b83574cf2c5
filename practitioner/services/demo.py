"""Fill a records file with deterministic synthetic patients."""

from __future__ import annotations

import datetime as dt

from practitioner.db.base import database
from practitioner.db.errors import translated_errors
from practitioner.domain.demo import demo_patients
from practitioner.services.patients import PatientService


def fill_demo(
    patients: PatientService, count: int, seed: int, today: dt.date | None = None
) -> int:
    """Add `count` demo patients in one transaction; returns how many were added."""
    inputs = demo_patients(count, seed, today or dt.date.today())
    with translated_errors(), database.atomic("IMMEDIATE"):
        for data in inputs:
            patients.create(data)
    return len(inputs)
