"""The command line's exit codes: one table, from the reasons a command fails (ErrorKind).

The README's command-line section lists the same table (a test holds the two equal).
Scripts can tell "try again later" (locked), "repair or restore" (damaged), "update the
app" (too new) and "give the passphrase" apart from a problem found and a usage error.
"""

from __future__ import annotations

import enum

from practitioner.errors import ErrorKind


class ExitCode(enum.IntEnum):
    """What a command's exit status means."""

    OK = 0
    FAILED = 1
    USAGE = 2
    LOCKED = 3
    DAMAGED = 4
    TOO_NEW = 5
    PASSPHRASE = 6
    NO_RECORDS = 7
    BUG = 70

    @property
    def meaning(self) -> str:
        """One line for the README and `--help`."""
        return _MEANINGS[self]


_MEANINGS = {
    ExitCode.OK: "done; for `check` and `audit verify`: no problem found",
    ExitCode.FAILED: "a problem was found, or the command could not do what was asked "
    "(the line on stderr says why)",
    ExitCode.USAGE: "the command line itself is wrong (unknown command, missing or "
    "malformed option)",
    ExitCode.LOCKED: "the records are in use by another program; try again once it is "
    "closed",
    ExitCode.DAMAGED: "the records file is damaged or is not a records file; it was not "
    "changed",
    ExitCode.TOO_NEW: "the records were written by a newer version of the app; update it",
    ExitCode.PASSPHRASE: "a passphrase or password is needed, or the one given is wrong",
    ExitCode.NO_RECORDS: "there is no records file at that path (only `demo`, `import` "
    "and `restore` make one)",
    ExitCode.BUG: "an unexpected failure: a bug, please report it",
}

# Every other ErrorKind is FAILED.
_BY_KIND = {
    ErrorKind.LOCKED: ExitCode.LOCKED,
    ErrorKind.SERVER_BUSY: ExitCode.LOCKED,
    ErrorKind.DAMAGED: ExitCode.DAMAGED,
    ErrorKind.NOT_A_DATABASE: ExitCode.DAMAGED,
    ErrorKind.TOO_NEW: ExitCode.TOO_NEW,
    ErrorKind.PASSPHRASE: ExitCode.PASSPHRASE,
    ErrorKind.AUTH_FAILED: ExitCode.PASSPHRASE,
    ErrorKind.LOGIN: ExitCode.PASSPHRASE,
    ErrorKind.MISSING: ExitCode.NO_RECORDS,
}


def exit_code_for(kind: ErrorKind) -> ExitCode:
    """The exit code of a command that failed for `kind`."""
    return _BY_KIND.get(kind, ExitCode.FAILED)


def kinds_of(code: ExitCode) -> list[ErrorKind]:
    """The ErrorKinds that end in `code` (FAILED: every kind not mapped elsewhere)."""
    return [kind for kind in ErrorKind if exit_code_for(kind) is code]
