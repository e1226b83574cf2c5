"""Time as the services see it: UTC for bookkeeping, local wall-clock time for visits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    """The current time in UTC, naive, as stored in the database."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def local_now() -> dt.datetime:
    """The wall-clock time where the practitioner is, naive, as visits are recorded."""
    return dt.datetime.now().replace(microsecond=0)


def aware(stored: dt.datetime) -> dt.datetime:
    """A stored naive UTC time as an aware one."""
    return stored.replace(tzinfo=dt.UTC)
