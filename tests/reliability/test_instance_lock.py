"""One instance per records file: a second one is told which process and host hold it, and a
lock left by a killed instance (SIGKILL) is recovered without asking."""

from __future__ import annotations

import os
import select
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from practitioner import app
from practitioner.db.connection import close_database
from practitioner.errors import ErrorKind, KnownError
from practitioner.instance_lock import acquire, held, lock_path
from tests.helpers.cli import assert_one_line_failure, run_cli
from tests.helpers.modals import Reply, answering
from tests.helpers.records import demo_records

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def _holder(records: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the lock on `records` until the block ends (SIGKILL)."""
    with subprocess.Popen(
        [sys.executable, "-m", "tests.helpers.hold_lock", str(records)],
        cwd=ROOT, env=dict(os.environ), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
    ) as child:
        assert child.stdout is not None
        try:
            ready, _, _ = select.select([child.stdout], [], [], 60)
            assert ready and child.stdout.readline().strip() == "locked"
            yield child
        finally:
            child.send_signal(signal.SIGKILL)
            child.communicate(timeout=30)  # Reaped: its pid is gone, as after a crash.
    assert child.returncode == -signal.SIGKILL


def test_a_second_lock_in_the_same_process_is_refused_with_pid_and_host(tmp_path: Path) -> None:
    records = tmp_path / "records.db"
    with held(records):
        with pytest.raises(KnownError) as raised:
            acquire(records)
        assert raised.value.kind is ErrorKind.LOCKED
        assert f"process {os.getpid()} on {socket.gethostname()}" in raised.value.message
    with held(records):  # Released at the end of the block.
        pass


@pytest.mark.slow
def test_a_second_app_is_told_who_holds_the_records_and_a_crashed_ones_lock_is_recovered(
    no_event_loop: None, migrated_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    records = demo_records(migrated_template, tmp_path / "records.db", patients=2)
    with _holder(records) as other:
        with answering(Reply("The records are already open", "OK")) as seen:
            assert app.main(["--db", str(records), "--quit-after-startup"]) == 1
        [text] = [d.text for d in seen.dialogs]
        assert f"process {other.pid} on {socket.gethostname()}" in text
    assert lock_path(records).exists()  # The killed holder left its lock file behind.
    with answering():
        assert app.main(["--db", str(records), "--quit-after-startup"]) == 0
    close_database()
    assert not lock_path(records).exists()


@pytest.mark.slow
def test_writing_cli_commands_respect_the_lock(migrated_template: Path, tmp_path: Path) -> None:
    records = demo_records(migrated_template, tmp_path / "records.db", patients=2)
    with _holder(records) as other:
        line = assert_one_line_failure(run_cli(tmp_path, "--db", records, "demo"))
        assert f"process {other.pid}" in line and "already open" in line
        # Reading commands and backups still work beside a running app.
        assert run_cli(tmp_path, "--db", records, "backup").returncode == 0
    result = run_cli(tmp_path, "--db", records, "demo", "--patients", "1")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("folder", [".", "/", "records-folder"])
def test_a_folder_given_as_the_records_is_refused_before_its_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, folder: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "records-folder").mkdir()
    with pytest.raises(KnownError) as refused:
        acquire(Path(folder))
    assert refused.value.kind is ErrorKind.CANNOT_OPEN
    assert "is a folder" in refused.value.message
    assert sorted(p.name for p in tmp_path.iterdir()) == ["records-folder"]


@pytest.mark.parametrize("command", [["demo"], ["import", "x.json"], ["restore", "x.db"],
                                     ["purge", "--patient", "1"], ["encrypt"],
                                     ["change-passphrase"]], ids=" ".join)
def test_writing_commands_on_a_folder_say_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    command: list[str],
) -> None:
    from practitioner.exit_codes import ExitCode
    from practitioner.reporting import cli_main

    monkeypatch.chdir(tmp_path)
    assert cli_main(["--db", ".", *command]) == ExitCode.FAILED
    err = capsys.readouterr().err
    assert "is a folder" in err and "unexpected" not in err, err
