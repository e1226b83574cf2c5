"""Plausible, deterministic outcome figures for demo patients.

Each visit of a `DemoCourse` gets the standard measures (cramps per week, worst severity,
typical duration, disturbed nights, sleep disturbance, and PGIC from the second visit on)
following the cramp figures its course text reports; each patient names 2–3 activities
for the Patient-Specific Functional Scale in their own words, rated at every visit; and
about half the patients keep a daily cramp diary between their first and last visits.
Every value lies within the ranges `practitioner.domain.outcomes` accepts.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

from practitioner.domain.demo_sessions import DemoCourse
from practitioner.domain.outcomes import (
    CRAMPS_PER_WEEK,
    DISTURBED_NIGHTS,
    DURATION,
    PGIC,
    SLEEP_DISTURBANCE,
    WORST_SEVERITY,
    DiaryEntry,
    SessionMeasures,
)
from practitioner.domain.patient import CrampTiming, MuscleGroup, PatientInput, WorkPosture

#: About this share of demo patients keep a daily diary.
DIARY_SHARE = 0.5
# Days a diary-keeper forgets to fill in.
_MISSED_DAY = 0.05

_NIGHT_ACTIVITIES = ("Sleeping through the night", "Getting back to sleep after a cramp")
# (word in the patient's exercise, activity in their words)
_EXERCISE_ACTIVITIES = (
    ("run", "Running 5 km without stopping"),
    ("cycl", "Cycling to work and back"),
    ("dog", "Walking the dog in the morning"),
    ("swim", "Swimming 20 lengths"),
    ("five-a-side", "Playing a full game of five-a-side"),
    ("yoga", "Holding yoga poses without my feet cramping"),
)
_WORK_ACTIVITIES = {
    WorkPosture.MOSTLY_STANDING: "Standing through a shift at work",
    WorkPosture.MOSTLY_SITTING: "Sitting through a long meeting",
    WorkPosture.PHYSICAL_LABOUR: "Lifting and carrying at work",
    WorkPosture.MIXED: "Climbing stairs at work",
}
_MUSCLE_ACTIVITIES = {
    MuscleGroup.HAND: "Writing by hand for ten minutes",
    MuscleGroup.FOOT_PLANTAR: "Walking barefoot on the beach",
    MuscleGroup.TOES: "Pointing my toes in the pool",
    MuscleGroup.HAMSTRING: "Bending to tie my shoes",
    MuscleGroup.QUADRICEPS: "Squatting down to the bottom shelf",
}
_EVERYDAY_ACTIVITIES = (
    "Climbing stairs at work",
    "Driving for more than an hour",
    "Gardening on a Saturday morning",
    "Getting up from a chair after sitting",
    "Going for a long walk with the family",
    "Walking the dog in the morning",
)
_DIARY_NOTES = (
    "Woke at 3 am with a calf cramp.",
    "Cramp after a long walk.",
    "Forgot the evening stretches.",
    "Stretched before bed.",
    "Long day on my feet.",
)


@dataclass(frozen=True)
class DemoOutcomes:
    """A demo patient's outcomes.

    `measures` has one entry per visit of the course; its PSFS ratings are keyed by the
    activity's position in `activities` until `measures_with` puts the stored ids in.
    """

    activities: tuple[str, ...] = ()
    measures: tuple[SessionMeasures, ...] = ()
    diary: tuple[DiaryEntry, ...] = ()

    def measures_with(self, activity_ids: Sequence[int]) -> list[SessionMeasures]:
        """Each visit's measures, rating the activities stored under `activity_ids`
        (in the order of `activities`)."""
        if len(activity_ids) != len(self.activities):
            raise ValueError("one stored id is needed per activity")
        return [
            SessionMeasures(
                values=m.values,
                psfs=tuple(sorted((activity_ids[index], rating) for index, rating in m.psfs)),
            )
            for m in self.measures
        ]


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def _half(value: float) -> float:
    """Rounded to the nearest half."""
    return round(value * 2) / 2


def _poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw (Knuth's method; the means here are small)."""
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _activities(rng: random.Random, patient: PatientInput) -> tuple[str, ...]:
    """2–3 activities the patient finds hard because of the cramps, in their words."""
    own: list[str] = []
    if CrampTiming.NOCTURNAL in patient.profile.timings:
        own.append(rng.choice(_NIGHT_ACTIVITIES))
    exercise = patient.lifestyle.exercise.lower()
    own += [words for key, words in _EXERCISE_ACTIVITIES if key in exercise]
    if patient.lifestyle.work_posture in _WORK_ACTIVITIES:
        own.append(_WORK_ACTIVITIES[patient.lifestyle.work_posture])
    own += [_MUSCLE_ACTIVITIES[s.muscle] for s in patient.profile.sites
            if s.muscle in _MUSCLE_ACTIVITIES]
    own = list(dict.fromkeys(own))
    rng.shuffle(own)
    everyday = [a for a in _EVERYDAY_ACTIVITIES if a not in own]
    rng.shuffle(everyday)
    return tuple((own + everyday)[: rng.choice((2, 3, 3))])


