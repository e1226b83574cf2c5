"""Which backups to keep, and how a backup file is named: pure rules, no files touched.

Rotation keeps the newest few copies, plus the newest copy of each of the last days,
weeks (ISO) and months that have one, so a mistake noticed weeks later can still be undone.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import TypeVar

BACKUP_FOLDER = "backups"  # beside the records file
BACKUP_SUFFIX = ".db"
_STAMP_FORMAT = "%Y%m%dT%H%M%S"
_REASON = re.compile(r"[a-z0-9_-]+")
T = TypeVar("T")


@dataclass(frozen=True)
class RotationPolicy:
    """How many copies to keep: the newest `recent`, and one per day, week and month."""

    recent: int = 10
    daily: int = 7
    weekly: int = 5
    monthly: int = 12


def backups_to_keep(
    created: Iterable[dt.datetime], policy: RotationPolicy = RotationPolicy()
) -> set[dt.datetime]:
    """The creation times among `created` whose backups rotation keeps."""
    newest_first = sorted(set(created), reverse=True)
    keep = set(newest_first[: policy.recent])
    buckets: tuple[tuple[int, Callable[[dt.datetime], Hashable]], ...] = (
        (policy.daily, lambda t: t.date()),
        (policy.weekly, lambda t: t.isocalendar()[:2]),
        (policy.monthly, lambda t: (t.year, t.month)),
    )
    for limit, bucket_of in buckets:
        seen: set[Hashable] = set()
        for when in newest_first:
            if len(seen) >= limit:
                break
            bucket = bucket_of(when)
            if bucket not in seen:
                seen.add(bucket)
                keep.add(when)
    return keep


def backup_files_to_delete(
    backups: Iterable[tuple[T, dt.datetime]], policy: RotationPolicy = RotationPolicy()
) -> list[T]:
    """The backups (key, creation time) that rotation does not keep."""
    items = list(backups)
    keep = backups_to_keep((when for _, when in items), policy)
    return [key for key, when in items if when not in keep]


def backup_file_name(stem: str, when: dt.datetime, reason: str) -> str:
    """`<stem>.<YYYYMMDDTHHMMSSmmm>.<reason>.db`, e.g. records.20261124T094212000.auto.db."""
    if not _REASON.fullmatch(reason):
        raise ValueError(f"a backup reason is lower-case letters, digits, - and _: {reason!r}")
    stamp = when.strftime(_STAMP_FORMAT) + f"{when.microsecond // 1000:03d}"
    return f"{stem}.{stamp}.{reason}{BACKUP_SUFFIX}"


@dataclass(frozen=True)
class BackupName:
    """What a backup's file name says: when it was taken and why."""

    taken_at: dt.datetime
    reason: str


def parse_backup_name(stem: str, name: str) -> BackupName | None:
    """Read a name made by `backup_file_name` for `stem`; None for any other file."""
    prefix = stem + "."
    if not name.startswith(prefix) or not name.endswith(BACKUP_SUFFIX):
        return None
    middle = name[len(prefix): -len(BACKUP_SUFFIX)]
    stamp, _, reason = middle.partition(".")
    if len(stamp) != 18 or not _REASON.fullmatch(reason):
        return None
    try:
        taken = dt.datetime.strptime(stamp[:15], _STAMP_FORMAT)
        millis = int(stamp[15:])
    except ValueError:
        return None
    return BackupName(taken.replace(microsecond=millis * 1000), reason)
