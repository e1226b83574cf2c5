"""Record rules (`validate_patient`) and parsing of typed dates and numbers."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from practitioner.domain.patient import CrampProfile, Lifestyle, Medication, PatientInput
from practitioner.domain.validation import (
    NAME_MAX_LENGTH,
    date_time_text,
    number_text,
    parse_date,
    parse_date_time,
    parse_number,
    validate_patient,
)

TODAY = dt.date(2025, 1, 15)


def fields(data: PatientInput) -> list[str]:
    return [error.field for error in validate_patient(data, TODAY)]


def with_profile(**profile: object) -> PatientInput:
    return PatientInput(name="Ann Lee", profile=CrampProfile(**profile))  # type: ignore[arg-type]


def test_a_complete_valid_record_has_no_errors() -> None:
    data = PatientInput(
        name="Ann Lee",
        date_of_birth=dt.date(1975, 3, 14),
        email="ann.lee@example.org",
        profile=CrampProfile(
            onset_date=dt.date(2020, 1, 1),
            frequency_per_week=3,
            duration_minutes=2,
            worst_severity=7,
        ),
        medications=(Medication("Furosemide", "40 mg", dt.date(2024, 1, 1)),),
        lifestyle=Lifestyle(
            exercise_hours_per_week=3, fluid_litres_per_day=2, alcohol_units_per_week=4
        ),
    )
    assert validate_patient(data, TODAY) == []


@pytest.mark.parametrize("name", ["", "   ", "\t\n"])
def test_name_is_required(name: str) -> None:
    assert fields(PatientInput(name=name)) == ["name"]


def test_name_longer_than_the_maximum_is_rejected() -> None:
    assert fields(PatientInput(name="x" * (NAME_MAX_LENGTH + 1))) == ["name"]
    assert fields(PatientInput(name="x" * NAME_MAX_LENGTH)) == []


@pytest.mark.parametrize(
    ("dob", "ok"),
    [
        (TODAY + dt.timedelta(days=1), False),
        (TODAY, True),
        (dt.date(1899, 12, 31), False),
        (dt.date(1900, 1, 1), True),
    ],
)
def test_date_of_birth_must_be_between_1900_and_today(dob: dt.date, ok: bool) -> None:
    assert fields(PatientInput(name="Ann", date_of_birth=dob)) == ([] if ok else ["date_of_birth"])


def test_onset_in_the_future_is_rejected() -> None:
    data = with_profile(onset_date=TODAY + dt.timedelta(days=1))
    assert fields(data) == ["profile.onset_date"]


def test_onset_before_date_of_birth_is_rejected() -> None:
    data = PatientInput(
        name="Ann",
        date_of_birth=dt.date(1980, 5, 1),
        profile=CrampProfile(onset_date=dt.date(1980, 4, 30)),
    )
    assert fields(data) == ["profile.onset_date"]
    on_birthday = PatientInput(
        name="Ann",
        date_of_birth=dt.date(1980, 5, 1),
        profile=CrampProfile(onset_date=dt.date(1980, 5, 1)),
    )
    assert fields(on_birthday) == []


@pytest.mark.parametrize(("value", "ok"), [(-0.5, False), (-1e-9, False), (0.0, True)])
def test_frequency_cannot_be_negative(value: float, ok: bool) -> None:
    expected = [] if ok else ["profile.frequency_per_week"]
    assert fields(with_profile(frequency_per_week=value)) == expected


@pytest.mark.parametrize(("value", "ok"), [(-1.0, False), (-1e-9, False), (0.0, True)])
def test_duration_cannot_be_negative(value: float, ok: bool) -> None:
    expected = [] if ok else ["profile.duration_minutes"]
    assert fields(with_profile(duration_minutes=value)) == expected


@pytest.mark.parametrize(("severity", "ok"), [(-1, False), (0, True), (10, True), (11, False)])
def test_severity_is_from_0_to_10(severity: int, ok: bool) -> None:
    expected = [] if ok else ["profile.worst_severity"]
    assert fields(with_profile(worst_severity=severity)) == expected


@pytest.mark.parametrize(
    "email", ["ann", "ann@", "@example.org", "ann@example", "ann lee@example.org", "a@b@c.org"]
)
def test_bad_email_is_rejected(email: str) -> None:
    assert fields(PatientInput(name="Ann", email=email)) == ["email"]


@pytest.mark.parametrize("email", ["", "  ", "ann@example.org", " ann.lee+cramps@mail.example.co "])
def test_good_or_missing_email_is_accepted(email: str) -> None:
    assert fields(PatientInput(name="Ann", email=email)) == []


def test_medication_without_a_name_is_rejected_with_its_position() -> None:
    data = PatientInput(
        name="Ann", medications=(Medication("Furosemide"), Medication("  ", "5 mg"))
    )
    assert fields(data) == ["medications.1"]


def test_every_problem_is_reported_in_form_order() -> None:
    data = PatientInput(
        name=" ",
        date_of_birth=TODAY + dt.timedelta(days=3),
        email="nope",
        profile=CrampProfile(frequency_per_week=-1, worst_severity=11),
    )
    assert fields(data) == [
        "name",
        "date_of_birth",
        "email",
        "profile.frequency_per_week",
        "profile.worst_severity",
    ]


# --- parse_date ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["1975-03-14", "14.03.1975", "14/03/1975", " 1975-3-14 ", "14.3.1975"]
)
def test_parse_date_accepts_iso_and_day_first(text: str) -> None:
    assert parse_date(text) == dt.date(1975, 3, 14)


@pytest.mark.parametrize("text", ["", "   "])
def test_parse_date_of_empty_text_is_none(text: str) -> None:
    assert parse_date(text) is None


@pytest.mark.parametrize("text", ["31.02.2020", "abc", "1975/13/01", "2020-02-30", "14.03.75"])
def test_parse_date_rejects_non_dates(text: str) -> None:
    with pytest.raises(ValueError, match=r"\S"):
        parse_date(text)


# --- parse_number -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"), [("2,5", 2.5), ("2.5", 2.5), ("3", 3.0), (" 0 ", 0.0), ("-1", -1.0)]
)
def test_parse_number_accepts_decimal_comma_and_point(text: str, expected: float) -> None:
    assert parse_number(text) == expected


@pytest.mark.parametrize("text", ["", "  "])
def test_parse_number_of_empty_text_is_none(text: str) -> None:
    assert parse_number(text) is None


@pytest.mark.parametrize("text", ["nan", "NaN", "inf", "-inf", "infinity", "abc", "1,2,3"])
def test_parse_number_rejects_non_numbers_nan_and_infinity(text: str) -> None:
    with pytest.raises(ValueError):
        parse_number(text)


def test_parse_number_integer_rejects_fractions_but_takes_whole_numbers() -> None:
    with pytest.raises(ValueError, match="whole"):
        parse_number("2.5", integer=True)
    assert parse_number("3", integer=True) == 3.0
    assert parse_number("3,0", integer=True) == 3.0


# --- properties ---------------------------------------------------------------------------


@given(st.floats(min_value=0, max_value=200))
def test_any_frequency_from_0_to_200_is_accepted(value: float) -> None:
    assert fields(with_profile(frequency_per_week=value)) == []


@given(
    st.floats(max_value=0, exclude_max=True, allow_nan=False, allow_infinity=False).filter(
        lambda value: value < 0
    )
)
def test_any_negative_frequency_is_rejected(value: float) -> None:
    assert math.isfinite(value)
    errors = validate_patient(with_profile(frequency_per_week=value), TODAY)
    assert [error.field for error in errors] == ["profile.frequency_per_week"]


@given(st.one_of(st.integers(max_value=-1), st.integers(min_value=11)))
def test_any_severity_outside_0_to_10_is_rejected(severity: int) -> None:
    assert fields(with_profile(worst_severity=severity)) == ["profile.worst_severity"]


@given(st.text(max_size=NAME_MAX_LENGTH).filter(lambda name: name.strip()))
def test_any_non_blank_name_up_to_the_maximum_is_accepted(name: str) -> None:
    assert fields(PatientInput(name=name)) == []


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e15, max_value=1e15))
def test_a_number_shown_in_a_form_reads_back_exactly(value: float) -> None:
    text = number_text(value)
    assert "e" not in text.lower()
    assert parse_number(text) == value
    assert parse_number(text.replace(".", ",")) == value


def test_numbers_are_shown_plainly() -> None:
    assert [number_text(v) for v in (None, 3.0, 2.25, -0.0, 1e-7, 1234567.0, 1.2345678)] == [
        "", "3", "2.25", "0", "0.0000001", "1234567", "1.2345678"]


@given(st.datetimes(min_value=dt.datetime(1000, 1, 1)))
def test_a_visit_time_shown_in_a_form_reads_back_exactly(value: dt.datetime) -> None:
    assert parse_date_time(date_time_text(value)) == value


def test_a_visit_time_shows_seconds_only_when_it_has_them() -> None:
    assert date_time_text(dt.datetime(2025, 1, 14, 10, 15)) == "2025-01-14 10:15"
    assert date_time_text(dt.datetime(2025, 1, 14, 10, 15, 42)) == "2025-01-14 10:15:42"
    assert date_time_text(dt.datetime(2025, 1, 14, 10, 15, 0, 500000)) == (
        "2025-01-14 10:15:00.5")
    with pytest.raises(ValueError, match="no such time"):
        parse_date_time("2025-01-14 10:15:60")
