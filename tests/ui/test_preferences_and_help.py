"""Tools › Preferences… and the Help menu (issue 15, items 4 and 6)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QSettings, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QMenu
from pytestqt.qtbot import QtBot

import practitioner
from practitioner import app, logs
from practitioner.domain.preferences import Preferences
from practitioner.paths import data_dir
from practitioner.services.bundle import Services
from practitioner.services.settings_file import ini_setting
from practitioner.ui import preferences, theme
from practitioner.ui.actions import Actions
from practitioner.ui.dialogs.about_dialog import AboutDialog, AboutInfo
from practitioner.ui.dialogs.preferences_dialog import NameDialog, PreferencesDialog
from practitioner.ui.main_window import MainWindow
from practitioner.ui.records_tools import RecordsTools
from tests.helpers.demo_inputs import ann
from tests.helpers.fakes import FakeMessages
from tests.ui.conftest import make_window

NAMED = Preferences(practitioner_name="Dr Jane Doe")


def _menu(window: MainWindow, title: str) -> QMenu:
    for action in window.menuBar().actions():
        if action.text().replace("&", "") == title and isinstance(action.menu(), QMenu):
            return action.menu()  # type: ignore[return-value]
    raise AssertionError(f"no {title} menu")


def _save_button(dialog: PreferencesDialog) -> object:
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Save)


# -- the Preferences dialog on its own ------------------------------------------------------


def test_each_problem_shows_under_its_own_field_and_save_waits_for_a_fix(
    qtbot: QtBot,
) -> None:
    dialog = PreferencesDialog(NAMED)
    qtbot.addWidget(dialog)
    dialog.show()
    save = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
    assert save.isEnabled() and not any(p.isVisibleTo(dialog) for p in dialog.problems.values())

    dialog.tabs.setCurrentIndex(1)
    dialog.edits["lock_after_minutes"].setText("ten")  # type: ignore[union-attr]
    shown = [name for name, label in dialog.problems.items() if label.isVisibleTo(dialog)]
    assert shown == ["lock_after_minutes"]
    assert "whole number of minutes" in dialog.problems["lock_after_minutes"].text()
    assert not save.isEnabled() and dialog.value() is None

    dialog.edits["lock_after_minutes"].setText("3")  # type: ignore[union-attr]
    dialog.edits["practice_address"].setPlainText("1 Quay St\nHarbourtown")  # type: ignore[union-attr]
    assert save.isEnabled()
    assert dialog.value() == dataclasses.replace(
        NAMED, lock_after_minutes=3, practice_address="1 Quay St\nHarbourtown")


def test_save_is_refused_with_the_focus_on_the_first_bad_field_on_its_tab(
    qtbot: QtBot,
) -> None:
    dialog = PreferencesDialog(NAMED)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.edits["clinic_port"].setText("0")  # type: ignore[union-attr]
    dialog.tabs.setCurrentIndex(0)
    danger = theme.for_palette(dialog.palette()).danger.fg
    assert dialog.tabs.tabBar().tabTextColor(2).name() == danger  # the tab says so
    dialog.accept()
    assert dialog.isVisible() and dialog.result() != dialog.DialogCode.Accepted
    assert dialog.tabs.currentIndex() == 2
    assert dialog.focusWidget() is dialog.edits["clinic_port"]


def test_the_first_start_name_dialog_takes_only_a_usable_name(qtbot: QtBot) -> None:
    dialog = NameDialog()
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled() and not dialog.problem.isVisibleTo(dialog)
    dialog.name.setText("x" * 200)
    assert not ok.isEnabled() and "At most" in dialog.problem.text()
    dialog.name.setText("  Dr Jane Doe ")
    assert ok.isEnabled() and dialog.value() == "Dr Jane Doe"


# -- settings: one mechanism, old keys kept -------------------------------------------------


def test_hand_edited_settings_ini_keys_keep_working(tmp_path: Path) -> None:
    ini = tmp_path / "settings.ini"
    ini.write_text("[practitioner]\nname=Dr A, MSc\n[outcomes]\nresponder_percent=70\n"
                   "[security]\nlock_after_minutes=soon\n", encoding="utf-8")
    settings = QSettings(str(ini), QSettings.Format.IniFormat)
    loaded = preferences.load(settings)
    assert loaded.practitioner_name == "Dr A, MSc"
    assert loaded.responder_percent == 70 and loaded.lock_after_minutes == 10  # bad: default
    changed = dataclasses.replace(loaded, practice_address="1 Quay St\nHarbourtown",
                                  credentials="MBAcC, Lic.Ac.")
    preferences.save(settings, changed)
    assert preferences.load(QSettings(str(ini), QSettings.Format.IniFormat)) == changed
    assert ini_setting(ini, "practitioner/name") == "Dr A, MSc"  # the command line's reader


def test_the_first_start_asks_for_the_name_once_it_is_given(tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    messages = FakeMessages()
    preferences.ask_name_on_first_start(messages, None, settings)  # "later"
    messages.name_answer = "Dr Jane Doe"
    preferences.ask_name_on_first_start(messages, None, settings)
    preferences.ask_name_on_first_start(messages, None, settings)
    assert messages.names_asked == 2
    assert app.practitioner_name(settings) == "Dr Jane Doe"


# -- the window's menus ----------------------------------------------------------------------


def test_the_help_and_tools_menus_hold_their_actions(window: MainWindow) -> None:
    a = window.commands
    assert _menu(window, "Help").actions()[-1] is a.about
    for action in (a.shortcuts, a.open_data_folder, a.open_log_folder, a.about):
        assert action in _menu(window, "Help").actions()
    assert a.preferences in _menu(window, "Tools").actions()
    standard = QKeySequence.keyBindings(QKeySequence.StandardKey.Preferences)
    assert a.preferences.shortcut() == (standard[0] if standard else QKeySequence("Ctrl+,"))


def test_keyboard_shortcuts_are_made_from_the_actions_as_they_are(
    window: MainWindow, messages: FakeMessages,
) -> None:
    window.commands.find.setShortcut("Ctrl+Alt+F")  # a change shows without editing a list
    window.commands.shortcuts.trigger()
    [rows] = messages.shortcut_tables
    keys = {command: key for _, command, key in rows}
    assert keys["Find patient"] == QKeySequence("Ctrl+Alt+F").toString(
        QKeySequence.SequenceFormat.NativeText)
    assert keys["Preferences"] and keys["Reference pane"] == "F9"
    for field in dataclasses.fields(Actions):
        action = getattr(window.commands, field.name)
        if not action.shortcut().isEmpty():
            assert action.text().replace("&", "").rstrip("…") in keys, field.name


def test_about_names_the_version_records_and_folders(
    window: MainWindow, messages: FakeMessages, tmp_path: Path,
) -> None:
    window.records_in_use = "clinic records on ann@db.clinic.lan:5432/records"
    window.commands.about.trigger()
    [info] = messages.abouts
    assert info.version == practitioner.__version__
    assert info.licence == "GPL-3.0-or-later"
    assert info.records == window.records_in_use
    assert info.data_folder == str(data_dir())
    assert info.qt and info.python


def test_about_copies_its_facts_to_the_clipboard(qtbot: QtBot, tmp_path: Path) -> None:
    info = AboutInfo.gather(str(tmp_path / "records.db"), tmp_path, tmp_path / "x.log")
    dialog = AboutDialog(info)
    qtbot.addWidget(dialog)
    dialog.copy_button.click()
    text = QGuiApplication.clipboard().text()
    assert text == info.text()
    for _, value in info.rows():
        assert value in text


def test_about_is_as_tall_as_its_facts_with_no_blank_band(qtbot: QtBot, tmp_path: Path) -> None:
    info = AboutInfo.gather(str(tmp_path / "records.db"), tmp_path, tmp_path / "x.log")
    dialog = AboutDialog(info)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    needed = dialog.layout().totalHeightForWidth(dialog.width())
    assert dialog.height() <= needed + dialog.fontMetrics().height()
    dialog.copy_button.click()  # the "Copied" line still fits
    qtbot.waitUntil(lambda: dialog.height() >= dialog.layout().totalHeightForWidth(
        dialog.width()))


class _FileOpener(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.opened: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.opened.append(url)


@pytest.fixture
def file_opener() -> Iterator[_FileOpener]:
    """Qt's own hook for file: URLs, standing in for the desktop's file manager."""
    opener = _FileOpener()
    QDesktopServices.setUrlHandler("file", opener, "open")
    yield opener
    QDesktopServices.unsetUrlHandler("file")


def test_the_data_and_log_folders_open_in_the_file_manager(
    window: MainWindow, file_opener: _FileOpener,
) -> None:
    window.commands.open_data_folder.trigger()
    window.commands.open_log_folder.trigger()
    assert [Path(u.toLocalFile()) for u in file_opener.opened] == [data_dir(), logs.log_folder()]
    assert logs.log_folder().is_dir()


# -- applied without a restart ----------------------------------------------------------------


def test_preferences_apply_to_the_open_window_at_once(
    window: MainWindow, messages: FakeMessages, qtbot: QtBot, settings_path: Path,
) -> None:
    chosen = dataclasses.replace(
        NAMED, credentials="MBAcC", practice_name="Harbour Acupuncture",
        practice_address="1 Quay St", letterhead="Tel 01234 567890",
        responder_percent=70.0, lock_after_minutes=3)
    messages.preferences_answer = chosen
    with qtbot.waitSignal(window.preferences_changed) as changed:
        window.commands.preferences.trigger()
    assert changed.args == [chosen]
    assert window.workspace.outcomes.thresholds.responder_percent == 70
    assert window.security.idle._timer.interval() == 3 * 60_000
    assert ini_setting(settings_path, "practice/name") == "Harbour Acupuncture"

    patient = window.services.patients.create(ann())
    assert window.workspace.open_patient(patient.id)
    window.commands.referral_letter.trigger()
    letter = messages.reports[-1]
    assert letter.practitioner == "Dr Jane Doe, MBAcC"
    assert letter.practice == "Harbour Acupuncture"
    assert letter.letterhead == ("1 Quay St", "Tel 01234 567890")


def test_a_new_name_and_backup_folder_apply_in_the_composed_window(
    qtbot: QtBot, tmp_path: Path,
) -> None:
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    preferences.save(settings, Preferences(practitioner_name="Dr Old"))
    messages = FakeMessages()
    window = app.build_window(tmp_path / "records.db", messages, settings)
    qtbot.addWidget(window)
    try:
        label = window.findChild(QLabel, "signedIn")
        assert isinstance(label, QLabel) and label.text() == "Working as Dr Old"
        folder = tmp_path / "elsewhere"
        messages.preferences_answer = Preferences(
            practitioner_name="Dr New", backup_folder=str(folder), backups_to_keep=2)
        window.commands.preferences.trigger()
        assert label.text() == "Working as Dr New"
        tools = window.findChild(RecordsTools)
        assert isinstance(tools, RecordsTools)
        for _ in range(3):
            window.services.patients.create(ann())
            later = dt.datetime.now() + dt.timedelta(milliseconds=2)
            # Backups are named to the millisecond.
            qtbot.waitUntil(lambda t=later: dt.datetime.now() > t)  # type: ignore[misc]
            tools.back_up_now()
        assert messages.errors == []
        assert len(list(folder.glob("records.*.db"))) == 2
    finally:
        window.live.stop()
        app.close_database()


@pytest.mark.parametrize("value", [
    "1 Quay St\nHarbourtown", 'Dr "Jo" O\'Neil', "C:\\backups\\usb", "Doe, MBAcC, Lic.Ac.",
    "Zoë Ünal — 東京", "  padded  ", "a=b; #not a comment", "tab\there",
])
def test_the_command_line_reads_what_the_window_wrote(tmp_path: Path, value: str) -> None:
    ini = tmp_path / "settings.ini"
    settings = QSettings(str(ini), QSettings.Format.IniFormat)
    settings.setValue("practice/address", value)
    settings.sync()
    assert ini_setting(ini, "practice/address") == value


def test_a_backup_folder_that_cannot_be_used_is_refused_next_to_it(tmp_path: Path) -> None:
    from practitioner.services.preferences import check_preferences

    a_file = tmp_path / "notes.txt"
    a_file.write_text("x")
    cases = {str(a_file): "a file", str(tmp_path / "no" / "such"): "does not exist"}
    for folder, says in cases.items():
        _, problems = check_preferences({"practitioner_name": "Dr A", "backup_folder": folder})
        assert says in problems["backup_folder"]
    prefs, problems = check_preferences({"practitioner_name": "Dr A",
                                         "backup_folder": str(tmp_path / "new")})
    assert problems == {} and prefs is not None


def test_preferences_that_cannot_be_written_still_apply_and_say_so(
    qtbot: QtBot, services: Services, messages: FakeMessages, tmp_path: Path,
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    window = make_window(services, messages, blocker / "settings.ini")
    qtbot.addWidget(window)
    messages.preferences_answer = dataclasses.replace(NAMED, responder_percent=70.0)
    window.commands.preferences.trigger()
    [(title, text)] = messages.errors
    assert title == "Preferences not saved" and str(blocker) in text
    assert window.workspace.outcomes.thresholds.responder_percent == 70
