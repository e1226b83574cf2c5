"""Encrypting plain records leaves no plain text anywhere: backups (made by hand, at close,
before a restore), the file a restore set aside, unfinished backups and local drafts are
re-encrypted or overwritten and deleted, and the backups stay restorable."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from practitioner.db.cipher import PLAIN_HEADER, FileKind, connect_raw, file_kind, rekey_file
from practitioner.db.connection import close_database, open_sqlite
from practitioner.domain.session import Draft
from practitioner.errors import ErrorKind, KnownError
from practitioner.services.backups import BackupService
from practitioner.services.drafts import DraftService, LocalDrafts
from practitioner.services.patients import PatientService
from practitioner.services.security import SecurityService
from practitioner.services.sessions import SessionService
from tests.helpers.demo_inputs import ann
from tests.helpers.session_inputs import full_session

pytestmark = pytest.mark.sqlite_only

PASSPHRASE = "a long enough passphrase"
MARKER = "QUOKKA-MARKER-51c2"


@pytest.fixture(autouse=True)
def _close_at_end() -> Iterator[None]:
    yield
    close_database()


def files_holding_marker(root: Path) -> list[Path]:
    """Every file under `root` that holds the marker, in UTF-8 or UTF-16."""
    needles = (MARKER.encode(), MARKER.encode("utf-16-le"), MARKER.encode("utf-16-be"))
    return [p for p in sorted(root.rglob("*")) if p.is_file()
            and any(n in p.read_bytes() for n in needles)]


def _plain_records_with_copies(data: Path) -> tuple[Path, LocalDrafts, int]:
    """Plain records holding the marker, with every kind of plain copy the app makes."""
    path = data / "records.db"
    open_sqlite(path)
    patient = PatientService().create(ann(name=f"Ann {MARKER}"))
    SessionService().create(patient.id, full_session(notes=f"Note {MARKER} here."))
    clock = iter(dt.datetime(2026, 1, 1, 9, m) for m in range(10))
    backups = BackupService(path, clock=lambda: next(clock))
    manual = backups.back_up("close")
    backups.restore(manual.path)  # sets the current file aside, with a backup first
    shutil.copy(manual.path, manual.path.with_name(manual.path.name + ".partial"))
    local = LocalDrafts(data / "drafts")
    now = dt.datetime.now(dt.UTC)
    local.save(Draft(patient.id, None, {"notes": f"draft {MARKER} " * 400}, now))
    local.save(Draft(999, None, {"notes": f"orphan {MARKER}"}, now))  # no such patient
    return path, local, patient.id


def test_encrypt_leaves_no_plaintext_and_backups_stay_restorable(tmp_path: Path) -> None:
    data = tmp_path / "data"
    path, local, patient_id = _plain_records_with_copies(data)
    assert len(files_holding_marker(data)) >= 7, "the test starts with plain copies"
    drafts = DraftService(local=local)

    done = SecurityService(drafts).encrypt(PASSPHRASE, PASSPHRASE)

    assert files_holding_marker(tmp_path) == []
    for file in data.rglob("*"):
        if file.is_file():
            assert not file.read_bytes().startswith(PLAIN_HEADER), file
    assert drafts.local is None, "encrypted records keep no draft on this computer"
    assert done.drafts_moved == 1
    kept = DraftService().get(patient_id, None)
    assert kept is not None and MARKER in str(kept.payload["notes"])
    # Every file is named: both backups and the set-aside file re-encrypted, the plain
    # original, the unfinished backup and both drafts deleted.
    assert len(done.reencrypted) == 3 and all(
        file_kind(p) is FileKind.ENCRYPTED for p in done.reencrypted)
    assert any(p.name.endswith(".before-restore") for p in done.reencrypted)
    assert len([p for p in done.removed if p.suffix == ".json"]) == 2
    assert any(p.name.endswith(".partial") for p in done.removed)
    report = done.report()
    for file in (*done.reencrypted, *done.removed):
        assert str(file) in report

    backups = BackupService(path)
    assert [backups.describe(b.path).reason for b in backups.list_backups()] == [
        "before-restore", "close"], "each backup opens with the new passphrase"


def test_a_damaged_plain_copy_stops_encryption_before_anything_changes(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _, local, _ = _plain_records_with_copies(data)
    aside = next(data.glob("records.db.before-restore"))
    aside.write_bytes(aside.read_bytes()[:5000])  # truncated: cannot be encrypted
    def contents() -> dict[Path, bytes]:
        return {p: p.read_bytes() for p in data.rglob("*")
                if p.is_file() and not p.name.endswith(("-shm", "-wal"))}
    before = contents()

    with pytest.raises(KnownError, match="before-restore") as caught:
        SecurityService(DraftService(local=local)).encrypt(PASSPHRASE, PASSPHRASE)

    assert caught.value.kind is ErrorKind.DAMAGED
    assert contents() == before
    assert not SecurityService().is_encrypted()


def test_close_backups_after_encrypting_in_the_open_records_are_encrypted(
    tmp_path: Path,
) -> None:
    """The window's backup service was made over the plain file: once the records are
    encrypted while open, its backups (close, before import) and checks use their key."""
    path = tmp_path / "records.db"
    open_sqlite(path)
    PatientService().create(ann(name=f"Ann {MARKER}"))
    backups = BackupService(path)
    SecurityService().encrypt(PASSPHRASE, PASSPHRASE)

    taken = backups.back_up("close")

    assert file_kind(taken.path) is FileKind.ENCRYPTED
    assert files_holding_marker(tmp_path) == []
    assert "passed the full check" in backups.full_check()
    assert backups.newest_verified() is not None


def test_a_plain_backup_restored_into_encrypted_records_is_encrypted(tmp_path: Path) -> None:
    path = tmp_path / "records.db"
    outside = tmp_path / "elsewhere"
    open_sqlite(path)
    PatientService().create(ann(name=f"Ann {MARKER}"))
    plain = BackupService(path).back_up("manual", outside)  # not in backups/: stays plain
    SecurityService().encrypt(PASSPHRASE, PASSPHRASE)

    BackupService(path).restore(plain.path)

    assert file_kind(path) is FileKind.ENCRYPTED
    assert [p.data.name for p in PatientService().all_patients()] == [f"Ann {MARKER}"]
    assert [p for p in files_holding_marker(tmp_path) if outside not in p.parents] == []


@pytest.mark.parametrize("weak", ["abc", "nine char", " padded passphrase "])
def test_every_path_to_a_new_passphrase_keeps_the_one_rule(tmp_path: Path, weak: str) -> None:
    new = tmp_path / "new.db"
    with pytest.raises(KnownError, match="created") as made:
        open_sqlite(new, passphrase=weak)
    assert made.value.kind is ErrorKind.PASSPHRASE and not new.exists()

    plain = tmp_path / "plain.db"
    open_sqlite(plain)
    with pytest.raises(KnownError) as encrypted:
        SecurityService().encrypt(weak, weak)
    assert encrypted.value.kind is ErrorKind.PASSPHRASE
    assert file_kind(plain) is FileKind.PLAIN
    close_database()

    open_sqlite(tmp_path / "keyed.db", passphrase=PASSPHRASE)
    with pytest.raises(KnownError) as rekeyed:
        SecurityService().change_passphrase(PASSPHRASE, weak, weak)
    assert rekeyed.value.kind is ErrorKind.PASSPHRASE


def test_backups_follow_a_passphrase_changed_while_the_records_are_open(
    tmp_path: Path,
) -> None:
    """The window makes its backup service with the passphrase it opened the records with;
    after Change passphrase its backups at close are made, and read, with the new one."""
    path = tmp_path / "records.db"
    open_sqlite(path, passphrase=PASSPHRASE)
    PatientService().create(ann(name=f"Ann {MARKER}"))
    backups = BackupService(path, passphrase=PASSPHRASE)
    new = "another long passphrase"
    SecurityService().change_passphrase(PASSPHRASE, new, new)

    taken = backups.back_up("close")

    assert backups.describe(taken.path).reason == "close"
    with pytest.raises(KnownError, match="Passphrase incorrect"):
        connect_raw(taken.path, PASSPHRASE, read_only=True)


def test_changing_the_passphrase_rekeys_the_backups_it_opens(tmp_path: Path) -> None:
    path = tmp_path / "records.db"
    open_sqlite(path, passphrase=PASSPHRASE)
    PatientService().create(ann(name=f"Ann {MARKER}"))
    clock = iter(dt.datetime(2026, 1, 1, 9, m) for m in range(10))
    backups = BackupService(path, clock=lambda: next(clock))
    taken = backups.back_up("manual")
    foreign = backups.back_up("close").path  # then given a passphrase of its own
    rekey_file(foreign, PASSPHRASE, "some other passphrase")
    new = "another long passphrase"

    done = SecurityService().change_passphrase(PASSPHRASE, new, new)

    assert done.rekeyed == (taken.path,) and done.left == (foreign,)
    assert str(taken.path) in done.report() and str(foreign) in done.report()
    assert backups.describe(taken.path).reason == "manual"
    with pytest.raises(KnownError, match="Passphrase incorrect"):
        connect_raw(taken.path, PASSPHRASE, read_only=True)
