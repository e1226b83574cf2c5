"""The practitioner's preferences as values, and the rules a typed preference must meet.

Pure: the window's Preferences dialog and the command line read the same text fields
through `read_preferences`, which says next to which field each problem belongs.
"""

from __future__ import annotations

import math
import os
import unicodedata
from dataclasses import dataclass, fields

from practitioner.domain.backup_policy import RotationPolicy
from practitioner.domain.diary_progress import PERIOD_DAYS as DIARY_PERIOD_DAYS
from practitioner.domain.outcomes import Thresholds
from practitioner.domain.server_address import DEFAULT_PORT, ServerAddress

MAX_LINE = 120
MAX_ADDRESS_LINES = 6
MAX_LETTERHEAD_LINES = 4
MAX_LOCK_MINUTES = 240
MAX_BACKUPS = 500
DEFAULT_LOCK_MINUTES = 10

_DEFAULT_THRESHOLDS = Thresholds()
#: Control characters, line and paragraph separators, surrogates, unassigned code points
#: (format characters such as an emoji's zero-width joiner are allowed).
_NOT_IN_A_LINE = frozenset({"Cc", "Zl", "Zp", "Cs", "Cn"})
MAX_PATH = 1000


@dataclass(frozen=True)
class Preferences:
    """Everything Tools › Preferences… sets. Empty texts mean "not set"."""

    practitioner_name: str = ""
    credentials: str = ""
    practice_name: str = ""
    practice_address: str = ""  # lines joined by "\n"
    letterhead: str = ""  # extra header lines of reports and letters, joined by "\n"
    responder_percent: float = _DEFAULT_THRESHOLDS.responder_percent
    severity_points: float = _DEFAULT_THRESHOLDS.severity_points
    severity_percent: float = _DEFAULT_THRESHOLDS.severity_percent
    psfs_points: float = _DEFAULT_THRESHOLDS.psfs_points
    diary_min_days: int = _DEFAULT_THRESHOLDS.diary_min_days
    lock_after_minutes: int = DEFAULT_LOCK_MINUTES
    backup_folder: str = ""  # empty: `backups/` beside the records
    backups_to_keep: int = RotationPolicy().recent
    clinic_host: str = ""
    clinic_port: int = DEFAULT_PORT
    clinic_database: str = ""
    clinic_user: str = ""

    def signature(self) -> str:
        """The name under a letter: "Name, credentials"."""
        return ", ".join(part for part in (self.practitioner_name, self.credentials) if part)

    def letterhead_lines(self) -> tuple[str, ...]:
        """The lines under the practice's name at the top of reports and letters."""
        return tuple(line for text in (self.practice_address, self.letterhead)
                     for line in text.splitlines() if line.strip())

    def thresholds(self) -> Thresholds:
        """The progress-flag thresholds, saying where changed numbers come from."""
        names = ("responder_percent", "severity_points", "severity_percent", "psfs_points",
                 "diary_min_days")
        changed = {n: getattr(self, n) for n in names
                   if getattr(self, n) != getattr(_DEFAULT_THRESHOLDS, n)}
        if not changed:
            return _DEFAULT_THRESHOLDS
        note = "Changed in Preferences: " + ", ".join(f"{k} = {v:g}" for k, v in changed.items())
        return Thresholds(**{n: getattr(self, n) for n in names},
                          sources=(*_DEFAULT_THRESHOLDS.sources, note))

    def clinic_address(self) -> ServerAddress | None:
        """The clinic server's address (no password), or None when none is set."""
        if not self.clinic_host.strip():
            return None
        return ServerAddress(host=self.clinic_host.strip(), port=self.clinic_port,
                             database=self.clinic_database.strip(),
                             user=self.clinic_user.strip())


FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Preferences))


def as_texts(prefs: Preferences) -> dict[str, str]:
    """Each field as the text a form shows (numbers without a trailing ".0")."""
    out: dict[str, str] = {}
    for name in FIELDS:
        value = getattr(prefs, name)
        out[name] = f"{value:g}" if isinstance(value, float) else str(value)
    return out


def _line_problem(text: str, *, required: str = "") -> str | None:
    if not text.strip():
        return required or None
    if len(text) > MAX_LINE:
        return f"At most {MAX_LINE} characters (this has {len(text)})."
    if any(unicodedata.category(c) in _NOT_IN_A_LINE for c in text):
        return "One line of text only: no line breaks, tabs or control characters."
    return None


