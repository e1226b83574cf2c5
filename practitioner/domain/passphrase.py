"""What makes an acceptable passphrase for encrypting the records, or PIN for the lock, and
how a passphrase is read from a file.

`passphrase_problem` is the one rule for a new passphrase: the dialogs, the services and
the database layer (which creates, encrypts and re-keys files) all apply it, so no path can
make a file encrypted under a weaker passphrase.
"""

from __future__ import annotations

MIN_PASSPHRASE_LENGTH = 10
MIN_PIN_LENGTH = 4
# A passphrase file is read up to this many bytes: its first line must end within them.
MAX_PASSPHRASE_FILE_BYTES = 4096


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


def passphrase_in_file(start: bytes) -> tuple[str, str]:
    """(passphrase, problem) from the first bytes of a passphrase file (at most
    `MAX_PASSPHRASE_FILE_BYTES` + 1 of them): its first line, as UTF-8 (a byte-order mark
    and a CR before the line end are dropped). `problem` is "" when the line can be used,
    else says what is wrong with the file."""
    line, newline, _ = start.partition(b"\n")
    if not newline and len(start) > MAX_PASSPHRASE_FILE_BYTES:
        return "", f"its first line is longer than {MAX_PASSPHRASE_FILE_BYTES} bytes"
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        return "", f"it is not UTF-8 text (byte {exc.start + 1} of its first line)"
    text = text.removeprefix("\ufeff").removesuffix("\r")
    if not text:
        return "", "its first line is empty" if start.strip() else "it is empty"
    if "\x00" in text:
        return "", "its first line holds a NUL character"
    return text, ""


def pin_problem(pin: str, confirmation: str) -> str:
    """Why `pin` cannot unlock the screen, or "" when it can."""
    if len(pin) < MIN_PIN_LENGTH:
        return f"Use at least {MIN_PIN_LENGTH} characters."
    if pin != confirmation:
        return "The two PINs differ."
    return ""
