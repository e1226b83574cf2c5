"""Realistic, deterministic synthetic patients for the demo database and for tests.

The same seed and reference day always give the same patients. No real person is
described; names are drawn from common given and family names.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import TypeVar

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

_GIVEN_FEMALE = (
    "Margaret", "Aoife", "Priya", "Chloé", "Ingrid", "Mei", "Fatima", "Rosa", "Helen",
    "Sofia", "Yuki", "Amara", "Joan", "Lucía", "Hannah", "Grace", "Zofia", "Nadia",
)
_GIVEN_MALE = (
    "David", "Kenji", "Oluwaseun", "Tomás", "Peter", "Rahul", "Liam", "Jürgen", "Ahmed",
    "Michael", "Wei", "Stefan", "George", "Mateo", "Patrick", "Arjun", "Samuel", "Björn",
)
_FAMILY = (
    "Okafor", "Smith", "Nguyen", "Müller", "García", "O'Brien", "Kowalski", "Chen",
    "Patel", "Haddad", "Johansson", "Rossi", "Tanaka", "Murphy", "Dubois", "Novak",
    "Walker", "Fernández", "Kim", "Andersson", "Brennan", "Sato", "Khan", "Moreau",
)
_STREETS = ("Orchard Lane", "Mill Road", "Harbour Street", "Birch Avenue", "Station Road")

# Medications commonly reported alongside cramps (diuretics, statins and others).
_MEDICATIONS = (
    ("Bendroflumethiazide", "2.5 mg daily"),
    ("Furosemide", "40 mg daily"),
    ("Atorvastatin", "20 mg at night"),
    ("Simvastatin", "40 mg at night"),
    ("Salbutamol inhaler", "as needed"),
    ("Amlodipine", "5 mg daily"),
    ("Levothyroxine", "75 micrograms daily"),
    ("Metformin", "500 mg twice daily"),
    ("Pregabalin", "75 mg twice daily"),
    ("Omeprazole", "20 mg daily"),
    ("Ferrous sulfate", "200 mg daily"),
)

_CONDITION_WEIGHTS = (
    (Condition.PERIPHERAL_ARTERIAL_DISEASE, 0.08),
    (Condition.LUMBAR_SPINAL_STENOSIS, 0.10),
    (Condition.KIDNEY_DISEASE, 0.05),
    (Condition.THYROID_DISORDER, 0.10),
    (Condition.PERIPHERAL_NEUROPATHY, 0.08),
    (Condition.HORMONE_DISORDER, 0.04),
    (Condition.DIABETES, 0.14),
    (Condition.HYPOGLYCAEMIA, 0.03),
    (Condition.ANAEMIA, 0.07),
    (Condition.LIVER_CIRRHOSIS, 0.02),
)

_EXERCISE = (
    ("Running", "Trail and road running"),
    ("Cycling", "Road cycling at weekends"),
    ("Walking", "Daily dog walks"),
    ("Swimming", "Lane swimming"),
    ("Football", "Five-a-side twice a week"),
    ("Yoga", "Gentle yoga class"),
    ("None", ""),
)


T = TypeVar("T")


def _pick_some(rng: random.Random, items: tuple[T, ...] | list[T], low: int, high: int) -> (
    frozenset[T]
):
    return frozenset(rng.sample(list(items), rng.randint(low, high)))


def _profile(rng: random.Random, age: int, athletic: bool, birth: dt.date, today: dt.date) -> (
    CrampProfile
):
    if athletic:
        muscles = [MuscleGroup.CALF_GASTROCNEMIUS, MuscleGroup.HAMSTRING, MuscleGroup.QUADRICEPS]
        timings = {CrampTiming.DURING_EXERCISE, CrampTiming.AFTER_EXERCISE}
        triggers = {Trigger.OVERUSE, Trigger.HOT_WEATHER, Trigger.DEHYDRATION}
    else:
        muscles = [MuscleGroup.CALF_GASTROCNEMIUS, MuscleGroup.SOLEUS, MuscleGroup.FOOT_PLANTAR,
                   MuscleGroup.TOES, MuscleGroup.HAND]
        timings = {CrampTiming.NOCTURNAL}
        triggers = {Trigger.HELD_POSITION, Trigger.COLD, Trigger.UNKNOWN}
    if rng.random() < 0.3:
        timings.add(rng.choice(list(CrampTiming)))
    sites = {
        CrampSite(muscle, rng.choice((Side.LEFT, Side.RIGHT, Side.BOTH, Side.BOTH)))
        for muscle in rng.sample(muscles, rng.randint(1, 2))
    }
    earliest_onset = max(birth + dt.timedelta(days=365 * 12), today - dt.timedelta(days=365 * 15))
    onset = earliest_onset + dt.timedelta(days=rng.randint(0, (today - earliest_onset).days))
    return CrampProfile(
        sites=tuple(sorted(sites, key=CrampSite.sort_key)),
        timings=frozenset(timings),
        onset_date=onset,
        frequency_per_week=float(rng.choice((0.5, 1, 2, 3, 4, 5, 7, 10, 14))),
        duration_minutes=float(rng.choice((0.5, 1, 2, 3, 5, 10, 15))),
        worst_severity=min(10, max(2, round(rng.gauss(6.5 if age > 60 else 5.5, 1.8)))),
        triggers=_pick_some(rng, sorted(triggers, key=lambda t: t.value), 1, 2),
        reliefs=_pick_some(rng, (Relief.STRETCHING, Relief.MASSAGE, Relief.WARMTH,
                                 Relief.WALKING), 1, 3)
        if rng.random() > 0.08
        else frozenset({Relief.NOTHING}),
    )


def demo_patient(rng: random.Random, today: dt.date) -> PatientInput:
    """One plausible patient, drawn from `rng`."""
    sex = rng.choice((Sex.FEMALE, Sex.FEMALE, Sex.MALE, Sex.MALE, Sex.UNKNOWN))
    given_pool = _GIVEN_MALE if sex is Sex.MALE else _GIVEN_FEMALE
    given, family = rng.choice(given_pool), rng.choice(_FAMILY)
    age = rng.randint(19, 88)
    birth = today.replace(month=1, day=1) - dt.timedelta(days=365 * age - rng.randint(0, 364))
    birth = min(birth, today)
    athletic = age < 55 and rng.random() < 0.55
    conditions = {c for c, weight in _CONDITION_WEIGHTS if rng.random() < weight * (age / 55)}
    if sex is Sex.FEMALE and 20 <= age <= 42 and rng.random() < 0.15:
        conditions.add(Condition.PREGNANCY)
    medications = tuple(
        Medication(name, dose, today - dt.timedelta(days=rng.randint(60, 3000)))
        for name, dose in rng.sample(_MEDICATIONS, rng.choice((0, 0, 1, 1, 2, 3)))
    )
    exercise_kind, exercise_text = rng.choice(_EXERCISE[:5] if athletic else _EXERCISE[2:])
    slug = f"{given}.{family}".lower().replace("'", "").replace(" ", "")
    return PatientInput(
        name=f"{given} {family}",
        date_of_birth=birth,
        sex=sex,
        phone=f"07{rng.randint(100, 999)} {rng.randint(100000, 999999)}",
        email=f"{slug}@example.org" if rng.random() < 0.8 else "",
        address=f"{rng.randint(1, 180)} {rng.choice(_STREETS)}",
        notes=rng.choice((
            "Prefers early-morning appointments.",
            "Needle-sensitive at first visit; settled with fewer points.",
            "Referred by GP after bloods were normal.",
            "",
        )),
        profile=_profile(rng, age, athletic, birth, today),
        conditions=frozenset(conditions),
        conditions_notes="Reviewed by GP this year." if conditions and rng.random() < 0.4 else "",
        medications=medications,
        lifestyle=Lifestyle(
            exercise=exercise_text or exercise_kind,
            exercise_hours_per_week=float(rng.choice((0, 1, 2, 3, 5, 8, 12)))
            if exercise_kind != "None"
            else 0.0,
            fluid_litres_per_day=rng.choice((0.8, 1.0, 1.5, 2.0, 2.5, 3.0)),
            alcohol_units_per_week=float(rng.choice((0, 0, 2, 4, 8, 14, 20))),
            work_posture=rng.choice(list(WorkPosture)[1:]),
        ),
    )


def demo_patients(count: int, seed: int, today: dt.date) -> list[PatientInput]:
    """`count` demo patients; the same arguments always give the same list."""
    rng = random.Random(seed)
    return [demo_patient(rng, today) for _ in range(count)]
