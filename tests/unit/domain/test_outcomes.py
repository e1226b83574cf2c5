"""Outcome measures: range checks, the diary's weekly figures, and baseline-anchored progress.

The progress tests are worked examples a practitioner can check by hand; the property
tests then hold the flags to the thresholds for every value in range.
"""

from __future__ import annotations

import datetime as dt
import math
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from practitioner.domain.outcomes import (
    CRAMPS_PER_WEEK,
    CUSTOM_PREFIX,
    DURATION,
    PGIC,
    PSFS_AVERAGE,
    STANDARD_MEASURES,
    WORST_SEVERITY,
    DiaryEntry,
    DiaryWeek,
    Flag,
    MeasureDefinition,
    Progress,
    SessionMeasures,
    Thresholds,
    Trend,
    compute_progress,
    diary_weeks,
    validate_diary_entry,
    validate_measures,
)

TODAY = dt.date(2025, 3, 12)  # a Wednesday
D1, D2, D3, D4 = (dt.date(2025, 1, 6) + dt.timedelta(weeks=n) for n in range(4))


def measures(psfs: tuple[float, ...] = (), **values: float) -> SessionMeasures:
    return coded(values, psfs)


def coded(values: dict[str, float], psfs: tuple[float, ...] = ()) -> SessionMeasures:
    """Measures by code, for codes that are not Python names (`custom:mood`)."""
    return SessionMeasures(
        values=tuple(values.items()),
        psfs=tuple(enumerate(psfs, start=1)),
    )


def progress(*sessions: SessionMeasures, thresholds: Thresholds = Thresholds()) -> Progress:
    days = [D1 + dt.timedelta(weeks=n) for n in range(len(sessions))]
    return compute_progress(list(zip(days, sessions, strict=True)), STANDARD_MEASURES,
                            thresholds)


# --- compute_progress: cramps per week and the responder flag ---------------------------


def test_eight_to_three_cramps_is_a_responder() -> None:
    result = progress(measures(cramps_per_week=8), measures(cramps_per_week=3))
    row = result.for_code("cramps_per_week")
    assert row is not None
    assert (row.baseline, row.latest, row.count) == (8, 3, 2)
    assert (row.baseline_date, row.latest_date) == (D1, D2)
    assert row.change == -5
    assert row.change_percent == pytest.approx(-62.5)
    assert row.trend is Trend.BETTER
    assert Flag.RESPONDER in result.flags
    assert result.notes == ()


def test_eight_to_five_cramps_is_not_a_responder() -> None:
    result = progress(measures(cramps_per_week=8), measures(cramps_per_week=5))
    row = result.for_code("cramps_per_week")
    assert row is not None and row.change_percent == pytest.approx(-37.5)
    assert Flag.RESPONDER not in result.flags


def test_exactly_half_is_a_responder() -> None:
    result = progress(measures(cramps_per_week=8), measures(cramps_per_week=4))
    assert Flag.RESPONDER in result.flags


def test_more_cramps_is_worse_and_no_responder() -> None:
    result = progress(measures(cramps_per_week=4), measures(cramps_per_week=6))
    row = result.for_code("cramps_per_week")
    assert row is not None
    assert row.change_percent == pytest.approx(50.0)
    assert row.trend is Trend.WORSE
    assert Flag.RESPONDER not in result.flags


def test_no_change_is_same() -> None:
    result = progress(measures(cramps_per_week=4), measures(cramps_per_week=4))
    row = result.for_code("cramps_per_week")
    assert row is not None and row.trend is Trend.SAME and row.change_percent == 0


def test_baseline_of_no_cramps_has_no_percentage_and_no_responder_flag() -> None:
    result = progress(measures(cramps_per_week=0), measures(cramps_per_week=3))
    row = result.for_code("cramps_per_week")
    assert row is not None
    assert row.change == 3
    assert row.change_percent is None
    assert row.trend is Trend.WORSE
    assert Flag.RESPONDER not in result.flags
    assert result.notes == ("No cramps at baseline: the responder rule does not apply.",)


