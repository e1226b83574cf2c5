"""Read-only tables of text, as the outcome, diary and caseload views show them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem


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
    return table


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
