"""Fill a records file with deterministic synthetic patients and their treatment sessions."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from practitioner.db.base import database
from practitioner.db.errors import translated_errors
from practitioner.domain.demo import demo_patients
from practitioner.domain.demo_sessions import demo_sessions
from practitioner.services.patients import PatientService
from practitioner.services.sessions import SessionService

# How often a patient's latest visit is left open (not yet signed), as if still in progress.
_LATEST_LEFT_OPEN = 0.3


@dataclass(frozen=True)
class DemoAdded:
    """How many demo records `fill_demo` added."""

    patients: int
    sessions: int


def fill_demo(
    patients: PatientService,
    count: int,
    seed: int,
    today: dt.date | None = None,
    sessions: SessionService | None = None,
    sessions_per_patient: tuple[int, int] = (2, 6),
) -> DemoAdded:
    """Add `count` demo patients, and with `sessions` their visits, in one transaction.

    Each patient gets between `sessions_per_patient` visits (fewer if the cramps began
    too recently), all signed as final except, for some patients, the latest one. The same
    seed and day always give the same records (the signing times aside).
    """
    day = today or dt.date.today()
    inputs = demo_patients(count, seed, day)
    # A stream of its own, so the patients stay what they were before sessions existed.
    rng = random.Random(f"demo-sessions:{seed}")
    low, high = sessions_per_patient
    added = 0
    with translated_errors(), database.atomic("IMMEDIATE"):
        for data in inputs:
            patient = patients.create(data)
            if sessions is None:
                continue
            visits = demo_sessions(rng, data, day, rng.randint(low, high))
            leave_open = rng.random() < _LATEST_LEFT_OPEN
            for index, visit in enumerate(visits):
                latest = index == len(visits) - 1
                sessions.create(patient.id, visit, finalise=not (latest and leave_open))
            added += len(visits)
    return DemoAdded(patients=len(inputs), sessions=added)