def _lines_problem(text: str, most: int) -> str | None:
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) > most:
        return f"At most {most} lines (this has {len(lines)})."
    for number, line in enumerate(lines, 1):
        problem = _line_problem(line)
        if problem is not None:
            return f"Line {number}: {problem}"
    return None


def _number(text: str, low: float, high: float, what: str) -> tuple[float | None, str | None]:
    problem = f"Enter {what} from {low:g} to {high:g}."
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        return None, problem
    if not math.isfinite(value) or not low <= value <= high:
        return None, problem
    return value, None


def _whole(text: str, low: int, high: int, what: str) -> tuple[int | None, str | None]:
    stripped = text.strip()
    if not (stripped.isascii() and stripped.isdecimal()) or not low <= int(stripped) <= high:
        return None, f"Enter a whole number of {what} from {low} to {high}."
    return int(stripped), None


def read_preferences(texts: dict[str, str], *, name_required: bool = True,
                     ) -> tuple[Preferences | None, dict[str, str]]:
    """The preferences typed as `texts` (field name → text; missing ones keep their
    defaults), or None and, by field name, why each bad field cannot be used. Without
    `name_required` an empty practitioner's name is accepted (a file not yet set up)."""
    base = as_texts(Preferences())
    t = {name: texts.get(name, base[name]) for name in FIELDS}
    problems: dict[str, str] = {}
    values: dict[str, object] = {}

    def note(name: str, problem: str | None) -> None:
        if problem is not None:
            problems[name] = problem

    note("practitioner_name", _line_problem(
        t["practitioner_name"],
        required="Enter the name that signs your letters." if name_required else ""))
    for name in ("credentials", "practice_name"):
        note(name, _line_problem(t[name]))
    note("practice_address", _lines_problem(t["practice_address"], MAX_ADDRESS_LINES))
    note("letterhead", _lines_problem(t["letterhead"], MAX_LETTERHEAD_LINES))
    for name in ("practitioner_name", "credentials", "practice_name", "clinic_host",
                 "clinic_database", "clinic_user"):
        values[name] = t[name].strip()
    for name in ("practice_address", "letterhead"):
        values[name] = "\n".join(line.strip() for line in t[name].splitlines() if line.strip())
    for name, high, what in (("responder_percent", 100, "a percentage"),
                             ("severity_points", 10, "a number of points"),
                             ("severity_percent", 100, "a percentage"),
                             ("psfs_points", 10, "a number of points")):
        number, problem = _number(t[name], 0.1, high, what)
        note(name, problem)
        values[name] = number
    days, problem = _whole(t["diary_min_days"], 1, DIARY_PERIOD_DAYS, "days")
    note("diary_min_days", problem)
    values["diary_min_days"] = days
    minutes, problem = _whole(t["lock_after_minutes"], 0, MAX_LOCK_MINUTES, "minutes")
    note("lock_after_minutes", problem)
    values["lock_after_minutes"] = minutes
    keep, problem = _whole(t["backups_to_keep"], 1, MAX_BACKUPS, "backups")
    note("backups_to_keep", problem)
    values["backups_to_keep"] = keep
    folder = t["backup_folder"].strip()
    if len(folder) > MAX_PATH or any(unicodedata.category(c) in _NOT_IN_A_LINE
                                     for c in folder):
        note("backup_folder", "This is not a folder path: choose one with Browse….")
    elif folder and not os.path.isabs(folder):
        note("backup_folder", "Choose a full folder path (Browse…), or leave it empty for "
             "the backups folder beside the records.")
    values["backup_folder"] = folder
    port, problem = _whole(t["clinic_port"], 1, 65535, "the port")
    note("clinic_port", problem and "The port is a whole number from 1 to 65535.")
    values["clinic_port"] = port
    if values["clinic_host"] or values["clinic_database"] or values["clinic_user"]:
        for name, missing in (("clinic_host", "Enter the server's name or address."),
                              ("clinic_database", "Enter the name of the clinic's database."),
                              ("clinic_user", "Enter the database user name.")):
            text = str(values[name])
            if not text:
                note(name, missing)
            elif name == "clinic_host" and any(c.isspace() for c in text):
                note(name, "A server's name or address has no spaces.")
            else:
                note(name, _line_problem(text))
    if problems:
        return None, problems
    return Preferences(**values), {}  # type: ignore[arg-type]
