"""Outcome measures, the cramp diary, and baseline-anchored progress with plain flags.

The standard measures and the thresholds follow what cramp trials and pain research use:
cramps per week (Cochrane reviews' primary outcome), 0–10 severity and sleep disturbance
(Sebo 2019), PGIC (Farrar 2001's anchor), and the Patient-Specific Functional Scale. The
thresholds below carry their sources; change them in one place, `Thresholds`.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

CUSTOM_PREFIX = "custom:"


@dataclass(frozen=True)
class MeasureDefinition:
    """What a measure is: its range, direction and minimal important change."""

    code: str
    name: str
    unit: str
    low: float
    high: float
    integer: bool = True
    lower_is_better: bool = True
    minimal_important_change: float | None = None
    source: str = ""
    from_second_session: bool = False
    latest_only: bool = False  # a rating of change itself (PGIC) has no baseline to compare
    anchors: str = ""  # what the ends of the scale mean, as the patient is told

    def scale(self) -> str:
        """The range and the unit, each said once: "0–10", "nights of 7", "0–500 cramps"."""
        span = f"{self.low:g}–{self.high:g}"
        unit = self.unit.strip()
        if not unit or unit == span:
            return span
        if unit.endswith(f"of {self.high:g}"):
            return unit
        return f"{span} {unit}"

    def anchor_text(self) -> str:
        """The scale's anchors; for a measure without its own, which end is better."""
        if self.anchors:
            return self.anchors
        best, worst = (self.low, self.high) if self.lower_is_better else (self.high, self.low)
        return f"{best:g} = best, {worst:g} = worst"

    def check(self, value: float) -> str | None:
        """Why `value` is not acceptable for this measure, or None when it is."""
        if not math.isfinite(value):
            return f"{self.name}: enter a number."
        if self.integer and not float(value).is_integer():
            return f"{self.name}: enter a whole number."
        if not self.low <= value <= self.high:
            return f"{self.name} is {self.low:g} to {self.high:g}."
        return None


CRAMPS_PER_WEEK = MeasureDefinition(
    "cramps_per_week", "Cramps per week", "cramps", 0, 500,
    minimal_important_change=1, anchors="0 = no cramps in the past week",
    source="Cochrane reviews' primary outcome (Blyton 2021); ~1 cramp/week as reference "
           "(Cochrane magnesium review; MHRA on quinine).",
)
WORST_SEVERITY = MeasureDefinition(
    "worst_severity", "Worst cramp severity", "0–10", 0, 10, minimal_important_change=2,
    anchors="0 = no pain, 10 = worst pain imaginable",
    source="0–10 NRS; ≈2 points or ≈30% matched 'much improved' (Farrar 2001).",
)
DURATION = MeasureDefinition(
    "duration_minutes", "Typical cramp duration", "min", 0, 1440, integer=False,
    anchors="Minutes one typical cramp lasts; 0 = no cramps",
    source="Cramp duration as recorded in Sebo 2019 and the quinine review.",
)
DISTURBED_NIGHTS = MeasureDefinition(
    "disturbed_nights", "Nights disturbed by cramps", "nights of 7", 0, 7,
    minimal_important_change=1, anchors="0 = no night disturbed, 7 = every night of the week",
    source="Nights with cramps during sleep (NHANES single question; Sebo 2019).",
)
SLEEP_DISTURBANCE = MeasureDefinition(
    "sleep_disturbance", "Sleep disturbance", "0–10", 0, 10, minimal_important_change=2,
    anchors="0 = sleep not disturbed, 10 = worst disturbance imaginable",
    source="Single-item cramp-related sleep disturbance 0–10 (Sebo 2019).",
)
PGIC = MeasureDefinition(
    "pgic", "Global impression of change (PGIC)", "1–7", 1, 7,
    source="7-point Patient Global Impression of Change, 1 = very much improved … "
           "7 = very much worse (Farrar 2001).",
    from_second_session=True,
    latest_only=True,
    anchors="1 = very much improved, 4 = no change, 7 = very much worse",
)
STANDARD_MEASURES: tuple[MeasureDefinition, ...] = (
    CRAMPS_PER_WEEK, WORST_SEVERITY, DURATION, DISTURBED_NIGHTS, SLEEP_DISTURBANCE, PGIC,
)
PGIC_LABELS = (
    "1 Very much improved", "2 Much improved", "3 Minimally improved", "4 No change",
    "5 Minimally worse", "6 Much worse", "7 Very much worse",
)
PSFS_MAX_ACTIVITIES = 5
PSFS_RANGE = (0, 10)  # 0 = unable to perform, 10 = able to perform as before


