"""A layout that reflows its items into as many equal columns as its width holds.

Checklists use it so a narrow window gets fewer columns instead of a sideways scroll bar,
and a wide one more columns instead of a long single file.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QWidget

#: Room between rows, in pixels.
ROW_GAP = 4


class ColumnFlowLayout(QLayout):
    """Items in reading order, row by row, in up to `most_columns` columns as wide as the
    widest item; the columns that fit the width are used, at least one."""

    def __init__(self, parent: QWidget | None = None, most_columns: int = 4,
                 spacing: int = 18) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._most = max(most_columns, 1)
        self._gap = spacing
        self.setContentsMargins(0, 0, 0, 0)

    # -- QLayout ------------------------------------------------------------------------

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:
        cell = self._cell()
        columns = min(self._most, max(len(self._items), 1))
        width = columns * cell.width() + (columns - 1) * self._gap
        return QSize(width, self.heightForWidth(width))

    def minimumSize(self) -> QSize:
        margins = self.contentsMargins()
        cell = self._cell()
        return QSize(cell.width() + margins.left() + margins.right(),
                     cell.height() + margins.top() + margins.bottom())

    # -- arranging ----------------------------------------------------------------------

    def _cell(self) -> QSize:
        size = QSize(0, 0)
        for item in self._items:
            size = size.expandedTo(item.sizeHint())
        return size

    def _arrange(self, rect: QRect, *, move: bool) -> int:
        margins = self.contentsMargins()
        inner = rect.adjusted(margins.left(), margins.top(), -margins.right(),
                              -margins.bottom())
        cell = self._cell()
        if not self._items or cell.width() == 0:
            return margins.top() + margins.bottom()
        fit = (inner.width() + self._gap) // (cell.width() + self._gap)
        columns = max(1, min(self._most, fit, len(self._items)))
        width = max(cell.width(), (inner.width() - (columns - 1) * self._gap) // columns)
        rows = -(-len(self._items) // columns)
        if move:
            for index, item in enumerate(self._items):
                row, column = divmod(index, columns)
                at = QPoint(inner.x() + column * (width + self._gap),
                            inner.y() + row * (cell.height() + ROW_GAP))
                item.setGeometry(QRect(at, QSize(width, cell.height())))
        return (rows * cell.height() + (rows - 1) * ROW_GAP
                + margins.top() + margins.bottom())

