"""Synthetic demo sessions: deterministic, valid, and clinically coherent."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from practitioner.domain.demo import demo_patients
from practitioner.domain.demo_sessions import DEMO_PATTERNS, DEMO_POINTS, DEMO_PRACTITIONER
from practitioner.domain.demo_sessions import demo_sessions as make_sessions
from practitioner.domain.patient import Condition, CrampProfile, PatientInput
from practitioner.domain.points import normalize_point_code
from practitioner.domain.session import (
    Modality,
    Pattern,
    PulseQuality,
    SessionInput,
    TreatmentPrinciple,
)
from practitioner.domain.session_rules import validate_session
from tests.helpers.demo_inputs import ann

TODAY = dt.date(2025, 1, 15)

# What each pattern must show on the pulse, and the principle that treats it.
KEY_PULSE = {
    Pattern.LIVER_BLOOD_DEFICIENCY: PulseQuality.THREADY,
    Pattern.LIVER_YIN_DEFICIENCY: PulseQuality.THREADY,
    Pattern.LIVER_QI_STAGNATION: PulseQuality.WIRY,
    Pattern.COLD_IN_LIVER_CHANNEL: PulseQuality.TIGHT,
    Pattern.BLOOD_STASIS: PulseQuality.CHOPPY,
    Pattern.QI_AND_BLOOD_DEFICIENCY: PulseQuality.WEAK,
    Pattern.LIVER_GB_DAMP_HEAT: PulseQuality.SLIPPERY,
}
PRINCIPLE = {
    Pattern.LIVER_BLOOD_DEFICIENCY: TreatmentPrinciple.NOURISH_LIVER_BLOOD,
    Pattern.LIVER_YIN_DEFICIENCY: TreatmentPrinciple.NOURISH_LIVER_YIN,
    Pattern.LIVER_QI_STAGNATION: TreatmentPrinciple.SMOOTH_LIVER_QI,
    Pattern.COLD_IN_LIVER_CHANNEL: TreatmentPrinciple.WARM_CHANNEL,
    Pattern.BLOOD_STASIS: TreatmentPrinciple.MOVE_BLOOD,
    Pattern.QI_AND_BLOOD_DEFICIENCY: TreatmentPrinciple.TONIFY_QI_BLOOD,
    Pattern.LIVER_GB_DAMP_HEAT: TreatmentPrinciple.CLEAR_DAMP_HEAT,
}
COMMON_POINTS = {
    "GB34", "BL57", "LR3", "SP6", "ST36", "KI3", "BL40", "LR8", "GB39", "KI1", "BL17",
    "BL18", "BL20", "BL23", "LI4", "SP10", "GB20",
}  # fmt: skip


def demo_sessions(
    seed: int, patient: PatientInput, today: dt.date = TODAY, count: int = 5
) -> list[SessionInput]:
    return make_sessions(random.Random(seed), patient, today, count)


def every_visit(seed: int, today: dt.date, patients: int = 40) -> list[
    tuple[PatientInput, list[SessionInput]]
]:
    rng = random.Random(seed)
    return [
        (patient, make_sessions(rng, patient, today, rng.randint(1, 8)))
        for patient in demo_patients(patients, seed, today)
    ]


def evening(today: dt.date) -> dt.datetime:
    return dt.datetime.combine(today, dt.time(18, 0))


def assert_well_formed(patient: PatientInput, visits: list[SessionInput], today: dt.date) -> None:
    days = [v.started_at.date() for v in visits]
    assert days == sorted(days)
    assert len(set(days)) == len(days)
    assert all(day < today for day in days)
    if patient.date_of_birth is not None:
        assert all(day >= patient.date_of_birth for day in days)
    for visit in visits:
        errors = validate_session(visit, born=patient.date_of_birth, now=evening(today),
                                  finalising=True)
        assert errors == [], (errors, visit)


# --- determinism --------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_visits() -> None:
    assert every_visit(7, TODAY) == every_visit(7, TODAY)


def test_another_seed_gives_other_visits() -> None:
    patient = demo_patients(1, 3, TODAY)[0]
    assert demo_sessions(1, patient) != demo_sessions(2, patient)


def test_another_day_moves_the_visits() -> None:
    patient = demo_patients(1, 3, TODAY)[0]
    later = TODAY + dt.timedelta(days=30)
    moved = [v.started_at for v in demo_sessions(1, patient, later)]
    assert moved == [
        v.started_at + dt.timedelta(days=30) for v in demo_sessions(1, patient, TODAY)
    ]


# --- validity -----------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(min_value=0, max_value=2**32),
    today=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31)),
)
def test_demo_visits_are_valid_ordered_and_after_birth(seed: int, today: dt.date) -> None:
    for patient, visits in every_visit(seed, today, patients=10):
        assert visits
        assert_well_formed(patient, visits, today)


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(min_value=0, max_value=2**32),
    age_days=st.integers(min_value=-3, max_value=60),
    onset_days=st.one_of(st.none(), st.integers(min_value=-3, max_value=120)),
    count=st.integers(min_value=0, max_value=8),
)
def test_even_a_newborn_never_gets_a_visit_before_birth(
    seed: int, age_days: int, onset_days: int | None, count: int
) -> None:
    born = TODAY - dt.timedelta(days=age_days)
    onset = None if onset_days is None else TODAY - dt.timedelta(days=onset_days)
    patient = ann(date_of_birth=born, profile=CrampProfile(onset_date=onset))

    visits = demo_sessions(seed, patient, count=count)

    assert len(visits) <= count
    assert_well_formed(patient, visits, TODAY)
    if count and age_days >= 1:
        assert visits  # Any day before today from the birthday on will do.


def test_a_patient_born_today_gets_no_visits() -> None:
    assert demo_sessions(1, ann(date_of_birth=TODAY)) == []


def test_no_visits_are_asked_for() -> None:
    assert demo_sessions(1, ann(), count=0) == []


def test_a_patient_without_a_birth_date_gets_every_visit() -> None:
    patient = ann(date_of_birth=None)
    visits = demo_sessions(4, patient, count=6)
    assert len(visits) == 6
    assert_well_formed(patient, visits, TODAY)


def test_visits_are_weekly_ish_and_recent() -> None:
    for _, visits in every_visit(11, TODAY, patients=60):
        days = [v.started_at.date() for v in visits]
        assert 1 <= (TODAY - days[-1]).days <= 10
        assert all(6 <= (b - a).days <= 14 for a, b in itertools.pairwise(days))


# --- what a visit holds -------------------------------------------------------------------


def test_every_visit_is_a_complete_record() -> None:
    for _, visits in every_visit(5, TODAY, patients=60):
        for visit in visits:
            assert visit.practitioner == DEMO_PRACTITIONER
            assert visit.course_since_last and visit.plan and visit.advice
            assert visit.next_visit is not None and visit.next_visit > visit.started_at.date()
            tongue = visit.tongue
            assert tongue.body_colour and tongue.coating_colour and tongue.coating_thickness
            assert visit.pulse.qualities
            assert 1 <= len(visit.patterns) <= 2
            assert visit.patterns <= set(DEMO_PATTERNS)
            assert 4 <= len(visit.points) <= 8


def test_points_use_common_canonical_codes_and_sensible_settings() -> None:
    assert set(DEMO_POINTS) == COMMON_POINTS
    electro = 0
    for _, visits in every_visit(6, TODAY, patients=60):
        for visit in visits:
            codes = [p.code for p in visit.points]
            assert len(set(codes)) == len(codes)
            assert codes == sorted(codes, key=DEMO_POINTS.index)
            for point in visit.points:
                assert point.code in COMMON_POINTS
                assert normalize_point_code(point.code) == point.code
                assert not point.custom
                assert point.retention_minutes is not None
                assert 15 <= point.retention_minutes <= 30
                if point.electro_hz is not None:
                    electro += 1
                    assert 2 <= point.electro_hz <= 10
    assert electro > 0


def test_signs_and_principles_match_the_patterns() -> None:
    seen: set[Pattern] = set()
    for _, visits in every_visit(8, TODAY, patients=120):
        for visit in visits:
            seen |= visit.patterns
            qualities = visit.pulse.qualities
            assert not {PulseQuality.RAPID, PulseQuality.SLOW} <= qualities
            assert not {PulseQuality.DEEP, PulseQuality.FLOATING} <= qualities
            for pattern in visit.patterns:
                assert KEY_PULSE[pattern] in qualities, (pattern, qualities)
                assert PRINCIPLE[pattern] in visit.principles
            assert visit.principles <= {*map(PRINCIPLE.get, visit.patterns),
                                        TreatmentPrinciple.RELAX_SINEWS}
            if Pattern.COLD_IN_LIVER_CHANNEL in visit.patterns and len(visit.patterns) == 1:
                assert {PulseQuality.DEEP, PulseQuality.SLOW, PulseQuality.TIGHT} <= qualities
    assert seen == set(DEMO_PATTERNS)


def test_some_visits_have_positions_modalities_and_a_second_pattern() -> None:
    visits = [v for _, found in every_visit(9, TODAY, patients=60) for v in found]
    assert any(v.pulse.positions for v in visits)
    assert any(not v.pulse.positions for v in visits)
    assert any(v.modalities for v in visits)
    assert any(len(v.patterns) == 2 for v in visits)


def test_most_patients_improve() -> None:
    courses = [visits for _, visits in every_visit(10, TODAY, patients=200) if len(visits) >= 3]
    improved = [
        visits for visits in courses
        if visits[-1].course_since_last.startswith("No cramps")
        or "fewer than before" in visits[-1].course_since_last
    ]
    assert len(improved) > 0.6 * len(courses)
    assert all(v[0].course_since_last.startswith("First visit") for v in courses)


def test_pregnant_patients_avoid_the_traditionally_forbidden_points() -> None:
    for patient in demo_patients(30, 2, TODAY):
        pregnant = dataclasses.replace(patient,
                                       conditions=patient.conditions | {Condition.PREGNANCY})
        for visit in demo_sessions(3, pregnant, count=6):
            assert not {p.code for p in visit.points} & {"LI4", "SP6", "BL23"}
            assert all(p.electro_hz is None for p in visit.points)
            assert 4 <= len(visit.points) <= 8
            assert Modality.MOXIBUSTION not in visit.modalities
            assert visit.herbal_formula == ""


@pytest.mark.parametrize("count", [1, 2, 6])
def test_the_first_visit_is_the_intake(count: int) -> None:
    visits = demo_sessions(2, demo_patients(1, 2, TODAY)[0], count=count)
    assert visits[0].course_since_last.startswith("First visit")
    assert all(not v.course_since_last.startswith("First visit") for v in visits[1:])