@dataclass(frozen=True)
class Thresholds:
    """When a change counts, with where each number comes from."""

    responder_percent: float = 50.0
    severity_points: float = 2.0
    severity_percent: float = 30.0
    psfs_points: float = 2.0
    diary_min_days: int = 10  # of a 4-week period, for the diary to speak for it
    sources: tuple[str, ...] = (
        "Responder: cramps/week down by at least 50% (a stricter default than the 25% used "
        "in the Cochrane magnesium review; set in Preferences).",
        "Severity: 2 points or 30% on the 0–10 scale (Farrar 2001).",
        "PSFS: 2 points on the average score (Stratford 1995).",
        "Diary: a 4-week period counts when at least 10 of its 28 days were recorded "
        "(a default; set in Preferences).",
    )


@dataclass(frozen=True)
class PsfsActivity:
    """An activity the patient named at baseline, kept in their own words."""

    id: int
    wording: str


@dataclass(frozen=True)
class SessionMeasures:
    """Measures recorded at one session: values by measure code; PSFS by activity id."""

    values: tuple[tuple[str, float], ...] = ()
    psfs: tuple[tuple[int, float], ...] = ()

    def get(self, code: str) -> float | None:
        return dict(self.values).get(code)

    def psfs_average(self) -> float | None:
        """The mean PSFS rating, or None when no activity was rated."""
        ratings = [rating for _, rating in self.psfs]
        return sum(ratings) / len(ratings) if ratings else None

    def is_empty(self) -> bool:
        return not self.values and not self.psfs


def validate_measures(
    measures: SessionMeasures,
    definitions: Sequence[MeasureDefinition],
    *,
    first_session: bool,
) -> list[tuple[str, str]]:
    """(measure code or `psfs.<id>`, message) for each unacceptable value."""
    by_code = {d.code: d for d in definitions}
    problems: list[tuple[str, str]] = []
    for code, value in measures.values:
        definition = by_code.get(code)
        if definition is None:
            problems.append((code, f"Unknown measure “{code}”."))
            continue
        reason = definition.check(value)
        if reason is None and definition.from_second_session and first_session:
            reason = f"{definition.name} is asked from the second session on."
        if reason:
            problems.append((code, reason))
    low, high = PSFS_RANGE
    for activity_id, rating in measures.psfs:
        if not math.isfinite(rating) or not float(rating).is_integer() or not (
            low <= rating <= high
        ):
            problems.append((f"psfs.{activity_id}", f"Activity ratings are {low} to {high}."))
    return problems


@dataclass(frozen=True)
class DiaryEntry:
    """One day of the patient's cramp diary."""

    day: dt.date
    cramps: int
    worst_severity: int | None = None
    total_minutes: float | None = None
    sleep_disturbed: bool = False
    notes: str = ""


def validate_diary_entry(entry: DiaryEntry, today: dt.date) -> list[tuple[str, str]]:
    """(field, message) for each problem with a diary day."""
    problems = []
    if entry.day > today:
        problems.append(("day", "The diary date is in the future."))
    if entry.cramps < 0:
        problems.append(("cramps", "The number of cramps cannot be negative."))
    elif entry.cramps > 200:
        problems.append(("cramps", "More than 200 cramps in a day is not plausible."))
    if entry.worst_severity is not None and not 0 <= entry.worst_severity <= 10:
        problems.append(("worst_severity", "Severity is 0 to 10."))
    if entry.total_minutes is not None and not (
        math.isfinite(entry.total_minutes) and 0 <= entry.total_minutes <= 1440
    ):
        problems.append(("total_minutes", "Total minutes are 0 to 1440."))
    return problems


