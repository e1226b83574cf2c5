"""Outcome figures as people read them, and the caveat about seasons and regression to the
mean (issue 17 item 3, issue 19 item 5)."""

from __future__ import annotations

import datetime as dt

import pytest

from practitioner.domain.outcome_text import (
    axis_title,
    direction,
    format_change,
    format_percent,
    format_value,
    outcome_caveat,
    season,
)
from practitioner.domain.outcomes import (
    CRAMPS_PER_WEEK,
    DISTURBED_NIGHTS,
    DURATION,
    PGIC,
    PSFS_AVERAGE,
    WORST_SEVERITY,
    MeasureDefinition,
    MeasureProgress,
)

CUSTOM = MeasureDefinition("custom:steps", "Steps walked", "steps", 0, 50000,
                           lower_is_better=False)


def _row(definition: MeasureDefinition, baseline: float, latest: float,
         first: dt.date = dt.date(2026, 6, 3), last: dt.date = dt.date(2026, 9, 20),
         count: int = 3) -> MeasureProgress:
    return MeasureProgress(definition, baseline, first, latest, last, count)


@pytest.mark.parametrize(("value", "definition", "text"), [
    (3.6666666667, CRAMPS_PER_WEEK, "3.7"),
    (8.0, CRAMPS_PER_WEEK, "8"),
    (3.04, CRAMPS_PER_WEEK, "3"),
    (24.5, CRAMPS_PER_WEEK, "25"),
    (120.4, DURATION, "120"),
    (4.25, PSFS_AVERAGE, "4.3"),
    (0.0, WORST_SEVERITY, "0"),
    (-2.5, None, "−2.5"),
])
def test_values_have_sensible_decimals(value: float, definition: MeasureDefinition | None,
                                       text: str) -> None:
    assert format_value(value, definition) == text


@pytest.mark.parametrize(("change", "text"), [
    (3.3333333, "+3.3"), (-5.0, "−5"), (0.0, "0"), (0.01, "0"), (-0.04, "0"), (12.0, "+12"),
])
def test_changes_are_signed_and_rounded(change: float, text: str) -> None:
    assert format_change(change, CRAMPS_PER_WEEK) == text


@pytest.mark.parametrize(("percent", "text"), [
    (-62.5, "−63%"), (-62.4, "−62%"), (33.333, "+33%"), (0.2, "0%"), (None, "—"),
    (float("nan"), "—"),
])
def test_percentages_are_whole_and_signed(percent: float | None, text: str) -> None:
    assert format_percent(percent) == text


def test_the_arrow_follows_the_number_and_the_word_the_patient() -> None:
    assert direction(_row(CRAMPS_PER_WEEK, 9, 3)) == "fewer cramps ▼, improved"
    assert direction(_row(CRAMPS_PER_WEEK, 3, 9)) == "more cramps ▲, worse"
    assert direction(_row(DISTURBED_NIGHTS, 5, 2)) == "fewer nights ▼, improved"
    assert direction(_row(PSFS_AVERAGE, 3, 6)) == "more able ▲, improved"
    assert direction(_row(PSFS_AVERAGE, 6, 3)) == "less able ▼, worse"
    assert direction(_row(CUSTOM, 100, 900)) == "higher ▲, improved"
    assert direction(_row(WORST_SEVERITY, 4, 4)) == "no change ●"


def test_axis_titles_say_the_unit_once() -> None:
    assert axis_title(CRAMPS_PER_WEEK) == "Cramps per week"
    assert axis_title(WORST_SEVERITY) == "Worst cramp severity (0–10)"
    assert axis_title(DURATION) == "Typical cramp duration (min)"
    assert axis_title(DISTURBED_NIGHTS).count("nights") + axis_title(
        DISTURBED_NIGHTS).count("Nights") == 1


@pytest.mark.parametrize(("month", "name"), [
    (1, "winter"), (3, "spring"), (6, "summer"), (8, "summer"), (9, "autumn"), (12, "winter"),
])
def test_seasons_by_month(month: int, name: str) -> None:
    assert season(dt.date(2026, month, 15)) == name


def test_no_caveat_until_something_is_compared() -> None:
    assert outcome_caveat([]) is None
    assert outcome_caveat([_row(CRAMPS_PER_WEEK, 9, 9, count=1)]) is None
    assert outcome_caveat([_row(PGIC, 2, 2)]) is None, "a rating of change has no baseline"


def test_the_caveat_names_both_months_and_regression_to_the_mean() -> None:
    caveat = outcome_caveat([_row(CRAMPS_PER_WEEK, 9, 3)])
    assert caveat is not None
    assert caveat.months == "baseline: June 2026 · latest: September 2026"
    assert "season" in caveat.text and "regress toward the mean" in caveat.text
    assert "summer" in caveat.text


def test_the_caveat_is_stronger_when_the_months_differ_by_season() -> None:
    summer_to_autumn = outcome_caveat([_row(CRAMPS_PER_WEEK, 9, 3)])
    assert summer_to_autumn is not None and summer_to_autumn.strong
    assert "baseline was in summer and the latest in autumn" in summer_to_autumn.season_note
    winter_to_summer = outcome_caveat([_row(CRAMPS_PER_WEEK, 3, 5, dt.date(2026, 1, 5),
                                            dt.date(2026, 7, 5))])
    assert winter_to_summer is not None and winter_to_summer.strong
    assert "hide a real benefit" in winter_to_summer.season_note
    same = outcome_caveat([_row(CRAMPS_PER_WEEK, 9, 3, dt.date(2026, 6, 1),
                                dt.date(2026, 8, 30))])
    assert same is not None and not same.strong and same.season_note == ""
    assert same.months == "baseline: June 2026 · latest: August 2026"


def test_the_caveat_spans_the_earliest_baseline_and_the_latest_value() -> None:
    caveat = outcome_caveat([
        _row(CRAMPS_PER_WEEK, 9, 3, dt.date(2026, 5, 4), dt.date(2026, 7, 1)),
        _row(WORST_SEVERITY, 7, 4, dt.date(2026, 6, 1), dt.date(2026, 10, 2)),
    ])
    assert caveat is not None
    assert caveat.months == "baseline: May 2026 · latest: October 2026"
