"""Outcomes as JSON-ready dictionaries, for export: measure definitions, PSFS activities,
diary days and baseline-anchored progress."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from practitioner.domain.outcomes import (
    DiaryEntry,
    MeasureDefinition,
    MeasureProgress,
    Progress,
    PsfsActivity,
)

# Decimal places kept for computed changes, so float noise (0.30000000000000004) stays out.
_PLACES = 4


@dataclass(frozen=True)
class PatientOutcomes:
    """What the export holds of one patient's outcomes besides their sessions' measures."""

    psfs_activities: tuple[PsfsActivity, ...] = ()
    diary: tuple[DiaryEntry, ...] = ()
    progress: Progress = field(default_factory=Progress)


def definition_to_dict(definition: MeasureDefinition) -> dict[str, Any]:
    """What a measure code in the export means."""
    return {
        "code": definition.code,
        "name": definition.name,
        "unit": definition.unit,
        "low": definition.low,
        "high": definition.high,
        "integer": definition.integer,
        "lower_is_better": definition.lower_is_better,
        "minimal_important_change": definition.minimal_important_change,
        "from_second_session": definition.from_second_session,
        "source": definition.source,
    }


def psfs_activities_to_list(activities: tuple[PsfsActivity, ...]) -> list[dict[str, Any]]:
    """The patient's activities in order; sessions rate them by `id`."""
    return [
        {"id": a.id, "position": position, "wording": a.wording}
        for position, a in enumerate(activities)
    ]


def diary_entry_to_dict(entry: DiaryEntry) -> dict[str, Any]:
    """One diary day."""
    return {
        "day": entry.day.isoformat(),
        "cramps": entry.cramps,
        "worst_severity": entry.worst_severity,
        "total_minutes": entry.total_minutes,
        "sleep_disturbed": entry.sleep_disturbed,
        "notes": entry.notes,
    }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, _PLACES)


def measure_progress_to_dict(row: MeasureProgress) -> dict[str, Any]:
    """Baseline against latest for one measure."""
    return {
        "code": row.definition.code,
        "name": row.definition.name,
        "baseline": row.baseline,
        "baseline_date": row.baseline_date.isoformat(),
        "latest": row.latest,
        "latest_date": row.latest_date.isoformat(),
        "count": row.count,
        "change": _rounded(row.change),
        "change_percent": _rounded(row.change_percent),
        "trend": row.trend.value,
    }


def progress_to_dict(progress: Progress) -> dict[str, Any]:
    """The progress panel's figures, flags (by name, sorted) and notes."""
    return {
        "measures": [measure_progress_to_dict(row) for row in progress.measures],
        "flags": sorted(flag.name.lower() for flag in progress.flags),
        "notes": list(progress.notes),
    }


def patient_outcomes_to_dict(outcomes: PatientOutcomes) -> dict[str, Any]:
    """The per-patient outcome keys of the export."""
    return {
        "psfs_activities": psfs_activities_to_list(outcomes.psfs_activities),
        "diary": [diary_entry_to_dict(entry) for entry in outcomes.diary],
        "progress": progress_to_dict(outcomes.progress),
    }
