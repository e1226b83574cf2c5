"""The command line's passphrase files and encrypted records: a file holding no usable
passphrase fails in one line, a new passphrase meets the one rule on every path, `backup`
of an encrypted file makes encrypted, restorable backups, and `encrypt` leaves no plain
copy of the records behind."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from practitioner import cli
from practitioner.db.cipher import PASSPHRASE_ENV, FileKind, file_kind
from practitioner.db.connection import close_database, open_sqlite
from practitioner.domain.session import Draft
from practitioner.exit_codes import ExitCode
from practitioner.services.drafts import LocalDrafts
from practitioner.services.patients import PatientService
from practitioner.services.sessions import SessionService
from tests.helpers.demo_inputs import ann
from tests.helpers.session_inputs import full_session
from tests.unit.services.test_encrypt_leaves_no_plaintext import MARKER, files_holding_marker

pytestmark = pytest.mark.sqlite_only

PASSPHRASE = "the practice's passphrase"


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("CRAMP_PRACTITIONER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv(PASSPHRASE_ENV, raising=False)
    yield
    close_database()


def _marked_records(path: Path, passphrase: str | None = None) -> int:
    open_sqlite(path, passphrase=passphrase)
    patient = PatientService().create(ann(name=f"Ann {MARKER}"))
    SessionService().create(patient.id, full_session(notes=f"Note {MARKER} here."))
    close_database()
    return patient.id


def _run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str]:
    code = cli.main([str(a) for a in args])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


def _key_file(folder: Path, content: bytes, name: str = "key.txt") -> Path:
    file = folder / name
    file.write_bytes(content)
    return file


UNUSABLE = {
    "not UTF-8": b"\xff\xfe\x80passphrase\n",
    "empty first line": b"\nthe practice's passphrase\n",
    "NUL": b"the practice\x00s passphrase\n",
    "empty file": b"",
    "first line too long": b"x" * 100_000,
}


@pytest.mark.parametrize("content", UNUSABLE.values(), ids=UNUSABLE.keys())
def test_an_unusable_passphrase_file_fails_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes
) -> None:
    encrypted, plain = tmp_path / "encrypted.db", tmp_path / "plain.db"
    _marked_records(encrypted, PASSPHRASE)
    _marked_records(plain)
    before = encrypted.read_bytes(), plain.read_bytes()
    bad = _key_file(tmp_path, content)

    for args in (("--db", encrypted, "--passphrase-file", bad, "check"),
                 ("--db", encrypted, "--passphrase-file", bad, "export", "--format", "json"),
                 ("--db", plain, "encrypt", "--new-passphrase-file", bad),
                 ("--db", tmp_path / "new.db", "--passphrase-file", bad, "demo")):
        code, err = _run(capsys, *args)
        assert code == ExitCode.PASSPHRASE, args
        assert err.startswith("error: ") and len(err.splitlines()) == 1, err
        assert str(bad) in err, err
    assert (encrypted.read_bytes(), plain.read_bytes()) == before
    assert not (tmp_path / "new.db").exists()


def test_a_passphrase_file_may_end_lines_with_crlf_and_start_with_a_bom(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "records.db"
    _marked_records(path, PASSPHRASE)
    key = _key_file(tmp_path, b"\xef\xbb\xbf" + PASSPHRASE.encode() + b"\r\nmore\r\n")
    assert _run(capsys, "--db", path, "--passphrase-file", key, "check")[0] == cli.EXIT_OK


@pytest.mark.parametrize("weak", ["abc", "123456789", " a passphrase with spaces "])
def test_a_new_passphrase_meets_the_one_rule_on_every_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    weak: str,
) -> None:
    key = _key_file(tmp_path, weak.encode() + b"\n")
    new = tmp_path / "new.db"
    code, err = _run(capsys, "--db", new, "--passphrase-file", key, "demo", "--patients", "1")
    assert code == ExitCode.PASSPHRASE and ("at least" in err or "space" in err), err
    assert not new.exists()
    monkeypatch.setenv(PASSPHRASE_ENV, weak)
    assert _run(capsys, "--db", new, "demo", "--patients", "1")[0] == ExitCode.PASSPHRASE
    assert not new.exists()
    monkeypatch.delenv(PASSPHRASE_ENV)

    plain = tmp_path / "plain.db"
    _marked_records(plain)
    assert _run(capsys, "--db", plain, "encrypt", "--new-passphrase-file", key)[0] \
        == ExitCode.PASSPHRASE
    assert file_kind(plain) is FileKind.PLAIN


def test_backup_of_an_encrypted_file_is_encrypted_and_restorable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "records.db"
    _marked_records(path, PASSPHRASE)
    key = _key_file(tmp_path, PASSPHRASE.encode() + b"\n")
    outside = tmp_path / "usb"

    assert _run(capsys, "--db", path, "--passphrase-file", key, "backup")[0] == cli.EXIT_OK
    assert _run(capsys, "--db", path, "--passphrase-file", key, "backup", "--to",
                outside)[0] == cli.EXIT_OK

    made = [*(tmp_path / "backups").iterdir(), *outside.iterdir()]
    assert len(made) == 2 and all(file_kind(p) is FileKind.ENCRYPTED for p in made)
    assert files_holding_marker(tmp_path) == []
    open_sqlite(path, passphrase=PASSPHRASE)
    PatientService().create(ann(name="After the backup"))
    close_database()
    code, err = _run(capsys, "--db", path, "--passphrase-file", key, "restore", made[1])
    assert code == cli.EXIT_OK, err
    open_sqlite(path, passphrase=PASSPHRASE)
    assert [p.data.name for p in PatientService().all_patients()] == [f"Ann {MARKER}"]


@pytest.mark.slow
def test_encrypt_command_leaves_no_plaintext_in_the_data_folder(tmp_path: Path) -> None:
    """As a practitioner runs it: records, backups by hand and drafts kept on this
    computer, then `encrypt`; every file is scanned for the marker."""
    data = tmp_path / "data"
    path = data / "records.db"
    patient_id = _marked_records(path)
    env = {**os.environ, "CRAMP_PRACTITIONER_DATA_DIR": str(data)}
    env.pop(PASSPHRASE_ENV, None)

    def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "practitioner", "--db", str(path),
                               *map(str, args)], env=env, capture_output=True, text=True,
                              encoding="utf-8", timeout=120, check=False)

    assert run("backup").returncode == 0
    drafts = LocalDrafts(data / "drafts", identity=f"sqlite:{path.resolve()}")
    drafts.save(Draft(patient_id, None, {"notes": f"typed {MARKER} " * 500},
                      dt.datetime.now(dt.UTC)))
    assert len(files_holding_marker(data)) == 3
    key = _key_file(tmp_path, PASSPHRASE.encode() + b"\n")

    done = run("encrypt", "--new-passphrase-file", key)

    assert done.returncode == 0, done.stderr
    assert files_holding_marker(tmp_path) == []
    backup = next((data / "backups").iterdir())
    assert f"{backup}" in done.stderr and "draft-" in done.stderr, done.stderr
    checked = run("--passphrase-file", key, "restore", backup)
    assert checked.returncode == 0, checked.stderr
