"""GUI fixtures: a real main window over a real migrated records file, with fake prompts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from practitioner.content.points import load_points
from practitioner.services.bundle import Services
from practitioner.services.drafts import DraftService
from practitioner.services.letters import LetterService
from practitioner.services.patients import PatientService
from practitioner.services.protocols import ProtocolService
from practitioner.services.sessions import SessionService
from practitioner.ui.main_window import MainWindow
from tests.helpers.db_fixtures import TODAY, FakeClock
from tests.helpers.fakes import FakeMessages

# Visits are recorded in local wall-clock time; the UI tests pin it to this moment.
VISIT_NOW = dt.datetime(2025, 1, 15, 10, 0)
PRACTITIONER = "Dr Test"


@pytest.fixture
def messages() -> FakeMessages:
    return FakeMessages()


@pytest.fixture
def settings_path(tmp_path: Path) -> Path:
    return tmp_path / "settings.ini"


@pytest.fixture
def services(patients: PatientService, clock: FakeClock) -> Services:
    return Services(
        patients=patients,
        sessions=SessionService(clock=clock, local_clock=lambda: VISIT_NOW,
                                user=lambda: PRACTITIONER),
        drafts=DraftService(clock=clock),
        protocols=ProtocolService(clock=clock),
        letters=LetterService(clock=clock, user=lambda: PRACTITIONER),
    )


def make_window(services: Services, messages: FakeMessages, settings_path: Path) -> MainWindow:
    """A main window as the app builds it, over `services`."""
    settings = QSettings(str(settings_path), QSettings.Format.IniFormat)
    return MainWindow(services, load_points(), messages, settings, today=lambda: TODAY)


@pytest.fixture
def window(
    qtbot: QtBot, services: Services, messages: FakeMessages, settings_path: Path
) -> Iterator[MainWindow]:
    main = make_window(services, messages, settings_path)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    yield main
    # Leave nothing dirty so closing in teardown never prompts.
    main.workspace.form.mark_saved()
