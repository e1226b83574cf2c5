"""Responder rates across the caseload, by pattern and by protocol (computed locally)."""

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

from practitioner.domain.what_worked import GroupRate
from practitioner.ui.widgets.tables import fill_rows, read_only_table

COLUMNS = ("Group", "Patients", "Responders", "Undetermined", "Responder rate")


def rates_table(rates: Sequence[GroupRate], name: str) -> QTableWidget:
    """A read-only table of group rates."""
    table = read_only_table(COLUMNS, name, stretch=0)
    fill_rows(table, (
        (rate.label, str(rate.patients), str(rate.responders), str(rate.undetermined),
         "—" if rate.rate is None else f"{100 * rate.rate:.0f}%")
        for rate in rates
    ))
    return table


class CaseloadDialog(QDialog):
    """What worked across all patients; nothing leaves the machine."""

    def __init__(self, by_pattern: Sequence[GroupRate], by_protocol: Sequence[GroupRate],
                 thresholds_note: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("What worked across the caseload"))
        intro = QLabel(self.tr(
            "Share of patients whose cramps per week fell by the responder threshold, by the "
            "pattern recorded most often for them and by the protocols whose points they "
            "received. Small groups and unrecorded measures make these rates rough guides, "
            "not evidence.") + "\n" + thresholds_note)
        intro.setWordWrap(True)
        self.tabs = QTabWidget()
        self.tabs.addTab(rates_table(by_pattern, "Responders by pattern"), self.tr("By pattern"))
        self.tabs.addTab(rates_table(by_protocol, "Responders by protocol"),
                         self.tr("By protocol"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        self.resize(640, 460)

    @classmethod
    def show_for(cls, by_pattern: Sequence[GroupRate], by_protocol: Sequence[GroupRate],
                 thresholds_note: str, parent: QWidget | None = None) -> None:
        """Show the rates modally."""
        cls(by_pattern, by_protocol, thresholds_note, parent).exec()
