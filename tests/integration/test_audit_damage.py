"""A trail emptied, cut back or dropped is reported broken by `audit verify` and by
`check` (which verifies the trail too), in one line; entries about files whose names hold
undecodable bytes are stored escaped."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from practitioner import cli
from practitioner.app import audit_backup_event, open_window
from practitioner.db.connection import close_database, is_read_only, open_sqlite
from practitioner.domain.audit import AuditAction
from practitioner.errors import ErrorKind, KnownError
from practitioner.exit_codes import ExitCode
from practitioner.services.audit import AuditService
from practitioner.services.backups import BackupService
from practitioner.ui.records_tools import RecordsTools
from tests.helpers.fakes import FakeMessages
from tests.helpers.files import sha256
from tests.helpers.records import demo_records


@pytest.fixture(scope="module")
def pristine(migrated_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_records(migrated_template, tmp_path_factory.mktemp("trail") / "records.db",
                        patients=4)


@pytest.fixture
def records(pristine: Path, tmp_path: Path) -> Path:
    """A copy of `pristine` for one test to tamper with."""
    copy = tmp_path / "records.db"
    shutil.copyfile(pristine, copy)
    return copy


def _tamper(path: Path, *statements: str) -> None:
    """Change the file behind the app's back, as someone with an SQLite shell would."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
        for statement in statements:
            conn.execute(statement)
        conn.commit()
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def _run(capsys: pytest.CaptureFixture[str], path: Path, *args: str) -> tuple[int, str, str]:
    code = cli.main(["--db", str(path), *args])
    close_database()
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "unexpected" not in err, err
    return code, out, err


def test_check_verifies_the_audit_trail_of_healthy_records(
    records: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    before = sha256(records)
    code, out, _ = _run(capsys, records, "check")
    assert code == cli.EXIT_OK and "audit trail intact" in out, out
    assert sha256(records) == before


TAMPERING = {
    "emptied with its sequence row": (
        "DELETE FROM audit_log", "DELETE FROM sqlite_sequence WHERE name = 'audit_log'"),
    "cut back with its sequence reset": (
        "DELETE FROM audit_log WHERE seq > (SELECT min(seq) FROM audit_log WHERE "
        "entity = 'patient' AND entity_id = (SELECT max(id) FROM patient)) - 1",
        "UPDATE sqlite_sequence SET seq = (SELECT max(seq) FROM audit_log) "
        "WHERE name = 'audit_log'"),
}


@pytest.mark.parametrize("tampering", sorted(TAMPERING))
def test_a_trail_that_no_longer_records_the_records_is_broken(
    records: Path, tampering: str, capsys: pytest.CaptureFixture[str],
) -> None:
    _tamper(records, *TAMPERING[tampering])
    code, out, err = _run(capsys, records, "audit", "verify")
    assert code == cli.EXIT_FAILURE and "broken" in err and "intact" not in out + err, err
    code, out, err = _run(capsys, records, "check")
    assert code == cli.EXIT_FAILURE and "audit trail is broken" in err, err
    assert "patient" in err and out == ""


def test_a_dropped_trail_is_reported_in_one_line_by_every_command(
    records: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    _tamper(records, "DROP TABLE audit_log")
    before = sha256(records)
    for args in (["audit", "verify"], ["check"], ["demo", "--patients", "1"]):
        code, _, err = _run(capsys, records, *args)
        assert code == ExitCode.DAMAGED, (args, err)
        assert "audit_log is missing" in err and len(err.splitlines()) == 1, (args, err)
    assert sha256(records) == before


def test_a_backup_of_records_whose_path_has_undecodable_bytes_is_audited_escaped(
    migrated_template: Path, tmp_path: Path,
) -> None:
    folder = Path(os.fsdecode(bytes(tmp_path) + b"/caf\xe9"))
    try:
        folder.mkdir()
    except (UnicodeEncodeError, OSError):
        pytest.skip("this file system refuses undecodable names")
    records = folder / os.fsdecode(b"r\xe9cords.db")
    demo_records(migrated_template, records, patients=1)
    open_sqlite(records)
    try:
        audit = AuditService()
        BackupService(records, on_event=audit_backup_event(audit)).back_up("close")
        last = audit.trail()[-1].fields
        assert last.action == AuditAction.BACKUP
        assert "\\udce9" in last.detail and last.detail.isprintable()
        assert audit.verify().intact
    finally:
        close_database()


def test_the_windows_full_check_verifies_the_trail_too(records: Path) -> None:
    _tamper(records, *TAMPERING["emptied with its sequence row"])
    open_sqlite(records)
    try:
        with pytest.raises(KnownError) as raised:
            BackupService(records).full_check()
    finally:
        close_database()
    assert raised.value.kind is ErrorKind.AUDIT_BROKEN
    assert "audit trail is broken" in raised.value.message


# -- records whose history was changed are never written to ------------------------------

TAMPERED = ("DROP TRIGGER audit_log_no_update",
            "UPDATE audit_log SET detail = 'rewritten' WHERE seq = 2")


def test_a_tampered_trail_keeps_every_command_from_writing(
    records: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path,
) -> None:
    _tamper(records, *TAMPERED)
    before = sha256(records)
    for args in (["demo", "--patients", "1"], ["purge", "--patient", "1"]):
        code, _, err = _run(capsys, records, *args)
        assert code == ExitCode.FAILED and "audit trail" in err and "broken" in err, (args, err)
    # Export reads read-only, adds no entry, and says why.
    out = tmp_path / "export.json"
    code, _, err = _run(capsys, records, "export", "--format", "json", "--out", str(out))
    assert code == ExitCode.OK and out.exists(), err
    assert "warning: The audit trail" in err and "read-only" in err, err
    assert sha256(records) == before
    code, _, err = _run(capsys, records, "audit", "verify")  # the trail itself is readable
    assert code == ExitCode.FAILED and "broken at row 2" in err, err


def test_the_window_opens_records_with_a_tampered_trail_read_only(
    qtbot: QtBot, records: Path, tmp_path: Path,
) -> None:
    _tamper(records, *TAMPERED)
    before = sha256(records)
    for check_later in (False, True):  # checked at once, or after the window is up
        messages = FakeMessages()
        settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
        window = open_window(records, messages, settings, offer_encryption=False,
                             check_later=check_later)
        assert window is not None
        qtbot.addWidget(window)
        tools = window.findChild(RecordsTools)
        assert isinstance(tools, RecordsTools)
        qtbot.waitUntil(lambda tools=tools: not tools.check_running)
        assert is_read_only(), check_later
        assert "audit trail" in tools.banner.label.text()
        window.close()
        close_database()
    assert sha256(records) == before
