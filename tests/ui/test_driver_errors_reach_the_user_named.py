"""A database error that escapes a slot (damage a read meets, such as a stored text that
is not UTF-8) is shown for what it is, as the command line says it, never as an
"unexpected problem"."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from practitioner import app
from tests.helpers.fakes import FakeMessages


@pytest.mark.parametrize("error", [
    sqlite3.OperationalError("Could not decode to UTF-8 column 'plan' with text 'x\ufffd'"),
    sqlite3.DatabaseError("database disk image is malformed"),
])
def test_a_damaged_read_in_the_window_is_named_as_damage(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: Exception,
) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    messages = FakeMessages()
    app._install_excepthook(messages, tmp_path / "practitioner.log")
    sys.excepthook(type(error), error, None)
    [(title, text)] = messages.errors
    assert title == "Something went wrong"
    assert "damaged" in text and "unexpected" not in text, text
