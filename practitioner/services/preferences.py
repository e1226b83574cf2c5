"""Checking typed preferences, for the Preferences dialog and the command line alike."""

from __future__ import annotations

from pathlib import Path

from practitioner.domain.preferences import Preferences, read_preferences


def check_preferences(texts: dict[str, str], *, name_required: bool = True,
                      ) -> tuple[Preferences | None, dict[str, str]]:
    """`read_preferences`, plus what needs the file system: the backup folder must be a
    folder (or not exist yet, and it is made at the first backup)."""
    prefs, problems = read_preferences(texts, name_required=name_required)
    folder = texts.get("backup_folder", "").strip()
    if folder and "backup_folder" not in problems:
        path = Path(folder)
        if path.exists() and not path.is_dir():
            problems["backup_folder"] = "This is a file, not a folder."
        elif not path.exists() and not path.parent.is_dir():
            problems["backup_folder"] = f"{path.parent} does not exist."
    return (None if problems else prefs), problems
