"""What makes an acceptable passphrase for encrypting the records, or PIN for the lock."""

from __future__ import annotations

MIN_PASSPHRASE_LENGTH = 10
MIN_PIN_LENGTH = 4


def passphrase_problem(passphrase: str, confirmation: str) -> str:
    """Why `passphrase` cannot be used for new encryption, or "" when it can."""
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        return f"Use at least {MIN_PASSPHRASE_LENGTH} characters."
    if passphrase != passphrase.strip():
        return "The passphrase must not start or end with a space."
    if "\x00" in passphrase:
        return "The passphrase contains a character that cannot be used."
    if passphrase != confirmation:
        return "The two passphrases differ."
    return ""


def pin_problem(pin: str, confirmation: str) -> str:
    """Why `pin` cannot unlock the screen, or "" when it can."""
    if len(pin) < MIN_PIN_LENGTH:
        return f"Use at least {MIN_PIN_LENGTH} characters."
    if pin != confirmation:
        return "The two PINs differ."
    return ""
