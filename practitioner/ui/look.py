"""The app's look on top of the platform style, without an app-wide style sheet.

An app-wide style sheet sends every widget through QStyleSheetStyle, which cost ~0.4 s of
each start at M (measured: 930 ms of CPU to the records shown with it, 480 without). So
`AppStyle`, a proxy of the platform style, dresses the few widgets that look different
when they are polished, by object name or dynamic property:

- `inlineError` labels: the danger colour, semi-bold; `flags`: success, semi-bold;
- headings by object name at their level of `ui/typography.py` (the lock screen's, the
  patient's name, empty states), `emptyState` labels padded; `patientSubtitle` muted;
- banners (`BANNERS`: red flags, damaged records, changed elsewhere, connection lost):
  their tone's background and border, their labels' text and links in its foreground (a
  style sheet on that frame only);
- fields with the property `invalid` true: a danger border; group boxes with `changed`
  true: a warning border (style sheets on those widgets only, while the mark lasts, set
  from the event loop right after the polish);
- group box titles semi-bold, what they hold normal.

Every colour comes from `ui/theme.py`, for the palette in use; `redress_all` applies a
changed theme to the widgets already shown. Code that changes `invalid` or `changed`
re-polishes the widget, as it did for the style sheet.
"""

from __future__ import annotations

from functools import partial
from typing import overload

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QGroupBox, QLabel, QProxyStyle, QWidget

from practitioner.ui import typography
from practitioner.ui.theme import DARK, LIGHT, Theme, for_palette

# Banner frames by object name: their tone, and whether it is shown inverted (strong).
BANNERS: dict[str, tuple[str, bool]] = {
    "redFlagBanner": ("danger", False),
    "damagedBanner": ("danger", False),
    "changedElsewhere": ("warning", False),
    "connectionBanner": ("danger", True),
}


def banner_sheet(name: str, theme: Theme) -> str:
    """The style sheet of the banner frame named `name`."""
    tone_name, strong = BANNERS[name]
    tone = theme.tones()[tone_name]
    if strong:
        return (f"#{name} {{ background: {tone.fg}; color: {tone.bg}; padding: 2px 8px;"
                " font-weight: bold; }")
    return (f"#{name} {{ background: {tone.bg}; border: 1px solid {tone.border};"
            f" border-radius: 3px; }} #{name} QLabel {{ color: {tone.fg}; }}")


def invalid_field_sheet(theme: Theme) -> str:
    """The mark of a field whose value cannot be accepted."""
    return f"border: 2px solid {theme.danger.border}; border-radius: 3px;"


def changed_group_sheet(theme: Theme) -> str:
    """The mark of a group box that changed since the previous visit."""
    # The title gets a margin of its own: a sheet's border otherwise draws it over the
    # first field ("● changed since …" half hidden).
    return (f"QGroupBox {{ border: 1px solid {theme.warning.border}; border-radius: 3px;"
            " margin-top: 1.5em; padding-top: 2px; font-weight: 600; }"
            " QGroupBox::title { subcontrol-origin: margin; subcontrol-position: top left;"
            f" left: 6px; padding: 0 3px; color: {theme.warning.fg}; }}"
            " QGroupBox * { font-weight: normal; }")


def _marks() -> set[str]:
    return {sheet(t) for t in (LIGHT, DARK) for sheet in (invalid_field_sheet,
                                                        changed_group_sheet)}


def _text_colour(widget: QWidget, colour: str) -> None:
    palette = widget.palette()
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text,
                 QPalette.ColorRole.Link, QPalette.ColorRole.LinkVisited):
        palette.setColor(role, QColor(colour))
    widget.setPalette(palette)


def _font(widget: QWidget, *, semibold: bool = False) -> None:
    font = widget.font()
    if semibold:
        font.setWeight(QFont.Weight.DemiBold)
    widget.setFont(font)


def _own_sheet(widget: QWidget) -> str | None:
    """The style sheet `widget` should have of its own, or None to leave it alone."""
    theme = for_palette()
    if widget.objectName() in BANNERS:
        return banner_sheet(widget.objectName(), theme)
    if isinstance(widget, QGroupBox) and widget.property("changed"):
        return changed_group_sheet(theme)
    if widget.property("invalid"):
        return invalid_field_sheet(theme)
    return "" if widget.styleSheet() in _marks() else None


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
    theme = for_palette()
    parent = widget.parentWidget()
    if name == "inlineError":
        _text_colour(widget, theme.danger.fg)
        _font(widget, semibold=True)
    elif name == "flags":
        _text_colour(widget, theme.success.fg)
        _font(widget, semibold=True)
    elif isinstance(widget, QLabel) and parent is not None and (
            parent.objectName() in BANNERS and not BANNERS[parent.objectName()][1]):
        tone = theme.tones()[BANNERS[parent.objectName()][0]]
        _text_colour(widget, tone.fg)  # links included: the palette's may be unreadable
    elif name == "emptyState":
        # The palette's own text colour: muted grey falls under 4.5:1 on a dark tab pane.
        widget.setContentsMargins(16, 16, 16, 16)
    elif name == "patientSubtitle":
        _text_colour(widget, theme.muted)
    if (level := typography.BY_NAME.get(name)) is not None:
        widget.setFont(typography.font(level))
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


def redress_all() -> None:
    """Apply the current theme's colours to every widget already dressed (after the
    palette or View › Theme changed)."""
    from practitioner.ui import icons  # QtSvg: loaded with the records, not at start

    for widget in QApplication.allWidgets():
        dress(widget)
    icons.retint()
