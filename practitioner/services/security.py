"""Passphrase changes for the encrypted records file, and salted hashes of unlock secrets.

The lock screen never compares against a passphrase or PIN held in plain text: it checks
what is typed against an argon2 hash.
"""

from __future__ import annotations

import os
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from practitioner.db.base import database
from practitioner.db.cipher import (
    DRIVER_ERRORS,
    passphrase_of,
    rekey,
    write_encrypted_copy,
)
from practitioner.db.connection import close_database, open_sqlite
from practitioner.db.errors import translated_errors
from practitioner.domain.passphrase import passphrase_problem
from practitioner.errors import ErrorKind, KnownError

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
    """Encryption state of the open records file, and changing its passphrase."""

    def is_encrypted(self) -> bool:
        """True when the open records file is encrypted with a passphrase."""
        return passphrase_of(database.obj) is not None

    def change_passphrase(self, current: str, new: str, confirmation: str) -> None:
        """Re-encrypt the open records file under `new` (PRAGMA rekey).

        Raises KnownError when `current` is wrong or `new` is not acceptable; nothing is
        changed then. Backups made earlier keep the passphrase they were made with.
        """
        problem = passphrase_problem(new, confirmation)
        if problem:
            raise KnownError(ErrorKind.PASSPHRASE, problem)
        db = database.obj
        with translated_errors("changing the passphrase"):
            rekey(db, current, new, Path(db.database))

    def encrypt(self, passphrase: str, confirmation: str) -> Path:
        """Encrypt the open plain records file under `passphrase` and reopen it.

        An encrypted copy is written beside the file and checked, then takes its place;
        the plain original is kept as `<name>.before-encryption` (returned) for the
        practitioner to delete once satisfied. Raises KnownError, leaving the plain file
        open and unchanged, when anything fails.
        """
        problem = passphrase_problem(passphrase, confirmation)
        if problem:
            raise KnownError(ErrorKind.PASSPHRASE, problem)
        if self.is_encrypted():
            raise KnownError(ErrorKind.PASSPHRASE, "The records are already encrypted.")
        path = Path(database.obj.database)
        copy = path.with_name(path.name + ".encrypting")
        kept = path.with_name(path.name + ".before-encryption")
        close_database()
        try:
            try:
                write_encrypted_copy(path, copy, passphrase)
            except DRIVER_ERRORS as exc:
                raise KnownError(ErrorKind.CANNOT_OPEN,
                                 f"The records could not be encrypted ({exc}); nothing was "
                                 "changed.") from exc
            os.replace(path, kept)
            os.replace(copy, path)
        except BaseException:
            copy.unlink(missing_ok=True)
            if kept.exists() and not path.exists():
                os.replace(kept, path)
            open_sqlite(path)
            raise
        open_sqlite(path, passphrase=passphrase)
        return kept
