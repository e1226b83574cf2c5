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
    order: dict[str, None] = {}
    patients: Counter[str] = Counter()
    responders: Counter[str] = Counter()
    undetermined: Counter[str] = Counter()
    for course, labels in groups_of:
        unique = list(dict.fromkeys(labels))
        if not unique:
            continue
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
    return sorted(rates, key=lambda rate: (-rate.patients, rate.label))


def responder_rates_by_pattern(
    courses: Sequence[PatientCourse], thresholds: Thresholds = Thresholds()
) -> list[GroupRate]:
    """Responder rates per TCM pattern, most patients first.

    A patient counts under the pattern(s) recorded at most of their visits (every tied
    pattern on a tie). Patients with no pattern recorded are left out.
    """
    def groups() -> Iterable[tuple[PatientCourse, Iterable[str]]]:
        for course in courses:
            patterns = sorted(dominant_patterns(course), key=list(Pattern).index)
            yield course, [pattern.label for pattern in patterns]

    return _rates(groups(), thresholds)


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
    codes = [(protocol.name, _protocol_codes(protocol)) for protocol in protocols]

    def groups() -> Iterable[tuple[PatientCourse, Iterable[str]]]:
        for course in courses:
            yield course, [
                name for name, protocol_codes in codes
                if any(_used(protocol_codes, visit) for visit in course.visits)
            ]

    return _rates(groups(), thresholds)


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
