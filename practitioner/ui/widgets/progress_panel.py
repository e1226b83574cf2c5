"""Baseline against latest for every measure, with trend arrows and plain flags."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from practitioner.domain.outcomes import MeasureProgress, Progress, Thresholds, Trend

ARROWS = {Trend.BETTER: "▲ better", Trend.WORSE: "▼ worse", Trend.SAME: "● same"}
COLUMNS = ("Measure", "Baseline", "Latest", "Change", "%", "Trend", "From")
BESIDE_LABEL = "  ↳ at the visits"  # the session answers beside a figure from the diary
_SHORT_SOURCES = {"diary": "diary", "session answers": "visits"}


def _short_source(source: str) -> str:
    """A source in a word for the narrow column; the tooltip gives it in full."""
    first = source.split(",", 1)[0]
    return _SHORT_SOURCES.get(first, first)


class ProgressPanel(QWidget):
    """Read-only table of progress plus the flags that apply."""

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
        self.table.setAccessibleName(self.tr("Progress since baseline"))
        self.table.horizontalHeader().setAccessibleName(self.tr("Progress columns"))
        self.table.verticalHeader().hide()
        # The notices above and below wrap onto several lines; the figures stay readable.
        self.table.setMinimumHeight(160)
        self.table.verticalHeader().setAccessibleName(self.tr("Row numbers"))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(COLUMNS)):
            self.table.horizontalHeader().setSectionResizeMode(
                column, QHeaderView.ResizeMode.ResizeToContents)
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.notes.setAccessibleName(self.tr("Progress notes"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.flags)
        layout.addWidget(self.disagreement)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.notes)

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
            cells = (
                name,
                f"{measure.baseline:g}" if not measure.definition.latest_only else "—",
                f"{measure.latest:g}",
                f"{measure.change:+g}" if compared else "—",
                f"{percent:+.0f}%" if compared and percent is not None else "—",
                ARROWS[measure.trend] if compared else "—",
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
