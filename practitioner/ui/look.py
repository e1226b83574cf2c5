"""The app's look on top of the platform style, without an app-wide style sheet.

An app-wide style sheet sends every widget through QStyleSheetStyle, which cost ~0.4 s of
each start at M (measured: 930 ms of CPU to the records shown with it, 480 without). So
`AppStyle`, a proxy of the platform style, dresses the few widgets that look different
when they are polished, by object name or dynamic property:

- `inlineError` labels: red, semi-bold; `flags`: green, semi-bold;
- `emptyState` labels: placeholder colour, 12 pt, padded; `patientTitle`: 17 pt
  semi-bold; `patientSubtitle`: placeholder colour;
- `redFlagBanner` frames: pale red with a red border (a style sheet on that frame only);
- fields with the property `invalid` true: a red border; group boxes with `changed`
  true: an orange border (style sheets on those widgets only, while the mark lasts, set
  from the event loop right after the polish);
- group box titles semi-bold, what they hold normal.

Code that changes `invalid` or `changed` re-polishes the widget, as it did for the style
sheet.
"""

from __future__ import annotations

from functools import partial
from typing import overload

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QGroupBox, QProxyStyle, QWidget

ERROR_RED = "#b3261e"
FLAG_GREEN = "#1b5e20"
CHANGED_ORANGE = "#c77700"

# Style sheets for single widgets (QStyleSheetStyle then applies to that widget only).
RED_FLAG_BANNER = (
    "QFrame#redFlagBanner { background: #fdecea; border: 2px solid " + ERROR_RED
    + "; border-radius: 4px; } QFrame#redFlagBanner QLabel { color: #5f1410; }"
)
INVALID_FIELD = "border: 2px solid " + ERROR_RED + "; border-radius: 3px;"
CHANGED_GROUP = (
    "QGroupBox { border: 1px solid " + CHANGED_ORANGE + "; font-weight: 600; }"
    " QGroupBox * { font-weight: normal; }"
)
MARKS = (INVALID_FIELD, CHANGED_GROUP)


def _text_colour(widget: QWidget, colour: QColor) -> None:
    palette = widget.palette()
    palette.setColor(QPalette.ColorRole.WindowText, colour)
    palette.setColor(QPalette.ColorRole.Text, colour)
    widget.setPalette(palette)


def _font(widget: QWidget, *, points: float | None = None, semibold: bool = False) -> None:
    font = widget.font()
    if points is not None:
        font.setPointSizeF(points)
    if semibold:
        font.setWeight(QFont.Weight.DemiBold)
    widget.setFont(font)


def _placeholder(widget: QWidget) -> QColor:
    return widget.palette().color(QPalette.ColorRole.PlaceholderText)


def _own_sheet(widget: QWidget) -> str | None:
    """The style sheet `widget` should have of its own, or None to leave it alone."""
    if widget.objectName() == "redFlagBanner":
        return RED_FLAG_BANNER
    if isinstance(widget, QGroupBox) and widget.property("changed"):
        return CHANGED_GROUP
    if widget.property("invalid"):
        return INVALID_FIELD
    return "" if widget.styleSheet() in MARKS else None


def _apply_own_sheet(widget: QWidget) -> None:
    sheet = _own_sheet(widget)
    if sheet is not None and widget.styleSheet() != sheet:
        widget.setStyleSheet(sheet)


def _schedule_own_sheet(widget: QWidget) -> None:
    """Set `widget`'s own style sheet from the event loop: setting it here, inside the
    polish of the widget's current (style sheet) style, would delete that style under
    its own feet. The timer dies with the widget."""
    sheet = _own_sheet(widget)
    if sheet is not None and widget.styleSheet() != sheet:
        QTimer.singleShot(0, widget, partial(_apply_own_sheet, widget))


def _in_group_box(widget: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QGroupBox):
            return True
        parent = parent.parentWidget()
    return False


def dress(widget: QWidget) -> None:
    """Apply the app's look to `widget` (see the module's docstring)."""
    if isinstance(widget, QGroupBox):
        _font(widget, semibold=True)  # the title; what it holds stays normal:
    elif _in_group_box(widget):
        font = widget.font()
        font.setWeight(QFont.Weight.Normal)
        widget.setFont(font)
    name = widget.objectName()
    if name == "inlineError":
        _text_colour(widget, QColor(ERROR_RED))
        _font(widget, semibold=True)
    elif name == "flags":
        _text_colour(widget, QColor(FLAG_GREEN))
        _font(widget, semibold=True)
    elif name == "emptyState":
        _text_colour(widget, _placeholder(widget))
        _font(widget, points=12)
        widget.setContentsMargins(16, 16, 16, 16)
    elif name == "patientTitle":
        _font(widget, points=17, semibold=True)
    elif name == "patientSubtitle":
        _text_colour(widget, _placeholder(widget))
    _schedule_own_sheet(widget)


class AppStyle(QProxyStyle):
    """The platform style, and `dress` for each widget it polishes."""

    @overload
    def polish(self, app: QApplication, /) -> None: ...
    @overload
    def polish(self, widget: QWidget, /) -> None: ...
    @overload
    def polish(self, palette: QPalette | Qt.GlobalColor | QColor, /) -> None: ...

    def polish(self, target: QApplication | QWidget | QPalette | Qt.GlobalColor | QColor, /
               ) -> None:
        super().polish(target)
        if isinstance(target, QWidget):
            dress(target)
