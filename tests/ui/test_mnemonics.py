"""Access letters (the '&' mnemonics) never clash: not within the menu bar, one menu, or
one page or dialog, and a form's letters never take one of the menu bar's (Alt+T is the
Tools menu, not the tongue). The walk must see every mnemonic written in `ui/`."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialog,
    QGroupBox,
    QLabel,
    QMenu,
    QTabBar,
    QWidget,
)
from pytestqt.qtbot import QtBot

from practitioner import app
from practitioner.domain.accounts import Identity
from practitioner.domain.patient import Patient
from practitioner.domain.preferences import Preferences
from practitioner.services.accounts import AccountService
from practitioner.services.identity import SignedIn
from practitioner.ui.dialogs.about_dialog import AboutDialog, AboutInfo, ShortcutsDialog
from practitioner.ui.dialogs.accounts_dialog import AccountsDialog
from practitioner.ui.dialogs.connect_dialog import ConnectDialog, ServerPasswordDialog
from practitioner.ui.dialogs.custom_measure import CustomMeasureDialog
from practitioner.ui.dialogs.login_dialog import LoginDialog, NewAccountDialog, SetPasswordDialog
from practitioner.ui.dialogs.passphrase import (
    ChangePassphraseDialog,
    EnterPassphraseDialog,
    NewPassphraseDialog,
    NewPinDialog,
)
from practitioner.ui.dialogs.preferences_dialog import NameDialog, PreferencesDialog
from practitioner.ui.main_window import MainWindow
from tests.helpers.fakes import FakeMessages

UI = Path(__file__).resolve().parents[2] / "practitioner" / "ui"
WRITTEN = re.compile(r"""(["'])((?:(?!\1).)*?(?<!&)&[A-Za-z](?:(?!\1).)*)\1""")

#: Letters of menus other branches add to the bar (Help); forms keep clear of them too.
RESERVED_BAR_LETTERS = {"h"}

seen: set[str] = set()  # every text with a mnemonic the walk met


def letter(text: str) -> str | None:
    """The access letter of `text` ("&&" is a literal ampersand), lower case."""
    i = text.find("&")
    while i != -1 and i + 1 < len(text):
        if text[i + 1] != "&":
            seen.add(text)
            return text[i + 1].lower()
        i = text.find("&", i + 2)
    return None


def clashes(texts: Iterable[str]) -> dict[str, list[str]]:
    by_letter: dict[str, list[str]] = defaultdict(list)
    for text in texts:
        if (key := letter(text)) is not None:
            by_letter[key].append(text)
    return {k: v for k, v in by_letter.items() if len(v) > 1}


def shown_texts(root: QWidget) -> list[str]:
    """The texts that carry mnemonics in what `root` shows now (hidden tabs left out)."""
    texts = []
    for widget in [root, *root.findChildren(QWidget)]:
        if widget is not root and not widget.isVisibleTo(root):
            continue
        if isinstance(widget, (QLabel, QAbstractButton)):
            texts.append(widget.text())
        elif isinstance(widget, QGroupBox):
            texts.append(widget.title())
        elif isinstance(widget, QTabBar):
            texts += [widget.tabText(i) for i in range(widget.count())]
    return texts


def menus(window: MainWindow) -> list[QMenu]:
    found, todo = [], [a.menu() for a in window.menuBar().actions() if a.menu()]
    while todo:
        menu = todo.pop()
        assert isinstance(menu, QMenu)
        found.append(menu)
        todo += [a.menu() for a in menu.actions() if a.menu()]
    return found


@pytest.fixture
def full_window(qtbot: QtBot, tmp_path: Path, patient: Patient) -> MainWindow:
    """The window as a start builds it: Tools menu and clinic actions included."""
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    messages = FakeMessages()
    window = app.build_window(tmp_path / "records.db", messages, settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def bar_letters(window: MainWindow) -> set[str]:
    return {k for a in window.menuBar().actions() if (k := letter(a.text()))}


def test_the_menu_bar_and_every_menu_use_each_letter_once(full_window: MainWindow) -> None:
    titles = [a.text() for a in full_window.menuBar().actions()]
    assert not clashes(titles)
    assert {"i", "s", "v", "u", "t"} <= bar_letters(full_window)
    for menu in menus(full_window):
        assert not clashes(a.text() for a in menu.actions()), menu.title()


def test_every_page_uses_each_letter_once_and_none_of_the_menu_bar(
    full_window: MainWindow, qtbot: QtBot
) -> None:
    window = full_window
    window.refresh_list()
    window.open_first_patient()
    workspace = window.workspace
    bar = bar_letters(window) | RESERVED_BAR_LETTERS
    pages = {"profile": 0, "sessions": 1, "outcomes": 2}
    for name, index in pages.items():
        workspace.tabs.setCurrentIndex(index)
        if name == "sessions":
            workspace.sessions.new_session()
        texts = shown_texts(window)
        assert not clashes(texts), name
        taken = {k: t for t in texts if (k := letter(t)) in bar}
        assert not taken, f"{name}: {taken} take menu-bar letters"


def dialogs(qtbot: QtBot, db_path: Path) -> list[QDialog]:
    accounts = AccountService(user=SignedIn(Identity(None, "setup")))
    built: list[QDialog] = [
        EnterPassphraseDialog("records.db"), NewPassphraseDialog(), ChangePassphraseDialog(),
        NewPinDialog("A PIN."), ConnectDialog(keyring_available=True),
        ServerPasswordDialog("the server"), LoginDialog(lambda n, p: None),  # type: ignore
        NewAccountDialog(lambda n, r, p, c: None, first=False),  # type: ignore[arg-type]
        SetPasswordDialog("Dr Lee", lambda p, c: None), CustomMeasureDialog(),
        AccountsDialog(accounts, FakeMessages(), Identity(None, "setup")),
        AboutDialog(AboutInfo.gather("records.db", db_path.parent, None)),
        ShortcutsDialog([("File", "Save", "Ctrl+S")]),
        PreferencesDialog(Preferences()), NameDialog(),
    ]
    for dialog in built:
        qtbot.addWidget(dialog)
    return built


def test_every_dialog_uses_each_letter_once(qtbot: QtBot, db_path: Path) -> None:
    for dialog in dialogs(qtbot, db_path):
        assert not clashes(shown_texts(dialog)), dialog.windowTitle()


def test_the_walk_meets_every_mnemonic_written_in_ui(
    full_window: MainWindow, qtbot: QtBot, db_path: Path
) -> None:
    """A new form or menu with access letters must be walked by these tests too."""
    seen.clear()
    for menu in menus(full_window):
        for action in [menu.menuAction(), *menu.actions()]:
            letter(action.text())
    full_window.refresh_list()
    full_window.open_first_patient()
    for index in range(full_window.workspace.tabs.count()):
        full_window.workspace.tabs.setCurrentIndex(index)
        for text in shown_texts(full_window):
            letter(text)
    for widget in full_window.findChildren(QWidget):  # hidden ones too
        for text in shown_texts(widget):
            letter(text)
    for dialog in dialogs(qtbot, db_path):
        for text in shown_texts(dialog):
            letter(text)
    written = set()
    for path in UI.rglob("*.py"):
        for match in WRITTEN.finditer(path.read_text(encoding="utf-8")):
            text = match.group(2)
            if not text.startswith("<") and "&amp;" not in text and " & " not in text:
                written.add(text.replace("\\u2026", "…"))
    missed = sorted(written - seen)
    assert not missed