def test_the_responder_threshold_is_configurable() -> None:
    result = progress(measures(cramps_per_week=8), measures(cramps_per_week=5),
                      thresholds=Thresholds(responder_percent=25))
    assert Flag.RESPONDER in result.flags


def test_missing_values_in_between_are_skipped() -> None:
    result = progress(
        measures(cramps_per_week=8, worst_severity=7),
        measures(worst_severity=6),  # cramps not asked this time
        measures(),  # nothing recorded
        measures(cramps_per_week=3),
    )
    cramps = result.for_code("cramps_per_week")
    assert cramps is not None
    assert (cramps.baseline, cramps.latest, cramps.count) == (8, 3, 2)
    assert (cramps.baseline_date, cramps.latest_date) == (D1, D4)
    severity = result.for_code("worst_severity")
    assert severity is not None
    assert (severity.baseline, severity.latest, severity.latest_date) == (7, 6, D2)
    assert Flag.RESPONDER in result.flags
    assert Flag.SEVERITY_IMPORTANT not in result.flags


def test_the_latest_is_the_last_recorded_value_not_the_last_visit() -> None:
    result = progress(measures(cramps_per_week=8), measures(cramps_per_week=4), measures())
    row = result.for_code("cramps_per_week")
    assert row is not None and (row.latest, row.latest_date) == (4, D2)


def test_a_measure_recorded_once_gives_no_flag() -> None:
    result = progress(measures(worst_severity=8), measures(cramps_per_week=2, worst_severity=3))
    cramps = result.for_code("cramps_per_week")
    assert cramps is not None and cramps.count == 1 and cramps.change == 0
    assert Flag.RESPONDER not in result.flags
    assert Flag.SEVERITY_IMPORTANT in result.flags


def test_a_single_session_gives_a_note_and_no_flags() -> None:
    result = progress(measures(cramps_per_week=8, worst_severity=7, psfs=(3, 4)))
    assert result.flags == frozenset()
    assert result.notes == ("One session so far: changes appear from the second session on.",)
    row = result.for_code("cramps_per_week")
    assert row is not None
    assert row.count == 1 and row.baseline == row.latest == 8 and row.trend is Trend.SAME


def test_no_sessions_give_an_empty_progress() -> None:
    assert progress() == Progress()


def test_a_single_session_with_no_cramps_notes_only_the_single_session() -> None:
    result = progress(measures(cramps_per_week=0))
    assert result.notes == ("One session so far: changes appear from the second session on.",)


def test_measures_missing_from_every_visit_have_no_row() -> None:
    result = progress(measures(cramps_per_week=8), measures(cramps_per_week=3))
    assert result.for_code("worst_severity") is None
    assert result.for_code("psfs_average") is None
    assert [row.definition.code for row in result.measures] == ["cramps_per_week"]


def test_codes_not_among_the_definitions_are_ignored() -> None:
    result = progress(coded({"custom:mood": 3}), coded({"custom:mood": 9}))
    assert result.measures == ()


# --- compute_progress: severity -------------------------------------------------------


@pytest.mark.parametrize(
    ("baseline", "latest", "flagged"),
    [
        (6, 4, True),  # 2 points
        (3, 2, True),  # 1 point, but −33 %
        (5, 4, False),  # 1 point, −20 %
        (10, 7, True),  # 3 points; exactly −30 %
        (4, 6, True),  # worse by 2 points is important too
        (8, 7, False),  # 1 point, −12.5 %
        (0, 1, False),  # no percentage of nothing; 1 point
        (0, 2, True),  # 2 points from nothing
        (7, 7, False),
    ],
)
def test_severity_change_is_important_at_two_points_or_thirty_percent(
    baseline: int, latest: int, flagged: bool
) -> None:
    result = progress(measures(worst_severity=baseline), measures(worst_severity=latest))
    assert (Flag.SEVERITY_IMPORTANT in result.flags) is flagged


def test_severity_thresholds_are_configurable() -> None:
    strict = Thresholds(severity_points=3, severity_percent=50)
    result = progress(measures(worst_severity=6), measures(worst_severity=4), thresholds=strict)
    assert Flag.SEVERITY_IMPORTANT not in result.flags


