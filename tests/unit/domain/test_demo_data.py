"""Synthetic demo patients: deterministic and always valid."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from practitioner.domain.demo import demo_patients
from practitioner.domain.validation import validate_patient

TODAY = dt.date(2025, 1, 15)


def test_same_arguments_give_the_same_patients() -> None:
    first = demo_patients(40, 7, TODAY)
    second = demo_patients(40, 7, TODAY)
    assert len(first) == 40
    assert first == second


def test_another_seed_gives_other_patients() -> None:
    assert demo_patients(20, 1, TODAY) != demo_patients(20, 2, TODAY)


def test_a_longer_list_starts_with_the_shorter_one() -> None:
    assert demo_patients(30, 5, TODAY)[:10] == demo_patients(10, 5, TODAY)


@pytest.mark.parametrize("seed", [0, 1, 7, 12345])
def test_every_demo_patient_is_valid(seed: int) -> None:
    for patient in demo_patients(100, seed, TODAY):
        assert validate_patient(patient, TODAY) == [], patient


@settings(max_examples=30)
@given(
    seed=st.integers(min_value=0, max_value=2**32),
    today=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31)),
)
def test_demo_patients_are_valid_whatever_the_day(seed: int, today: dt.date) -> None:
    for patient in demo_patients(15, seed, today):
        assert validate_patient(patient, today) == [], patient
