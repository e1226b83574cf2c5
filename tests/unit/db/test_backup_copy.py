"""Backups through the online backup API: verified, consistent under writes, never made from
a damaged file, and a crash leaves only a temporary file."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from practitioner.db.backup import (
    PARTIAL_SUFFIX,
    backup_folder,
    backup_sqlite,
    connect_file,
    opened_file,
    remove_partials,
)
from practitioner.db.connection import APPLICATION_ID, inspect_file
from practitioner.errors import ErrorKind, KnownError
from tests.helpers.db_fixtures import RECORDS_PATIENTS
from tests.helpers.files import sha256
from tests.helpers.records import DAMAGE

BATCH = 7  # Rows per writer transaction.


def test_a_backup_is_a_verified_copy_renamed_into_place(records: Path) -> None:
    target = backup_folder(records) / "copy.db"
    with opened_file(records, read_only=True) as source:
        assert backup_sqlite(source, target) == target
    state = inspect_file(target, full_check=True)
    assert state.application_id == APPLICATION_ID
    assert state.user_version == inspect_file(records).user_version
    assert not list(target.parent.glob(f"*{PARTIAL_SUFFIX}"))
    with opened_file(target, read_only=True) as copy:
        assert copy.execute("SELECT count(*) FROM patient").fetchone()[0] == RECORDS_PATIENTS


def test_backups_live_beside_the_records_in_backups(tmp_path: Path) -> None:
    assert backup_folder(tmp_path / "x" / "records.db") == tmp_path / "x" / "backups"


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_a_damaged_database_never_replaces_a_good_backup(records: Path, damage: str) -> None:
    target = backup_folder(records) / "good.db"
    with opened_file(records, read_only=True) as source:
        backup_sqlite(source, target)
    before = sha256(target)
    DAMAGE[damage](records)
    source = connect_file(records, read_only=True)
    try:
        with pytest.raises(KnownError) as raised:
            backup_sqlite(source, target)
    finally:
        source.close()
    assert raised.value.kind is ErrorKind.DAMAGED
    assert "no backup was made" in raised.value.message
    assert sha256(target) == before
    assert not list(target.parent.glob(f"*{PARTIAL_SUFFIX}"))


def test_leftover_partials_are_removed(tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    (folder / "a.db.partial").write_bytes(b"half")
    (folder / "b.db").write_bytes(b"keep")
    assert remove_partials(folder) == [folder / "a.db.partial"]
    assert [p.name for p in folder.iterdir()] == ["b.db"]
    assert remove_partials(tmp_path / "missing") == []


def _writer(path: Path, stop: threading.Event, commits: threading.Semaphore,
            done: list[int]) -> None:
    conn = sqlite3.connect(path, timeout=5, isolation_level=None)
    conn.execute("PRAGMA journal_mode=wal")
    try:
        while not stop.is_set():
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany("INSERT INTO churn (n) VALUES (?)", [(i,) for i in range(BATCH)])
            conn.execute("COMMIT")
            done[0] += 1
            commits.release()
    finally:
        conn.close()


def _await_commits(commits: threading.Semaphore, count: int) -> None:
    for _ in range(count):
        assert commits.acquire(timeout=10), "the writer stopped committing"


@pytest.mark.parametrize("pages", [-1, 64])
def test_a_backup_during_continuous_writes_holds_whole_transactions(
    records: Path, pages: int
) -> None:
    with opened_file(records) as setup:
        setup.execute("CREATE TABLE churn (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)")
        setup.commit()
    stop, commits, done = threading.Event(), threading.Semaphore(0), [0]
    writer = threading.Thread(target=_writer, args=(records, stop, commits, done))
    writer.start()
    counts: list[int] = []
    try:
        for round_ in range(4):
            _await_commits(commits, 20)
            target = records.parent / "backups" / f"during-{round_}.db"
            with opened_file(records) as source:
                backup_sqlite(source, target, pages=pages)
            with opened_file(target, read_only=True) as copy:
                assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
                counts.append(copy.execute("SELECT count(*) FROM churn").fetchone()[0])
                patients = copy.execute("SELECT count(*) FROM patient").fetchone()[0]
                assert patients == RECORDS_PATIENTS
    finally:
        stop.set()
        writer.join()
    assert all(count % BATCH == 0 for count in counts), counts
    assert counts == sorted(counts) and counts[-1] > 0
    # The writer really ran during the backups, not only before them.
    assert done[0] * BATCH > counts[-1]