def test_sleep_disturbance_raises_no_severity_flag() -> None:
    result = progress(measures(sleep_disturbance=8), measures(sleep_disturbance=2))
    assert result.flags == frozenset()
    row = result.for_code("sleep_disturbance")
    assert row is not None and row.trend is Trend.BETTER


# --- compute_progress: PSFS, direction, PGIC -----------------------------------------


def test_psfs_average_change_of_two_is_flagged_and_higher_is_better() -> None:
    result = progress(measures(psfs=(2, 4, 3)), measures(psfs=(5, 6, 4)))
    row = result.for_code("psfs_average")
    assert row is not None
    assert row.definition is PSFS_AVERAGE
    assert (row.baseline, row.latest) == (3, 5)
    assert row.change == 2
    assert row.trend is Trend.BETTER  # lower_is_better is False for function
    assert Flag.PSFS_IMPORTANT in result.flags


def test_psfs_average_change_below_two_is_not_flagged() -> None:
    result = progress(measures(psfs=(2, 4)), measures(psfs=(4, 5)))  # 3 → 4.5
    assert Flag.PSFS_IMPORTANT not in result.flags


def test_psfs_getting_worse_by_two_is_flagged_and_worse() -> None:
    result = progress(measures(psfs=(6, 6)), measures(psfs=(4, 4)))
    row = result.for_code("psfs_average")
    assert row is not None and row.trend is Trend.WORSE
    assert Flag.PSFS_IMPORTANT in result.flags


def test_psfs_change_of_exactly_two_survives_floating_point() -> None:
    # (2 + 2 + 7)/3 − (0 + 0 + 5)/3 is 1.9999999999999998 in binary floating point.
    result = progress(measures(psfs=(0, 0, 5)), measures(psfs=(2, 2, 7)))
    assert Flag.PSFS_IMPORTANT in result.flags


def test_higher_is_better_measures_trend_the_other_way() -> None:
    energy = MeasureDefinition(f"{CUSTOM_PREFIX}energy", "Energy", "0–10", 0, 10,
                               lower_is_better=False, minimal_important_change=1)
    visits = [(D1, coded({energy.code: 3})), (D2, coded({energy.code: 6}))]
    row = compute_progress(visits, (energy,)).for_code(energy.code)
    assert row is not None
    assert row.change == 3 and row.change_percent == pytest.approx(100.0)
    assert row.trend is Trend.BETTER
    visits = [(D1, coded({energy.code: 6})), (D2, coded({energy.code: 3}))]
    row = compute_progress(visits, (energy,)).for_code(energy.code)
    assert row is not None and row.trend is Trend.WORSE


def test_pgic_is_reported_by_its_latest_rating_and_raises_no_flag() -> None:
    result = progress(
        measures(cramps_per_week=8),
        measures(cramps_per_week=7, pgic=3),
        measures(cramps_per_week=6, pgic=2),
    )
    row = result.for_code("pgic")
    assert row is not None
    assert (row.latest, row.latest_date, row.count) == (2, D3, 2)
    assert row.baseline_date == D2  # PGIC is first asked at the second session
    assert result.flags == frozenset()


def test_a_single_pgic_rating_is_its_own_latest() -> None:
    result = progress(measures(cramps_per_week=8), measures(cramps_per_week=8, pgic=4))
    row = result.for_code("pgic")
    assert row is not None and row.count == 1 and row.latest == 4


# --- compute_progress: properties ------------------------------------------------------

counts = st.integers(min_value=0, max_value=500)
ratings = st.integers(min_value=0, max_value=10)


@given(counts, counts)
def test_responder_flag_matches_the_rule(baseline: int, latest: int) -> None:
    result = progress(measures(cramps_per_week=baseline), measures(cramps_per_week=latest))
    expected = baseline > 0 and Fraction(latest, baseline) <= Fraction(1, 2)
    assert (Flag.RESPONDER in result.flags) is expected
    has_note = "No cramps at baseline: the responder rule does not apply." in result.notes
    assert has_note is (baseline == 0)


