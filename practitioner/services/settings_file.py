"""Read the GUI's `settings.ini` (QSettings INI format) without Qt, for the command line."""

from __future__ import annotations

import configparser
from pathlib import Path


def ini_setting(path: Path, key: str) -> str | None:
    """The value of `key` ("section/name") in the INI file at `path`, or None when the
    file, the section or the name is missing or the file cannot be read."""
    section, _, name = key.partition("/")
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, OSError, UnicodeDecodeError):
        return None
    value = parser.get(section, name, fallback=None)
    if value is None:
        return None
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        # QSettings quotes values holding commas and the like, escaping with backslashes.
        value = value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return value
