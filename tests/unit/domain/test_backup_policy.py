"""Backup rotation keeps the newest copies and one per day, week and month; names round-trip."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from practitioner.domain.backup_policy import (
    RotationPolicy,
    backup_file_name,
    backup_files_to_delete,
    backups_to_keep,
    parse_backup_name,
)

times = st.datetimes(min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2030, 1, 1))
policies = st.builds(RotationPolicy, recent=st.integers(0, 12), daily=st.integers(0, 8),
                     weekly=st.integers(0, 6), monthly=st.integers(0, 13))


@given(st.lists(times, max_size=80), policies)
def test_rotation_keeps_a_bounded_subset_with_the_newest(
    created: list[dt.datetime], policy: RotationPolicy
) -> None:
    kept = backups_to_keep(created, policy)
    assert kept <= set(created)
    assert len(kept) <= policy.recent + policy.daily + policy.weekly + policy.monthly
    if created and (policy.recent or policy.daily or policy.weekly or policy.monthly):
        assert max(created) in kept


@given(st.lists(times, min_size=1, max_size=80), policies)
def test_rotation_keeps_the_newest_of_each_recent_day_week_and_month(
    created: list[dt.datetime], policy: RotationPolicy
) -> None:
    kept = backups_to_keep(created, policy)
    newest_first = sorted(set(created), reverse=True)
    assert set(newest_first[: policy.recent]) <= kept
    for limit, bucket in ((policy.daily, lambda t: t.date()),
                          (policy.weekly, lambda t: t.isocalendar()[:2]),
                          (policy.monthly, lambda t: (t.year, t.month))):
        buckets = sorted({bucket(t) for t in created}, reverse=True)[:limit]
        for b in buckets:
            assert max(t for t in created if bucket(t) == b) in kept


def test_a_year_of_half_hourly_backups_rotates_down_to_a_few_dozen() -> None:
    start = dt.datetime(2025, 1, 1, 8, 0)
    created = [start + dt.timedelta(minutes=30 * n) for n in range(365 * 48)]
    kept = backups_to_keep(created, RotationPolicy())
    assert len(kept) <= 10 + 7 + 5 + 12
    assert max(created) in kept
    # Something from eleven months ago survives for the monthly bucket.
    assert min(kept) < max(created) - dt.timedelta(days=300)


def test_files_to_delete_are_the_ones_not_kept() -> None:
    day = dt.datetime(2025, 3, 1, 9)
    items = [(f"b{n}", day + dt.timedelta(minutes=n)) for n in range(5)]
    assert backup_files_to_delete(items, RotationPolicy(recent=2, daily=0, weekly=0,
                                                         monthly=0)) == ["b0", "b1", "b2"]


@given(st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2099, 1, 1)),
       st.from_regex(r"[a-z0-9_-]{1,20}", fullmatch=True),
       st.from_regex(r"[A-Za-z0-9 ._-]{1,20}", fullmatch=True))
def test_backup_names_round_trip(when: dt.datetime, reason: str, stem: str) -> None:
    name = backup_file_name(stem, when, reason)
    parsed = parse_backup_name(stem, name)
    assert parsed is not None
    assert parsed.reason == reason
    assert parsed.taken_at == when.replace(microsecond=when.microsecond // 1000 * 1000)


@pytest.mark.parametrize("name", [
    "records.db", "records.db.partial", "other.20250101T000000000.auto.db",
    "records.2025T.auto.db", "records.20250101T000000000.Bad Reason.db",
    "records.20250101T000000000.auto.db.partial", "records.20251340T000000000.auto.db",
])
def test_other_files_are_not_taken_for_backups(name: str) -> None:
    assert parse_backup_name("records", name) is None


def test_a_reason_with_a_dot_is_refused() -> None:
    with pytest.raises(ValueError, match="reason"):
        backup_file_name("records", dt.datetime(2025, 1, 1), "a.b")
