"""Responder rates across the caseload, by pattern, protocol and point (computed locally)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from practitioner.domain.what_worked import MIN_GROUP_PATIENTS, GroupRate, GroupTable
from practitioner.ui.widgets.empty_state import EmptyState
from practitioner.ui.widgets.tables import fill_rows, read_only_table

COLUMNS = ("Group", "Patients", "Responders", "Undetermined", "Responder rate")


def _rate_text(rate: GroupRate) -> str:
    if rate.too_few:
        return f"too few (< {MIN_GROUP_PATIENTS})"
    return "—" if rate.rate is None else f"{100 * rate.rate:.0f}%"


def rates_table(rates: Sequence[GroupRate], name: str) -> QTableWidget:
    """A read-only table of group rates."""
    table = read_only_table(COLUMNS, name, stretch=0)
    fill_rows(table, (
        (rate.label, str(rate.patients), str(rate.responders), str(rate.undetermined),
         _rate_text(rate))
        for rate in rates
    ))
    return table


class CaseloadDialog(QDialog):
    """What worked across all patients; nothing leaves the machine."""

    def __init__(self, tables: Sequence[GroupTable], thresholds_note: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("What worked across the caseload"))
        intro = QLabel(self.tr(
            "Share of patients whose cramps per week fell by the responder threshold, by the "
            "pattern recorded most often for them, by the protocols whose points they "
            "received and by each point they received. Small groups and unrecorded measures "
            "make these rates rough guides, not evidence.") + "\n" + thresholds_note)
        intro.setWordWrap(True)
        self.tabs = QTabWidget()
        for table in tables:
            page = QWidget()
            page_layout = QVBoxLayout(page)
            totals = QLabel(table.summary())
            totals.setWordWrap(True)
            totals.setObjectName("totals")
            page_layout.addWidget(totals)
            if table.rates:
                page_layout.addWidget(
                    rates_table(table.rates, f"Responders {table.title.lower()}"), 1)
            else:
                page_layout.addWidget(EmptyState("chart-column", self._why_empty(table)), 1)
            self.tabs.addTab(page, self.tr(table.title))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        self.resize(760, 600)

    def _why_empty(self, table: GroupTable) -> str:
        """Why `table` has no rows, and how rows come."""
        if table.caseload == 0:
            return self.tr("No patient has a session yet: rates appear here once sessions "
                           "are recorded.")
        return {
            "protocol": self.tr(
                "No patient has received a protocol's points yet, so there is nothing to "
                "compare by protocol. Apply one in a session note: Session › Apply protocol "
                "(Ctrl+P), then save the session."),
            "pattern": self.tr("No session records a TCM pattern yet: choose one in the "
                               "session note's Pattern field."),
            "point": self.tr("No session records a needled point yet: add the points in "
                             "the session note."),
        }.get(table.grouped_by, self.tr("Nothing to compare yet."))

    @classmethod
    def show_for(cls, tables: Sequence[GroupTable], thresholds_note: str,
                 parent: QWidget | None = None) -> None:
        """Show the tables modally."""
        cls(tables, thresholds_note, parent).exec()
