"""The cramp diary between visits: daily entries, weekly figures, CSV import."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from practitioner.domain.outcome_text import format_value
from practitioner.domain.outcomes import CRAMPS_PER_WEEK, WORST_SEVERITY, DiaryEntry, DiaryWeek
from practitioner.domain.validation import parse_date, parse_number
from practitioner.ui.widgets.tables import (
    TextTableModel,
    fill_rows,
    read_only_table,
    read_only_view,
)

# Short headers, so every column fits beside the other table; the tooltips say them in full.
ENTRY_COLUMNS = ("Date", "Cramps", "Worst", "Minutes", "Sleep", "Notes")
ENTRY_TIPS = ("The diary day", "Cramps that day", "Worst cramp that day, 0–10",
              "Total cramp minutes that day", "Sleep disturbed by cramps that night",
              "The patient's notes")
WEEK_COLUMNS = ("Week of", "Days", "Cramps", "Per week", "Calm nights")
WEEK_TIPS = ("The Monday the week starts", "Days recorded in the week",
             "Cramps recorded in the week", "Cramps per week, scaled from the days recorded",
             "Nights not disturbed by cramps")

#: Rows measured when sizing a diary column to its contents (years of days stay quick).
ROWS_MEASURED = 200
#: Shares of the height the days and the weeks take when one stands above the other.
STACKED_HEIGHTS = (3, 2)


def _columns_width(view: QTableView) -> int:
    """The width `view` needs to show every column whole, with its frame and scroll bar."""
    header = view.horizontalHeader()
    columns = sum(header.sectionSizeHint(i) if i == header.count() - 1
                  else header.sectionSize(i) for i in range(header.count()))
    bar = view.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, view)
    return int(columns + 2 * view.frameWidth() + bar)


class DiaryPanel(QWidget):
    """Entry row, entries table and weekly table. It reads input; the page stores it.

    Signals:
        add_requested(DiaryEntry): a day was typed and Add pressed.
        delete_requested(date): the selected day should be removed.
        import_requested(): the practitioner wants to import a CSV file.
    """

    add_requested = Signal(object)
    delete_requested = Signal(object)
    import_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.day = self._edit("Diary date", "YYYY-MM-DD")
        self.cramps = self._edit("Cramps that day", "count")
        self.severity = self._edit("Worst severity that day", WORST_SEVERITY.scale())
        self.severity.setToolTip(WORST_SEVERITY.anchor_text())
        self.minutes = self._edit("Total cramp minutes that day", "min")
        self.sleep = QCheckBox(self.tr("Sleep disturbed"))
        self.sleep.setAccessibleName(self.tr("Sleep disturbed that night"))
        self.notes = self._edit("Diary notes", "notes")
        self.add_button = QPushButton(self.tr("Add day"))
        self.add_button.setAccessibleName(self.tr("Add diary day"))
        self.delete_button = QPushButton(self.tr("Delete selected day"))
        self.delete_button.setAccessibleName(self.tr("Delete selected diary day"))
        self.import_button = QPushButton(self.tr("Import CSV…"))
        self.import_button.setAccessibleName(self.tr("Import diary from CSV"))
        self.error = QLabel()
        self.error.setObjectName("inlineError")
        self.error.setWordWrap(True)
        self.error.setAccessibleName(self.tr("Diary entry problem"))
        self.error.hide()
        self.entry_rows = TextTableModel(ENTRY_COLUMNS, self, ENTRY_TIPS)
        self.entries = read_only_view(self.entry_rows, "Diary days")
        self.weeks = read_only_table(WEEK_COLUMNS, "Diary weeks")
        for column, tip in enumerate(WEEK_TIPS):
            if (item := self.weeks.horizontalHeaderItem(column)) is not None:
                item.setToolTip(tip)

        entry_row = QHBoxLayout()
        for widget in (self.day, self.cramps, self.severity, self.minutes):
            widget.setMaximumWidth(110)
            entry_row.addWidget(widget)
        entry_row.addWidget(self.sleep)
        entry_row.addWidget(self.notes, 1)
        entry_row.addWidget(self.add_button)
        actions = QHBoxLayout()
        actions.addWidget(self.delete_button)
        actions.addStretch(1)
        actions.addWidget(self.import_button)
        for view in (self.entries, self.weeks):
            # Widths from the headers and figures; dates and small counts are alike, so a
            # sample of rows measures years of days as well as all of them.
            header = view.horizontalHeader()
            header.setResizeContentsPrecision(ROWS_MEASURED)
            for column in range(header.count() - 1):  # the last one stretches
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        # Side by side when both tables' columns fit the width, else one above the other
        # (never a table scrolling sideways).
        self._tables = tables = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        tables.addWidget(self.entries)
        tables.addWidget(self.weeks)
        for view in (self.entries, self.weeks):
            view.horizontalHeader().sectionResized.connect(self._arrange_tables)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(entry_row)
        layout.addWidget(self.error)
        layout.addLayout(tables, 1)
        layout.addLayout(actions)

        self.add_button.clicked.connect(self._on_add)
        self.notes.returnPressed.connect(self._on_add)
        self.delete_button.clicked.connect(self._on_delete)
        self.import_button.clicked.connect(self.import_requested)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._arrange_tables()

    def _arrange_tables(self, *_: object) -> None:
        needs = [_columns_width(view) for view in (self.entries, self.weeks)]
        if self.width() >= sum(needs) + self._tables.spacing():
            # Each table's share of the width in proportion to its columns' need, so
            # neither gets less than it needs (a fixed split would starve one of them).
            direction, stretches = QBoxLayout.Direction.LeftToRight, needs
        else:
            direction, stretches = QBoxLayout.Direction.TopToBottom, list(STACKED_HEIGHTS)
        if self._tables.direction() != direction:
            self._tables.setDirection(direction)
        for index, stretch in enumerate(stretches):
            self._tables.setStretch(index, stretch)

    def show_diary(self, entries: Sequence[DiaryEntry], weeks: Sequence[DiaryWeek]) -> None:
        """Fill both tables, newest first."""
        self.entry_rows.set_rows(
            (entry.day.isoformat(), str(entry.cramps),
             "" if entry.worst_severity is None else str(entry.worst_severity),
             "" if entry.total_minutes is None else f"{entry.total_minutes:g}",
             "yes" if entry.sleep_disturbed else "no", entry.notes)
            for entry in reversed(entries)
        )
        fill_rows(self.weeks, (
            (week.start.isoformat(), str(week.days_recorded), str(week.cramps),
             format_value(week.cramps_per_week, CRAMPS_PER_WEEK),
             str(week.cramp_free_nights))
            for week in reversed(weeks)
        ))

    def show_problem(self, message: str | None) -> None:
        """Show why the typed day was refused (or clear it); the typed text stays."""
        self.error.setText(message or "")
        self.error.setVisible(bool(message))

    def clear_entry(self) -> None:
        """Empty the entry row after a day was stored."""
        for edit in (self.day, self.cramps, self.severity, self.minutes, self.notes):
            edit.clear()
        self.sleep.setChecked(False)
        self.show_problem(None)

    def _on_add(self) -> None:
        try:
            day = parse_date(self.day.text()) or dt.date.today()
            cramps = parse_number(self.cramps.text(), integer=True)
            severity = parse_number(self.severity.text(), integer=True)
            minutes = parse_number(self.minutes.text())
        except ValueError as exc:
            self.show_problem(str(exc))
            return
        if cramps is None:
            self.show_problem(self.tr("Enter the number of cramps (0 for a cramp-free day)."))
            return
        self.add_requested.emit(DiaryEntry(
            day=day, cramps=int(cramps),
            worst_severity=None if severity is None else int(severity),
            total_minutes=minutes, sleep_disturbed=self.sleep.isChecked(),
            notes=self.notes.text().strip(),
        ))

    def _on_delete(self) -> None:
        day = self.entry_rows.text(self.entries.currentIndex().row(), 0)
        if day:
            self.delete_requested.emit(dt.date.fromisoformat(day))

    def _edit(self, accessible: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setAccessibleName(accessible)
        edit.setPlaceholderText(placeholder)
        return edit
