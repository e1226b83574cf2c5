"""Checking typed preferences, for the Preferences dialog and the command line alike."""

from __future__ import annotations

import os
from pathlib import Path

from practitioner.domain.preferences import FIELDS, Preferences, as_texts, read_preferences
from practitioner.services.settings_file import ini_setting

#: Preference field → settings key.
KEYS = {
    "practitioner_name": "practitioner/name",
    "credentials": "practitioner/credentials",
    "practice_name": "practice/name",
    "practice_address": "practice/address",
    "letterhead": "practice/letterhead",
    "responder_percent": "outcomes/responder_percent",
    "severity_points": "outcomes/severity_points",
    "severity_percent": "outcomes/severity_percent",
    "psfs_points": "outcomes/psfs_points",
    "diary_min_days": "outcomes/diary_min_days",
    "lock_after_minutes": "security/lock_after_minutes",
    "backup_folder": "backups/folder",
    "backups_to_keep": "backups/keep",
    "clinic_host": "clinic/host",
    "clinic_port": "clinic/port",
    "clinic_database": "clinic/database",
    "clinic_user": "clinic/user",
}
assert set(KEYS) == set(FIELDS)


def check_preferences(texts: dict[str, str], *, name_required: bool = True,
                      ) -> tuple[Preferences | None, dict[str, str]]:
    """`read_preferences`, plus what needs the file system: the backup folder must be a
    folder (or not exist yet, and it is made at the first backup)."""
    prefs, problems = read_preferences(texts, name_required=name_required)
    folder = texts.get("backup_folder", "").strip()
    if folder and "backup_folder" not in problems:
        path = Path(folder)
        try:
            if path.exists() and not path.is_dir():
                problems["backup_folder"] = "This is a file, not a folder."
            elif path.is_dir() and not os.access(path, os.W_OK | os.X_OK):
                problems["backup_folder"] = "You cannot write to this folder."
            elif not path.exists() and not path.parent.is_dir():
                problems["backup_folder"] = f"{path.parent} does not exist."
        except OSError as exc:  # a path the system refuses (too long, no permission)
            problems["backup_folder"] = f"This folder cannot be used: {exc.strerror}."
    return (None if problems else prefs), problems


def saved_preferences(settings_file: Path) -> Preferences:
    """The preferences in the GUI's `settings.ini`, read without Qt (the command line);
    a value a hand-edited file got wrong means its default, as in the window."""
    defaults = as_texts(Preferences())
    texts = {name: ini_setting(settings_file, key) or defaults[name]
             for name, key in KEYS.items()}
    prefs, problems = read_preferences(texts, name_required=False)
    if prefs is None:
        prefs, _ = read_preferences({**texts, **{n: defaults[n] for n in problems}},
                                    name_required=False)
    return prefs or Preferences()
