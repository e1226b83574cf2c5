"""The points needled in a session: type a code to add it, adjust side, technique, timing."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from practitioner.domain.points import PointCatalogue, normalize_point_code
from practitioner.domain.session import NeedledPoint, NeedleSide, Technique
from practitioner.domain.validation import number_text, parse_number

# A row as typed: code, side code, technique code, retention text, EA text, custom flag.
RawPoint = tuple[str, str, str, str, str, bool]
CODE, NAME, SIDE, TECHNIQUE, RETENTION, ELECTRO = range(6)


class PointTable(QWidget):
    """Point entry line plus the table of points.

    Signals:
        changed(): a point was added, removed or edited.
    """

    changed = Signal()
    HEADERS = ("Point", "Name", "Side", "Technique", "Retention (min)", "EA (Hz)")

    def __init__(self, catalogue: PointCatalogue, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._catalogue = catalogue
        self._pending_custom = ""
        self.entry = QLineEdit()
        self.entry.setPlaceholderText(
            self.tr("Point code or name, e.g. GB34, liver 3"))
        self.entry.setToolTip(self.tr("Type a point code or name and press Enter, e.g. GB34, "
                                      "liver 3, Zusanli"))
        self.entry.setAccessibleName(self.tr("Add point by code"))
        self.suggestions = QLabel()
        self.suggestions.setObjectName("inlineError")
        self.suggestions.setWordWrap(True)
        self.suggestions.setAccessibleName(self.tr("Point suggestions"))
        self.suggestions.hide()
        self.add_custom = QPushButton(self.tr("Add as custom point"))
        self.add_custom.setAccessibleName(self.tr("Add as custom point"))
        self.add_custom.hide()
        self.table = _DeletingTable(0, len(self.HEADERS))
        self.table.setHorizontalHeaderLabels(list(self.HEADERS))
        self.table.setAccessibleName(self.tr("Points needled"))
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setAccessibleName(self.tr("Row numbers"))
        self.table.horizontalHeader().setAccessibleName(self.tr("Point columns"))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setMinimumHeight(140)
        self.remove_button = QPushButton(self.tr("Remove selected"))
        self.remove_button.setAccessibleName(self.tr("Remove selected point"))

        entry_row = QHBoxLayout()
        entry_row.addWidget(self.entry, 1)
        entry_row.addWidget(self.add_custom)
        entry_row.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(entry_row)
        layout.addWidget(self.suggestions)
        layout.addWidget(self.table)

        self.entry.returnPressed.connect(self._on_entry)
        self.entry.textEdited.connect(self._clear_suggestions)
        self.add_custom.clicked.connect(self._on_add_custom)
        self.remove_button.clicked.connect(self.remove_selected)
        self.table.delete_pressed.connect(self.remove_selected)
        self.table.itemChanged.connect(self.changed)

    # -- values -------------------------------------------------------------------------

    def raw(self) -> list[RawPoint]:
        """The rows exactly as shown, for drafts."""
        rows: list[RawPoint] = []
        for row in range(self.table.rowCount()):
            code_item = self.table.item(row, CODE)
            rows.append((
                code_item.text() if code_item else "",
                str(self._combo(row, SIDE).currentData()),
                str(self._combo(row, TECHNIQUE).currentData()),
                self._text(row, RETENTION),
                self._text(row, ELECTRO),
                bool(code_item and code_item.data(Qt.ItemDataRole.UserRole)),
            ))
        return rows

    def set_raw(self, rows: Iterable[RawPoint]) -> None:
        """Show exactly `rows`."""
        self.table.blockSignals(True)
        try:
            self.table.setRowCount(0)
            for row in rows:
                self._append(row)
        finally:
            self.table.blockSignals(False)
        self.changed.emit()

    def points(self) -> tuple[list[NeedledPoint], list[tuple[int, str]]]:
        """The points, and (row, message) for retention or EA text that is not a number."""
        points, problems = [], []
        for index, (code, side, technique, retention, electro, custom) in enumerate(self.raw()):
            try:
                minutes = parse_number(retention, integer=True)
                hertz = parse_number(electro)
            except ValueError as exc:
                problems.append((index, f"{code}: {exc}"))
                continue
            points.append(NeedledPoint(
                code=code,
                side=NeedleSide(side),
                technique=Technique(technique),
                retention_minutes=None if minutes is None else int(minutes),
                electro_hz=hertz,
                custom=custom,
            ))
        return points, problems

    def set_points(self, points: Iterable[NeedledPoint]) -> None:
        """Show `points`."""
        self.set_raw(_raw_of(p) for p in points)

    def add_points(self, points: Iterable[NeedledPoint]) -> None:
        """Append `points`, skipping codes already listed (a protocol applied twice)."""
        present = {row[0] for row in self.raw()}
        for point in points:
            if point.code not in present:
                self._append(_raw_of(point))
                present.add(point.code)
        self.changed.emit()

    def add_code(self, text: str) -> bool:
        """Add the point typed as `text`; unknown codes get suggestions instead."""
        found = self._catalogue.lookup(text)
        if found is None:
            self._show_suggestions(text)
            return False
        self.add_points([NeedledPoint(found.code)])
        self._clear_suggestions()
        return True

    def remove_selected(self) -> None:
        """Remove the selected rows (or the current one)."""
        rows = sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True)
        if not rows and self.table.currentRow() >= 0:
            rows = [self.table.currentRow()]
        for row in rows:
            self.table.removeRow(row)
        if rows:
            self.changed.emit()

    # -- internals ----------------------------------------------------------------------

    def _on_entry(self) -> None:
        text = self.entry.text().strip()
        if text and self.add_code(text):
            self.entry.clear()

    def _show_suggestions(self, text: str) -> None:
        code = normalize_point_code(text)
        nearby = self._catalogue.suggest(text, limit=5)
        shown = ", ".join(p.label for p in nearby) or self.tr("no close match")
        self.suggestions.setText(
            self.tr("“%1” is not in the points catalogue. Did you mean: %2?")
            .replace("%1", text)
            .replace("%2", shown)
        )
        self.suggestions.show()
        self._pending_custom = code or text.strip().upper()
        self.add_custom.setText(self.tr("Add “%1” as custom point").replace(
            "%1", self._pending_custom))
        self.add_custom.show()

    def _clear_suggestions(self) -> None:
        self.suggestions.hide()
        self.add_custom.hide()
        self._pending_custom = ""

    def _on_add_custom(self) -> None:
        if self._pending_custom:
            self.add_points([NeedledPoint(self._pending_custom, custom=True)])
            self.entry.clear()
            self._clear_suggestions()

    def _append(self, raw: RawPoint) -> None:
        blocked = self.table.blockSignals(True)  # the row is announced once it is complete
        try:
            self._build_row(raw)
        finally:
            self.table.blockSignals(blocked)

    def _build_row(self, raw: RawPoint) -> None:
        code, side, technique, retention, electro, custom = raw
        row = self.table.rowCount()
        self.table.insertRow(row)
        code_item = QTableWidgetItem(code)
        code_item.setFlags(code_item.flags() & ~Qt.ItemFlag.ItemIsEditable)
        code_item.setData(Qt.ItemDataRole.UserRole, custom)
        known = self._catalogue.lookup(code)
        name = f"{known.pinyin} ({known.english})" if known else self.tr("custom point")
        name_item = QTableWidgetItem(name)
        name_item.setFlags(name_item.flags() & ~Qt.ItemFlag.ItemIsEditable)
        if known is not None:
            # Hovering the point shows where it is and what to watch for.
            code_item.setToolTip(known.details)
        # A narrow column elides the name; hovering gives it whole.
        name_item.setToolTip(f"{name}\n{known.details}" if known is not None else name)
        self.table.setItem(row, CODE, code_item)
        self.table.setItem(row, NAME, name_item)
        self.table.setCellWidget(row, SIDE, self._choice(list(NeedleSide), side, code, "side"))
        self.table.setCellWidget(
            row, TECHNIQUE, self._choice(list(Technique), technique, code, "technique")
        )
        self.table.setItem(row, RETENTION, QTableWidgetItem(retention))
        self.table.setItem(row, ELECTRO, QTableWidgetItem(electro))

    def _choice(
        self, members: list[NeedleSide] | list[Technique], current: str, code: str, what: str
    ) -> QComboBox:
        combo = QComboBox()
        combo.setAccessibleName(f"{code} {what}")
        for member in members:
            combo.addItem(member.label, member.value)
        combo.setCurrentIndex(max(combo.findData(current), 0))
        combo.currentIndexChanged.connect(self.changed)
        return combo

    def _combo(self, row: int, column: int) -> QComboBox:
        widget = self.table.cellWidget(row, column)
        assert isinstance(widget, QComboBox)
        return widget

    def _text(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text() if item else ""


def _raw_of(point: NeedledPoint) -> RawPoint:
    return (
        point.code,
        point.side.value,
        point.technique.value,
        "" if point.retention_minutes is None else str(point.retention_minutes),
        number_text(point.electro_hz),
        point.custom,
    )


class _DeletingTable(QTableWidget):
    """A table that reports the Delete key, so points can be removed by keyboard."""

    delete_pressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Delete and self.state() != self.State.EditingState:
            self.delete_pressed.emit()
            return
        super().keyPressEvent(event)
