"""The command line meets the same storage faults as the window: one line on stderr that
names the cause, a non-zero exit, nothing half-written, and the same command works once
the cause is gone."""

from __future__ import annotations

import ctypes
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import peewee
import pytest

from practitioner import cli
from practitioner.db.connection import close_database, open_sqlite
from practitioner.exit_codes import ExitCode, exit_code_for
from tests.helpers.cli import assert_one_line_failure, run_cli
from tests.helpers.faults import Damaged, DiskFull, Fault, FolderMissing, Locked, is_root

DEMO = ("demo", "--patients", "2")


@pytest.fixture
def empty_records(migrated_template: Path, tmp_path: Path) -> Path:
    """A records file with no patients yet, alone in its own folder (which tests fault)."""
    path = tmp_path / "records" / "records.db"
    path.parent.mkdir()
    shutil.copyfile(migrated_template, path)
    return path


def _patients(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return int(conn.execute("SELECT count(*) FROM patient").fetchone()[0])
    finally:
        conn.close()


def _main(capsys: pytest.CaptureFixture[str], path: Path, *args: str) -> tuple[int, str]:
    code = cli.main(["--db", str(path), *args])
    captured = capsys.readouterr()
    if code:
        assert captured.out == ""
        [line] = captured.err.splitlines()
        assert line.startswith("error: ")
        assert "Traceback" not in captured.err
        return code, line
    return code, ""


def _fault_after_open(
    monkeypatch: pytest.MonkeyPatch, fault: Fault
) -> Callable[[], None]:
    """Make the command's own open_sqlite cause `fault` on the connection it opened."""

    def opening(path: Path, passphrase: str | None = None) -> peewee.SqliteDatabase:
        db = open_sqlite(path, passphrase=passphrase)
        fault.apply()
        return db

    monkeypatch.setattr(cli, "open_sqlite", opening)
    return lambda: monkeypatch.setattr(cli, "open_sqlite", open_sqlite)


@pytest.mark.parametrize("fault_type", [DiskFull, Locked, FolderMissing],
                         ids=["disk-full", "locked", "folder-missing"])
def test_a_fault_while_writing_is_one_line_and_the_command_then_works(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, empty_records: Path,
    fault_type: type[Fault],
) -> None:
    fault = fault_type(empty_records)
    stop_faulting = _fault_after_open(monkeypatch, fault)

    code, line = _main(capsys, empty_records, *DEMO)

    assert code == exit_code_for(fault.kind)
    assert fault.says in line
    fault.remove()
    stop_faulting()
    assert _patients(empty_records) == 0, "nothing was half-written"
    assert _main(capsys, empty_records, *DEMO) == (cli.EXIT_OK, "")
    assert _patients(empty_records) == 2


def test_a_damaged_file_is_one_line_unchanged_and_the_command_works_once_repaired(
    capsys: pytest.CaptureFixture[str], empty_records: Path,
) -> None:
    open_sqlite(empty_records)
    close_database()
    fault = Damaged(empty_records, table="patient")
    fault.apply()
    damaged = empty_records.read_bytes()

    code, line = _main(capsys, empty_records, *DEMO)

    assert code == ExitCode.DAMAGED
    assert "damaged" in line and "was not changed" in line
    assert empty_records.read_bytes() == damaged
    fault.remove()
    assert _main(capsys, empty_records, *DEMO) == (cli.EXIT_OK, "")
    assert _patients(empty_records) == 2


@pytest.mark.slow
def test_a_folder_that_cannot_be_created_is_one_line_and_the_command_then_works(
    tmp_path: Path,
) -> None:
    blocker = tmp_path / "practice"
    blocker.write_text("a file where the records folder should be\n", encoding="utf-8")
    path = blocker / "records" / "records.db"

    line = assert_one_line_failure(run_cli(tmp_path, "--db", path, *DEMO))

    assert f"Cannot create the folder {path.parent}" in line
    blocker.unlink()
    again = run_cli(tmp_path, "--db", path, *DEMO)
    assert again.returncode == 0, again.stderr
    assert _patients(path) == 2


_PR_CAPBSET_DROP = 24
_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH = 1, 2


def _without_permission_override() -> None:
    """In the child before exec: give up root's right to ignore file permissions, so
    read-only really is read-only for it (the capabilities leave the bounding set and
    are not regained at exec)."""
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH):
        if libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "cannot drop the capability")


def _run_unprivileged(cwd: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    """`python -m practitioner ARGS` bound by file permissions, even when run as root."""
    return subprocess.run(
        [sys.executable, "-m", "practitioner", *map(str, args)], cwd=cwd,
        env={**os.environ, "CRAMP_PRACTITIONER_DATA_DIR": str(cwd / "data")},
        capture_output=True, text=True, encoding="utf-8", timeout=120, check=False,
        preexec_fn=_without_permission_override if is_root() else None,
    )


@pytest.mark.slow
@pytest.mark.parametrize("folder_too", [False, True], ids=["file", "file-and-folder"])
def test_a_read_only_file_or_folder_is_one_line_and_the_command_works_once_writable(
    tmp_path: Path, migrated_template: Path, folder_too: bool,
) -> None:
    folder = tmp_path / "records"
    folder.mkdir()
    path = folder / "records.db"
    shutil.copyfile(migrated_template, path)
    path.chmod(0o444)
    if folder_too:
        folder.chmod(0o555)
    before = path.read_bytes()

    failed = _run_unprivileged(tmp_path, "--db", path, *DEMO)

    line = assert_one_line_failure(failed)
    assert "read-only" in line, line
    assert path.read_bytes() == before
    folder.chmod(0o755)
    # What the message asks for: SQLite gives the -wal and -shm files it created the
    # records file's (read-only) permissions.
    for companion in (path, *folder.glob(path.name + "-*")):
        companion.chmod(0o644)
    again = _run_unprivileged(tmp_path, "--db", path, *DEMO)
    assert again.returncode == 0, again.stderr
    assert _patients(path) == 2

