"""Passphrase changes for the encrypted records file, and salted hashes of unlock secrets.

The lock screen never compares against a passphrase or PIN held in plain text: it checks
what is typed against an argon2 hash.
"""

from __future__ import annotations

from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from practitioner.db.base import database
from practitioner.db.cipher import passphrase_of, rekey
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
