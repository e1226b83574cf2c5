"""Every way into a records file goes through one open-time check: a file cut short, a
header field out of range, or an emptied file with backups beside it is refused (or read
read-only), never written to; files that are not records are named for what they are."""

from __future__ import annotations

import io
import os
import shutil
import sqlite3
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from practitioner import cli
from practitioner.app import open_window
from practitioner.db.backup import opened_file
from practitioner.db.connection import close_database, is_read_only
from practitioner.errors import ErrorKind, KnownError
from practitioner.exit_codes import ExitCode
from practitioner.services.backups import BackupService
from practitioner.services.patients import PatientService
from tests.helpers.fakes import FakeMessages
from tests.helpers.files import sha256
from tests.helpers.records import demo_records


def _poke(offset: int, value: bytes) -> Callable[[Path], None]:
    def damage(path: Path) -> None:
        with path.open("r+b") as handle:
            handle.seek(offset)
            handle.write(value)
    return damage


def _cut(by: int) -> Callable[[Path], None]:
    def damage(path: Path) -> None:
        os.truncate(path, max(0, path.stat().st_size - by))
    return damage


def _zero(path: Path) -> None:
    path.write_bytes(bytes(path.stat().st_size))


def _table_leaf_pages(data: bytes) -> Callable[[int], bool]:
    size = int.from_bytes(data[16:18], "big")
    size = 65536 if size == 1 else size
    return lambda at: data[at // size * size + (100 if at < size else 0)] == 0x0D


def _in_rows(change: Callable[[bytes], bytes],
             text: str = "SELECT hash FROM audit_log WHERE seq = 4") -> Callable[[Path], None]:
    """Change a stored `text` where rows keep it (table leaf pages), not in an index on it:
    as a flipped byte on a disk would, unseen by quick_check."""
    def damage(path: Path) -> None:
        with sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True) as conn:
            [value] = conn.execute(text).fetchone()
        data = bytearray(path.read_bytes())
        in_a_row = _table_leaf_pages(bytes(data))
        needle, at = value.encode(), 0
        while (at := data.find(needle, at)) != -1:
            if in_a_row(at):
                data[at:at + len(needle)] = change(needle)
            at += 1
        path.write_bytes(bytes(data))
    return damage


# Each passes SQLite's own quick_check, or fails only once a query needs the broken part.
FAULTS: dict[str, Callable[[Path], None]] = {
    "cut-by-one-byte": _cut(1),
    "cut-by-half-a-page": _cut(2048),
    "emptied": _cut(10**9),
    "zeroed": _zero,
    "text-encoding-7": _poke(56, (7).to_bytes(4, "big")),
    "page-size-3000": _poke(16, (3000).to_bytes(2, "big")),
    "reserved-bytes-255": _poke(20, b"\xff"),
    "payload-fraction": _poke(21, b"\x41"),
    "schema-format-9": _poke(44, (9).to_bytes(4, "big")),
    "header-reserved-area": _poke(80, b"\x01"),
    "more-free-pages-than-pages": _poke(36, (10**6).to_bytes(4, "big")),
    "cut-to-its-header": lambda path: os.truncate(path, 100),
    "cut-inside-its-header": lambda path: os.truncate(path, 50),
    "row-missing-from-its-index": _in_rows(lambda text: bytes([text[0] ^ 1]) + text[1:]),
    "row-text-not-utf8": _in_rows(lambda text: b"\xff" + text[1:]),
}
# Commands that open the records to write, and the ones that only read them.
COMMANDS: dict[str, list[str]] = {
    "demo": ["demo", "--patients", "1"],
    "export": ["export", "--format", "json"],
    "check": ["check"],
    "backup": ["backup"],
    "audit": ["audit", "verify"],
    "import": ["import", "no-such-export.json"],
    "encrypt": ["encrypt", "--new-passphrase-file", "no-such-file"],
    "flags": ["flags", "--medication", "furosemide"],
    "purge": ["purge", "--patient", "1"],
}


