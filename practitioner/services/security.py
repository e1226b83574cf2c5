"""Passphrase changes for the encrypted records file, and salted hashes of unlock secrets.

The lock screen never compares against a passphrase or PIN held in plain text: it checks
what is typed against an argon2 hash.
"""

from __future__ import annotations

from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from practitioner.db.base import database
from practitioner.db.cipher import (
    passphrase_of,
    rekey,
)
from practitioner.db.connection import close_database, open_sqlite
from practitioner.db.dialect import is_postgres
from practitioner.db.errors import translated_errors
from practitioner.domain.passphrase import passphrase_problem
from practitioner.errors import ErrorKind, KnownError
from practitioner.services.drafts import DraftService
from practitioner.services.encryption import (
    Encrypted,
    Rekeyed,
    encrypt_in_place,
    plain_copies,
    refuse_unreadable,
    rekey_copies,
    remove_plain,
    unfinished_backups,
)

_HASHER = PasswordHasher()


def hash_secret(secret: str) -> str:
    """A salted argon2id hash of `secret`, fit to keep in memory or in the settings."""
    return _HASHER.hash(secret)


def secret_matches(secret_hash: str, secret: str) -> bool:
    """True when `secret` is the one `secret_hash` was made from."""
    try:
        return _HASHER.verify(secret_hash, secret)
    except (VerificationError, InvalidHashError):
        return False


class SecurityService:
    """Encryption state of the open records file, and changing its passphrase.

    `drafts` is the window's draft service: its drafts kept on this computer move into
    the records when they are encrypted, and it keeps none there afterwards.
    """

    def __init__(self, drafts: DraftService | None = None) -> None:
        self._drafts = drafts or DraftService()

    def is_encrypted(self) -> bool:
        """True when the open records file is encrypted with a passphrase."""
        return passphrase_of(database.obj) is not None

    def change_passphrase(self, current: str, new: str, confirmation: str) -> Rekeyed:
        """Re-encrypt the open records file under `new` (PRAGMA rekey), then its backups
        and set-aside copies that `current` opens, so they stay restorable; returns them.

        Raises KnownError when `current` is wrong or `new` is not acceptable; nothing is
        changed then.
        """
        problem = passphrase_problem(new, confirmation)
        if problem:
            raise KnownError(ErrorKind.PASSPHRASE, problem)
        db = database.obj
        path = Path(db.database)
        with translated_errors("changing the passphrase"):
            rekey(db, current, new, path)
        return rekey_copies(path, current, new)

    def encrypt(self, passphrase: str, confirmation: str) -> Encrypted:
        """Encrypt the open plain records file under `passphrase` and reopen it, leaving
        no plain copy of the records behind.

        First the drafts kept on this computer are moved into the records. An encrypted
        copy is then written beside the file and checked, and takes its place, the plain
        bytes overwritten. Then every plain copy the app made (backups, files set aside by
        a restore) is re-encrypted under the same passphrase, and unfinished backups and
        the local drafts are overwritten and deleted; the result names each file. Raises
        KnownError, leaving the plain file open and unchanged, when the records cannot be
        encrypted, or a copy is damaged (it cannot be encrypted; the practitioner decides
        what becomes of it).
        """
        problem = passphrase_problem(passphrase, confirmation)
        if problem:
            raise KnownError(ErrorKind.PASSPHRASE, problem)
        if is_postgres():
            raise KnownError(ErrorKind.PASSPHRASE, "A clinic server's records are not "
                             "encrypted from the app; its disks are the administrator's.")
        if self.is_encrypted():
            raise KnownError(ErrorKind.PASSPHRASE, "The records are already encrypted.")
        path = Path(database.obj.database)
        copies = plain_copies(path)
        refuse_unreadable(copies)
        local = self._drafts.local
        draft_files = local.files() if local is not None else []
        moved = self._drafts.restore_local() if local is not None else []
        self._encrypt_records(path, passphrase)
        # The records are encrypted from here on: no draft may leave them any more.
        self._drafts.local = None
        done: list[Path] = []
        try:
            for copy in copies:
                encrypt_in_place(copy, passphrase)
                done.append(copy)
            removed: list[Path] = []
            for partial in unfinished_backups(path):
                removed += remove_plain(partial)
            if local is not None:
                wiped = local.wipe()
                removed += [p for p in draft_files if p not in wiped] + wiped
        except OSError as exc:
            raise KnownError(ErrorKind.CANNOT_OPEN, f"The records are encrypted, but a plain "
                             f"copy could not be removed ({exc.filename}: {exc.strerror}); "
                             "delete it.") from exc
        except KnownError as exc:
            raise KnownError(exc.kind, f"The records are encrypted, but not every plain copy "
                             f"of them: {exc.message}") from exc
        return Encrypted(path, tuple(done), tuple(removed), len(moved))

    @staticmethod
    def _encrypt_records(path: Path, passphrase: str) -> None:
        """Swap the open plain file for a checked encrypted copy (its plain bytes
        overwritten) and reopen it; on failure reopen the plain file, unchanged."""
        close_database()
        try:
            encrypt_in_place(path, passphrase)
        except BaseException:
            open_sqlite(path)
            raise
        open_sqlite(path, passphrase=passphrase)