@dataclass(frozen=True)
class DiaryWeek:
    """Figures derived from seven diary days starting on `start` (a Monday)."""

    start: dt.date
    days_recorded: int
    cramps: int
    cramp_free_nights: int

    @property
    def cramps_per_week(self) -> float:
        """Cramps scaled to a full week when some days are missing."""
        return self.cramps * 7 / self.days_recorded if self.days_recorded else 0.0


def diary_weeks(entries: Iterable[DiaryEntry]) -> list[DiaryWeek]:
    """Diary days grouped into Monday-based weeks, oldest first."""
    weeks: dict[dt.date, list[DiaryEntry]] = {}
    for entry in entries:
        start = entry.day - dt.timedelta(days=entry.day.weekday())
        weeks.setdefault(start, []).append(entry)
    return [
        DiaryWeek(
            start=start,
            days_recorded=len(days),
            cramps=sum(d.cramps for d in days),
            cramp_free_nights=sum(1 for d in days if not d.sleep_disturbed),
        )
        for start, days in sorted(weeks.items())
    ]


class Trend(enum.Enum):
    """Which way a measure moved since baseline, judged by what is better for it."""

    BETTER = "better"
    WORSE = "worse"
    SAME = "same"


class Flag(enum.Enum):
    """Plain statements the progress panel shows."""

    RESPONDER = "Responder: cramps/week down by at least half"
    SEVERITY_IMPORTANT = "Clinically important change in severity"
    PSFS_IMPORTANT = "Important change in function (PSFS)"


@dataclass(frozen=True)
class MeasureProgress:
    """Baseline against latest for one measure."""

    definition: MeasureDefinition
    baseline: float
    baseline_date: dt.date
    latest: float
    latest_date: dt.date
    count: int
    source: str = ""  # where both figures come from, periods included; "" = not said

    @property
    def change(self) -> float:
        return self.latest - self.baseline

    @property
    def change_percent(self) -> float | None:
        """Relative change; None when the baseline is 0 (no percentage of nothing)."""
        return None if self.baseline == 0 else 100 * self.change / abs(self.baseline)

    @property
    def trend(self) -> Trend:
        if self.change == 0:
            return Trend.SAME
        better = self.change < 0 if self.definition.lower_is_better else self.change > 0
        return Trend.BETTER if better else Trend.WORSE


@dataclass(frozen=True)
class Progress:
    """The progress panel's content: each measure's change, and the flags that apply."""

    measures: tuple[MeasureProgress, ...] = ()
    flags: frozenset[Flag] = frozenset()
    notes: tuple[str, ...] = field(default=())
    # The session answers for measures whose figures above come from the diary.
    beside: tuple[MeasureProgress, ...] = ()
    # Which figures each flag that applies was judged on.
    flag_sources: tuple[tuple[Flag, str], ...] = ()
    # Plain statements of where the diary and the session answers point different ways.
    disagreements: tuple[str, ...] = ()

    def flag_source(self, flag: Flag) -> str:
        return dict(self.flag_sources).get(flag, "")

    def flag_lines(self) -> tuple[str, ...]:
        """Each flag that applies, with the figures it was judged on, in a fixed order."""
        return tuple(
            f"{flag.value} — {source}" if (source := self.flag_source(flag)) else flag.value
            for flag in sorted(self.flags, key=lambda flag: flag.value)
        )

    def for_code(self, code: str) -> MeasureProgress | None:
        return next((m for m in self.measures if m.definition.code == code), None)


PSFS_AVERAGE = MeasureDefinition(
    "psfs_average", "Function (PSFS average)", "0–10", 0, 10, integer=False,
    lower_is_better=False, minimal_important_change=2,
    source="Patient-Specific Functional Scale, mean of the activities rated (Stratford 1995).",
    anchors="0 = unable to perform the activity, 10 = able to perform it as before",
)


