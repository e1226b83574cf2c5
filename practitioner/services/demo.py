"""Fill a records file with deterministic synthetic patients, their treatment sessions and
their outcomes (measures at each visit, PSFS activities, and for some a cramp diary)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from dataclasses import dataclass
from typing import NamedTuple

from practitioner.db.errors import translated_errors
from practitioner.db.transactions import write_transaction
from practitioner.domain.demo import demo_patients
from practitioner.domain.demo_outcomes import demo_outcomes
from practitioner.domain.demo_sessions import demo_course
from practitioner.domain.patient import PatientInput
from practitioner.services.outcomes import OutcomeService
from practitioner.services.patients import PatientService
from practitioner.services.sessions import SessionService

# How often a patient's latest visit is left open (not yet signed), as if still in progress.
_LATEST_LEFT_OPEN = 0.3
# Diary-keepers, the first ones drawn, whose diary contradicts their answers at the visits.
DEMO_CONFLICTS = 2


@dataclass(frozen=True)
class DemoAdded:
    """How many demo records `fill_demo` added."""

    patients: int
    sessions: int
    diary_days: int = 0


def fill_demo(
    patients: PatientService,
    count: int,
    seed: int,
    today: dt.date | None = None,
    sessions: SessionService | None = None,
    sessions_per_patient: tuple[int, int] = (2, 6),
    outcomes: OutcomeService | None = None,
) -> DemoAdded:
    """Add `count` demo patients, and with `sessions` their visits and outcomes, in one
    transaction.

    Each patient gets between `sessions_per_patient` visits (fewer if the cramps began
    too recently), all signed as final except, for some patients, the latest one; every
    visit has its measures, the patient 2–3 PSFS activities, and about half the patients
    a daily diary from four weeks before their first visit (stored through `outcomes`, by
    default one whose today is `today`); the first `DEMO_CONFLICTS` diaries contradict
    their patients' answers at the visits (when the course is long enough), the others
    agree with them. The same seed and day always give the same records (the signing
    times aside).
    """
    day = today or dt.date.today()
    inputs = demo_patients(count, seed, day)
    # Streams of their own, so the patients stay what they were before sessions existed,
    # and the visits what they were before outcomes did.
    rng = random.Random(f"demo-sessions:{seed}")
    outcome_rng = random.Random(f"demo-outcomes:{seed}")
    keeper = outcomes or OutcomeService(today=lambda: day)
    low, high = sessions_per_patient
    added = diary_days = conflicting = 0
    with translated_errors(), write_transaction():
        for data in inputs:
            patient = patients.create(data)
            if sessions is None:
                continue
            course = add_demo_course(
                patient.id, data, rng.randint(low, high), day, rng, outcome_rng,
                sessions, keeper, conflicting=conflicting < DEMO_CONFLICTS,
            )
            conflicting += course.conflicting
            added += course.visits
            diary_days += course.diary_days
    return DemoAdded(patients=len(inputs), sessions=added, diary_days=diary_days)


class CourseAdded(NamedTuple):
    """What `add_demo_course` added for one patient."""

    visits: int
    diary_days: int
    conflicting: bool  # their diary contradicts their answers at the visits


def add_demo_course(
    patient_id: int,
    data: PatientInput,
    visits: int,
    day: dt.date,
    rng: random.Random,
    outcome_rng: random.Random,
    sessions: SessionService,
    outcomes: OutcomeService,
    *,
    conflicting: bool = False,
) -> CourseAdded:
    """Give one stored demo patient up to `visits` visits with their measures, PSFS
    activities and perhaps a diary (with `conflicting`, one that contradicts the visits
    when the course is long enough)."""
    course = demo_course(rng, data, day, visits)
    figures = demo_outcomes(outcome_rng, data, course, conflicting=conflicting)
    activities = (
        outcomes.set_psfs_activities(patient_id, figures.activities)
        if figures.activities else []
    )
    measures = figures.measures_with([a.id for a in activities])
    leave_open = rng.random() < _LATEST_LEFT_OPEN
    for index, (visit, measured) in enumerate(zip(course.sessions, measures, strict=True)):
        latest = index == len(course.sessions) - 1
        sessions.create(patient_id, dataclasses.replace(visit, measures=measured),
                        finalise=not (latest and leave_open))
    diary_days = (
        outcomes.import_diary(patient_id, figures.diary, replace_existing=False)
        if figures.diary else 0
    )
    return CourseAdded(len(course.sessions), diary_days, figures.conflicting)
