"""The window and the command line open their records through the same hardened
connection: the durable settings hold in the connection each one actually uses."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from practitioner import cli
from practitioner.app import build_window
from practitioner.db.base import database
from practitioner.db.connection import close_database
from tests.helpers.fakes import FakeMessages
from tests.helpers.pragmas import REQUIRED, reported


def test_the_windows_connection_has_every_setting(qtbot: QtBot, tmp_path: Path) -> None:
    window = build_window(tmp_path / "records.db", FakeMessages(),
                          QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    try:
        assert reported(database.connection()) == REQUIRED
    finally:
        close_database()


def test_the_command_lines_connection_has_every_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[dict[str, object]] = []
    original = cli.PatientService

    def recording_service(*args: object, **kwargs: object) -> object:
        seen.append(reported(database.connection()))
        return original(*args, **kwargs)

    monkeypatch.setattr(cli, "PatientService", recording_service)
    assert cli.main(["--db", str(tmp_path / "records.db"), "demo", "--patients", "1"]) == 0
    assert seen == [REQUIRED]
