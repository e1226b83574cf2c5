"""A command that fails leaves nothing behind: no export file before its audit entry, no
records file made by a command that only reads them, none left by a failed import; and the
inputs the adversarial run found end in one line, not a traceback."""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Callable
from pathlib import Path

import peewee
import pytest

from practitioner import cli
from practitioner.db.connection import close_database, open_sqlite
from practitioner.exit_codes import ExitCode
from practitioner.paths import data_dir
from practitioner.reporting import cli_main
from tests.helpers.faults import Locked
from tests.helpers.files import sha256
from tests.helpers.records import demo_records


def _run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = cli_main([str(a) for a in argv])
    close_database()
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def _names(folder: Path) -> set[Path]:
    """What is in `folder` but SQLite's own -wal and -shm files (a read leaves them) and
    the app's log folder (every command logs that it ran)."""
    logs = data_dir() / "logs"
    return {p for p in folder.rglob("*") if not p.name.endswith(("-wal", "-shm"))
            and p not in (logs, logs.parent) and logs not in p.parents}


@pytest.fixture
def records(migrated_template: Path, tmp_path: Path) -> Path:
    return demo_records(migrated_template, tmp_path / "records.db", patients=2)


@pytest.mark.parametrize("command", [
    ("export", "--format", "json"), ("audit", "verify"), ("flags", "--patient", "1"),
    ("check",), ("backup",), ("report", "--patient", "1", "--out", "r.pdf"),
    ("encrypt",), ("purge", "--patient", "1"), ("audit", "show"),
], ids=" ".join)
def test_a_command_that_reads_records_on_a_mistyped_path_makes_none(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: tuple[str, ...]
) -> None:
    mistyped = tmp_path / "recrods.db"

    code, out, err = _run(capsys, "--db", mistyped, *command)

    assert (code, out) == (ExitCode.NO_RECORDS, "")
    assert err == f"error: There is no records file at {mistyped}.\n"
    assert _names(tmp_path) == set()


def test_the_reference_library_needs_no_records_file_unless_asked_about_a_patient(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(capsys, "--db", tmp_path / "none.db", "flags", "--medication",
                        "furosemide")
    assert code == ExitCode.OK and out.strip()
    code, out, _ = _run(capsys, "--db", tmp_path / "none.db", "reference", "search", "cramp")
    assert code == ExitCode.OK and out.strip()
    assert not (tmp_path / "none.db").exists()


def _locked_after_open(monkeypatch: pytest.MonkeyPatch, records: Path) -> Callable[[], None]:
    """The command opens the records, then another program takes the write lock."""
    fault = Locked(records)

    def opening(path: Path, passphrase: str | None = None) -> peewee.SqliteDatabase:
        db = open_sqlite(path, passphrase=passphrase)
        fault.apply()
        return db

    monkeypatch.setattr(cli, "open_sqlite", opening)
    return fault.remove


@pytest.mark.parametrize("form", ["json", "csv"])
def test_an_export_whose_audit_entry_fails_writes_no_file(
    records: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch, form: str,
) -> None:
    out_folder = tmp_path / "out"
    out_folder.mkdir()
    release = _locked_after_open(monkeypatch, records)

    code, out, err = _run(capsys, "--db", records, "export", "--format", form,
                          "--out", out_folder / f"export.{form}")
    release()

    assert (code, out) == (ExitCode.LOCKED, "") and "in use" in err
    assert list(out_folder.iterdir()) == []


def test_a_failed_import_into_a_new_file_leaves_no_records_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "cramp-practitioner/patients"', encoding="utf-8")
    target = tmp_path / "new" / "folder" / "records.db"

    code, _, err = _run(capsys, "--db", target, "import", bad)

    assert code == ExitCode.FAILED and "not valid JSON" in err
    assert not (tmp_path / "new").exists()


def test_empty_db_and_huge_or_negative_numbers_are_usage_errors(
    records: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for argv in (["--db", "", "demo"],
                 ["--db", records, "export", "--format", "json", "--patient",
                  "99999999999999999999999"],
                 ["--db", records, "export", "--format", "json", "--patient", "-1"],
                 ["--db", records, "audit", "show", "--patient", "9223372036854775808"],
                 ["--db", records, "demo", "--patients", "10000000000"],
                 ["--db", records, "reference", "search", "x", "--limit", "1" + "0" * 30]):
        code, out, err = _run(capsys, *argv)
        assert (code, out) == (ExitCode.USAGE, ""), argv
        assert err.splitlines()[-1].count("error: argument") == 1, err


def test_restoring_the_records_file_onto_itself_is_refused_unchanged(
    records: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = sha256(records)
    listing = _names(records.parent)

    code, out, err = _run(capsys, "--db", records, "restore", records)

    assert (code, out) == (ExitCode.FAILED, "")
    assert "is the records file itself" in err and len(err.splitlines()) == 1
    assert sha256(records) == before and _names(records.parent) == listing
    shutil.copyfile(records, records.with_name("copy.db"))
    assert _run(capsys, "--db", records, "restore", records.with_name("copy.db"))[0] == 0


@pytest.mark.parametrize("target", ["records.db", "records.db-wal", "link.db"])
@pytest.mark.parametrize("command", [("export", "--format", "json"),
                                     ("report", "--patient", "1")], ids=" ".join)
def test_nothing_is_written_over_the_records_file_or_its_companions(
    records: Path, capsys: pytest.CaptureFixture[str], target: str,
    command: tuple[str, ...],
) -> None:
    (records.parent / "link.db").symlink_to(records)
    before = sha256(records)

    code, out, err = _run(capsys, "--db", records, *command, "--out", records.parent / target)

    assert (code, out) == (ExitCode.FAILED, "") and "is the records file" in err
    assert sha256(records) == before


def test_an_export_onto_a_folder_fails_before_its_audit_entry(
    records: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    trail = _run(capsys, "--db", records, "audit", "show")[1]

    code, _, err = _run(capsys, "--db", records, "export", "--format", "json",
                        "--out", tmp_path)

    assert code == ExitCode.FAILED and "folder" in err
    assert _run(capsys, "--db", records, "audit", "show")[1] == trail


def test_a_device_or_pipe_is_neither_read_as_records_nor_replaced_by_an_export(
    records: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    for argv in (["--db", "/dev/zero", "check"],
                 ["--db", records, "import", "/dev/null"],
                 ["--db", records, "export", "--format", "json", "--out", pipe],
                 ["--db", records, "report", "--patient", "1", "--out", pipe]):
        code, out, err = _run(capsys, *argv)
        assert (code, out) == (ExitCode.FAILED, ""), argv
        assert "is a device or pipe, not a file" in err
    assert stat.S_ISFIFO(pipe.lstat().st_mode)


@pytest.mark.parametrize("verbose", [(), ("--verbose",)], ids=["file", "file+stderr"])
def test_a_records_path_with_undecodable_bytes_is_logged_escaped_not_with_a_traceback(
    migrated_template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    verbose: tuple[str, ...],
) -> None:
    odd = Path(os.fsdecode(bytes(tmp_path) + b"/records-\xff.db"))
    demo_records(migrated_template, odd, patients=1)

    code, _, err = _run(capsys, *verbose, "--db", odd, "backup")  # logs the backup's path

    assert code == ExitCode.OK, err
    assert "Logging error" not in err
    assert "records-\\udcff" in (data_dir() / "logs" / "practitioner.log").read_text("utf-8")
