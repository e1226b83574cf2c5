"""Keyboard focus that lands where the eye is: whatever takes the focus (an Alt-jump to a
field's label, Tab, a click, a form focusing its first error) is scrolled into view in
every scroll area around it, nested ones included.

QScrollArea does this by itself only for Tab; a label's mnemonic or `setFocus()` would
leave the cursor in a field below the fold (Alt+N into the session's Notes).
"""

from __future__ import annotations

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QApplication, QScrollArea, QWidget

#: Room kept around the focused widget, in pixels, so its label and error line show too.
MARGIN = 24
_INSTALLED = "practitioner_focus_follow"


def reveal(widget: QWidget) -> None:
    """Scroll every scroll area that holds `widget` so that it is in view."""
    target, parent = widget, widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea):
            content = parent.widget()
            if content is not None and content.isAncestorOf(target):
                _show(parent, content, target)
                target = parent  # and the scroll area itself in any area around it
        parent = parent.parentWidget()


def _show(area: QScrollArea, content: QWidget, target: QWidget) -> None:
    # Not ensureWidgetVisible: it is content once the text cursor shows, leaving a
    # field's top edge (and its label) cut off. As much of `target` as fits, top first.
    viewport = area.viewport()
    width = max(min(target.width(), viewport.width() - 2 * MARGIN), 0) // 2
    height = max(min(target.height(), viewport.height() - 2 * MARGIN), 0) // 2
    corner = target.mapTo(content, QPoint(0, 0))
    area.ensureVisible(corner.x() + width, corner.y() + height, width + MARGIN,
                       height + MARGIN)


def _on_focus_changed(_old: QWidget | None, new: QWidget | None) -> None:
    if new is not None:
        reveal(new)


def install(app: QApplication) -> None:
    """Reveal each newly focused widget, for the whole application (once)."""
    if app.property(_INSTALLED):
        return
    app.focusChanged.connect(_on_focus_changed)
    app.setProperty(_INSTALLED, True)