@given(ratings, ratings)
def test_severity_flag_matches_the_rule(baseline: int, latest: int) -> None:
    result = progress(measures(worst_severity=baseline), measures(worst_severity=latest))
    change = abs(latest - baseline)
    expected = change >= 2 or (baseline > 0 and Fraction(change, baseline) >= Fraction(3, 10))
    assert (Flag.SEVERITY_IMPORTANT in result.flags) is expected


activity_ratings = st.lists(ratings, min_size=1, max_size=5)


@given(activity_ratings, activity_ratings)
def test_psfs_flag_matches_the_exact_average(first: list[int], last: list[int]) -> None:
    result = progress(measures(psfs=tuple(first)), measures(psfs=tuple(last)))
    exact = abs(Fraction(sum(last), len(last)) - Fraction(sum(first), len(first)))
    assert (Flag.PSFS_IMPORTANT in result.flags) is (exact >= 2)


@given(st.lists(st.one_of(st.none(), counts), max_size=8))
def test_baseline_and_latest_are_the_first_and_last_recorded(
    values: list[int | None],
) -> None:
    result = progress(*(measures() if v is None else measures(cramps_per_week=v)
                        for v in values))
    recorded = [v for v in values if v is not None]
    row = result.for_code("cramps_per_week")
    if not recorded:
        assert row is None
    else:
        assert row is not None
        assert (row.baseline, row.latest, row.count) == (recorded[0], recorded[-1],
                                                         len(recorded))
    if len(recorded) < 2:
        assert Flag.RESPONDER not in result.flags


# --- diary_weeks -----------------------------------------------------------------------


def day(date: dt.date, cramps: int, *, disturbed: bool = False) -> DiaryEntry:
    return DiaryEntry(day=date, cramps=cramps, sleep_disturbed=disturbed)


def test_diary_days_group_into_monday_weeks() -> None:
    sunday, monday = dt.date(2025, 3, 9), dt.date(2025, 3, 10)
    weeks = diary_weeks([day(sunday, 2), day(monday, 1), day(monday + dt.timedelta(6), 4)])
    assert [week.start for week in weeks] == [dt.date(2025, 3, 3), monday]
    assert all(week.start.weekday() == 0 for week in weeks)
    assert [(week.days_recorded, week.cramps) for week in weeks] == [(1, 2), (2, 5)]


def test_a_full_week_reports_its_own_count() -> None:
    monday = dt.date(2025, 3, 10)
    week, = diary_weeks(day(monday + dt.timedelta(n), n % 2) for n in range(7))
    assert (week.days_recorded, week.cramps) == (7, 3)
    assert week.cramps_per_week == 3


def test_a_partial_week_is_scaled_to_seven_days() -> None:
    monday = dt.date(2025, 3, 10)
    week, = diary_weeks([day(monday, 2), day(monday + dt.timedelta(1), 0),
                         day(monday + dt.timedelta(4), 4)])
    assert week.days_recorded == 3
    assert week.cramps == 6
    assert week.cramps_per_week == pytest.approx(14.0)


def test_cramp_free_nights_count_the_nights_not_disturbed() -> None:
    monday = dt.date(2025, 3, 10)
    week, = diary_weeks([day(monday, 2, disturbed=True), day(monday + dt.timedelta(1), 0),
                         day(monday + dt.timedelta(2), 1)])
    assert week.cramp_free_nights == 2


def test_weeks_come_oldest_first_whatever_the_entry_order() -> None:
    dates = [dt.date(2025, 3, 20), dt.date(2025, 1, 2), dt.date(2025, 2, 14)]
    starts = [week.start for week in diary_weeks(day(d, 1) for d in dates)]
    assert starts == sorted(starts) and len(starts) == 3


def test_no_diary_no_weeks() -> None:
    assert diary_weeks([]) == []


def test_a_week_without_days_has_no_cramps_per_week() -> None:
    assert DiaryWeek(dt.date(2025, 3, 10), 0, 0, 0).cramps_per_week == 0.0


diary_days = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2026, 12, 31))


@given(st.dictionaries(diary_days, st.tuples(st.integers(0, 200), st.booleans()),
                       max_size=60))
