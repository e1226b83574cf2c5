"""Practice preferences kept in settings.ini, read into domain values."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

from PySide6.QtCore import QSettings

from practitioner.domain.outcomes import Thresholds
from practitioner.domain.retention import DEFAULT_RETENTION_YEARS

THRESHOLD_KEYS = {
    "responder_percent": "outcomes/responder_percent",
    "severity_points": "outcomes/severity_points",
    "severity_percent": "outcomes/severity_percent",
    "psfs_points": "outcomes/psfs_points",
    "diary_min_days": "outcomes/diary_min_days",
}
# Whole numbers of days, at most the 28 days of a diary period.
_DAY_COUNTS = {"diary_min_days": 28}


def thresholds(settings: QSettings) -> Thresholds:
    """The progress-flag thresholds, with any set in the settings file taking precedence.

    A value that is not a positive number (for `diary_min_days`, a whole number of days
    from 1 to 28) is ignored: the documented default applies.
    """
    changes: dict[str, Any] = {}  # floats, and whole days for diary_min_days
    for name, key in THRESHOLD_KEYS.items():
        raw = settings.value(key)
        if raw is None:
            continue
        try:
            value = float(str(raw))
        except ValueError:
            continue
        if name in _DAY_COUNTS:
            if value.is_integer() and 0 < value <= _DAY_COUNTS[name]:
                changes[name] = int(value)
        elif math.isfinite(value) and value > 0:
            changes[name] = value
    default = Thresholds()
    if not changes:
        return default
    note = "Changed in settings.ini: " + ", ".join(f"{k} = {v:g}" for k, v in changes.items())
    return dataclasses.replace(default, **changes, sources=(*default.sources, note))


def retention_years(settings: QSettings) -> int:
    """`privacy/retention_years`: how long records are kept after the last visit (and
    after a minor's 18th birthday); the default when unset or not a whole number ≥ 0."""
    raw = settings.value("privacy/retention_years")
    try:
        years = int(str(raw))
    except ValueError:
        return DEFAULT_RETENTION_YEARS
    return years if years >= 0 else DEFAULT_RETENTION_YEARS
