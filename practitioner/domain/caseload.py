"""Visits across the caseload, as the "what worked" views see them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from practitioner.domain.outcomes import DiaryEntry, SessionMeasures
from practitioner.domain.session import Pattern


@dataclass(frozen=True)
class VisitSummary:
    """What the caseload views need of one visit."""

    day: dt.date
    patterns: frozenset[Pattern]
    point_codes: frozenset[str]
    measures: SessionMeasures


@dataclass(frozen=True)
class PatientCourse:
    """One patient's visits in date order, and their cramp diary (oldest day first)."""

    patient_id: int
    visits: tuple[VisitSummary, ...]
    diary: tuple[DiaryEntry, ...] = ()
