"""Practice preferences kept in settings.ini (QSettings), read into domain values.

One settings mechanism: the keys below are the INI keys hand-edited files already use
(`practitioner/name`, `outcomes/*`, `security/lock_after_minutes`, `clinic/*`); the
Preferences dialog reads and writes the same ones.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, TypedDict

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QWidget

from practitioner.domain.outcomes import Thresholds
from practitioner.domain.preferences import Preferences, as_texts, read_preferences
from practitioner.domain.retention import DEFAULT_RETENTION_YEARS
from practitioner.services.preferences import KEYS

if TYPE_CHECKING:
    from practitioner.ui.messages import Messages

class LetterIdentity(TypedDict):
    """`ReportService.build`'s keywords naming the sender."""

    practice: str
    practitioner: str
    letterhead: tuple[str, ...]




def load(settings: QSettings) -> Preferences:
    """The saved preferences; a value a hand-edited file got wrong means its default."""
    defaults = as_texts(Preferences())
    texts = {name: _text(settings.value(key, defaults[name])) for name, key in KEYS.items()}
    prefs, problems = read_preferences(texts, name_required=False)
    if prefs is None:  # fall back field by field, keeping the good ones
        prefs, _ = read_preferences({**texts, **{n: defaults[n] for n in problems}},
                                    name_required=False)
    return prefs or Preferences()


def _text(value: object) -> str:
    # An unquoted hand-edited INI value with commas reads back as a list.
    if isinstance(value, list):
        return ", ".join(str(part) for part in value)
    return "" if value is None else str(value)


def save(settings: QSettings, prefs: Preferences) -> bool:
    """Write `prefs` under their settings keys, at once; whether the file was written."""
    for name, text in as_texts(prefs).items():
        settings.setValue(KEYS[name], text)
    settings.sync()
    return settings.status() == QSettings.Status.NoError


def letterhead(settings: QSettings) -> LetterIdentity:
    """Who a report or letter is from: the practice, its lines, the signature."""
    prefs = load(settings)
    return {"practice": prefs.practice_name, "practitioner": prefs.signature(),
            "letterhead": prefs.letterhead_lines()}


def thresholds(settings: QSettings) -> Thresholds:
    """The progress-flag thresholds, with any set in the settings taking precedence."""
    return load(settings).thresholds()


def retention_years(settings: QSettings) -> int:
    """`privacy/retention_years`: how long records are kept after the last visit (and
    after a minor's 18th birthday); the default when unset or not a whole number ≥ 0."""
    raw = settings.value("privacy/retention_years")
    try:
        years = int(str(raw))
    except ValueError:
        return DEFAULT_RETENTION_YEARS
    return years if years >= 0 else DEFAULT_RETENTION_YEARS


def ask_name_on_first_start(messages: Messages, parent: QWidget | None,
                            settings: QSettings) -> Preferences | None:
    """Until a name is set, ask for the practitioner's name (so the computer's user name
    never signs); not answering now asks again at the next start. Returns the preferences
    with the name given, to apply now; None when nothing changed."""
    current = load(settings)
    if current.practitioner_name:
        return None
    name = messages.ask_practitioner_name(parent)
    if not name:
        return None
    chosen = dataclasses.replace(current, practitioner_name=name)
    save(settings, chosen)
    return chosen
