"""Reading a small content file of the app's own (TOML) strictly: every problem is one
ContentError naming the file, so a bad shipped file is refused at load, not half used."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from practitioner.content.errors import ContentError


def fail(path: Path, message: str) -> ContentError:
    """The error for a problem in the content file `path`."""
    return ContentError(f"{path.name}: {message}")


def read_toml(path: Path) -> dict[str, Any]:
    """The file's tables. Raises ContentError when it cannot be read or parsed."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise fail(path, f"cannot be read: {' '.join(str(exc).split())}") from exc


def text(path: Path, raw: Mapping[str, Any], key: str, where: str) -> str:
    """`raw[key]` as non-empty text without surrounding spaces."""
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip() or value != value.strip():
        raise fail(path, f"{where}: “{key}” must be non-empty text without surrounding "
                         "spaces.")
    return value
