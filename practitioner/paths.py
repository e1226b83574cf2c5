"""Where the app keeps its files: the data folder, the default records file, and what it
ships (resources, migrations)."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

import platformdirs

from practitioner import APP_NAME, ORGANIZATION

__all__ = ["APP_NAME", "ORGANIZATION", "data_dir", "default_database_path", "shipped"]

DATA_DIR_ENV = "CRAMP_PRACTITIONER_DATA_DIR"
DATABASE_FILENAME = "records.db"
# Inside an installed package (wheel, bundle) the top-level `resources/` is this subfolder
# (pyproject.toml maps it); in a checkout it is the `resources/` beside the package.
PACKAGED_RESOURCES = "_resources"


def data_dir() -> Path:
    """The per-user application-data folder (overridable with $CRAMP_PRACTITIONER_DATA_DIR)."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override)
    return Path(platformdirs.user_data_dir(APP_NAME, ORGANIZATION, roaming=False))


def default_database_path() -> Path:
    """The practitioner's own records file, used when no --db is given."""
    return data_dir() / DATABASE_FILENAME


def shipped(*parts: str) -> Path:
    """A file or folder the app ships, found through `importlib.resources` wherever the
    package lives (checkout, wheel, one-folder bundle).

    `shipped("resources", "content")` is inside the top-level `resources/` folder;
    `shipped("practitioner", "db", "migrations")` is inside the package itself.
    """
    root, *rest = parts
    package = Path(str(resources.files("practitioner")))
    if root == "resources":
        packaged = package / PACKAGED_RESOURCES
        base = packaged if packaged.is_dir() else package.parent / "resources"
    elif root == "practitioner":
        base = package
    else:
        raise ValueError(f"not a shipped folder: {root}")
    return base.joinpath(*rest)
