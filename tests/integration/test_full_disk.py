"""On a completely full disk every command and the window say the disk is full, not that
a folder is read-only or missing. The disk is a real one: a small tmpfs, filled up."""

from __future__ import annotations

import contextlib
import errno
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from practitioner import app, cli
from practitioner.db.connection import close_database
from practitioner.disk_space import is_full
from tests.helpers.files import sha256
from tests.helpers.modals import Reply, answering
from tests.helpers.records import demo_records

# What a full disk must never be called.
WRONG_CAUSES = ("read-only", "not writable", "missing", "permission")


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MiB tmpfs (needs root, as mount does); filled by the test."""
    mount = tmp_path / "disk"
    mount.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)],
                          capture_output=True, check=False)
    if made.returncode != 0:
        pytest.skip("a small disk cannot be mounted here (mount needs root)")
    try:
        yield mount
    finally:
        close_database()
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(folder: Path) -> None:
    with (folder / "filler").open("wb", buffering=0) as handle, \
            contextlib.suppress(OSError):
        while True:
            handle.write(bytes(4096))
    assert is_full(folder)


def test_every_command_on_a_full_disk_says_the_disk_is_full(
    migrated_template: Path, tmp_path: Path, full_disk: Path,
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, qapp: object,
) -> None:
    source = demo_records(migrated_template, tmp_path / "source.db", patients=3)
    assert cli.main(["--db", str(source), "export", "--format", "json",
                     "--out", str(tmp_path / "export.json")]) == cli.EXIT_OK
    close_database()
    records = full_disk / "records.db"
    shutil.copyfile(source, records)
    _fill(full_disk)
    before = sha256(records)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    runs = {
        "demo": ["demo", "--patients", "1"],
        "import": ["import", str(tmp_path / "export.json")],
        "check": ["check"],
        "export": ["export", "--format", "json"],
        "export-to-it": ["--db", str(source), "export", "--format", "json",
                         "--out", str(full_disk / "out.json")],
        "backup": ["backup"],
        "backup-to-it": ["--db", str(source), "backup", "--to", str(full_disk / "b")],
        "new-records": ["--db", str(full_disk / "new.db"), "demo", "--patients", "1"],
    }
    from practitioner.reporting import cli_main  # the entry point: holds the lock

    for name, args in runs.items():
        argv = args if args[0] == "--db" else ["--db", str(records), *args]
        code = cli_main(argv)
        close_database()
        err = capsys.readouterr().err
        assert code == cli.EXIT_FAILURE, (name, err)
        assert "disk" in err and "is full" in err, (name, err)
        assert not any(cause in err for cause in WRONG_CAUSES), (name, err)
    assert sha256(records) == before

    with answering(Reply("Cannot open the records", "OK")) as seen:
        assert app.main(["--db", str(records), "--quit-after-startup"]) == 1
    [text] = [dialog.text for dialog in seen.dialogs]
    assert "is full" in text and not any(cause in text for cause in WRONG_CAUSES), text
    assert sha256(records) == before


def test_a_file_size_limit_is_not_mistaken_for_a_full_disk(tmp_path: Path) -> None:
    """The errno decides where there is one: EFBIG is not ENOSPC."""
    from practitioner.disk_space import no_space_errno

    assert not no_space_errno(RuntimeError("x"))
    try:
        raise OSError(errno.ENOSPC, "No space left on device")
    except OSError as full:
        assert no_space_errno(full)
    assert not no_space_errno(OSError(errno.EFBIG, "File too large"))
    assert not is_full(tmp_path)
