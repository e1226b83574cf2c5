"""Synthetic demo outcomes: deterministic, valid, and following each patient's course."""

from __future__ import annotations

import datetime as dt
import itertools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from practitioner.domain.demo import demo_patients
from practitioner.domain.demo_outcomes import DemoOutcomes, demo_outcomes
from practitioner.domain.demo_sessions import DemoCourse, Trajectory, demo_course
from practitioner.domain.outcomes import (
    PSFS_MAX_ACTIVITIES,
    STANDARD_MEASURES,
    SessionMeasures,
    compute_progress,
    validate_diary_entry,
    validate_measures,
)
from practitioner.domain.patient import PatientInput

TODAY = dt.date(2025, 1, 15)


def courses(seed: int, today: dt.date = TODAY, patients: int = 40) -> list[
    tuple[PatientInput, DemoCourse, DemoOutcomes]
]:
    """As `fill_demo` draws them: visits from one stream, outcomes from another."""
    rng, outcome_rng = random.Random(seed), random.Random(f"outcomes:{seed}")
    found = []
    for patient in demo_patients(patients, seed, today):
        course = demo_course(rng, patient, today, rng.randint(1, 8))
        found.append((patient, course, demo_outcomes(outcome_rng, patient, course)))
    return found


def assert_valid(course: DemoCourse, outcomes: DemoOutcomes, today: dt.date) -> None:
    assert len(outcomes.measures) == len(course.sessions)
    if not course.sessions:
        assert outcomes == DemoOutcomes()
        return
    activities = outcomes.activities
    assert 2 <= len(activities) <= 3 <= PSFS_MAX_ACTIVITIES
    assert all(a.strip() == a and a for a in activities)
    assert len(set(activities)) == len(activities)
    for index, measures in enumerate(outcomes.measures):
        problems = validate_measures(measures, STANDARD_MEASURES, first_session=index == 0)
        assert problems == [], (index, measures)
        assert (measures.get("pgic") is None) == (index == 0)
        assert [position for position, _ in measures.psfs] == list(range(len(activities)))
        for code in ("cramps_per_week", "worst_severity", "disturbed_nights",
                     "sleep_disturbance"):
            assert measures.get(code) is not None, code
    days = [e.day for e in outcomes.diary]
    assert days == sorted(set(days))
    if days:
        first, last = (s.started_at.date() for s in (course.sessions[0], course.sessions[-1]))
        assert first - dt.timedelta(days=28) <= days[0] and days[-1] < last < today
    for entry in outcomes.diary:
        assert validate_diary_entry(entry, today) == [], entry
        assert isinstance(entry.cramps, int)
        assert (entry.worst_severity is None) == (entry.cramps == 0)


# --- determinism --------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_outcomes() -> None:
    assert courses(7) == courses(7)


def test_another_seed_gives_other_outcomes() -> None:
    assert [o for _, _, o in courses(1)] != [o for _, _, o in courses(2)]


# --- validity -----------------------------------------------------------------------------


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(min_value=0, max_value=2**32),
    today=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31)),
)
def test_every_generated_value_passes_validation(seed: int, today: dt.date) -> None:
    for _, course, outcomes in courses(seed, today, patients=12):
        assert_valid(course, outcomes, today)


def test_a_course_without_visits_has_no_outcomes() -> None:
    patient = demo_patients(1, 3, TODAY)[0]
    course = demo_course(random.Random(1), patient, TODAY, 0)
    assert demo_outcomes(random.Random(1), patient, course) == DemoOutcomes()


def test_stored_ids_replace_the_activity_positions() -> None:
    _, _, outcomes = next(c for c in courses(4) if c[1].sessions)
    ids = [100 + 7 * n for n in range(len(outcomes.activities))]
    mapped = outcomes.measures_with(ids)
    for original, stored in zip(outcomes.measures, mapped, strict=True):
        assert stored.values == original.values
        assert stored.psfs == tuple((ids[p], rating) for p, rating in original.psfs)
    with pytest.raises(ValueError, match="one stored id"):
        outcomes.measures_with(ids[:1])


