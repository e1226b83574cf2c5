"""The patient's medication list: name, dose and start date, edited in place."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

RawMedication = tuple[str, str, str]


class MedicationTable(QWidget):
    """Rows of (name, dose, since) as typed; parsing and checking happen in the form.

    Signals:
        changed(): a row was added, removed or edited.
    """

    changed = Signal()
    COLUMNS = ("Medication", "Dose", "Since (YYYY-MM-DD)")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels(list(self.COLUMNS))
        self.table.setAccessibleName(self.tr("Medications"))
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setAccessibleName(self.tr("Row numbers"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.AllEditTriggers
            & ~QAbstractItemView.EditTrigger.CurrentChanged
        )
        header = self.table.horizontalHeader()
        header.setAccessibleName(self.tr("Medication columns"))
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setMinimumHeight(110)
        self.add_button = QPushButton(self.tr("Add medication"))
        self.add_button.setAccessibleName(self.tr("Add medication"))
        self.remove_button = QPushButton(self.tr("Remove selected"))
        self.remove_button.setAccessibleName(self.tr("Remove selected medication"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self.add_button.clicked.connect(self._on_add)
        self.remove_button.clicked.connect(self._on_remove)
        self.table.itemChanged.connect(self.changed)

    def commit_open_edit(self) -> None:
        """Take in a cell still being typed in (e.g. when Ctrl+S is pressed mid-edit)."""
        if self.table.state() == QAbstractItemView.State.EditingState:
            row, column = self.table.currentRow(), self.table.currentColumn()
            self.table.setCurrentCell(-1, -1)  # moving the current cell commits the editor
            self.table.setCurrentCell(row, column)

    def value(self) -> list[RawMedication]:
        """The rows as typed, skipping rows left completely blank."""
        rows = []
        for row in range(self.table.rowCount()):
            cells = tuple(self._text(row, column) for column in range(len(self.COLUMNS)))
            if any(cell.strip() for cell in cells):
                rows.append((cells[0], cells[1], cells[2]))
        return rows

    def set_value(self, rows: list[RawMedication]) -> None:
        """Show exactly `rows`."""
        self.table.blockSignals(True)
        try:
            self.table.setRowCount(0)
            for cells in rows:
                self._append(cells)
        finally:
            self.table.blockSignals(False)
        self.changed.emit()

    def add_row(self, cells: RawMedication = ("", "", "")) -> int:
        """Append a row and return its number."""
        row = self._append(cells)
        self.changed.emit()
        return row

    def _append(self, cells: RawMedication) -> int:
        row = self.table.rowCount()
        self.table.insertRow(row)
        for column, text in enumerate(cells):
            self.table.setItem(row, column, QTableWidgetItem(text))
        return row

    def _text(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text() if item is not None else ""

    def _on_add(self) -> None:
        row = self.add_row()
        self.table.setCurrentCell(row, 0)
        item = self.table.item(row, 0)
        if item is not None:  # add_row fills every cell; the check is for the type
            self.table.editItem(item)

    def _on_remove(self) -> None:
        rows = sorted({index.row() for index in self.table.selectedIndexes()}, reverse=True)
        if not rows and self.table.currentRow() >= 0:
            rows = [self.table.currentRow()]
        for row in rows:
            self.table.removeRow(row)
        if rows:
            self.changed.emit()