# Averages such as PSFS's are not exact in binary floating point: (2+2+7)/3 − (0+0+5)/3
# comes out as 1.9999999999999998, which must still count as a change of 2 points.
_TOLERANCE = 1e-9


def _reaches(value: float, threshold: float) -> bool:
    """Whether `value` is at least `threshold`, allowing for floating-point rounding."""
    return value >= threshold - _TOLERANCE


def compute_progress(
    visits: Sequence[tuple[dt.date, SessionMeasures]],
    definitions: Sequence[MeasureDefinition],
    thresholds: Thresholds = Thresholds(),
) -> Progress:
    """Compare each measure's first recorded value (baseline) with its latest.

    `visits` are in date order. A measure needs two recorded values to show a change;
    PGIC has no baseline of its own and is reported as its latest rating.
    """
    rows: list[MeasureProgress] = []
    notes: list[str] = []
    series: list[tuple[MeasureDefinition, list[tuple[dt.date, float]]]] = [
        (d, [(day, v) for day, m in visits if (v := m.get(d.code)) is not None])
        for d in definitions
    ]
    series.append(
        (PSFS_AVERAGE, [(day, v) for day, m in visits if (v := m.psfs_average()) is not None])
    )
    for definition, points in series:
        if not points:
            continue
        (first_day, first), (last_day, last) = points[0], points[-1]
        rows.append(MeasureProgress(
            definition, first, first_day, last, last_day, len(points),
            source=session_source(first_day, last_day),
        ))
    flags, flag_notes = judge_flags(rows, thresholds)
    notes += flag_notes
    if len(visits) == 1:
        notes.append("One session so far: changes appear from the second session on.")
    return Progress(tuple(rows), flags, tuple(notes), flag_sources=flag_sources(flags, rows))


def session_source(first: dt.date, last: dt.date) -> str:
    """How a figure taken from the session answers names its source and periods."""
    return f"session answers, {first:%Y-%m-%d} vs {last:%Y-%m-%d}"


_FLAG_MEASURE = {
    Flag.RESPONDER: CRAMPS_PER_WEEK.code,
    Flag.SEVERITY_IMPORTANT: WORST_SEVERITY.code,
    Flag.PSFS_IMPORTANT: "psfs_average",
}


def flag_sources(
    flags: Iterable[Flag], rows: Sequence[MeasureProgress]
) -> tuple[tuple[Flag, str], ...]:
    """Each flag with the source of the measure it was judged on."""
    by_code = {row.definition.code: row for row in rows}
    return tuple(
        (flag, by_code[_FLAG_MEASURE[flag]].source)
        for flag in sorted(flags, key=list(Flag).index)
        if _FLAG_MEASURE[flag] in by_code
    )


def judge_flags(
    rows: Sequence[MeasureProgress], thresholds: Thresholds
) -> tuple[frozenset[Flag], list[str]]:
    """The flags `rows` earn, and notes on a rule that cannot apply."""
    notes: list[str] = []
    flags: set[Flag] = set()
    by_code = {row.definition.code: row for row in rows}
    cramps = by_code.get(CRAMPS_PER_WEEK.code)
    if cramps is not None and cramps.count > 1:
        percent = cramps.change_percent
        if percent is None:
            notes.append("No cramps at baseline: the responder rule does not apply.")
        elif _reaches(-percent, thresholds.responder_percent):
            flags.add(Flag.RESPONDER)
    severity = by_code.get(WORST_SEVERITY.code)
    if severity is not None and severity.count > 1:
        percent = severity.change_percent
        if _reaches(abs(severity.change), thresholds.severity_points) or (
            percent is not None and _reaches(abs(percent), thresholds.severity_percent)
        ):
            flags.add(Flag.SEVERITY_IMPORTANT)
    psfs = by_code.get(PSFS_AVERAGE.code)
    if (psfs is not None and psfs.count > 1
            and _reaches(abs(psfs.change), thresholds.psfs_points)):
        flags.add(Flag.PSFS_IMPORTANT)
    return frozenset(flags), notes