def test_weeks_keep_every_day_and_every_cramp(days: dict[dt.date, tuple[int, bool]]) -> None:
    entries = [day(date, cramps, disturbed=disturbed)
               for date, (cramps, disturbed) in days.items()]
    weeks = diary_weeks(entries)
    assert sum(week.days_recorded for week in weeks) == len(entries)
    assert sum(week.cramps for week in weeks) == sum(e.cramps for e in entries)
    for week in weeks:
        assert week.start.weekday() == 0
        assert 1 <= week.days_recorded <= 7
        assert 0 <= week.cramp_free_nights <= week.days_recorded
        inside = [e for e in entries if week.start <= e.day < week.start + dt.timedelta(7)]
        assert len(inside) == week.days_recorded
        assert week.cramps_per_week == pytest.approx(week.cramps * 7 / week.days_recorded)


# --- validate_measures -----------------------------------------------------------------


def problems(first_session: bool = False, psfs: tuple[float, ...] = (),
             **values: float) -> list[tuple[str, str]]:
    return validate_measures(measures(psfs, **values), STANDARD_MEASURES,
                             first_session=first_session)


def test_a_full_set_of_valid_measures_passes() -> None:
    assert problems(cramps_per_week=4, worst_severity=7, duration_minutes=2.5,
                    disturbed_nights=3, sleep_disturbance=6, pgic=2, psfs=(3, 10, 0)) == []


def test_boundaries_are_accepted() -> None:
    assert problems(cramps_per_week=0, worst_severity=10, disturbed_nights=7, pgic=1) == []
    assert problems(cramps_per_week=500, worst_severity=0, disturbed_nights=0, pgic=7) == []


@pytest.mark.parametrize(
    ("code", "value", "message"),
    [
        ("worst_severity", 11, "Worst cramp severity is 0 to 10."),
        ("worst_severity", -1, "Worst cramp severity is 0 to 10."),
        ("cramps_per_week", -2, "Cramps per week is 0 to 500."),
        ("cramps_per_week", 501, "Cramps per week is 0 to 500."),
        ("disturbed_nights", 8, "Nights disturbed by cramps is 0 to 7."),
        ("sleep_disturbance", 10.5, "Sleep disturbance: enter a whole number."),
        ("cramps_per_week", 2.5, "Cramps per week: enter a whole number."),
        ("pgic", 0, "Global impression of change (PGIC) is 1 to 7."),
        ("pgic", 8, "Global impression of change (PGIC) is 1 to 7."),
        ("duration_minutes", 1441, "Typical cramp duration is 0 to 1440."),
        ("worst_severity", math.nan, "Worst cramp severity: enter a number."),
        ("duration_minutes", math.inf, "Typical cramp duration: enter a number."),
        ("cramps_per_week", -math.inf, "Cramps per week: enter a number."),
    ],
)
def test_bad_values_are_named_with_their_reason(code: str, value: float, message: str) -> None:
    found = validate_measures(coded({code: value}), STANDARD_MEASURES,
                              first_session=False)
    assert found == [(code, message)]


def test_duration_may_have_decimals() -> None:
    assert problems(duration_minutes=0.5) == []


def test_an_unknown_measure_is_rejected() -> None:
    assert problems(mystery=3) == [("mystery", "Unknown measure “mystery”.")]


def test_custom_measures_are_checked_by_their_own_definition() -> None:
    mood = MeasureDefinition(f"{CUSTOM_PREFIX}mood", "Mood", "0–5", 0, 5)
    result = validate_measures(coded({mood.code: 6}), (*STANDARD_MEASURES, mood),
                               first_session=True)
    assert result == [(mood.code, "Mood is 0 to 5.")]


def test_pgic_is_not_asked_at_the_first_session() -> None:
    assert problems(first_session=True, pgic=2) == [
        ("pgic", "Global impression of change (PGIC) is asked from the second session on.")
    ]
    assert problems(first_session=False, pgic=2) == []
    assert problems(first_session=True, cramps_per_week=3) == []


def test_an_out_of_range_pgic_at_the_first_session_gets_one_reason() -> None:
    assert problems(first_session=True, pgic=9) == [
        ("pgic", "Global impression of change (PGIC) is 1 to 7.")
    ]


