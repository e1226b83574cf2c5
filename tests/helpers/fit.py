"""Does every text fit its widget? Font metrics measured against geometry.

`misfits(root)` lists each widget shown under `root` whose text needs more room than the
widget has: a label, button, check box or radio button too narrow (or a wrapped label too
short), a combo box narrower than its current or longest item, a line edit narrower than
its placeholder, a table header section narrower than its title, and a scroll area that
needs a horizontal bar. Text elided on purpose is allowed when its tooltip gives it whole.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QCheckBox,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QStyle,
    QStyleOptionComboBox,
    QStyleOptionFrame,
    QTextEdit,
    QToolButton,
    QWidget,
)

#: Room a line edit keeps for its clear button (Qt reserves it while the field is empty).
CLEAR_BUTTON = 24
#: Inner margin Qt keeps on each side of a line edit's and combo box's text.
TEXT_MARGIN = 2


def _plain(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def _name(widget: QWidget) -> str:
    return f"{type(widget).__name__} {widget.objectName() or widget.accessibleName()!r}"


def _elided_on_purpose(widget: QWidget, text: str) -> bool:
    return bool(text) and _plain(text) in widget.toolTip()


def _label(label: QLabel) -> str | None:
    text = label.text()
    if not text or not label.pixmap().isNull() or label.width() <= 1:
        return None
    if label.wordWrap():
        needed = label.heightForWidth(label.width())
        if needed > label.height() + 1:
            return f"needs {needed}px of height, has {label.height()}"
        return None
    needed = label.minimumSizeHint().width()
    if needed > label.width() + 1 and not _elided_on_purpose(label, text):
        return f"needs {needed}px, has {label.width()}"
    return None


def _button(button: QPushButton | QCheckBox | QRadioButton | QToolButton) -> str | None:
    text = button.text()
    if not text or (isinstance(button, QToolButton) and button.toolButtonStyle()
                    == Qt.ToolButtonStyle.ToolButtonIconOnly):
        return None
    metrics = button.fontMetrics()
    if isinstance(button, (QPushButton, QToolButton)):
        style = button.style()
        icon = button.iconSize().width() + 4 if not button.icon().isNull() else 0
        margin = style.pixelMetric(QStyle.PixelMetric.PM_ButtonMargin, None, button)
        # A menu's arrow takes room of its own (a tool button draws it over the text).
        arrow = style.pixelMetric(QStyle.PixelMetric.PM_MenuButtonIndicator, None, button) \
            if button.menu() is not None else 0
        needed = metrics.horizontalAdvance(_plain(text)) + icon + margin + arrow
    else:
        needed = button.sizeHint().width()
    if needed > button.width() + 1 and not _elided_on_purpose(button, text):
        return f"{_plain(text)!r} needs {needed}px, has {button.width()}"
    return None


def _combo(combo: QComboBox) -> str | None:
    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    field = combo.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                        QStyle.SubControl.SC_ComboBoxEditField, combo)
    room = field.width() - 2 * TEXT_MARGIN
    metrics = combo.fontMetrics()
    # An item elided on purpose gives its whole text as its tooltip.
    texts = [combo.itemText(i) for i in range(combo.count())
             if combo.itemText(i) not in str(combo.itemData(i, Qt.ItemDataRole.ToolTipRole)
                                            or "")]
    if combo.isEditable() and combo.lineEdit() is not None:
        texts.append(combo.lineEdit().placeholderText())
    icon = combo.iconSize().width() + 4 if any(
        not combo.itemIcon(i).isNull() for i in range(combo.count())) else 0
    for text in texts:
        needed = metrics.horizontalAdvance(text) + icon
        if needed > room:
            return f"item {text!r} needs {needed}px, has {room}"
    return None


def _line_edit(edit: QLineEdit) -> str | None:
    text = edit.placeholderText()
    if not text or edit.text() or isinstance(edit.parent(), QComboBox):
        return None
    option = QStyleOptionFrame()
    edit.initStyleOption(option)
    contents = edit.style().subElementRect(QStyle.SubElement.SE_LineEditContents, option, edit)
    margins = edit.textMargins()
    room = contents.width() - margins.left() - margins.right() - 2 * TEXT_MARGIN
    if edit.isClearButtonEnabled():
        room -= CLEAR_BUTTON
    needed = edit.fontMetrics().horizontalAdvance(text)
    if needed > room:
        return f"placeholder {text!r} needs {needed}px, has {room}"
    return None


def _header(header: QHeaderView) -> str | None:
    model = header.model()
    if model is None or header.orientation() != Qt.Orientation.Horizontal:
        return None
    bold = QFont(header.font())
    bold.setBold(True)  # the current column's title is drawn bold
    metrics = QFontMetrics(bold)
    margin = 2 * header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
    if header.isSortIndicatorShown():
        margin += header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize, None, header)
    view = header.parentWidget()
    shown = header.length() - sum(header.sectionSize(i) for i in range(header.count())
                                  if header.isSectionHidden(i))
    if isinstance(view, QAbstractScrollArea) and shown > view.viewport().width() + 1:
        return f"its columns need {shown}px, the table shows {view.viewport().width()}"
    for section in range(header.count()):
        if header.isSectionHidden(section):
            continue
        title = str(model.headerData(section, Qt.Orientation.Horizontal) or "")
        longest = max((metrics.horizontalAdvance(line) for line in title.split("\n")),
                      default=0)
        if longest + margin > header.sectionSize(section) + 1:
            return (f"column {title!r} needs {longest + margin}px, "
                    f"has {header.sectionSize(section)}")
    return None


def _scroll_area(area: QAbstractScrollArea) -> str | None:
    if isinstance(area, QTextEdit) or not isinstance(area, QScrollArea):
        return None
    if area.horizontalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff:
        inner = area.widget()
        if inner is not None and inner.width() > area.viewport().width() + 1:
            return f"its form is {inner.width()}px wide in {area.viewport().width()}px"
        return None
    if area.horizontalScrollBar().maximum() > 0:
        return f"scrolls sideways by {area.horizontalScrollBar().maximum()}px"
    return None


def misfits(root: QWidget) -> list[str]:
    """Each widget shown under `root` whose text does not fit it, and why."""
    found = []
    for widget in [root, *root.findChildren(QWidget)]:
        if widget is not root and not widget.isVisibleTo(root):
            continue
        problem: str | None = None
        if isinstance(widget, QLabel):
            problem = _label(widget)
        elif isinstance(widget, (QPushButton, QCheckBox, QRadioButton, QToolButton)):
            problem = _button(widget)
        elif isinstance(widget, QComboBox):
            problem = _combo(widget)
        elif isinstance(widget, QLineEdit):
            problem = _line_edit(widget)
        elif isinstance(widget, QHeaderView):
            problem = _header(widget)
        elif isinstance(widget, QAbstractScrollArea):
            problem = _scroll_area(widget)
        if problem:
            found.append(f"{_name(widget)}: {problem}")
    return found
