"""Opening without the page check (the window checks after its first paint): the guards
that protect a file before any write still run, and a migration still needs the check."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from practitioner.db.connection import check_file, close_database, inspect_file, open_sqlite
from practitioner.errors import ErrorKind, KnownError
from tests.helpers.records import demo_records, flip_page


@pytest.fixture
def damaged(migrated_template: Path, tmp_path: Path) -> Path:
    records = demo_records(migrated_template, tmp_path / "records.db", patients=30)
    flip_page(records)
    return records


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_page_check_is_left_out_of_the_open_and_run_by_check_file(damaged: Path) -> None:
    with pytest.raises(KnownError) as raised:
        inspect_file(damaged)
    assert raised.value.kind is ErrorKind.DAMAGED
    state = inspect_file(damaged, check_pages=False)
    assert state.table_count > 0
    with pytest.raises(KnownError) as found:
        check_file(damaged)
    assert found.value.kind is ErrorKind.DAMAGED and "is damaged" in found.value.message


def test_a_file_that_needs_a_migration_is_checked_first_even_when_the_check_is_later(
    damaged: Path,
) -> None:
    with sqlite3.connect(damaged) as conn:  # as if the newest migration were not applied
        newest = conn.execute(
            "SELECT name FROM schema_migration ORDER BY name DESC LIMIT 1").fetchone()[0]
        conn.execute("DELETE FROM schema_migration WHERE name = ?", (newest,))
    conn.close()
    before = _sha(damaged)
    with pytest.raises(KnownError) as raised:
        open_sqlite(damaged, check_pages=False)
    close_database()
    assert raised.value.kind is ErrorKind.DAMAGED
    assert _sha(damaged) == before  # not migrated, not backed up from, not touched


def test_the_guards_before_any_write_still_run_without_the_page_check(tmp_path: Path) -> None:
    stranger = tmp_path / "notes.db"
    stranger.write_text("not records", encoding="utf-8")
    with pytest.raises(KnownError) as raised:
        open_sqlite(stranger, check_pages=False)
    assert raised.value.kind is ErrorKind.NOT_A_DATABASE


def test_check_file_can_be_interrupted_from_another_thread(damaged: Path) -> None:
    interrupts = []
    with pytest.raises(KnownError):
        check_file(damaged, cancel=interrupts.append)
    [interrupt] = interrupts
    interrupt()  # after the check: harmless
