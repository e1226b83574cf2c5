"""The retention rule: 10 years after the last visit, or after the 18th birthday if later."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from practitioner.domain.retention import add_years, retention


def test_an_adult_is_kept_ten_years_after_the_last_visit() -> None:
    kept = retention(last_visit=dt.date(2020, 5, 4), recorded=dt.date(2018, 1, 1),
                     born=dt.date(1970, 1, 1))
    assert kept.erasable_from == dt.date(2030, 5, 4)
    assert kept.reason == "10 years after the last visit"
    assert not kept.allows(dt.date(2030, 5, 3)) and kept.allows(dt.date(2030, 5, 4))


def test_a_minor_is_kept_ten_years_after_turning_18_when_that_is_later() -> None:
    kept = retention(last_visit=dt.date(2020, 5, 4), recorded=dt.date(2020, 5, 4),
                     born=dt.date(2012, 9, 30))
    assert kept.erasable_from == dt.date(2040, 9, 30)
    assert kept.reason == "10 years after the patient's 18th birthday"


def test_without_visits_the_record_creation_counts() -> None:
    kept = retention(last_visit=None, recorded=dt.date(2021, 2, 3), born=None, years=7)
    assert kept.erasable_from == dt.date(2028, 2, 3)


@pytest.mark.parametrize(("day", "years", "expected"), [
    (dt.date(2016, 2, 29), 10, dt.date(2026, 3, 1)),   # common year: the later day
    (dt.date(2016, 2, 29), 8, dt.date(2024, 2, 29)),   # leap year: the same day
    (dt.date(2015, 2, 28), 1, dt.date(2016, 2, 28)),
    (dt.date(2015, 3, 1), 1, dt.date(2016, 3, 1)),
])
def test_leap_days(day: dt.date, years: int, expected: dt.date) -> None:
    assert add_years(day, years) == expected


def test_a_leap_day_baby_turns_18_on_1_march_in_a_common_year() -> None:
    kept = retention(last_visit=dt.date(2010, 6, 1), recorded=dt.date(2010, 6, 1),
                     born=dt.date(2004, 2, 29))
    assert kept.erasable_from == dt.date(2032, 3, 1)  # 18th birthday 2022-03-01, + 10 y


def _simple_anniversary(day: dt.date, years: int) -> dt.date:
    """Independent: the first day on or after which `years` full years have passed."""
    candidate = dt.date(day.year + years, day.month, 1)
    # Walk forward from the first of the month to the same day number, or the next month.
    while candidate.month == day.month and candidate.day < day.day:
        candidate += dt.timedelta(days=1)
    return candidate


dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31))


@given(last=st.none() | dates, recorded=dates, born=st.none() | dates,
       years=st.integers(0, 30))
def test_retention_matches_an_independent_calculation(
    last: dt.date | None, recorded: dt.date, born: dt.date | None, years: int
) -> None:
    kept = retention(last_visit=last, recorded=recorded, born=born, years=years)
    expected = _simple_anniversary(last or recorded, years)
    if born is not None:
        expected = max(expected, _simple_anniversary(_simple_anniversary(born, 18), years))
    assert kept.erasable_from == expected
    # Never erasable before the period is over.
    assert kept.erasable_from >= (last or recorded)
