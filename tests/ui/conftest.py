"""GUI fixtures: a real main window over a real migrated records file, with fake prompts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from practitioner.services.patients import PatientService
from practitioner.ui.main_window import MainWindow
from tests.helpers.db_fixtures import TODAY
from tests.helpers.fakes import FakeMessages


@pytest.fixture
def messages() -> FakeMessages:
    return FakeMessages()


@pytest.fixture
def settings_path(tmp_path: Path) -> Path:
    return tmp_path / "settings.ini"


@pytest.fixture
def window(
    qtbot: QtBot, patients: PatientService, messages: FakeMessages, settings_path: Path
) -> Iterator[MainWindow]:
    settings = QSettings(str(settings_path), QSettings.Format.IniFormat)
    main = MainWindow(patients, messages, settings, today=lambda: TODAY)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    yield main
    # Leave nothing dirty so closing in teardown never prompts.
    main.workspace.form.mark_saved()
