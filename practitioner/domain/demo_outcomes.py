"""Plausible, deterministic outcome figures for demo patients.

Each visit of a `DemoCourse` gets the standard measures (cramps per week, worst severity,
typical duration, disturbed nights, sleep disturbance, and PGIC from the second visit on)
following the cramp figures its course text reports; each patient names 2–3 activities
for the Patient-Specific Functional Scale in their own words, rated at every visit; and
about half the patients keep a daily cramp diary from four weeks before their first visit
to the day before their last. A diary-keeper's answers at the first and last visits agree
with their diary (`progress_with_diary` compares the two), except for a patient drawn as
`conflicting`: their diary worsens over the last weeks while their answers at the visits
say the cramps got better, so the disagreement notice has something true to show.
Every value lies within the ranges `practitioner.domain.outcomes` accepts.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass

from practitioner.domain.demo_sessions import DemoCourse
from practitioner.domain.diary_progress import diary_periods
from practitioner.domain.outcomes import (
    CRAMPS_PER_WEEK,
    DISTURBED_NIGHTS,
    DURATION,
    PGIC,
    SLEEP_DISTURBANCE,
    WORST_SEVERITY,
    DiaryEntry,
    SessionMeasures,
    Thresholds,
)
from practitioner.domain.patient import CrampTiming, MuscleGroup, PatientInput, WorkPosture

#: About this share of demo patients keep a daily diary.
DIARY_SHARE = 0.5
# Days a diary-keeper forgets to fill in.
_MISSED_DAY = 0.05
# The shortest course, first to last visit, whose diary is drawn to conflict with it.
_CONFLICT_SPAN_DAYS = 42

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
    conflicting: bool = False  # the diary contradicts the answers at the visits

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
    rng: random.Random, patient: PatientInput, course: DemoCourse, *,
    conflicting: bool = False,
) -> DemoOutcomes:
    """Outcomes following `course` (the visits `demo_course` drew for `patient`); with
    `conflicting`, a diary (if the patient keeps one) that contradicts the visits.

    The same `rng` state, patient, course and `conflicting` always give the same outcomes.
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
        # Only a course long enough for separate baseline and latest periods can conflict.
        span = course.sessions[-1].started_at - course.sessions[0].started_at
        conflicting = conflicting and span.days >= _CONFLICT_SPAN_DAYS
        diary = _diary(rng, course, night_share, base_duration, conflicting)
        measures = _answers_beside_diary(measures, course, diary, conflicting)
    else:
        conflicting = False
    return DemoOutcomes(activities, tuple(measures), diary, conflicting)


def _with(measures: SessionMeasures, changes: dict[str, float]) -> SessionMeasures:
    values = {**dict(measures.values), **changes}
    return SessionMeasures(tuple(sorted(values.items())), measures.psfs)


def _responds(baseline: float, latest: float) -> bool:
    return baseline > 0 and 100 * (baseline - latest) / baseline >= (
        Thresholds().responder_percent)


def _answers_beside_diary(
    measures: list[SessionMeasures], course: DemoCourse, diary: Sequence[DiaryEntry],
    conflicting: bool,
) -> list[SessionMeasures]:
    """The first and last visits' answers as the diary's baseline and latest periods read
    (whole numbers); for a `conflicting` patient, last answers that claim a clear
    improvement instead."""
    visit_days = [s.started_at.date() for s in course.sessions]
    periods = diary_periods(diary, visit_days, Thresholds().diary_min_days)
    if periods is None:
        return measures
    baseline, latest = periods

    def answers(cramps: float, severity: float | None, nights: float) -> dict[str, float]:
        found = {CRAMPS_PER_WEEK.code: float(round(cramps)),
                 DISTURBED_NIGHTS.code: float(min(7, round(nights)))}
        if severity is not None:
            found[WORST_SEVERITY.code] = float(round(severity))
        return found

    first = answers(baseline.cramps_per_week, baseline.worst_severity,
                    baseline.disturbed_nights)
    if baseline.cramps_per_week:  # a few cramps at baseline are not said as none
        first[CRAMPS_PER_WEEK.code] = max(first[CRAMPS_PER_WEEK.code], 1.0)
    if conflicting:
        last = {CRAMPS_PER_WEEK.code: float(round(first[CRAMPS_PER_WEEK.code] * 0.35)),
                DISTURBED_NIGHTS.code: float(round(first[DISTURBED_NIGHTS.code] * 0.3)),
                WORST_SEVERITY.code: max(0.0, first.get(WORST_SEVERITY.code, 3.0) - 3)}
    elif measures[-1].get(CRAMPS_PER_WEEK.code) == 0:
        return [_with(measures[0], first), *measures[1:]]  # "No cramps" stays said
    else:
        last = answers(latest.cramps_per_week, latest.worst_severity, latest.disturbed_nights)
        # Whole numbers can cross the responder line the diary's decimals did not cross.
        said = (first[CRAMPS_PER_WEEK.code], last[CRAMPS_PER_WEEK.code])
        if _responds(*said) != _responds(baseline.cramps_per_week, latest.cramps_per_week):
            last[CRAMPS_PER_WEEK.code] = max(0.0, said[1] + (-1 if not _responds(*said) else 1))
    return [_with(measures[0], first), *measures[1:-1], _with(measures[-1], last)]


def _diary(
    rng: random.Random, course: DemoCourse, night_share: float, base_duration: float,
    conflicting: bool = False,
) -> tuple[DiaryEntry, ...]:
    """Daily entries from four weeks before the first visit (at its cramp rate) to the day
    before the last, with each day's cramp rate moving from one visit's figure to the
    next; a `conflicting` diary runs well above the first rate over the last five weeks."""
    visit_days = [s.started_at.date() for s in course.sessions]
    days = [visit_days[0] - dt.timedelta(days=28), *visit_days]
    figures = [course.figures[0], *course.figures]
    first = course.figures[0]
    relapse_from = visit_days[-1] - dt.timedelta(days=35)
    entries: list[DiaryEntry] = []
    owed = 0.0
    for (start, end), (before, after) in zip(
        itertools.pairwise(days), itertools.pairwise(figures), strict=True
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
            if conflicting and start + dt.timedelta(days=offset) >= relapse_from:
                per_week = max(first.cramps_per_week * 1.6, first.cramps_per_week + 4)
                severity = min(10, first.worst_severity + 2)
            elif after.weekly_cramps == 0:
                per_week = 0  # "No cramps since the last visit."
            # Error diffusion rather than independent draws: the days add up to the course's
            # rate, so the diary's four-week figures tell the visits' story.
            owed += per_week / 7
            cramps = min(200, max(0, int(owed + rng.uniform(-0.3, 0.3))))
            owed -= cramps
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
