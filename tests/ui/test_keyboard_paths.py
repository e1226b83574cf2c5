"""Keyboard paths land where the eye is: every Alt-jump and Tab stop is scrolled into view,
secret dialogs open on their field and show their problems whole, and the "changed since"
mark is not covered by the field below it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QGroupBox,
    QLabel,
    QLineEdit,
    QScrollArea,
    QStyle,
    QStyleOptionGroupBox,
    QWidget,
)
from pytestqt.qtbot import QtBot

from practitioner import app as app_module
from practitioner.content.points import load_points
from practitioner.ui.dialogs.connect_dialog import ConnectDialog, ServerPasswordDialog
from practitioner.ui.dialogs.login_dialog import LoginDialog, SetPasswordDialog
from practitioner.ui.dialogs.passphrase import (
    ChangePassphraseDialog,
    EnterPassphraseDialog,
    NewPassphraseDialog,
    NewPinDialog,
)
from practitioner.ui.main_window import MainWindow
from practitioner.ui.pages.session_form import SessionForm

ALT = Qt.KeyboardModifier.AltModifier


@pytest.fixture
def app_look(qapp: QApplication) -> Iterator[None]:
    """The look a start sets up (`_load_style`), focus following included."""
    before = qapp.style().name()
    app_module._load_style(qapp)
    yield
    qapp.setStyle(before)


def in_view(widget: QWidget) -> bool:
    """Whether `widget`'s top (all of it, when it fits) shows in every scroll area around
    it."""
    target, parent = widget, widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea) and parent.widget() is not None \
                and parent.widget().isAncestorOf(target):
            viewport = parent.viewport().rect()
            rect = QRect(target.mapTo(parent.viewport(), target.rect().topLeft()),
                         target.size())
            if rect.top() < 0 or rect.top() >= viewport.bottom():
                return False
            if rect.height() <= viewport.height() and rect.bottom() > viewport.bottom():
                return False
            target = parent
        parent = parent.parentWidget()
    return True


def jumps(page: QWidget) -> list[tuple[Qt.Key, QWidget]]:
    """The Alt-jumps shown on `page`: (letter key, the widget that gets the focus)."""
    found = []
    for label in page.findChildren(QLabel):
        buddy, text = label.buddy(), label.text()
        if buddy is None or "&" not in text or not label.isVisibleTo(page):
            continue
        key = Qt.Key(ord(text[text.index("&") + 1].upper()))
        found.append((key, buddy.focusProxy() or buddy))
    return found


def _jump_all(qtbot: QtBot, window: MainWindow, page: QWidget) -> None:
    found = jumps(page)
    assert len(found) >= 8
    for key, target in [*found, *reversed(found)]:  # down the page and back up
        qtbot.keyClick(QApplication.focusWidget() or window, key, ALT)
        qtbot.waitUntil(target.hasFocus)
        assert in_view(target), target.accessibleName()


def test_every_alt_jump_scrolls_its_field_into_view(
    app_look: None, opened: MainWindow, qtbot: QtBot
) -> None:
    opened.resize(1280, 720)
    workspace = opened.workspace
    workspace.tabs.setCurrentIndex(0)  # the profile
    _jump_all(qtbot, opened, workspace.form)
    workspace.show_sessions()
    workspace.sessions.new_session()
    notes = workspace.sessions.form.notes
    assert not in_view(notes)  # far down the note: the jump has something to do
    _jump_all(qtbot, opened, workspace.sessions.form)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_N, ALT)
    qtbot.waitUntil(notes.hasFocus)
    assert in_view(notes)
    workspace.sessions.flush_draft()


def test_every_tab_stop_of_the_session_note_is_in_view(
    app_look: None, opened: MainWindow, qtbot: QtBot
) -> None:
    opened.resize(1280, 720)
    opened.workspace.show_sessions()
    page = opened.workspace.sessions
    page.new_session()
    form = page.form
    qtbot.waitUntil(form.started_at.hasFocus)
    for _ in range(120):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        focused = QApplication.focusWidget()
        assert focused is not None
        if form.isAncestorOf(focused):
            assert in_view(focused), focused.accessibleName() or focused.objectName()
        if focused is form.notes:
            break
    else:
        pytest.fail("Tab never reached the notes")


SECRET_DIALOGS = [
    lambda: EnterPassphraseDialog("records.db"),
    lambda: NewPassphraseDialog(),
    lambda: ChangePassphraseDialog(),
    lambda: NewPinDialog("The PIN unlocks the screen."),
    lambda: ServerPasswordDialog("the clinic server"),
    lambda: SetPasswordDialog("Dr Lee", lambda p, c: None),
    lambda: LoginDialog(lambda n, p: None),  # type: ignore[arg-type, return-value]
    lambda: ConnectDialog(),
]


@pytest.mark.parametrize("make", SECRET_DIALOGS)
def test_secret_dialogs_open_with_their_first_field_focused(
    qtbot: QtBot, make: object
) -> None:
    dialog: QDialog = make()  # type: ignore[operator]
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    first = next(f for f in dialog.findChildren(QLineEdit) if f.isVisibleTo(dialog))
    qtbot.waitUntil(lambda: QApplication.focusWidget() is first)


def _labels_whole(dialog: QDialog) -> None:
    for label in dialog.findChildren(QLabel):
        if label.isVisible() and label.wordWrap():
            assert label.height() >= label.heightForWidth(label.width()), label.text()


@pytest.mark.parametrize("make", [NewPassphraseDialog, ChangePassphraseDialog,
                                  lambda: NewPinDialog("A PIN unlocks the screen while the "
                                                       "records are not encrypted.")])
def test_a_problem_shown_in_a_secret_dialog_leaves_every_text_whole(
    qtbot: QtBot, make: object
) -> None:
    dialog: QDialog = make()  # type: ignore[operator]
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    _labels_whole(dialog)
    fields = [f for f in dialog.findChildren(QLineEdit) if f.isVisibleTo(dialog)]
    for field in fields:
        field.setText("short")
    fields[-1].setText("other")
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()  # type: ignore
    assert dialog.problem.isVisible()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: dialog.height() >= dialog.layout().totalHeightForWidth(
        dialog.width()))
    _labels_whole(dialog)


def test_the_changed_since_mark_sits_above_the_first_field(
    app_look: None, qtbot: QtBot
) -> None:
    form = SessionForm(load_points())
    qtbot.addWidget(form)
    form.resize(760, 600)
    form.show()
    form.mark_changes({"visit", "subjective"}, "2025-01-08")
    box: QGroupBox = form.groups["visit"]
    qtbot.waitUntil(lambda: box.styleSheet() != "")
    qtbot.waitUntil(lambda: box.layout().itemAt(0).widget().geometry().top() > 0)
    option = QStyleOptionGroupBox()
    box.initStyleOption(option)
    title = box.style().subControlRect(QStyle.ComplexControl.CC_GroupBox, option,
                                       QStyle.SubControl.SC_GroupBoxLabel, box)
    assert "changed since 2025-01-08" in box.title()
    assert title.width() >= box.fontMetrics().horizontalAdvance(box.title())
    for i in range(box.layout().count()):
        widget = box.layout().itemAt(i).widget()
        if widget is not None and widget.isVisible():
            assert not title.intersects(widget.geometry()), widget

