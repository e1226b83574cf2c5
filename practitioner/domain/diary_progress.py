"""Progress with the cramp diary as the first source of cramps/week, worst severity and
disturbed nights, the session answers shown beside it, and plain words where they differ.

The diary is written daily, so where it covers both a baseline and the latest period it is
the better record of those three measures than a number recalled at a visit. A period is
four weeks (28 days) and counts when at least `Thresholds.diary_min_days` of its days were
recorded. The baseline is the four weeks before the first visit when the diary reaches back
that far, else the diary's first four weeks; the latest period is the four weeks ending on
the last day recorded in either the diary or the visits.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from practitioner.domain.outcomes import (
    CRAMPS_PER_WEEK,
    DISTURBED_NIGHTS,
    WORST_SEVERITY,
    DiaryEntry,
    Flag,
    MeasureDefinition,
    MeasureProgress,
    Progress,
    SessionMeasures,
    Thresholds,
    Trend,
    compute_progress,
    flag_sources,
    judge_flags,
)

PERIOD_DAYS = 28
DIARY_MEASURES = (CRAMPS_PER_WEEK.code, WORST_SEVERITY.code, DISTURBED_NIGHTS.code)


@dataclass(frozen=True)
class DiaryPeriod:
    """Weekly figures over one four-week stretch of the diary."""

    start: dt.date
    end: dt.date  # inclusive
    description: str
    days_recorded: int
    cramps_per_week: float
    worst_severity: float | None  # the mean of each week's worst day
    disturbed_nights: float  # per week


def diary_period(
    entries: Sequence[DiaryEntry], start: dt.date, description: str
) -> DiaryPeriod:
    """The figures of the 28 days from `start`, scaled to a week from the days recorded."""
    end = start + dt.timedelta(days=PERIOD_DAYS - 1)
    days = [e for e in entries if start <= e.day <= end]
    recorded = len(days)
    weekly_worst: list[int] = []
    for week in range(PERIOD_DAYS // 7):
        first = start + dt.timedelta(days=7 * week)
        last = first + dt.timedelta(days=6)
        severities = [e.worst_severity for e in days
                      if first <= e.day <= last and e.worst_severity is not None]
        if severities:
            weekly_worst.append(max(severities))
    per_week = 7 / recorded if recorded else 0.0
    return DiaryPeriod(
        start=start, end=end, description=description, days_recorded=recorded,
        cramps_per_week=round(sum(e.cramps for e in days) * per_week, 1),
        worst_severity=(round(sum(weekly_worst) / len(weekly_worst), 1)
                        if weekly_worst else None),
        disturbed_nights=round(sum(1 for e in days if e.sleep_disturbed) * per_week, 1),
    )


def diary_periods(
    entries: Sequence[DiaryEntry], visit_days: Sequence[dt.date], min_days: int
) -> tuple[DiaryPeriod, DiaryPeriod] | None:
    """(baseline, latest) when the diary covers both with `min_days` each, apart; else
    None."""
    if not entries:
        return None
    entries = sorted(entries, key=lambda entry: entry.day)
    baseline: DiaryPeriod | None = None
    if visit_days:
        before = diary_period(entries, visit_days[0] - dt.timedelta(days=PERIOD_DAYS),
                              "4 weeks before the first visit")
        if before.days_recorded >= min_days:
            baseline = before
    if baseline is None:
        baseline = diary_period(entries, entries[0].day, "the diary's first 4 weeks")
    last_day = max([entries[-1].day, *visit_days])
    latest = diary_period(entries, last_day - dt.timedelta(days=PERIOD_DAYS - 1),
                          "the last 4 weeks")
    if (baseline.days_recorded < min_days or latest.days_recorded < min_days
            or latest.start <= baseline.end):
        return None
    return baseline, latest


def diary_source(baseline: DiaryPeriod, latest: DiaryPeriod) -> str:
    """How a figure taken from the diary names its source and periods."""
    return f"diary, {baseline.description} vs {latest.description}"


def _diary_rows(
    baseline: DiaryPeriod, latest: DiaryPeriod, definitions: Sequence[MeasureDefinition]
) -> dict[str, MeasureProgress]:
    wanted = {d.code: d for d in definitions}
    source = diary_source(baseline, latest)
    values = {
        CRAMPS_PER_WEEK.code: (baseline.cramps_per_week, latest.cramps_per_week),
        WORST_SEVERITY.code: (baseline.worst_severity, latest.worst_severity),
        DISTURBED_NIGHTS.code: (baseline.disturbed_nights, latest.disturbed_nights),
    }
    rows: dict[str, MeasureProgress] = {}
    for code, (first, last) in values.items():
        if code in wanted and first is not None and last is not None:
            rows[code] = MeasureProgress(wanted[code], first, baseline.start, last,
                                         latest.end, 2, source=source)
    return rows


_WORDS = {Trend.BETTER: "better", Trend.WORSE: "worse", Trend.SAME: "no change"}


def _disagreement(diary: MeasureProgress, session: MeasureProgress) -> str | None:
    if session.count < 2 or {diary.trend, session.trend} != {Trend.BETTER, Trend.WORSE}:
        return None
    return (f"{diary.definition.name}: {_WORDS[diary.trend]} in the diary "
            f"({diary.baseline:g} → {diary.latest:g}), {_WORDS[session.trend]} in the session "
            f"answers ({session.baseline:g} → {session.latest:g}).")


def progress_with_diary(
    visits: Sequence[tuple[dt.date, SessionMeasures]],
    definitions: Sequence[MeasureDefinition],
    thresholds: Thresholds,
    diary: Sequence[DiaryEntry],
) -> Progress:
    """`compute_progress`, with the diary's figures in place of the session answers for
    the measures the diary records whenever it covers a baseline and the latest period.
    Where the two point different ways, `disagreements` says so, a sentence a measure.

    `visits` and `diary` are in date order.
    """
    sessions = compute_progress(visits, definitions, thresholds)
    periods = diary_periods(diary, [day for day, _ in visits], thresholds.diary_min_days)
    if periods is None:
        if not diary:
            return sessions
        note = (f"The diary does not cover both a baseline and the last 4 weeks (at least "
                f"{thresholds.diary_min_days} days each): the figures come from the "
                "session answers.")
        return dataclasses.replace(sessions, notes=(*sessions.notes, note))
    from_diary = _diary_rows(*periods, definitions)
    order = {d.code: index for index, d in enumerate(definitions)}
    rows = sorted(
        [row for row in sessions.measures if row.definition.code not in from_diary]
        + list(from_diary.values()),
        key=lambda row: order.get(row.definition.code, len(order)),
    )
    beside = tuple(row for row in sessions.measures if row.definition.code in from_diary)
    flags, notes = judge_flags(rows, thresholds)
    disagreements = [
        text for row in beside
        if (text := _disagreement(from_diary[row.definition.code], row)) is not None
    ]
    session_flags, _ = judge_flags(sessions.measures, thresholds)
    if (Flag.RESPONDER in session_flags) != (Flag.RESPONDER in flags) and any(
        row.definition.code == CRAMPS_PER_WEEK.code and row.count > 1 for row in beside
    ):
        on_diary = "a responder" if Flag.RESPONDER in flags else "not a responder"
        on_answers = "a responder" if Flag.RESPONDER in session_flags else "not a responder"
        disagreements.append(f"{on_diary.capitalize()} on the diary, {on_answers} on the "
                             "session answers.")
    baseline, latest = periods
    notes.insert(0, f"Diary periods: {baseline.start:%Y-%m-%d} to {baseline.end:%Y-%m-%d} "
                    f"({baseline.days_recorded} days recorded) vs {latest.start:%Y-%m-%d} "
                    f"to {latest.end:%Y-%m-%d} ({latest.days_recorded} days recorded).")
    notes += [n for n in sessions.notes if n not in notes and "responder rule" not in n]
    return Progress(
        measures=tuple(rows), flags=flags, notes=tuple(notes), beside=beside,
        flag_sources=flag_sources(flags, rows), disagreements=tuple(disagreements),
    )