@pytest.fixture(scope="module")
def pristine(migrated_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Ten demo patients with one verified backup beside them, made once."""
    path = demo_records(migrated_template, tmp_path_factory.mktemp("pristine") / "records.db",
                        patients=10)
    with opened_file(path, read_only=True) as source:
        BackupService(path, source=lambda: source).back_up("manual")
    return path


@pytest.fixture
def records(pristine: Path, tmp_path: Path) -> Path:
    """A copy of `pristine`, with its backup, for one test to damage."""
    folder = tmp_path / "records"
    shutil.copytree(pristine.parent, folder)
    return folder / pristine.name


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_no_command_writes_to_a_damaged_file_and_each_says_damaged(
    records: Path, fault: str, capsys: pytest.CaptureFixture[str],
) -> None:
    FAULTS[fault](records)
    before = sha256(records)
    for name, args in COMMANDS.items():
        code = cli.main(["--db", str(records), *args])
        close_database()
        err = capsys.readouterr().err
        assert "Traceback" not in err and "unexpected" not in err, (name, err)
        assert "damaged" in err, (name, err)
        if code == cli.EXIT_OK:  # export reads what it can, read-only, and says so
            assert name == "export" and err.startswith("warning: "), (name, err)
        else:
            assert code == ExitCode.DAMAGED, (name, err)
        assert sha256(records) == before, name
    # Readers may leave SQLite's empty side files; nothing else was made (no export).
    made = {p.name for p in records.parent.iterdir() if p.is_file()}
    assert made <= {"records.db", "records.db-wal", "records.db-shm"}
    wal = records.with_name("records.db-wal")
    assert not wal.exists() or wal.stat().st_size == 0


def test_text_no_check_can_see_is_not_utf8_is_damage_when_read_not_a_bug(
    records: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    # A column no index or check covers: the file passes integrity_check, and the fault
    # shows only when export reads the row.
    _in_rows(lambda text: b"\xff" + text[1:],
             "SELECT plan FROM treatment_session WHERE plan != '' ORDER BY id")(records)
    before = sha256(records)
    assert cli.main(["--db", str(records), "export", "--format", "json"]) == ExitCode.DAMAGED
    err = capsys.readouterr().err
    assert "damaged" in err and "unexpected" not in err, err
    assert sha256(records) == before


def test_a_damaged_file_names_the_newest_verified_backup_to_restore(
    records: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    [backup] = BackupService(records).list_backups()
    FAULTS["emptied"](records)
    assert cli.main(["--db", str(records), "export", "--format", "json"]) == ExitCode.DAMAGED
    err = capsys.readouterr().err
    assert "damaged" in err and str(backup.path) in err and "restore" in err


def test_an_empty_file_without_backups_is_still_a_new_one(tmp_path: Path) -> None:
    new = tmp_path / "records.db"
    new.touch()
    assert cli.main(["--db", str(new), "demo", "--patients", "1"]) == cli.EXIT_OK
    close_database()


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_the_window_never_writes_to_a_damaged_file(
    qtbot: QtBot, records: Path, tmp_path: Path, fault: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    FAULTS[fault](records)
    before = sha256(records)
    messages = FakeMessages(confirm_answer=False)  # offered a backup: declined
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    try:
        window = open_window(records, messages, settings, offer_encryption=False)
    except KnownError as exc:
        assert exc.kind is ErrorKind.DAMAGED, exc.message
    else:
        assert window is not None
        qtbot.addWidget(window)
        assert is_read_only()
        window.close()
    close_database()
    assert sha256(records) == before
    assert not any(title == "Something went wrong" for title, _ in messages.errors)


@pytest.mark.parametrize("fault", ["emptied", "text-encoding-7", "cut-inside-its-header"])
def test_the_window_offers_the_newest_backup_for_a_file_it_cannot_read(
    qtbot: QtBot, records: Path, tmp_path: Path, fault: str,
) -> None:
    FAULTS[fault](records)
    before = sha256(records)
    messages = FakeMessages(confirm_answer=True)
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = open_window(records, messages, settings, offer_encryption=False)
    assert window is not None
    qtbot.addWidget(window)
    assert "Restore the newest backup" in messages.confirmations[0]
    assert not is_read_only()
    assert len(PatientService().list_patients()) == 10
    window.close()
    close_database()
    assert sha256(records.with_name("records.db.damaged")) == before


def test_write_version_5_is_an_unknown_file_format_not_a_permission_problem(
    records: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    _poke(18, b"\x05")(records)
    before = sha256(records)
    for args in COMMANDS.values():
        assert cli.main(["--db", str(records), *args]) == ExitCode.TOO_NEW
        err = capsys.readouterr().err
        assert "SQLite file format" in err and "read-only" not in err, err
        assert "permission" not in err
    assert sha256(records) == before


def _zip_bytes(size: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", os.urandom(size))
    data = buffer.getvalue()
    return data + bytes(-len(data) % 512)  # a whole number of 512-byte blocks


@pytest.mark.parametrize(("content", "named"), [
    (_zip_bytes(5000), "ZIP archive"),
    (b"%PDF-1.7\n" + os.urandom(1015), "PDF document"),
    (("Patient notes, not records. " * 100)[:2048].encode(), "text file"),
    (b"\x00" * 4096, "not a Cramp Practitioner records file"),
])
def test_a_file_that_is_not_records_is_not_called_encrypted(
    tmp_path: Path, content: bytes, named: str, capsys: pytest.CaptureFixture[str],
) -> None:
    assert len(content) % 512 == 0
    other = tmp_path / "other.db"
    other.write_bytes(content)
    assert cli.main(["--db", str(other), "check"]) == ExitCode.DAMAGED
    err = capsys.readouterr().err
    assert named in err and "encrypted" not in err, err
    assert other.read_bytes() == content


def test_random_whole_pages_are_still_taken_for_an_encrypted_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CRAMP_PRACTITIONER_PASSPHRASE", raising=False)
    sealed = tmp_path / "sealed.db"
    sealed.write_bytes(os.urandom(8192))
    assert cli.main(["--db", str(sealed), "check"]) == ExitCode.PASSPHRASE
    assert "encrypted" in capsys.readouterr().err


def test_the_window_names_an_unknown_sqlite_format_and_leaves_it_alone(
    qtbot: QtBot, records: Path, tmp_path: Path,
) -> None:
    _poke(18, b"\x05")(records)
    before = sha256(records)
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    with pytest.raises(KnownError) as raised:
        open_window(records, FakeMessages(), settings, offer_encryption=False)
    close_database()
    assert raised.value.kind is ErrorKind.TOO_NEW
    assert "SQLite file format" in raised.value.message
    assert "read-only" not in raised.value.message
    assert sha256(records) == before


def test_restore_refuses_a_backup_with_a_damaged_header(
    records: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    [backup] = BackupService(records).list_backups()
    _poke(56, (7).to_bytes(4, "big"))(backup.path)
    before = sha256(records)
    assert cli.main(["--db", str(records), "restore", str(backup.path)]) == ExitCode.DAMAGED
    err = capsys.readouterr().err
    assert "damaged" in err and "text encoding 7" in err, err
    assert sha256(records) == before


# The lowest byte of every header field SQLite reads (fileformat2.html), and the reserved
# area; 7 is out of range for most of them.
HEADER_FIELDS = (16, 17, 18, 19, 20, 21, 22, 23, 31, 35, 39, 47, 51, 55, 59, 67, 72, 80)


@pytest.mark.parametrize("command", [["export", "--format", "json"], ["demo", "--patients", "1"]])
def test_whatever_header_byte_is_wrong_a_command_leaves_a_sound_file_or_none(
    records: Path, tmp_path: Path, command: list[str], capsys: pytest.CaptureFixture[str],
) -> None:
    for offset in HEADER_FIELDS:
        copy = tmp_path / f"at-{offset}.db"
        copy.write_bytes(records.read_bytes())
        _poke(offset, b"\x07")(copy)
        before = sha256(copy)
        code = cli.main(["--db", str(copy), *command])
        close_database()
        err = capsys.readouterr().err
        assert code in (ExitCode.OK, ExitCode.DAMAGED, ExitCode.TOO_NEW), (offset, err)
        assert "Traceback" not in err and "unexpected" not in err, (offset, err)
        if sha256(copy) != before:  # a harmless byte (a cache size hint): still sound
            assert code == cli.EXIT_OK
            with opened_file(copy, read_only=True) as conn:
                assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok", offset
