"""The "what worked" views: responder rates across the caseload, and one patient's course.

Everything is computed locally from `PatientCourse` values; nothing leaves the machine.
The responder rule is `progress_with_diary`'s, so the caseload and the progress panel can
never disagree about a patient. These are descriptive counts from one practice, not
evidence that a pattern or protocol causes improvement: small groups, no control, and
patients who stop coming are undetermined rather than failures.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from practitioner.domain.caseload import PatientCourse, VisitSummary
from practitioner.domain.diary_progress import progress_with_diary
from practitioner.domain.outcomes import (
    CRAMPS_PER_WEEK,
    Flag,
    Thresholds,
)
from practitioner.domain.points import normalize_point_code, parse_point_code
from practitioner.domain.session import Pattern, Protocol

MIN_GROUP_PATIENTS = 5  # below this a row's rate is not offered for comparison


@dataclass(frozen=True)
class GroupRate:
    """How many patients of one group responded.

    `undetermined` patients are counted in `patients` but not in the rate: they have fewer
    than two visits with cramps/week recorded, or no cramps at baseline.
    """

    label: str
    patients: int
    responders: int
    undetermined: int

    @property
    def determinable(self) -> int:
        return self.patients - self.undetermined

    @property
    def rate(self) -> float | None:
        """Responders among the patients whose response can be judged; None when none can."""
        return self.responders / self.determinable if self.determinable else None

    @property
    def too_few(self) -> bool:
        """Whether the row has too few patients for its rate to be compared with others."""
        return self.patients < MIN_GROUP_PATIENTS


@dataclass(frozen=True)
class GroupTable:
    """One "what worked" table and how its rows add up against the caseload.

    Each patient counts once in each row they belong to, so the rows add up to more than
    the patients in the table when some belong to several rows.
    """

    title: str  # "By pattern"
    grouped_by: str  # "pattern", as in "a patient with two patterns appears in both rows"
    rates: tuple[GroupRate, ...]
    caseload: int
    grouped: int  # patients in at least one row
    in_several: int  # patients in more than one row

    @property
    def row_total(self) -> int:
        return sum(rate.patients for rate in self.rates)

    def summary(self) -> str:
        """How the rows add up, in words."""
        left_out = self.caseload - self.grouped
        text = (f"{self.caseload} patients in the caseload: {self.grouped} in this table, "
                f"{left_out} without a {self.grouped_by} to count them under. Each patient "
                f"is counted once per row; a patient with two {self.grouped_by}s appears in "
                f"both rows")
        if self.in_several:
            text += (f" ({self.in_several} patients do), so the rows add up to "
                     f"{self.row_total}")
        return (text + f". Rows with fewer than {MIN_GROUP_PATIENTS} patients are too few "
                       "to compare.")


@dataclass(frozen=True)
class VisitLine:
    """One visit in the patient's "what worked" view."""

    day: dt.date
    patterns: tuple[Pattern, ...]
    point_codes: tuple[str, ...]
    cramps_per_week: float | None
    protocols: tuple[str, ...] = ()


def _in_date_order(course: PatientCourse) -> list[VisitSummary]:
    # Stable, so visits on the same day keep the order they were given in.
    return sorted(course.visits, key=lambda visit: visit.day)


def is_responder(course: PatientCourse, thresholds: Thresholds = Thresholds()) -> bool | None:
    """Whether cramps/week fell by the responder percentage from baseline to latest, judged
    as the progress panel judges it (the diary where it covers both periods, else the
    visits); None when that cannot be judged (fewer than two values, or no cramps at
    baseline)."""
    visits = [(visit.day, visit.measures) for visit in _in_date_order(course)]
    progress = progress_with_diary(visits, (CRAMPS_PER_WEEK,), thresholds, course.diary)
    row = progress.for_code(CRAMPS_PER_WEEK.code)
    if row is None or row.count < 2 or row.change_percent is None:
        return None
    return Flag.RESPONDER in progress.flags


def dominant_patterns(course: PatientCourse) -> frozenset[Pattern]:
    """The pattern(s) recorded at the most visits; all of them on a tie; empty when none."""
    counts = Counter(pattern for visit in course.visits for pattern in visit.patterns)
    if not counts:
        return frozenset()
    top = max(counts.values())
    return frozenset(pattern for pattern, count in counts.items() if count == top)


def _point_key(code: str) -> str:
    """The code a point is compared by: the WHO code when it reads as one (`LV3` = `LR3`)."""
    return normalize_point_code(code) or code.strip().upper()


def _protocol_codes(protocol: Protocol) -> frozenset[str]:
    return frozenset(_point_key(point.code) for point in protocol.points)


def _used(protocol_codes: frozenset[str], visit: VisitSummary) -> bool:
    return bool(protocol_codes) and protocol_codes <= {_point_key(c) for c in visit.point_codes}


