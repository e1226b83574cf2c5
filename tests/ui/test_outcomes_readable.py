"""The Outcomes tab at a glance (issue 17 item 3) and its caveat (issue 19 item 5): every
column header fits at the default window size, figures read as people write them, the
direction is said in words, and the caveat names both months and links the library entry."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QStyle, QTableView, QTableWidget, QWidget
from pytestqt.qtbot import QtBot

from practitioner.content.reference import load_reference
from practitioner.domain.outcome_text import JUDGING_ENTRY
from practitioner.domain.outcomes import DiaryEntry, SessionMeasures, diary_weeks
from practitioner.domain.patient import Patient
from practitioner.services.bundle import Services
from practitioner.ui.main_window import MainWindow
from practitioner.ui.pages.outcomes_page import OutcomesPage
from practitioner.ui.widgets.diary_panel import DiaryPanel
from tests.helpers.session_inputs import full_session

VISITS = ((dt.datetime(2024, 6, 10, 10), 11.0, 7.0, 4.0),
          (dt.datetime(2024, 7, 22, 10), 5.0, 5.0, 2.0),
          (dt.datetime(2024, 9, 16, 10), 3.0, 3.0, 1.0))


@pytest.fixture
def course(services: Services, patient: Patient) -> Patient:
    """Three visits, summer to autumn, with thirds that do not come out even."""
    for when, cramps, severity, nights in VISITS:
        services.sessions.create(patient.id, full_session(when, measures=SessionMeasures(
            values=(("cramps_per_week", cramps), ("worst_severity", severity),
                    ("disturbed_nights", nights), ("duration_minutes", 10 / 3)))))
    for offset in range(12):
        day = dt.date(2024, 5, 15) + dt.timedelta(days=offset * 2)
        services.outcomes.save_diary_entry(patient.id, DiaryEntry(day, offset % 3, 6))
    return patient


def _outcomes(qtbot: QtBot, opened: MainWindow) -> OutcomesPage:
    opened.workspace.tabs.setCurrentWidget(opened.workspace.outcomes)
    page = opened.workspace.outcomes
    qtbot.waitUntil(lambda: page.chart is not None and page.progress.table.rowCount() > 0)
    return page


def _clipped_headers(table: QTableView) -> list[str]:
    """Headers whose text needs more room than their section has (font metrics)."""
    header = table.horizontalHeader()
    metrics = header.fontMetrics()
    margin = 2 * header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
    clipped = []
    for column in range(header.count()):
        text = str(table.model().headerData(column, Qt.Orientation.Horizontal) or "")
        if header.isSectionHidden(column):
            continue
        if metrics.horizontalAdvance(text) + margin > header.sectionSize(column):
            clipped.append(f"{text}: {header.sectionSize(column)} px")
        if header.sectionViewportPosition(column) + header.sectionSize(column) > (
                header.viewport().width() + 1):
            clipped.append(f"{text}: beyond the visible width")
    return clipped


def _clipped_cells(table: QTableWidget) -> list[str]:
    metrics = table.fontMetrics()
    clipped = []
    for row in range(table.rowCount()):
        for column in range(table.columnCount()):
            item = table.item(row, column)
            if item is not None and (metrics.horizontalAdvance(item.text()) + 6
                                     > table.columnWidth(column)):
                clipped.append(item.text())
    return clipped


def test_every_header_and_figure_fits_at_the_default_window_size(
    qtbot: QtBot, course: Patient, opened: MainWindow,
) -> None:
    page = _outcomes(qtbot, opened)
    tables: list[tuple[QTableView, QWidget]] = [
        (page.progress.table, page.visits), (page.visits, page.visits),
        (page.diary.entries, page.diary), (page.diary.weeks, page.diary)]
    for table, tab in tables:
        page.detail_tabs.setCurrentWidget(tab)
        qtbot.waitUntil(table.isVisible)
        QApplication.processEvents()
        assert _clipped_headers(table) == [], table.accessibleName()
    assert _clipped_cells(page.progress.table) == []


def test_the_diary_tables_headers_fit_at_every_width(qtbot: QtBot) -> None:
    """Side by side or one above the other, neither diary table is starved of width."""
    panel = DiaryPanel()
    qtbot.addWidget(panel)
    entries = [DiaryEntry(dt.date(2024, 5, 1) + dt.timedelta(days=n), n % 4, 6, 12.5, True)
               for n in range(40)]
    panel.show_diary(entries, diary_weeks(entries))
    panel.show()
    qtbot.waitExposed(panel)
    clipped = []
    for width in range(480, 1400, 20):
        panel.resize(width, 500)
        QApplication.processEvents()
        clipped += [f"{width} px: {table.accessibleName()}: {problem}"
                    for table in (panel.entries, panel.weeks)
                    for problem in _clipped_headers(table)]
    assert clipped == []


def test_figures_are_formatted_and_the_direction_said_in_words(
    qtbot: QtBot, course: Patient, opened: MainWindow,
) -> None:
    table = _outcomes(qtbot, opened).progress.table
    texts = [[table.item(r, c).text() for c in range(table.columnCount())]
             for r in range(table.rowCount())]
    rows = {row[0]: row for row in texts}
    assert rows["Typical cramp duration"][1:4] == ["3.3", "3.3", "0"]
    assert rows["Worst cramp severity"][3:6] == ["−4", "−57%", "milder ▼, improved"]
    assert rows["Nights disturbed by cramps"][5] == "fewer nights ▼, improved"
    for row in texts:
        assert not any("." in cell and len(cell.split(".")[1]) > 1 for cell in row[1:4]), row
    assert "better" not in " ".join(cell for row in texts for cell in row)


def test_the_caveat_names_both_months_and_opens_the_library_entry(
    qtbot: QtBot, services: Services, course: Patient, opened: MainWindow,
) -> None:
    services.reference.seed(tuple(e for e in load_reference() if e.slug == JUDGING_ENTRY))
    opened.workspace.outcomes.mark_stale()
    page = _outcomes(qtbot, opened)
    caveat = page.progress.caveat
    qtbot.waitUntil(caveat.isVisible)
    assert "baseline: June 2024 · latest: September 2024" in caveat.text()
    assert "regress toward the mean" in caveat.text()
    assert "The baseline was in summer and the latest in autumn" in caveat.text(), \
        "stronger across seasons"
    assert f"entry:{JUDGING_ENTRY}" in caveat.text()
    caveat.linkActivated.emit(f"entry:{JUDGING_ENTRY}")
    shown = opened.reference.entry()
    assert shown is not None and shown.slug == JUDGING_ENTRY


def test_without_the_library_entry_the_caveat_links_nothing(
    qtbot: QtBot, course: Patient, opened: MainWindow,
) -> None:
    caveat = _outcomes(qtbot, opened).progress.caveat
    qtbot.waitUntil(caveat.isVisible)
    assert "regress toward the mean" in caveat.text() and "<a " not in caveat.text()
