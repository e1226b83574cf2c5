"""The caseload dialog shows how each table adds up and marks rows too small to compare."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QTableWidget
from pytestqt.qtbot import QtBot

from practitioner.domain.what_worked import GroupRate, GroupTable
from practitioner.ui.dialogs.caseload import CaseloadDialog


def test_each_tab_says_how_its_rows_add_up_and_small_rows_are_not_compared(
    qtbot: QtBot,
) -> None:
    table = GroupTable("By pattern", "pattern",
                       (GroupRate("Blood", 6, 3, 0), GroupRate("Cold", 2, 1, 0)),
                       caseload=7, grouped=7, in_several=1)
    dialog = CaseloadDialog([table], "thresholds")
    qtbot.addWidget(dialog)
    page = dialog.tabs.widget(0)
    totals = page.findChild(QLabel, "totals")
    assert totals is not None and "7 patients in the caseload" in totals.text()
    assert "the rows add up to 8" in totals.text()
    grid = page.findChild(QTableWidget)
    assert grid is not None
    assert grid.item(0, 4).text() == "50%"
    assert grid.item(1, 4).text() == "too few (< 5)"
