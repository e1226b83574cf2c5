"""The diary as the first source of cramps/week, severity and nights disturbed."""

from __future__ import annotations

import dataclasses
import datetime as dt

from practitioner.domain.diary_progress import progress_with_diary
from practitioner.domain.outcomes import (
    CRAMPS_PER_WEEK,
    STANDARD_MEASURES,
    DiaryEntry,
    Flag,
    SessionMeasures,
    Thresholds,
    Trend,
)

FIRST_VISIT = dt.date(2025, 3, 3)


def diary(start: dt.date, days: int, cramps: int, severity: int, every: int = 1
          ) -> list[DiaryEntry]:
    return [
        DiaryEntry(start + dt.timedelta(days=n), cramps, severity, None, cramps > 0)
        for n in range(0, days, every)
    ]


def visits(*values: tuple[int, float, float]) -> list[tuple[dt.date, SessionMeasures]]:
    return [
        (FIRST_VISIT + dt.timedelta(days=offset),
         SessionMeasures((("cramps_per_week", cramps), ("worst_severity", severity))))
        for offset, cramps, severity in values
    ]


def disagreeing() -> tuple[list[tuple[dt.date, SessionMeasures]], list[DiaryEntry]]:
    """Sessions say 14 → 5 cramps/week; the diary says 1/day before, 2/day lately."""
    before = diary(FIRST_VISIT - dt.timedelta(days=28), 28, 1, 5)
    lately = diary(FIRST_VISIT + dt.timedelta(days=42), 28, 2, 7)
    return visits((0, 14, 8), (35, 8, 6), (69, 5, 3)), before + lately


def test_disagreeing_sources_give_the_diary_verdict_the_notice_and_the_named_source(
) -> None:
    sessions, days = disagreeing()
    progress = progress_with_diary(sessions, STANDARD_MEASURES, Thresholds(), days)
    cramps = progress.for_code(CRAMPS_PER_WEEK.code)
    assert cramps is not None
    assert (cramps.baseline, cramps.latest, cramps.trend) == (7, 14, Trend.WORSE)
    assert cramps.source == "diary, 4 weeks before the first visit vs the last 4 weeks"
    assert Flag.RESPONDER not in progress.flags, "the diary's verdict, not the sessions'"
    [session_row, *_] = progress.beside
    assert (session_row.baseline, session_row.latest) == (14, 5)
    assert session_row.source.startswith("session answers")
    notice = " ".join(progress.disagreements)
    assert "Cramps per week: worse in the diary (7 → 14)" in notice
    assert "better in the session answers (14 → 5)" in notice
    assert "Not a responder on the diary, a responder on the session answers." in notice
    severity_source = progress.flag_source(Flag.SEVERITY_IMPORTANT)
    assert Flag.SEVERITY_IMPORTANT in progress.flags and severity_source.startswith("diary")


def test_agreeing_sources_name_the_diary_and_raise_no_notice() -> None:
    before = diary(FIRST_VISIT - dt.timedelta(days=28), 28, 2, 7)
    lately = diary(FIRST_VISIT + dt.timedelta(days=42), 28, 0, 0)
    progress = progress_with_diary(visits((0, 14, 7), (69, 1, 2)), STANDARD_MEASURES,
                                   Thresholds(), before + lately)
    assert progress.disagreements == ()
    assert Flag.RESPONDER in progress.flags
    assert progress.flag_source(Flag.RESPONDER).startswith("diary, 4 weeks before")
    nights = progress.for_code("disturbed_nights")
    assert nights is not None and (nights.baseline, nights.latest) == (7, 0)


def test_without_a_diary_before_the_first_visit_the_first_recorded_weeks_are_baseline(
) -> None:
    early = diary(FIRST_VISIT + dt.timedelta(days=2), 28, 2, 6)
    lately = diary(FIRST_VISIT + dt.timedelta(days=60), 28, 1, 3)
    progress = progress_with_diary(visits((0, 14, 6), (80, 7, 3)), STANDARD_MEASURES,
                                   Thresholds(), early + lately)
    cramps = progress.for_code(CRAMPS_PER_WEEK.code)
    assert cramps is not None and cramps.source.startswith("diary, the diary's first 4 weeks")
    assert cramps.baseline_date == FIRST_VISIT + dt.timedelta(days=2)


def test_a_period_with_too_few_diary_days_leaves_the_session_answers_in_charge() -> None:
    sparse = diary(FIRST_VISIT - dt.timedelta(days=28), 28, 1, 5, every=3)  # 10 days
    lately = diary(FIRST_VISIT + dt.timedelta(days=42), 28, 2, 7)
    sessions = visits((0, 14, 8), (69, 5, 3))
    at_ten = progress_with_diary(sessions, STANDARD_MEASURES, Thresholds(), sparse + lately)
    assert at_ten.flag_source(Flag.RESPONDER) == "", "the diary says not a responder"
    row = at_ten.for_code(CRAMPS_PER_WEEK.code)
    assert row is not None and row.source.startswith("diary")
    stricter = dataclasses.replace(Thresholds(), diary_min_days=11)
    at_eleven = progress_with_diary(sessions, STANDARD_MEASURES, stricter, sparse + lately)
    row = at_eleven.for_code(CRAMPS_PER_WEEK.code)
    assert row is not None and row.source.startswith("session answers")
    assert Flag.RESPONDER in at_eleven.flags
    assert any("at least 11 days" in note for note in at_eleven.notes)
