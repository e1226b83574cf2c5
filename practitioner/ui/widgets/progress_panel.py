"""Baseline against latest for every measure, with the clinical direction in words, plain
flags, and the caveat about seasons and regression to the mean."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from practitioner.domain.outcome_text import (
    JUDGING_ENTRY,
    direction,
    format_change,
    format_percent,
    format_value,
    outcome_caveat,
)
from practitioner.domain.outcomes import MeasureProgress, Progress, Thresholds

COLUMNS = ("Measure", "Baseline", "Latest", "Change", "%", "Direction", "From")
COLUMN_TIPS = (
    "What was measured; hover a measure for its scale and source",
    "The first value (or the diary's baseline period)",
    "The most recent value (or the diary's last 4 weeks)",
    "Latest minus baseline",
    "Change as a percentage of the baseline",
    "Which way the number moved (arrow) and whether that is better for the patient",
    "Where the figures come from: the diary or the answers at the visits",
)
BESIDE_LABEL = "  ↳ at the visits"  # the session answers beside a figure from the diary
_SHORT_SOURCES = {"diary": "diary", "session answers": "visits"}


def _short_source(source: str) -> str:
    """A source in a word for the narrow column; the tooltip gives it in full."""
    first = source.split(",", 1)[0]
    return _SHORT_SOURCES.get(first, first)


class ProgressPanel(QWidget):
    """Read-only table of progress plus the flags that apply.

    Signals:
        read_requested(str): open the reference entry with this slug.
    """

    read_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.flags = QLabel()
        self.flags.setObjectName("flags")
        self.flags.setWordWrap(True)
        self.flags.setAccessibleName(self.tr("Progress flags"))
        self.disagreement = QLabel()
        self.disagreement.setObjectName("disagreement")
        self.disagreement.setWordWrap(True)
        self.disagreement.setAccessibleName(self.tr("Diary and session answers disagree"))
        self.disagreement.hide()
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        for column, tip in enumerate(COLUMN_TIPS):
            header_item = self.table.horizontalHeaderItem(column)
            if header_item is not None:
                header_item.setToolTip(tip)
        self.table.setAccessibleName(self.tr("Progress since baseline"))
        self.table.horizontalHeader().setAccessibleName(self.tr("Progress columns"))
        self.table.verticalHeader().hide()
        # The notices above and below wrap onto several lines; the figures stay readable.
        self.table.setMinimumHeight(160)
        self.table.verticalHeader().setAccessibleName(self.tr("Row numbers"))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # Every column as wide as its header and figures; the source takes what is left.
        header = self.table.horizontalHeader()
        for column in range(len(COLUMNS) - 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(header.fontMetrics().horizontalAdvance("From") + 16)
        self.caveat = QLabel()
        self.caveat.setObjectName("outcomeCaveat")
        self.caveat.setWordWrap(True)
        self.caveat.setAccessibleName(self.tr("Before crediting the treatment"))
        self.caveat.linkActivated.connect(
            lambda link: self.read_requested.emit(link.removeprefix("entry:")))
        self.caveat.hide()
        self._link_entry = False
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.notes.setAccessibleName(self.tr("Progress notes"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.flags)
        layout.addWidget(self.disagreement)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.caveat)
        layout.addWidget(self.notes)

    def set_reference_link(self, available: bool) -> None:
        """Whether the caveat links the library's entry on judging a treatment's effect."""
        self._link_entry = available

    def show_progress(self, progress: Progress, thresholds: Thresholds) -> None:
        """Fill the table, flags and notices from `progress`; the session answers for a
        measure taken from the diary follow it on their own row."""
        beside = {row.definition.code: row for row in progress.beside}
        rows: list[tuple[str, MeasureProgress]] = []
        for measure in progress.measures:
            rows.append((measure.definition.name, measure))
            if (other := beside.get(measure.definition.code)) is not None:
                rows.append((BESIDE_LABEL, other))
        self.table.setRowCount(len(rows))
        for row, (name, measure) in enumerate(rows):
            percent = measure.change_percent
            compared = measure.count > 1 and not measure.definition.latest_only
            definition = measure.definition
            cells = (
                name,
                format_value(measure.baseline, definition) if not definition.latest_only
                else "—",
                format_value(measure.latest, definition),
                format_change(measure.change, definition) if compared else "—",
                format_percent(percent) if compared else "—",
                direction(measure) if compared else "—",
                _short_source(measure.source),
            )
            tips = (
                "\n".join(part for part in (
                    measure.definition.anchor_text(), measure.definition.source,
                    f"Figures from the {measure.source}." if measure.source else "") if part),
                f"Baseline {measure.baseline_date:%Y-%m-%d}",
                f"Latest {measure.latest_date:%Y-%m-%d} ({measure.count} values)",
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(measure.source if column == len(cells) - 1
                                else tips[min(column, 2)])
                self.table.setItem(row, column, item)
        flags = progress.flag_lines()
        self.flags.setText("\n".join(flags) if flags else self.tr("No flags yet."))
        self.flags.setToolTip("\n".join(thresholds.sources))
        self.disagreement.setText(
            self.tr("The diary and the session answers disagree; the figures and flags "
                    "use the diary.") + "\n" + "\n".join(progress.disagreements))
        self.disagreement.setVisible(bool(progress.disagreements))
        notes = list(progress.notes)
        if not progress.measures:
            notes.insert(0, self.tr("No measures recorded yet: enter them in a session note."))
        self.notes.setText("\n".join(notes))
        self._show_caveat(progress)

    def _show_caveat(self, progress: Progress) -> None:
        caveat = outcome_caveat(progress.measures)
        self.caveat.setVisible(caveat is not None)
        if caveat is None:
            self.caveat.setText("")
            return
        text = f"<b>{escape(caveat.months)}</b> — "
        if caveat.strong:
            text += f"<b>{escape(caveat.season_note)}</b> "
        text += escape(caveat.general)
        if self._link_entry:
            text += (f' <a href="entry:{JUDGING_ENTRY}">'
                     + escape(self.tr("Judging whether a treatment worked")) + "</a>")
        self.caveat.setText(text)
