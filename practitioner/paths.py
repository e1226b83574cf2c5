"""Where the app keeps its files: the data folder, the default records file, resources."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "CrampPractitioner"
ORGANIZATION = "CrampPractitioner"
DATA_DIR_ENV = "CRAMP_PRACTITIONER_DATA_DIR"
DATABASE_FILENAME = "records.db"


def data_dir() -> Path:
    """The per-user application-data folder (overridable with $CRAMP_PRACTITIONER_DATA_DIR)."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override)
    return Path(platformdirs.user_data_dir(APP_NAME, ORGANIZATION, roaming=False))


def default_database_path() -> Path:
    """The practitioner's own records file, used when no --db is given."""
    return data_dir() / DATABASE_FILENAME


def resources_dir() -> Path:
    """The `resources/` folder shipped beside the package."""
    return Path(__file__).resolve().parent.parent / "resources"
