"""Responder rates across the caseload, by pattern and by protocol (computed locally)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from practitioner.domain.what_worked import GroupRate

COLUMNS = ("Group", "Patients", "Responders", "Undetermined", "Responder rate")


def rates_table(rates: Sequence[GroupRate], name: str) -> QTableWidget:
    """A read-only table of group rates."""
    table = QTableWidget(len(rates), len(COLUMNS))
    table.setHorizontalHeaderLabels(list(COLUMNS))
    table.setAccessibleName(name)
    table.horizontalHeader().setAccessibleName(f"{name} columns")
    table.verticalHeader().hide()
    table.verticalHeader().setAccessibleName("Row numbers")
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    for row, rate in enumerate(rates):
        cells = (rate.label, str(rate.patients), str(rate.responders), str(rate.undetermined),
                 "—" if rate.rate is None else f"{100 * rate.rate:.0f}%")
        for column, text in enumerate(cells):
            table.setItem(row, column, QTableWidgetItem(text))
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
