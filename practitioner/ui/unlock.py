"""What unlocks the locked window: the records' passphrase, or a PIN when they are not
encrypted. Both are checked against an argon2 hash; neither is kept in plain text."""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QSettings

from practitioner.services.security import hash_secret, secret_matches

PIN_HASH_KEY = "security/pin_hash"
PIN_DECLINED_KEY = "security/pin_declined"
LOCK_AFTER_KEY = "security/lock_after_minutes"
DEFAULT_LOCK_AFTER_MINUTES = 10


class UnlockCheck(Protocol):
    """Checks what is typed on the lock screen."""

    what: str

    def is_set(self) -> bool:
        """True when a secret exists (else Unlock alone opens the window)."""
        ...

    def matches(self, secret: str) -> bool:
        """True when `secret` unlocks."""
        ...


class PassphraseUnlock:
    """Unlocks with the passphrase of the encrypted records, known only by its hash."""

    what = "passphrase"

    def __init__(self, passphrase_hash: str) -> None:
        self._hash = passphrase_hash

    def is_set(self) -> bool:
        return True

    def matches(self, secret: str) -> bool:
        return secret_matches(self._hash, secret)

    def replace(self, passphrase: str) -> None:
        """Unlock with `passphrase` from now on (after a change of passphrase)."""
        self._hash = hash_secret(passphrase)


class PinUnlock:
    """Unlocks with the practitioner's PIN, stored as an argon2 hash in the settings."""

    what = "PIN"

    def __init__(self, settings: QSettings) -> None:
        self._settings = settings

    def is_set(self) -> bool:
        return bool(self._settings.value(PIN_HASH_KEY, ""))

    def matches(self, secret: str) -> bool:
        stored = str(self._settings.value(PIN_HASH_KEY, ""))
        return bool(stored) and secret_matches(stored, secret)

    def set_pin(self, pin: str) -> None:
        """Store the hash of `pin`."""
        self._settings.setValue(PIN_HASH_KEY, hash_secret(pin))
        self._settings.remove(PIN_DECLINED_KEY)
        self._settings.sync()

    def declined(self) -> bool:
        """True once the practitioner chose to lock without a PIN."""
        return str(self._settings.value(PIN_DECLINED_KEY, "false")).lower() == "true"

    def decline(self) -> None:
        """Remember that the practitioner chose to lock without a PIN."""
        self._settings.setValue(PIN_DECLINED_KEY, "true")
        self._settings.sync()


def lock_after_minutes(settings: QSettings) -> float:
    """The idle time before the window locks (0: never); a bad setting means the default."""
    try:
        minutes = float(str(settings.value(LOCK_AFTER_KEY, DEFAULT_LOCK_AFTER_MINUTES)))
    except (TypeError, ValueError):
        return DEFAULT_LOCK_AFTER_MINUTES
    return minutes if minutes >= 0 else DEFAULT_LOCK_AFTER_MINUTES


def unlock_pause_ms(failures: int) -> int:
    """How long the lock screen refuses another try after `failures` wrong ones: none for
    the first two, then 1 s doubling up to a minute."""
    if failures < 3:
        return 0
    return int(min(1000 * 2 ** (failures - 3), 60_000))
