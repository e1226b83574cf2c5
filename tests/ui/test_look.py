"""The app's look without an app-wide style sheet: named widgets and marked fields."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from practitioner.ui import typography
from practitioner.ui.look import AppStyle, changed_group_sheet, invalid_field_sheet
from practitioner.ui.theme import LIGHT
from practitioner.ui.widgets.inline_error import InlineError

INVALID_FIELD, CHANGED_GROUP = invalid_field_sheet(LIGHT), changed_group_sheet(LIGHT)


@pytest.fixture
def style(qapp: QApplication) -> Iterator[AppStyle]:
    """The app's style, set on each widget of a test (the application's stays as is)."""
    made = AppStyle()
    yield made


def _styled(style: AppStyle, *widgets: QWidget) -> None:
    for widget in widgets:
        widget.setStyle(style)


def test_an_invalid_field_gets_a_red_border_and_its_error_line_is_red(
    style: AppStyle, qtbot: QtBot
) -> None:
    field = QLineEdit()
    error = InlineError(field)
    _styled(style, field, error)
    for widget in (field, error):
        qtbot.addWidget(widget)
        widget.show()
    assert error.palette().color(QPalette.ColorRole.WindowText) == QColor(LIGHT.danger.fg)
    assert error.font().weight() == QFont.Weight.DemiBold
    error.set_message("A name is required.")
    qtbot.waitUntil(lambda: field.styleSheet() == INVALID_FIELD)
    error.set_message(None)
    qtbot.waitUntil(lambda: field.styleSheet() == "")
    error.set_message("Still required.")  # again, now through the field's sheet style
    qtbot.waitUntil(lambda: field.styleSheet() == INVALID_FIELD)


def test_group_titles_are_semibold_and_what_they_hold_is_not(
    style: AppStyle, qtbot: QtBot
) -> None:
    box = QGroupBox("Identity")
    layout = QVBoxLayout(box)
    label, check = QLabel("Name"), QCheckBox("At night")
    layout.addWidget(label)
    layout.addWidget(check)
    _styled(style, box, label, check)
    qtbot.addWidget(box)
    box.show()
    assert box.font().weight() == QFont.Weight.DemiBold
    assert label.font().weight() == check.font().weight() == QFont.Weight.Normal
    box.setProperty("changed", True)
    box.style().unpolish(box)
    box.style().polish(box)
    qtbot.waitUntil(lambda: box.styleSheet() == CHANGED_GROUP)
    box.setProperty("changed", False)
    box.style().unpolish(box)
    box.style().polish(box)
    qtbot.waitUntil(lambda: box.styleSheet() == "")
    assert label.font().weight() == QFont.Weight.Normal


def test_the_patient_title_and_empty_states_keep_their_sizes(
    style: AppStyle, qtbot: QtBot
) -> None:
    title, empty = QLabel("Ann"), QLabel("Choose a patient")
    title.setObjectName("patientTitle")
    empty.setObjectName("emptyState")
    _styled(style, title, empty)
    for widget in (title, empty):
        qtbot.addWidget(widget)
        widget.show()
    # Sizes follow the desktop's body font, at their level of ui/typography.py.
    assert title.font() == typography.font(typography.TITLE)
    assert title.font().weight() == QFont.Weight.DemiBold
    assert empty.font() == typography.font(typography.LEAD)
    assert title.font().pointSizeF() > empty.font().pointSizeF() > QApplication.font(
    ).pointSizeF()


def test_the_app_sets_its_style_and_no_style_sheet(qapp: QApplication) -> None:
    from practitioner import app

    before = qapp.style().name()
    try:
        app._load_style(qapp)
        assert isinstance(qapp.style(), AppStyle)
        assert qapp.styleSheet() == ""
    finally:
        qapp.setStyle(before)
