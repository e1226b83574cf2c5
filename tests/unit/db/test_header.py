"""The header and length check passes every sound SQLite file, whatever its settings, and
names what is wrong with a damaged one; only random-looking pages are taken for encrypted."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from practitioner.db.header import FileKind, header_damage, recognise

SETTINGS = {
    "empty database": [],
    "one table": ["CREATE TABLE t (x)"],
    "page size 512": ["PRAGMA page_size = 512", "CREATE TABLE t (x)"],
    "page size 65536": ["PRAGMA page_size = 65536", "CREATE TABLE t (x)"],
    "utf-16le": ["PRAGMA encoding = 'UTF-16le'", "CREATE TABLE t (x)"],
    "utf-16be": ["PRAGMA encoding = 'UTF-16be'", "CREATE TABLE t (x)"],
    "incremental vacuum": ["PRAGMA auto_vacuum = INCREMENTAL", "CREATE TABLE t (x)"],
    "wal": ["PRAGMA journal_mode = WAL", "CREATE TABLE t (x)"],
    "free pages": ["CREATE TABLE t (x)", "INSERT INTO t SELECT randomblob(3000) FROM "
                   "(WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                   "WHERE i < 50) SELECT i FROM n)", "DELETE FROM t"],
    "stamped": ["PRAGMA application_id = 1129467216", "PRAGMA user_version = 9",
                "CREATE TABLE t (x)"],
}


@pytest.mark.parametrize("setting", sorted(SETTINGS))
def test_every_sound_sqlite_file_passes(tmp_path: Path, setting: str) -> None:
    path = tmp_path / "sound.db"
    conn = sqlite3.connect(path, isolation_level=None)
    for statement in SETTINGS[setting]:
        conn.execute(statement).fetchall()
    conn.execute("PRAGMA user_version = 1")  # an empty file gets its first page
    conn.close()
    assert recognise(path).kind is FileKind.PLAIN
    assert header_damage(path) is None


def test_a_file_cut_short_is_readable_damage_and_a_bad_field_is_not(tmp_path: Path) -> None:
    path = tmp_path / "cut.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE t (x)")
    conn.close()
    os.truncate(path, path.stat().st_size - 1)
    found = header_damage(path)
    assert found is not None and found.readable and "cut short" in found.problem
    with path.open("r+b") as handle:
        handle.seek(56)
        handle.write((4).to_bytes(4, "big"))
    found = header_damage(path)
    assert found is not None and not found.readable and "text encoding 4" in found.problem


def test_an_empty_file_is_new_unless_backups_of_it_lie_beside_it(tmp_path: Path) -> None:
    path = tmp_path / "records.db"
    path.touch()
    assert recognise(path).kind is FileKind.NEW
    (tmp_path / "backups").mkdir()
    (tmp_path / "backups" / "other.20260101T000000000.manual.db").touch()
    assert recognise(path).kind is FileKind.NEW  # another file's backup
    (tmp_path / "backups" / "records.20260101T000000000.manual.db").touch()
    assert recognise(path).kind is FileKind.DAMAGED


def test_only_random_whole_pages_are_taken_for_an_encrypted_file(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    path.write_bytes(os.urandom(4096))
    assert recognise(path).kind is FileKind.ENCRYPTED
    path.write_bytes(os.urandom(4095))
    assert recognise(path).kind is FileKind.NOT_A_DATABASE
    path.write_bytes(b"PK\x03\x04" + os.urandom(4092))
    assert recognise(path).looks_like.startswith("a ZIP archive")
    path.write_bytes(bytes(4096))
    assert recognise(path).kind is FileKind.NOT_A_DATABASE
