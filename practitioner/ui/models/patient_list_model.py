"""Table model adapter over a list of `PatientSummary` rows for the patient list."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any, ClassVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QApplication

from practitioner.domain.patient import PatientSummary

log = logging.getLogger(__name__)

Index = QModelIndex | QPersistentModelIndex
#: Gives the page of rows that follows the row passed (an empty list at the end).
NextPage = Callable[[PatientSummary], list[PatientSummary]]


class PatientListModel(QAbstractTableModel):
    """Rows are patients; columns are name and date of birth.

    Holds only the pages fetched so far: views ask for the next page through
    `canFetchMore`/`fetchMore` as the user scrolls, so a list of 100,000 patients costs
    one page until it is scrolled through. Sorting and filtering happen in SQL.
    """

    NAME_COLUMN = 0
    BIRTH_COLUMN = 1
    PATIENT_ID_ROLE = Qt.ItemDataRole.UserRole + 1
    ARCHIVED_ROLE = Qt.ItemDataRole.UserRole + 2
    _HEADERS = ("Name", "Born")
    #: The name column's title in each order (family name first, or as written).
    _NAME_TITLES: ClassVar[dict[bool, str]] = {True: "Family name", False: "First name"}

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[PatientSummary] = []
        self._next_page: NextPage | None = None
        self._by_family = True

    def set_by_family(self, by_family: bool) -> None:
        """Title the name column for the order the rows come in."""
        self._by_family = by_family
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, self.NAME_COLUMN,
                                    self.NAME_COLUMN)

    def set_patients(self, rows: list[PatientSummary], next_page: NextPage | None = None) -> None:
        """Replace the rows shown; `next_page` fetches what follows them (None: nothing)."""
        self.beginResetModel()
        self._rows = list(rows)
        self._next_page = next_page if rows else None
        self.endResetModel()

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:
        return not parent.isValid() and self._next_page is not None

    def fetchMore(self, parent: Index = QModelIndex()) -> None:
        if parent.isValid() or self._next_page is None:
            return
        try:
            rows = self._next_page(self._rows[-1])
        except Exception:  # never raise into the view: the list stops growing, logged
            log.exception("could not fetch the next page of patients")
            rows = []
        if not rows:
            self._next_page = None
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        self._rows.extend(rows)
        self.endInsertRows()

    def patient_id_at(self, row: int) -> int | None:
        """The patient id on `row`, or None outside the list."""
        return self._rows[row].id if 0 <= row < len(self._rows) else None

    def row_of(self, patient_id: int) -> int | None:
        """The row showing `patient_id`, or None when it is not listed."""
        for row, summary in enumerate(self._rows):
            if summary.id == patient_id:
                return row
        return None

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if section == self.NAME_COLUMN:
                return self._NAME_TITLES[self._by_family]
            return self._HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole and section == self.NAME_COLUMN:
            return ("Sorted by family name: click to sort by first name" if self._by_family
                    else "Sorted by first name: click to sort by family name")
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        summary = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.NAME_COLUMN:
                return summary.name + ("  (archived)" if summary.archived else "")
            if column == self.BIRTH_COLUMN:
                return _format_date(summary.date_of_birth)
        elif role == Qt.ItemDataRole.ToolTipRole:
            born = _format_date(summary.date_of_birth) or "birth date not recorded"
            return f"{summary.name}, {born}" + (" — archived" if summary.archived else "")
        elif role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{summary.name}, born {_format_date(summary.date_of_birth) or 'unknown'}"
        elif role == Qt.ItemDataRole.FontRole and summary.archived:
            font = QFont()
            font.setItalic(True)
            return font
        elif role == Qt.ItemDataRole.ForegroundRole and summary.archived:
            return QApplication.palette().brush(
                QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text
            )
        elif role == self.PATIENT_ID_ROLE:
            return summary.id
        elif role == self.ARCHIVED_ROLE:
            return summary.archived
        return None


def _format_date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""
