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
    return _unescape(value.strip())


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f",
            "v": "\v", "0": "\0", '"': '"', "\\": "\\", "'": "'", "?": "?"}


def _unescape(raw: str) -> str:
    """A value as QSettings writes it: quoted parts, backslash escapes (\\n, \\", \\\\,
    \\xHHHH); an unquoted comma separates a list, read back joined by ", " as the
    window reads it."""
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    i = 0
    while i < len(raw):
        c = raw[i]
        if c == "\\" and i + 1 < len(raw):
            nxt = raw[i + 1]
            if nxt == "x":
                digits = ""
                while i + 2 + len(digits) < len(raw) and len(digits) < 4 and \
                        raw[i + 2 + len(digits)] in "0123456789abcdefABCDEF":
                    digits += raw[i + 2 + len(digits)]
                current.append(chr(int(digits, 16)) if digits else "x")
                i += 2 + len(digits)
                continue
            current.append(_ESCAPES.get(nxt, nxt))
            i += 2
            continue
        if c == '"':
            quoted = not quoted
        elif c == "," and not quoted:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(c)
        i += 1
    parts.append("".join(current).strip() if parts else "".join(current))
    return ", ".join(parts)
