"""Ready-made treatment-session inputs for tests."""

from __future__ import annotations

import dataclasses
import datetime as dt

from practitioner.domain.outcomes import SessionMeasures
from practitioner.domain.session import (
    HomeAdvice,
    Modality,
    NeedledPoint,
    NeedleSide,
    Pattern,
    Pulse,
    PulseHand,
    PulsePosition,
    PulseQuality,
    SessionInput,
    Technique,
    Tongue,
    TongueBodyColour,
    TongueCoatingColour,
    TongueCoatingThickness,
    TongueMoisture,
    TongueShape,
    TreatmentPrinciple,
)

VISIT = dt.datetime(2025, 1, 14, 10, 15)


def full_session(started_at: dt.datetime = VISIT, **changes: object) -> SessionInput:
    """A visit with every field filled in; points in a deliberately unsorted order."""
    base = SessionInput(
        started_at=started_at,
        duration_minutes=45,
        practitioner="Dr Lee",
        course_since_last="Two cramps since the last visit, fewer than before.",
        patient_report="Sleeping better; stretching most evenings.",
        tongue=Tongue(
            body_colour=TongueBodyColour.PALE,
            coating_colour=TongueCoatingColour.WHITE,
            coating_thickness=TongueCoatingThickness.THIN,
            shapes=frozenset({TongueShape.THIN, TongueShape.CRACKED}),
            moisture=TongueMoisture.DRY,
            notes="Pale sides.",
        ),
        pulse=Pulse(
            qualities=frozenset({PulseQuality.WIRY, PulseQuality.THREADY}),
            positions=(
                (PulseHand.LEFT, PulsePosition.GUAN,
                 frozenset({PulseQuality.WIRY, PulseQuality.THREADY})),
                (PulseHand.LEFT, PulsePosition.CHI, frozenset({PulseQuality.WEAK})),
                (PulseHand.RIGHT, PulsePosition.CUN, frozenset()),
            ),
            notes="Fine at the left chi.",
        ),
        patterns=frozenset({Pattern.LIVER_BLOOD_DEFICIENCY, Pattern.OTHER}),
        pattern_other="Kidney Yang weakness",
        principles=frozenset({TreatmentPrinciple.NOURISH_LIVER_BLOOD,
                              TreatmentPrinciple.RELAX_SINEWS}),
        principle_notes="Warm the lower back.",
        points=(
            NeedledPoint("LR3", NeedleSide.LEFT, Technique.REDUCE, 20, None),
            NeedledPoint("GB34", NeedleSide.BILATERAL, Technique.EVEN, 25, 2.5),
            NeedledPoint("BL57", NeedleSide.RIGHT, Technique.EVEN, 25, 2.5),
            NeedledPoint("SP6", NeedleSide.BILATERAL, Technique.TONIFY, None, None),
            NeedledPoint("Anmian", NeedleSide.BILATERAL, Technique.EVEN, 0, None, custom=True),
        ),
        modalities=frozenset({Modality.MOXIBUSTION, Modality.TUINA}),
        herbal_formula="Shao Yao Gan Cao Tang",
        advice=frozenset({HomeAdvice.STRETCHING, HomeAdvice.WARMTH}),
        advice_notes="Calf stretch before bed — 3 × 30 s.",
        plan="Weekly for four weeks, then review.",
        next_visit=dt.date(2025, 1, 21),
        notes="Brought a cramp diary.",
        measures=SessionMeasures(
            values=(("cramps_per_week", 4.0), ("sleep_disturbance", 6.0), ("worst_severity", 7.0)),
        ),
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]
