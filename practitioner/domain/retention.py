"""How long a patient's record must be kept before it may be erased.

The default follows the Ontario colleges' rule (10 years after the last visit, or 10
years after the patient turned 18 if that is later); the number of years is a setting.
Anniversaries of 29 February fall on 1 March in common years: the later day, because a
record may be kept a day too long but must never be erased a day too early.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

DEFAULT_RETENTION_YEARS = 10
AGE_OF_MAJORITY = 18


def add_years(day: dt.date, years: int) -> dt.date:
    """`day` moved by whole `years`; 29 February becomes 1 March in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none.
        return dt.date(day.year + years, 3, 1)


@dataclass(frozen=True)
class Retention:
    """When a record may first be erased, and the rule that set that day."""

    erasable_from: dt.date
    reason: str

    def allows(self, today: dt.date) -> bool:
        return today >= self.erasable_from


def retention(
    *, last_visit: dt.date | None, recorded: dt.date, born: dt.date | None,
    years: int = DEFAULT_RETENTION_YEARS,
) -> Retention:
    """The retention of one record.

    `last_visit` is the latest visit (None when there was none; then the day the record
    was created, `recorded`, counts instead), `born` the date of birth if known.
    """
    if years < 0:
        raise ValueError("the retention period cannot be negative")
    seen = last_visit or recorded
    after_visit = add_years(seen, years)
    if born is not None:
        after_majority = add_years(add_years(born, AGE_OF_MAJORITY), years)
        if after_majority > after_visit:
            return Retention(after_majority,
                             f"{years} years after the patient's 18th birthday")
    return Retention(after_visit, f"{years} years after the last visit")
