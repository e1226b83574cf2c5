"""Read-only tables of text, as the outcome, diary and caseload views show them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

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


def fill_rows(table: QTableWidget, rows: Iterable[Sequence[str]]) -> None:
    """Replace the table's rows with `rows` of cell texts."""
    rows = list(rows)
    table.setRowCount(len(rows))
    for row, cells in enumerate(rows):
        for column, text in enumerate(cells):
            table.setItem(row, column, QTableWidgetItem(text))
