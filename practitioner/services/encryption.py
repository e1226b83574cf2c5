"""The copies of a records file that encrypting it, or changing its passphrase, must
not leave behind.

Besides the records file itself, the app keeps copies of it: backups in `backups/` (kept
by rotation for up to a year), their unfinished temporary files, and the files a restore
or an earlier encryption set aside beside the records. Encrypting the records re-encrypts
each such copy under the new passphrase, so it stays restorable, and overwrites the plain
bytes before they are deleted. Changing the passphrase re-keys the encrypted copies the
current passphrase opens.
"""

from __future__ import annotations

import glob
from dataclasses import dataclass
from pathlib import Path

from practitioner.db.backup import PARTIAL_SUFFIX, backup_folder, opened_file
from practitioner.db.cipher import (
    DRIVER_ERRORS,
    FileKind,
    file_kind,
    rekey_file,
    write_encrypted_copy,
)
from practitioner.domain.backup_policy import parse_backup_name
from practitioner.errors import ErrorKind, KnownError
from practitioner.services.files import overwrite_and_delete, replace_overwriting

_UNREADABLE: tuple[type[Exception], ...] = (KnownError, OSError, *DRIVER_ERRORS)
SIDE_SUFFIXES = ("-wal", "-shm", "-journal")
# Set aside beside the records file: by a restore, or by encryption before this version.
SET_ASIDE = (".before-restore", ".damaged", ".before-encryption")


@dataclass(frozen=True)
class Encrypted:
    """What encrypting the records did besides encrypting them."""

    records: Path
    reencrypted: tuple[Path, ...]  # copies now encrypted under the new passphrase
    removed: tuple[Path, ...]  # plain files overwritten and deleted
    drafts_moved: int  # local drafts moved into the encrypted records first

    def report(self) -> str:
        """What was done, every file named, as shown to the practitioner."""
        lines = [f"Encrypted {self.records}; its unencrypted bytes were overwritten."]
        if self.drafts_moved:
            lines.append(f"Moved {self.drafts_moved} draft(s) kept on this computer into "
                         "the encrypted records.")
        if self.reencrypted:
            lines.append("Re-encrypted under the new passphrase (still restorable): "
                         + ", ".join(map(str, self.reencrypted)) + ".")
        if self.removed:
            lines.append("Overwrote and deleted these unencrypted files: "
                         + ", ".join(map(str, self.removed)) + ".")
        lines.append("Copies you made elsewhere (backups to another folder, exports) were "
                     "not changed.")
        return "\n".join(lines)


@dataclass(frozen=True)
class Rekeyed:
    """What changing the passphrase did to the encrypted copies of the records."""

    rekeyed: tuple[Path, ...]  # now under the new passphrase
    left: tuple[Path, ...]  # under another passphrase still: not opened by the current one

    def report(self) -> str:
        """Every copy named, as shown to the practitioner."""
        lines = []
        if self.rekeyed:
            lines.append("These backups now open with the new passphrase: "
                         + ", ".join(map(str, self.rekeyed)) + ".")
        if self.left:
            lines.append("These could not be opened with the current passphrase (an "
                         "older one, or damaged) and were left as they are: "
                         + ", ".join(map(str, self.left)) + ".")
        return "\n".join(lines)


def rekey_copies(records: Path, current: str, new: str) -> Rekeyed:
    """Put every encrypted copy of `records` that `current` opens under `new`, so the
    backups stay restorable after a passphrase change. A copy that cannot be changed
    (another passphrase opens it, or it is damaged) is left as it is, and named."""
    rekeyed: list[Path] = []
    left: list[Path] = []
    for path in _copies(records):
        if file_kind(path) is not FileKind.ENCRYPTED:
            continue
        try:
            rekey_file(path, current, new)
        except _UNREADABLE:
            left.append(path)
        else:
            rekeyed.append(path)
    return Rekeyed(tuple(rekeyed), tuple(left))


def plain_copies(records: Path) -> list[Path]:
    """The copies of `records` the app made that are plain SQLite files (their -wal and
    -shm not counted): backups, and files set aside beside the records."""
    return [p for p in _copies(records) if file_kind(p) is not FileKind.ENCRYPTED]


def _copies(records: Path) -> list[Path]:
    """Every non-empty copy of `records` the app made, plain or encrypted."""
    found: list[Path] = []
    folder = backup_folder(records)
    if folder.is_dir():
        found += [p for p in sorted(folder.iterdir())
                  if p.is_file() and parse_backup_name(records.stem, p.name) is not None]
    for suffix in SET_ASIDE:
        found += sorted(records.parent.glob(glob.escape(records.name + suffix) + "*"))
    return [p for p in found if p.is_file() and p.stat().st_size > 0
            and not p.name.endswith((*SIDE_SUFFIXES, ".encrypting"))
            and PARTIAL_SUFFIX not in p.name]


def unfinished_backups(records: Path) -> list[Path]:
    """Temporary files of backups that never finished (plain when the records were)."""
    folder = backup_folder(records)
    return sorted(folder.glob(f"*{PARTIAL_SUFFIX}*")) if folder.is_dir() else []


def refuse_unreadable(copies: list[Path]) -> None:
    """Raise KnownError, before anything is changed, when a copy cannot be encrypted
    (damaged, or not a database): the practitioner decides what becomes of it."""
    bad: list[str] = []
    for path in copies:
        try:
            if file_kind(path) is not FileKind.PLAIN:
                raise KnownError(ErrorKind.NOT_A_DATABASE, "not a database")
            with opened_file(path, read_only=True) as conn:
                verdict = conn.execute("PRAGMA quick_check").fetchone()[0]
            if verdict != "ok":
                raise KnownError(ErrorKind.DAMAGED, "damaged")
        except _UNREADABLE:
            bad.append(str(path))
    if bad:
        raise KnownError(ErrorKind.DAMAGED, "Nothing was encrypted: these unencrypted copies "
                         "of the records are damaged, so they cannot be encrypted with them: "
                         f"{', '.join(bad)}. Delete them, or move them off this computer, "
                         "then encrypt again.")


def remove_plain(path: Path) -> list[Path]:
    """Overwrite and delete `path` and its -wal, -shm and -journal; returns those removed."""
    removed: list[Path] = []
    for file in (path, *(path.with_name(path.name + s) for s in SIDE_SUFFIXES)):
        if file.is_file():
            overwrite_and_delete(file)
            removed.append(file)
    return removed


def encrypt_in_place(path: Path, passphrase: str) -> None:
    """Replace the plain SQLite file `path` by a checked encrypted copy of it, the plain
    bytes (and its side files') overwritten. Raises KnownError; `path` is then as it was."""
    copy = path.with_name(path.name + ".encrypting")
    try:
        write_encrypted_copy(path, copy, passphrase)
        for side in SIDE_SUFFIXES:
            leftover = path.with_name(path.name + side)
            if leftover.is_file():
                overwrite_and_delete(leftover)
        replace_overwriting(copy, path)
    except DRIVER_ERRORS as exc:
        raise KnownError(ErrorKind.CANNOT_OPEN, f"{path} could not be encrypted ({exc}).") \
            from exc
    except OSError as exc:
        raise KnownError(ErrorKind.CANNOT_OPEN, f"{path} could not be encrypted: "
                         f"{exc.strerror or exc}.") from exc
    finally:
        copy.unlink(missing_ok=True)
