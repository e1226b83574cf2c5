"""Moments in the whole-record format: written with their UTC offset (RFC 3339), read with
or without one, and refused when they lie at the edge of the calendar.

The database keeps bookkeeping times (created, updated, signed, …) as naive UTC and visit
times as the practitioner's naive local wall-clock time. An export writes the former with
`+00:00` and the latter with the offset the local zone had at that wall-clock time. Older
exports wrote both without an offset; those are read as they were meant: UTC and local
wall-clock time.
"""

from __future__ import annotations

import datetime as dt

#: A moment is kept only when it and its UTC equivalent lie between these, so that
#: showing it in any time zone (offsets reach ±24 h) stays inside the calendar.
EARLIEST = dt.datetime(1, 1, 2)
LATEST = dt.datetime(9999, 12, 30, 23, 59, 59, 999999)


def utc_text(stored: dt.datetime) -> str:
    """A stored naive UTC time as RFC 3339 text with its offset (`…+00:00`)."""
    return stored.replace(tzinfo=dt.UTC).isoformat()


def local_text(wall_clock: dt.datetime) -> str:
    """A naive local wall-clock time with the offset the local zone had then; without an
    offset only where the platform cannot tell it (a time outside what it can convert)."""
    try:
        return wall_clock.astimezone().isoformat()
    except (OverflowError, OSError, ValueError):
        return wall_clock.isoformat()


def read_moment(text: str) -> dt.datetime:
    """An ISO 8601 moment, aware when `text` carries an offset, naive otherwise. Raises
    ValueError with a reason fit for a message when it is no moment or lies outside
    EARLIEST..LATEST (itself or converted to UTC)."""
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError("not an ISO date-time") from None
    try:
        in_utc = moment.astimezone(dt.UTC).replace(tzinfo=None) if moment.tzinfo else moment
    except OverflowError:
        in_utc = None
    wall_clock = moment.replace(tzinfo=None)
    if in_utc is None or not (EARLIEST <= in_utc <= LATEST and EARLIEST <= wall_clock <= LATEST):
        raise ValueError(f"outside the supported dates ({EARLIEST.date()} to {LATEST.date()}, "
                         "also once converted to UTC)")
    return moment


def as_utc(text: str) -> dt.datetime:
    """A bookkeeping moment as the database keeps it: naive UTC (no offset means UTC)."""
    moment = read_moment(text)
    return moment.astimezone(dt.UTC).replace(tzinfo=None) if moment.tzinfo else moment


def as_wall_clock(text: str) -> dt.datetime:
    """A visit time as the database keeps it: the local wall-clock time as written, its
    offset (if any) only telling the zone it was recorded in."""
    return read_moment(text).replace(tzinfo=None)