def _pgic(ratio: float) -> int:
    """The impression of change a patient would likely give at this cramp ratio."""
    for limit, rating in ((0.3, 1), (0.6, 2), (0.85, 3), (1.15, 4), (1.4, 5), (1.8, 6)):
        if ratio <= limit:
            return rating
    return 7


def _psfs(rng: random.Random, baseline: int, gain: float, ratio: float, first: bool) -> float:
    if first:
        return float(baseline)
    better = _clamp(1 - ratio, -1, 1)
    if better >= 0:
        value = baseline + (10 - baseline) * better * gain
    else:
        value = baseline + baseline * better * 0.6
    return float(_clamp(round(value + rng.choice((-1, 0, 0, 0, 1))), 0, 10))


def demo_outcomes(
    rng: random.Random, patient: PatientInput, course: DemoCourse
) -> DemoOutcomes:
    """Outcomes following `course` (the visits `demo_course` drew for `patient`).

    The same `rng` state, patient and course always give the same outcomes.
    """
    if not course.sessions:
        return DemoOutcomes()
    profile = patient.profile
    base = course.baseline_per_week or 1.0
    nocturnal = CrampTiming.NOCTURNAL in profile.timings
    night_share = rng.uniform(0.6, 0.9) if nocturnal else rng.uniform(0.1, 0.3)
    base_duration = profile.duration_minutes or rng.choice((0.5, 1.0, 2.0, 3.0, 5.0))
    activities = _activities(rng, patient)
    baselines = [rng.randint(2, 6) for _ in activities]
    gains = [rng.uniform(0.6, 1.0) for _ in activities]
    measures: list[SessionMeasures] = []
    for index, figures in enumerate(course.figures):
        ratio = figures.cramps_per_week / base
        cramps = int(_clamp(figures.weekly_cramps, 0, CRAMPS_PER_WEEK.high))
        values: dict[str, float] = {CRAMPS_PER_WEEK.code: float(cramps)}
        nights = int(_clamp(round(cramps * night_share), 0, min(7, cramps)))
        values[WORST_SEVERITY.code] = float(figures.worst_severity if cramps else 0)
        if cramps:
            duration = _half(base_duration * _clamp(ratio, 0.2, 3.0) ** 0.3)
            values[DURATION.code] = _clamp(duration, 0.5, DURATION.high)
        values[DISTURBED_NIGHTS.code] = float(nights)
        disturbance = _clamp(round(nights * 1.3 + rng.uniform(-1, 1)), 1, 10) if nights else 0
        values[SLEEP_DISTURBANCE.code] = float(disturbance)
        if index:
            values[PGIC.code] = float(_pgic(ratio))
        psfs = tuple(
            (position, _psfs(rng, baselines[position], gains[position], ratio, index == 0))
            for position in range(len(activities))
        )
        measures.append(SessionMeasures(values=tuple(sorted(values.items())), psfs=psfs))
    diary: tuple[DiaryEntry, ...] = ()
    if len(course.sessions) > 1 and rng.random() < DIARY_SHARE:
        diary = _diary(rng, course, night_share, base_duration)
    return DemoOutcomes(activities, tuple(measures), diary)


def _diary(
    rng: random.Random, course: DemoCourse, night_share: float, base_duration: float
) -> tuple[DiaryEntry, ...]:
    """Daily entries from the first visit to the day before the last, with each day's
    cramp rate moving from one visit's figure to the next."""
    days = [s.started_at.date() for s in course.sessions]
    entries: list[DiaryEntry] = []
    for (start, end), (before, after) in zip(
        itertools.pairwise(days), itertools.pairwise(course.figures), strict=True
    ):
        span = (end - start).days
        for offset in range(span):
            if rng.random() < _MISSED_DAY:
                continue
            share = offset / span
            per_week = before.cramps_per_week + (after.cramps_per_week
                                                 - before.cramps_per_week) * share
            severity = before.worst_severity + (after.worst_severity
                                                - before.worst_severity) * share
            cramps = min(200, _poisson(rng, per_week / 7))
            if not cramps:
                entries.append(DiaryEntry(start + dt.timedelta(days=offset), 0))
                continue
            minutes = _half(cramps * base_duration * rng.uniform(0.6, 1.4))
            entries.append(
                DiaryEntry(
                    day=start + dt.timedelta(days=offset),
                    cramps=cramps,
                    worst_severity=int(_clamp(round(severity) + rng.choice((-1, 0, 0, 1)),
                                              1, 10)),
                    total_minutes=_clamp(minutes, 0.5, 1440),
                    sleep_disturbed=rng.random() < night_share,
                    notes=rng.choice(_DIARY_NOTES) if rng.random() < 0.08 else "",
                )
            )
    return tuple(entries)