@pytest.mark.parametrize("rating", [11, -1, 2.5, math.nan, math.inf])
def test_bad_psfs_ratings_are_named_by_activity(rating: float) -> None:
    assert problems(psfs=(5, rating)) == [("psfs.2", "Activity ratings are 0 to 10.")]


def test_every_problem_is_reported() -> None:
    found = problems(cramps_per_week=-1, worst_severity=12, psfs=(20,))
    assert [code for code, _ in found] == ["cramps_per_week", "worst_severity", "psfs.1"]


# --- MeasureDefinition.check -----------------------------------------------------------


def test_check_accepts_values_in_range() -> None:
    assert WORST_SEVERITY.check(0) is None
    assert WORST_SEVERITY.check(10) is None
    assert WORST_SEVERITY.check(7.0) is None  # a whole number stored as float
    assert DURATION.check(0.25) is None


def test_check_gives_reasons() -> None:
    assert WORST_SEVERITY.check(10.5) == "Worst cramp severity: enter a whole number."
    assert WORST_SEVERITY.check(11) == "Worst cramp severity is 0 to 10."
    assert PGIC.check(0) == "Global impression of change (PGIC) is 1 to 7."
    assert CRAMPS_PER_WEEK.check(math.nan) == "Cramps per week: enter a number."


def test_check_formats_decimal_ranges_plainly() -> None:
    hours = MeasureDefinition("custom:hours", "Hours", "h", 0.5, 12.5, integer=False)
    assert hours.check(13) == "Hours is 0.5 to 12.5."


@given(st.floats(allow_nan=True, allow_infinity=True), st.sampled_from(STANDARD_MEASURES))
def test_check_accepts_exactly_finite_in_range_values(
    value: float, definition: MeasureDefinition
) -> None:
    acceptable = (
        math.isfinite(value)
        and definition.low <= value <= definition.high
        and (not definition.integer or value.is_integer())
    )
    assert (definition.check(value) is None) is acceptable


# --- validate_diary_entry ----------------------------------------------------------------


def entry_problems(**changes: object) -> list[str]:
    values: dict[str, object] = {"day": TODAY, "cramps": 2}
    values.update(changes)
    entry = DiaryEntry(**values)  # type: ignore[arg-type]
    return [field for field, _ in validate_diary_entry(entry, TODAY)]


def test_a_plain_diary_day_is_valid() -> None:
    assert entry_problems() == []
    assert entry_problems(cramps=0, worst_severity=0, total_minutes=0.0) == []
    assert entry_problems(cramps=200, worst_severity=10, total_minutes=1440.0) == []
    assert entry_problems(day=TODAY - dt.timedelta(days=400), sleep_disturbed=True,
                          notes="Long walk") == []


def test_a_future_diary_day_is_rejected() -> None:
    entry = DiaryEntry(day=TODAY + dt.timedelta(days=1), cramps=1)
    assert validate_diary_entry(entry, TODAY) == [("day", "The diary date is in the future.")]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"cramps": -1}, "cramps"),
        ({"cramps": 201}, "cramps"),
        ({"worst_severity": 11}, "worst_severity"),
        ({"worst_severity": -1}, "worst_severity"),
        ({"total_minutes": -0.5}, "total_minutes"),
        ({"total_minutes": 1441.0}, "total_minutes"),
        ({"total_minutes": math.nan}, "total_minutes"),
        ({"total_minutes": math.inf}, "total_minutes"),
    ],
)
def test_bad_diary_values_are_named(changes: dict[str, object], field: str) -> None:
    assert entry_problems(**changes) == [field]


def test_negative_cramps_have_a_plain_reason() -> None:
    entry = DiaryEntry(day=TODAY, cramps=-3)
    assert validate_diary_entry(entry, TODAY) == [
        ("cramps", "The number of cramps cannot be negative.")
    ]


def test_every_diary_problem_is_reported() -> None:
    assert entry_problems(day=TODAY + dt.timedelta(days=3), cramps=-1, worst_severity=12,
                          total_minutes=-1.0) == ["day", "cramps", "worst_severity",
                                                  "total_minutes"]
