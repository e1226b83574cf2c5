"""Settings for every test: Qt runs offscreen and nothing touches the real user folders."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Before any Qt import: tests never need a display.
os.environ["QT_QPA_PLATFORM"] = "offscreen"

from practitioner.paths import DATA_DIR_ENV

pytest_plugins = ["tests.helpers.db_fixtures"]


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the app's data folder into the test's own temporary folder."""
    folder = tmp_path / "appdata"
    monkeypatch.setenv(DATA_DIR_ENV, str(folder))
    return folder
