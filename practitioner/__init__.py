"""Cramp Practitioner: cramp records, TCM treatment sessions and outcomes for acupuncture
practitioners.

The application's name, organisation and version have one source, the `[project]` table of
pyproject.toml, read here through the installed package's metadata.
"""

from __future__ import annotations

from importlib import metadata

DISTRIBUTION = "cramp-practitioner"


def _identity() -> tuple[str, str, str]:
    """(name, version, organisation) from the installed distribution's metadata, else from
    the checkout's pyproject.toml (a source tree never installed, or installed before the
    organisation was recorded)."""
    try:
        found = metadata.metadata(DISTRIBUTION)
        if found["Author"]:
            return found["Name"], found["Version"], found["Author"]
    except metadata.PackageNotFoundError:
        pass
    import tomllib
    from pathlib import Path

    pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    return project["name"], project["version"], project["authors"][0]["name"]


_name, __version__, ORGANIZATION = _identity()
# "cramp-practitioner" -> "Cramp Practitioner" (shown) and "CrampPractitioner" (folders and
# settings; unchanged since the first release so existing records are still found).
DISPLAY_NAME = " ".join(part.capitalize() for part in _name.split("-"))
APP_NAME = DISPLAY_NAME.replace(" ", "")
