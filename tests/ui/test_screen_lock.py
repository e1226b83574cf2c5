"""The screen lock: Ctrl+L and idleness hide every patient detail, drafts are kept first,
and only the PIN (or the records' passphrase) unlocks, with failures reported inline."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QAbstractListModel, QModelIndex, QSettings, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from practitioner.content.points import load_points
from practitioner.domain.patient import PatientInput
from practitioner.services.bundle import Services
from practitioner.services.security import hash_secret
from practitioner.ui.main_window import MainWindow
from practitioner.ui.messages import Answer
from practitioner.ui.unlock import PIN_HASH_KEY, PassphraseUnlock
from tests.helpers.db_fixtures import TODAY
from tests.helpers.fakes import FakeMessages

NAME = "Quentin Lockwood"
NOTE = "Zanzibar nocturnal calf note"
PIN = "4821"


def _visible_texts() -> list[str]:
    """Every text a person could read on screen now: window titles, labels, fields,
    buttons and the cells of item views."""
    texts: list[str] = []
    # Walk down from the visible windows only: widgets of windows that earlier tests
    # closed are none of this test's business (and may be half torn down).
    shown = [top for top in QApplication.topLevelWidgets() if top.isVisible()]
    widgets = [w for top in shown for w in (top, *top.findChildren(QWidget))]
    for widget in widgets:
        if not widget.isVisible():
            continue
        if widget.isWindow():
            texts.append(widget.windowTitle())
        if isinstance(widget, QLabel | QLineEdit | QAbstractButton):
            texts.append(widget.text())
        elif isinstance(widget, QComboBox):
            texts.append(widget.currentText())
        elif isinstance(widget, QPlainTextEdit | QTextEdit):
            texts.append(widget.toPlainText())
        elif isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            root = QModelIndex()
            columns = 1 if isinstance(model, QAbstractListModel) else model.columnCount(root)
            texts.extend(str(model.index(row, col).data())
                         for row in range(model.rowCount(root)) for col in range(columns))
    return texts


def _shows(text: str) -> bool:
    return any(text in shown for shown in _visible_texts())


@pytest.fixture
def events() -> list[str]:
    return []


@pytest.fixture
def locked_window(
    qtbot: QtBot, services: Services, messages: FakeMessages, settings_path: Path,
    events: list[str],
) -> Iterator[MainWindow]:
    """A window with a patient open and a session note being typed."""
    settings = QSettings(str(settings_path), QSettings.Format.IniFormat)
    window = MainWindow(services, load_points(), messages, settings, today=lambda: TODAY,
                        security_events=events.append)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    patient = services.patients.create(PatientInput(name=NAME))
    window.refresh_list()
    window.workspace.open_patient(patient.id)
    window.patient_list.select_patient(patient.id)
    window.workspace.show_sessions()
    window.workspace.sessions.new_session()
    window.workspace.sessions.form.notes.setPlainText(NOTE)
    window.show_reference(True)
    yield window
    # Close for real: a window left open (its note unsaved) would show this patient's
    # name to the next test's screen walk.
    window.workspace.form.mark_saved()
    messages.default_unsaved = Answer.DISCARD
    window.close()
    assert not window.isVisible()


def test_ctrl_l_hides_every_patient_detail_and_keeps_the_draft(
    qtbot: QtBot, locked_window: MainWindow, services: Services, messages: FakeMessages,
    events: list[str],
) -> None:
    window = locked_window
    assert _shows(NAME) and _shows(NOTE), "the test must see the data before locking"
    assert services.drafts.summaries() == []
    messages.new_pins = [PIN]

    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)

    assert window.security.is_locked()
    assert not _shows(NAME) and not _shows(NOTE)
    assert not window.reference.isVisible()
    assert not window.menuBar().isVisible() and not window.toolbar.isVisible()
    assert "locked" in window.windowTitle()
    assert not window.commands.save.isEnabled(), "no shortcut may act on the hidden forms"
    [summary] = services.drafts.summaries()
    assert summary.patient_name == NAME
    draft = services.drafts.get(summary.patient_id, None)
    assert draft is not None and draft.payload["f_notes"] == NOTE
    assert events == ["lock"]


def test_idle_time_locks_the_window(qtbot: QtBot, locked_window: MainWindow) -> None:
    window = locked_window
    window.security.idle.set_interval_ms(100)
    qtbot.waitUntil(window.security.is_locked, timeout=3000)
    assert not _shows(NAME) and not _shows(NOTE)


def test_idle_time_never_locks_a_closed_window(
    qtbot: QtBot, locked_window: MainWindow
) -> None:
    window = locked_window
    window.close()
    window.security.idle.set_interval_ms(1)
    qtbot.waitUntil(lambda: window.security.idle.remaining_ms() == -1, timeout=3000)
    assert not window.security.is_locked()


def test_input_keeps_the_window_unlocked(qtbot: QtBot, locked_window: MainWindow) -> None:
    window = locked_window
    window.security.idle.set_interval_ms(5000)
    qtbot.waitUntil(lambda: window.security.idle.remaining_ms() < 4300, timeout=3000)
    qtbot.keyClicks(window.workspace.sessions.form.notes, "x")
    assert window.security.idle.remaining_ms() > 4600, "a key press starts the idle count again"
    assert not window.security.is_locked()


def test_wrong_pin_is_reported_inline_then_the_right_one_unlocks(
    qtbot: QtBot, locked_window: MainWindow, messages: FakeMessages, events: list[str],
) -> None:
    window = locked_window
    messages.new_pins = [PIN]
    window.security.lock_now()
    screen = window.security.screen
    assert screen.secret.isVisible()

    qtbot.keyClicks(screen.secret, "0000")
    qtbot.keyClick(screen.secret, Qt.Key.Key_Return)
    assert window.security.is_locked()
    assert screen.error.isVisible() and screen.error.text() == "Wrong PIN"
    assert messages.errors == [], "failures are shown on the lock screen, not in a popup"
    assert not _shows(NAME)

    qtbot.keyClicks(screen.secret, PIN)
    qtbot.keyClick(screen.secret, Qt.Key.Key_Return)
    assert not window.security.is_locked()
    assert _shows(NAME) and _shows(NOTE)
    assert window.reference.isVisible() and window.menuBar().isVisible()
    assert window.toolbar.isVisible()
    assert window.commands.save.isEnabled()
    assert "locked" not in window.windowTitle()
    assert events == ["lock", "unlock_failed", "unlock"]


def test_repeated_failures_pause_the_lock_screen(
    qtbot: QtBot, locked_window: MainWindow, settings_path: Path,
) -> None:
    window = locked_window
    QSettings(str(settings_path), QSettings.Format.IniFormat).setValue(
        PIN_HASH_KEY, hash_secret(PIN))
    window.security.unlock_pause_ms = lambda failures: 0 if failures < 2 else 150 * failures
    window.security.lock_now()
    screen = window.security.screen
    screen.unlock_requested.emit("1111")
    assert not screen.is_paused()
    screen.unlock_requested.emit("2222")
    assert screen.is_paused() and not screen.secret.isEnabled()
    # While paused, even the right PIN is not tried.
    screen.secret.setText(PIN)
    screen.unlock_button.click()
    assert window.security.is_locked()
    qtbot.waitUntil(lambda: screen.secret.isEnabled(), timeout=3000)
    screen.secret.setText(PIN)
    screen.unlock_button.click()
    assert not window.security.is_locked()


def test_without_a_pin_the_practitioner_is_asked_first_then_unlock_is_plain(
    qtbot: QtBot, locked_window: MainWindow, messages: FakeMessages,
) -> None:
    window = locked_window
    messages.new_pins = [None]  # declines to set a PIN
    window.security.lock_now()
    assert len(messages.pin_intros) == 1
    assert not window.security.screen.secret.isVisible()
    assert "No lock PIN is set" in window.security.screen.hint.text()
    window.security.screen.unlock_button.click()
    assert not window.security.is_locked()
    window.security.lock_now()
    assert len(messages.pin_intros) == 1, "asked once, not at every lock"


def test_encrypted_records_unlock_with_their_passphrase(
    qtbot: QtBot, services: Services, messages: FakeMessages, settings_path: Path,
) -> None:
    settings = QSettings(str(settings_path), QSettings.Format.IniFormat)
    window = MainWindow(services, load_points(), messages, settings, today=lambda: TODAY,
                        unlock=PassphraseUnlock(hash_secret("the records passphrase")))
    qtbot.addWidget(window)
    window.show()
    window.security.lock_now()
    assert messages.pin_intros == [], "no PIN is needed when there is a passphrase"
    window.security.screen.unlock_requested.emit("the records passphrase!")
    assert window.security.screen.error.text() == "Wrong passphrase"
    window.security.screen.unlock_requested.emit("the records passphrase")
    assert not window.security.is_locked()


def test_lock_time_comes_from_the_settings(
    qtbot: QtBot, services: Services, messages: FakeMessages, settings_path: Path,
) -> None:
    settings = QSettings(str(settings_path), QSettings.Format.IniFormat)
    default = MainWindow(services, load_points(), messages, settings)
    qtbot.addWidget(default)
    assert default.security.idle.interval_ms() == 600_000
    settings.setValue("security/lock_after_minutes", 0)
    never = MainWindow(services, load_points(), messages, settings)
    qtbot.addWidget(never)
    assert never.security.idle.interval_ms() == 0


def test_closing_while_locked_never_names_the_patient(
    qtbot: QtBot, locked_window: MainWindow, messages: FakeMessages,
) -> None:
    window = locked_window
    window.workspace.tabs.setCurrentIndex(0)
    window.workspace.form.name.setText(NAME + " Jr")  # an unsaved profile edit
    messages.new_pins = [PIN]
    window.security.lock_now()
    assert not window.close()
    assert messages.unsaved_prompts == []
    assert "Unlock first" in window.security.screen.error.text()
    assert not _shows(NAME)
    # Once unlocked, closing asks about the edit as usual.
    window.security.screen.unlock_requested.emit(PIN)
    assert not window.close()
    assert messages.unsaved_prompts == [NAME]

