"""Ready-made patient inputs for tests."""

from __future__ import annotations

import datetime as dt

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
from practitioner.domain.screen import SCREEN_CODES, RedFlagScreen


def ann(**changes: object) -> PatientInput:
    """A minimal valid patient, Ann Lee, with any fields replaced."""
    base: dict[str, object] = {"name": "Ann Lee", "date_of_birth": dt.date(1975, 3, 14)}
    base.update(changes)
    return PatientInput(**base)  # type: ignore[arg-type]


def full_record() -> PatientInput:
    """A patient with every field filled in, sites in form order, medications unsorted,
    every red-flag screening question answered yes."""
    return PatientInput(
        name="Margaret Smith",
        date_of_birth=dt.date(1958, 11, 2),
        sex=Sex.FEMALE,
        phone="07700 900123",
        email="margaret.smith@example.org",
        address="12 Orchard Lane\nLittle Hampton",
        notes="Prefers early-morning appointments.\nNeedle-sensitive.",
        profile=CrampProfile(
            sites=(
                CrampSite(MuscleGroup.CALF_GASTROCNEMIUS, Side.LEFT),
                CrampSite(MuscleGroup.CALF_GASTROCNEMIUS, Side.RIGHT),
                CrampSite(MuscleGroup.FOOT_PLANTAR, Side.BOTH),
                CrampSite(MuscleGroup.HAND, Side.RIGHT),
            ),
            timings=frozenset({CrampTiming.NOCTURNAL, CrampTiming.AT_REST}),
            onset_date=dt.date(2019, 6, 1),
            frequency_per_week=3.5,
            duration_minutes=2.25,
            worst_severity=8,
            triggers=frozenset({Trigger.COLD, Trigger.HELD_POSITION}),
            reliefs=frozenset({Relief.STRETCHING, Relief.WARMTH, Relief.WALKING}),
        ),
        conditions=frozenset({Condition.DIABETES, Condition.THYROID_DISORDER}),
        conditions_notes="Reviewed by GP this year.",
        medications=(
            Medication("Simvastatin", "40 mg at night", dt.date(2021, 2, 3)),
            Medication("Amlodipine", "5 mg daily", None),
            Medication("Metformin", "500 mg twice daily", dt.date(2018, 9, 30)),
        ),
        lifestyle=Lifestyle(
            exercise="Daily dog walks",
            exercise_hours_per_week=5.5,
            fluid_litres_per_day=1.75,
            alcohol_units_per_week=4.0,
            work_posture=WorkPosture.MOSTLY_STANDING,
        ),
        screen=RedFlagScreen.from_codes(SCREEN_CODES),
    )