def _rates(
    groups_of: Iterable[tuple[PatientCourse, Iterable[str]]], thresholds: Thresholds
) -> list[GroupRate]:
    """Count each patient once under each of their group labels."""
    return _counted(groups_of, thresholds)[0]


def _counted(
    groups_of: Iterable[tuple[PatientCourse, Iterable[str]]], thresholds: Thresholds
) -> tuple[list[GroupRate], int, int]:
    """The rates, the patients in any row and the patients in more than one."""
    grouped = in_several = 0
    order: dict[str, None] = {}
    patients: Counter[str] = Counter()
    responders: Counter[str] = Counter()
    undetermined: Counter[str] = Counter()
    for course, labels in groups_of:
        unique = list(dict.fromkeys(labels))
        if not unique:
            continue
        grouped += 1
        in_several += len(unique) > 1
        outcome = is_responder(course, thresholds)
        for label in unique:
            order.setdefault(label)
            patients[label] += 1
            if outcome is None:
                undetermined[label] += 1
            elif outcome:
                responders[label] += 1
    rates = [
        GroupRate(label, patients[label], responders[label], undetermined[label])
        for label in order
    ]
    return sorted(rates, key=lambda rate: (-rate.patients, rate.label)), grouped, in_several


def responder_rates_by_pattern(
    courses: Sequence[PatientCourse], thresholds: Thresholds = Thresholds()
) -> list[GroupRate]:
    """Responder rates per TCM pattern, most patients first.

    A patient counts under the pattern(s) recorded at most of their visits (every tied
    pattern on a tie). Patients with no pattern recorded are left out.
    """
    return _rates(_by_pattern(courses), thresholds)


def _by_pattern(courses: Sequence[PatientCourse]) -> Iterable[tuple[PatientCourse, list[str]]]:
    for course in courses:
        patterns = sorted(dominant_patterns(course), key=list(Pattern).index)
        yield course, [pattern.label for pattern in patterns]


def responder_rates_by_protocol(
    courses: Sequence[PatientCourse],
    protocols: Sequence[Protocol],
    thresholds: Thresholds = Thresholds(),
) -> list[GroupRate]:
    """Responder rates per point protocol, most patients first.

    A protocol counts as used for a patient when at least one visit needled every point it
    lists (other points may be added). Protocols with no points, and protocols no patient
    received, are left out. Two protocols with the same name are reported together.
    """
    return _rates(_by_protocol(courses, protocols), thresholds)


def _by_protocol(
    courses: Sequence[PatientCourse], protocols: Sequence[Protocol]
) -> Iterable[tuple[PatientCourse, list[str]]]:
    codes = [(protocol.name, _protocol_codes(protocol)) for protocol in protocols]
    for course in courses:
        yield course, [
            name for name, protocol_codes in codes
            if any(_used(protocol_codes, visit) for visit in course.visits)
        ]


def _by_point(courses: Sequence[PatientCourse]) -> Iterable[tuple[PatientCourse, list[str]]]:
    for course in courses:
        received = {_point_key(code) for visit in course.visits for code in visit.point_codes}
        yield course, sorted(received, key=_point_order)


def caseload_tables(
    courses: Sequence[PatientCourse],
    protocols: Sequence[Protocol],
    thresholds: Thresholds = Thresholds(),
) -> tuple[GroupTable, ...]:
    """The "what worked" tables by pattern, protocol and point, each with its totals.

    A point counts for a patient when any of their visits needled it.
    """
    tables = []
    for title, grouped_by, groups in (
        ("By pattern", "pattern", _by_pattern(courses)),
        ("By protocol", "protocol", _by_protocol(courses, protocols)),
        ("By point", "point", _by_point(courses)),
    ):
        rates, grouped, in_several = _counted(groups, thresholds)
        tables.append(GroupTable(title, grouped_by, tuple(rates), len(courses), grouped,
                                 in_several))
    return tuple(tables)


def _point_order(code: str) -> tuple[int, str, int, str]:
    parsed = parse_point_code(code)
    if parsed is None:
        return (1, "", 0, code)
    channel, number = parsed
    return (0, channel, number, code)


def patient_timeline(
    course: PatientCourse, protocols: Sequence[Protocol] = ()
) -> list[VisitLine]:
    """One line per visit in date order: patterns, points, protocols used and cramps/week.

    `protocols` names, per visit, each protocol whose points were all needled that visit.
    """
    codes = [(protocol.name, _protocol_codes(protocol)) for protocol in protocols]
    return [
        VisitLine(
            day=visit.day,
            patterns=tuple(pattern for pattern in Pattern if pattern in visit.patterns),
            point_codes=tuple(sorted(visit.point_codes, key=_point_order)),
            cramps_per_week=visit.measures.get(CRAMPS_PER_WEEK.code),
            protocols=tuple(dict.fromkeys(
                name for name, protocol_codes in codes if _used(protocol_codes, visit)
            )),
        )
        for visit in _in_date_order(course)
    ]
