"""Read-only tables of text, as the outcome, diary and caseload views show them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyle,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
)

Index = QModelIndex | QPersistentModelIndex
#: Pixels a column keeps beyond its title's width (the style's own padding).
TITLE_SLACK = 8


def read_only_table(columns: Sequence[str], name: str, stretch: int = -1) -> QTableWidget:
    """An empty, whole-row-selecting table named for screen readers; column `stretch`
    (default: the last) takes the spare width."""
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels(list(columns))
    table.setAccessibleName(name)
    table.horizontalHeader().setAccessibleName(f"{name} columns")
    table.verticalHeader().hide()
    table.verticalHeader().setAccessibleName("Row numbers")
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.horizontalHeader().setSectionResizeMode(stretch % len(columns),
                                                  QHeaderView.ResizeMode.Stretch)
    fit_titles(table.horizontalHeader(), columns)
    return table


def fit_titles(header: QHeaderView, titles: Sequence[str]) -> None:
    """Widen each column to its title, as drawn bold when its column is selected."""
    font = QFont(header.font())
    font.setBold(True)
    metrics = QFontMetrics(font)
    margin = 2 * header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
    for section, title in enumerate(titles):
        wanted = metrics.horizontalAdvance(title) + margin + TITLE_SLACK
        if header.sectionSize(section) < wanted:
            header.resizeSection(section, wanted)


#: Rows filled at once; the rest follow in batches once the window has been repainted
#: (years of diary days would otherwise hold up opening a record).
FIRST_ROWS = 200
LATER_BATCH = 400


def fill_rows(table: QTableWidget, rows: Iterable[Sequence[str]]) -> None:
    """Replace the table's rows with `rows` of cell texts. All rows are counted at once;
    beyond the first `FIRST_ROWS`, their texts arrive from the event loop."""
    rows = list(rows)
    generation = int(table.property("fillGeneration") or 0) + 1
    table.setProperty("fillGeneration", generation)
    table.setRowCount(len(rows))
    _fill(table, rows, 0, FIRST_ROWS, generation)


def _fill(table: QTableWidget, rows: list[Sequence[str]], start: int, count: int,
          generation: int) -> None:
    if table.property("fillGeneration") != generation:
        return  # the table was refilled meanwhile
    end = min(len(rows), start + count)
    for row in range(start, end):
        for column, text in enumerate(rows[row]):
            table.setItem(row, column, QTableWidgetItem(text))
    if end < len(rows):
        QTimer.singleShot(0, table, lambda: _fill(table, rows, end, LATER_BATCH, generation))


class TextTableModel(QAbstractTableModel):
    """Rows of cell texts for a read-only view: no item objects, so years of diary days
    are shown as fast as a handful."""

    def __init__(self, columns: Sequence[str], parent: Any = None,
                 tips: Sequence[str] = ()) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._tips = list(tips)  # each column's header tooltip, where a short header needs one
        self._rows: list[Sequence[str]] = []

    def set_rows(self, rows: Iterable[Sequence[str]]) -> None:
        """Replace every row."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def text(self, row: int, column: int) -> str:
        """The text of one cell ("" outside the table)."""
        if 0 <= row < len(self._rows) and 0 <= column < len(self._columns):
            return str(self._rows[row][column])
        return ""

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(self._columns)):
            return self._columns[section]
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole
                and 0 <= section < len(self._tips)):
            return self._tips[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole,
                                                Qt.ItemDataRole.AccessibleTextRole):
            return None
        return self.text(index.row(), index.column())


def read_only_view(model: TextTableModel, name: str, stretch: int = -1) -> QTableView:
    """`read_only_table` over `model`, for tables that may hold thousands of rows."""
    view = QTableView()
    view.setModel(model)
    columns = range(model.columnCount())
    view.setAccessibleName(name)
    view.horizontalHeader().setAccessibleName(f"{name} columns")
    view.verticalHeader().hide()
    view.verticalHeader().setAccessibleName("Row numbers")
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.horizontalHeader().setSectionResizeMode(stretch % len(columns),
                                                 QHeaderView.ResizeMode.Stretch)
    fit_titles(view.horizontalHeader(),
               [str(model.headerData(c, Qt.Orientation.Horizontal)) for c in columns])
    return view
