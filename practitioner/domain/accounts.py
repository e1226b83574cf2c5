"""Practitioner accounts' rules: roles, who is working, what makes a name or password
acceptable, how long a login waits after failures, and who may read a private note."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from dataclasses import dataclass

from practitioner.domain.session import SessionInput

#: A password shorter than this is refused when it is set.
MIN_PASSWORD_LENGTH = 10
#: Longer names are refused (they must fit the status bar and the audit trail).
MAX_NAME_LENGTH = 80
#: Failed logins allowed before the first pause.
FREE_ATTEMPTS = 3
#: The longest pause between login attempts, in seconds.
MAX_PAUSE_SECONDS = 300
#: What a reader who may not see a private note's text is shown instead.
PRIVATE_NOTE = "Private note"
#: The one message for a wrong name or a wrong password (never says which).
LOGIN_FAILED = "The name or the password is not right."


class Role(enum.Enum):
    """What an account may do: administrators manage accounts and read private notes."""

    PRACTITIONER = "practitioner"
    ADMINISTRATOR = "administrator"

    @property
    def label(self) -> str:
        return self.value.capitalize()


@dataclass(frozen=True)
class Identity:
    """Who is working: the signed-in account (id None for a name with no account, as in
    scripts and the command line, which act with an administrator's reach)."""

    id: int | None
    name: str
    role: Role = Role.ADMINISTRATOR

    @property
    def is_administrator(self) -> bool:
        return self.role is Role.ADMINISTRATOR


@dataclass(frozen=True)
class Account:
    """A stored practitioner account (never its password hash)."""

    id: int
    name: str
    role: Role
    active: bool
    created_at: dt.datetime
    has_password: bool = True

    @property
    def identity(self) -> Identity:
        return Identity(self.id, self.name, self.role)


def as_identity(who: Identity | str) -> Identity:
    """`who` as an Identity: a bare name is one with no account."""
    return who if isinstance(who, Identity) else Identity(None, who)


def name_key(name: str) -> str:
    """The form of a name that must be unique: case and spacing do not count."""
    return " ".join(name.split()).casefold()


def name_problem(name: str) -> str | None:
    """Why `name` cannot be an account's name, or None."""
    clean = " ".join(name.split())
    if not clean:
        return "Enter the practitioner's name."
    if len(clean) > MAX_NAME_LENGTH:
        return f"A name has at most {MAX_NAME_LENGTH} characters."
    return None


def password_problem(password: str, confirmation: str | None = None) -> str | None:
    """Why `password` cannot be set, or None; `confirmation` must repeat it when given."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"A password needs at least {MIN_PASSWORD_LENGTH} characters."
    if not password.strip():
        return "A password cannot be only spaces."
    if confirmation is not None and confirmation != password:
        return "The two passwords are not the same."
    return None


def pause_after(failures: int) -> int:
    """Seconds to wait before the next login attempt after `failures` failed ones in a
    row: none for the first few, then doubling from 2 s up to MAX_PAUSE_SECONDS."""
    if failures < FREE_ATTEMPTS:
        return 0
    return int(min(MAX_PAUSE_SECONDS, 2 ** (failures - FREE_ATTEMPTS + 1)))


def may_read_private(reader: Identity, author_id: int | None) -> bool:
    """Whether `reader` sees the text of a private note written by `author_id`."""
    return reader.is_administrator or (reader.id is not None and reader.id == author_id)


def withheld(data: SessionInput) -> SessionInput:
    """`data` as a reader who may not see a private note gets it: every free-text field
    emptied and the note saying PRIVATE_NOTE; dates, codes, points and measures stay, so
    the timeline, outcomes and caseload figures stay whole."""
    return dataclasses.replace(
        data, course_since_last="", patient_report="",
        tongue=dataclasses.replace(data.tongue, notes=""),
        pulse=dataclasses.replace(data.pulse, notes=""),
        pattern_other="", principle_notes="", herbal_formula="", advice_notes="", plan="",
        notes=PRIVATE_NOTE,
    )