# --- following the course -----------------------------------------------------------------


def _cramps(measures: SessionMeasures) -> float:
    value = measures.get("cramps_per_week")
    assert value is not None
    return value


def test_most_patients_improve_some_stay_flat_and_a_few_worsen() -> None:
    found = [c for c in courses(10, patients=300) if len(c[1].sessions) >= 3]
    by_trajectory = {t: [c for c in found if c[1].trajectory is t] for t in Trajectory}
    shares = {t: len(v) / len(found) for t, v in by_trajectory.items()}
    assert shares[Trajectory.IMPROVING] > 0.6
    assert 0.05 < shares[Trajectory.FLAT] < 0.3
    assert 0.03 < shares[Trajectory.WORSENING] < 0.2
    for *_, outcomes in by_trajectory[Trajectory.IMPROVING]:
        assert _cramps(outcomes.measures[-1]) <= _cramps(outcomes.measures[0])
        assert (outcomes.measures[-1].get("pgic") or 7) <= 4
    for *_, outcomes in by_trajectory[Trajectory.WORSENING]:
        assert _cramps(outcomes.measures[-1]) >= _cramps(outcomes.measures[0])
        assert (outcomes.measures[-1].get("pgic") or 0) >= 4


def test_progress_follows_the_trajectory() -> None:
    def psfs_change(course: DemoCourse, outcomes: DemoOutcomes) -> float:
        visits = [(s.started_at.date(), m) for s, m in
                  zip(course.sessions, outcomes.measures, strict=True)]
        row = compute_progress(visits, STANDARD_MEASURES).for_code("psfs_average")
        assert row is not None
        return row.change

    found = [c for c in courses(12, patients=300) if len(c[1].sessions) >= 4]
    improving = [psfs_change(c, o) for _, c, o in found if c.trajectory is Trajectory.IMPROVING]
    worsening = [psfs_change(c, o) for _, c, o in found if c.trajectory is Trajectory.WORSENING]
    assert sum(improving) / len(improving) > 1.5
    assert sum(worsening) / len(worsening) < 0


def test_a_visit_reporting_no_cramps_records_none() -> None:
    seen = 0
    for _, course, outcomes in courses(13, patients=200):
        for session, measures in zip(course.sessions, outcomes.measures, strict=True):
            if session.course_since_last.startswith("No cramps"):
                seen += 1
                assert _cramps(measures) == 0
                assert measures.get("worst_severity") == 0
                assert measures.get("disturbed_nights") == 0
    assert seen > 0


def test_about_half_the_patients_keep_a_diary_that_follows_their_course() -> None:
    found = [c for c in courses(14, patients=300) if len(c[1].sessions) >= 2]
    keepers = [c for c in found if c[2].diary]
    assert 0.35 < len(keepers) / len(found) < 0.65
    first_weeks = last_weeks = 0
    for _, course, outcomes in keepers:
        if course.trajectory is not Trajectory.IMPROVING or len(course.sessions) < 4:
            continue
        start, end = outcomes.diary[0].day, outcomes.diary[-1].day
        first_weeks += sum(e.cramps for e in outcomes.diary
                           if e.day < start + dt.timedelta(days=14))
        last_weeks += sum(e.cramps for e in outcomes.diary
                          if e.day > end - dt.timedelta(days=14))
    assert first_weeks > 1.5 * last_weeks
    # Days are mostly filled in, with the odd one forgotten.
    recorded = sum(len(o.diary) for _, _, o in keepers)
    spans = sum((o.diary[-1].day - o.diary[0].day).days + 1 for _, _, o in keepers)
    assert 0.9 * spans <= recorded < spans
    gaps = [(b.day - a.day).days for _, _, o in keepers for a, b in itertools.pairwise(o.diary)]
    assert max(gaps) > 1


def test_activities_are_in_the_patients_own_words() -> None:
    words = {a for _, _, o in courses(15, patients=200) for a in o.activities}
    assert {"Walking the dog in the morning", "Sleeping through the night",
            "Climbing stairs at work"} <= words
    assert len(words) >= 12
