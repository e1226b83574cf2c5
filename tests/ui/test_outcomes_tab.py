"""Outcome tracking through the real widgets: measures in session notes, the progress panel
and chart, chart export, the diary and its CSV import, PSFS activities, caseload view."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from practitioner.domain.diary_csv import parse_diary_csv
from practitioner.domain.outcomes import DiaryEntry, Flag
from practitioner.domain.patient import Patient
from practitioner.domain.report_content import report_html
from practitioner.services.bundle import Services
from practitioner.services.reports import ReportService
from practitioner.ui.dialogs.custom_measure import CustomMeasureInput
from practitioner.ui.dialogs.diary_import import DiaryImportDialog
from practitioner.ui.main_window import MainWindow
from tests.helpers.fakes import FakeMessages
from tests.ui.conftest import VISIT_NOW, make_window

BAD_DIARY = (
    "date,cramps,worst_severity,total_minutes,sleep_disturbed,notes\n"
    "2025-01-06,2,6,4,yes,calf at night\n"
    "2025-01-07,-1,3,1,no,\n"
    "2025-01-08,1,12,2,no,\n"
    "2025-01-09,0,,,no,good day\n"
    "2030-01-01,1,2,1,no,future\n"
)


def record_visit(window: MainWindow, when: str, cramps: str, severity: str, pgic: int = 0
                 ) -> None:
    page = window.workspace.sessions
    page.new_session()
    form = page.form
    form.started_at.setText(when)
    form.measures.fields["cramps_per_week"].setText(cramps)
    form.measures.fields["worst_severity"].setText(severity)
    if pgic and form.measures.pgic is not None:
        form.measures.pgic.setCurrentIndex(pgic)
    form.points.add_code("GB34")
    form.notes.setPlainText(f"Visit of {when}")
    assert page.save(), page.status.text()


def test_two_sessions_with_measures_update_the_progress_panel_and_chart(
    qtbot: QtBot, opened: MainWindow, services: Services, patient: Patient, tmp_path: Path,
    messages: FakeMessages,
) -> None:
    record_visit(opened, "2025-01-02 10:00", "8", "7")
    assert opened.workspace.sessions.form.measures.pgic is not None
    assert not opened.workspace.sessions.form.measures.pgic.isEnabled(), \
        "PGIC is asked from the second session on"
    opened.workspace.tabs.setCurrentWidget(opened.workspace.outcomes)
    page = opened.workspace.outcomes
    qtbot.waitUntil(lambda: page.chart is not None)
    assert page.progress.table.rowCount() >= 2
    assert "One session so far" in page.progress.notes.text()

    opened.workspace.show_sessions()
    record_visit(opened, "2025-01-09 10:00", "3", "4", pgic=2)
    opened.workspace.tabs.setCurrentWidget(page)
    qtbot.waitUntil(lambda: page.chart is not None and len(page.chart.series()) == 2)
    table = page.progress.table
    rows = {table.item(r, 0).text(): r for r in range(table.rowCount())}
    cramps = rows["Cramps per week"]
    assert table.item(cramps, 1).text().startswith("8")
    assert table.item(cramps, 2).text().startswith("3")
    assert table.item(cramps, 3).text() == "−5"
    assert table.item(cramps, 4).text() == "−63%"
    assert table.item(cramps, 5).text() == "fewer cramps ▼, improved"
    assert Flag.RESPONDER.value in page.progress.flags.text()
    assert Flag.SEVERITY_IMPORTANT.value in page.progress.flags.text()
    assert [value for _, value in page.chart.series()] == [8.0, 3.0]
    timeline = opened.workspace.sessions.timeline
    assert "3 cramps/wk · worst 4/10" in timeline.item(0).text(), "headline figures"

    target = tmp_path / "chart.png"
    messages.save_file = str(target)
    page.export_button.click()
    assert target.stat().st_size > 0
    image = QImage(str(target))
    assert not image.isNull() and image.width() > 100


def test_a_csv_with_bad_rows_shows_line_numbers_and_imports_nothing_by_default(
    qtbot: QtBot, opened: MainWindow, services: Services, patient: Patient, tmp_path: Path,
    messages: FakeMessages,
) -> None:
    csv_file = tmp_path / "diary.csv"
    csv_file.write_text(BAD_DIARY, encoding="utf-8")
    opened.workspace.tabs.setCurrentWidget(opened.workspace.outcomes)
    page = opened.workspace.outcomes
    messages.open_file = str(csv_file)
    page.diary.import_button.click()
    [preview] = messages.diary_previews
    assert sorted(problem.line for problem in preview.problems) == [3, 4, 6]
    assert services.outcomes.diary(patient.id) == []

    messages.skip_bad_diary_rows = True
    page.diary.import_button.click()
    assert [entry.day for entry in services.outcomes.diary(patient.id)] == [
        dt.date(2025, 1, 6), dt.date(2025, 1, 9)]
    assert page.diary.entry_rows.rowCount() == 2


def test_the_import_preview_lists_each_bad_row_and_refuses_until_told_to_skip(
    qtbot: QtBot,
) -> None:
    preview = parse_diary_csv(BAD_DIARY, VISIT_NOW.date())
    dialog = DiaryImportDialog(preview)
    qtbot.addWidget(dialog)
    lines = [dialog.problems.item(i).text() for i in range(dialog.problems.count())]
    assert [text.split(":")[0] for text in lines] == ["Line 3", "Line 4", "Line 6"]
    assert not dialog.import_button.isEnabled()
    assert dialog.value() == []
    dialog.skip_bad.setChecked(True)
    assert dialog.import_button.isEnabled()
    assert len(dialog.value()) == 2


def test_a_bad_diary_day_is_explained_and_the_typed_text_kept(
    opened: MainWindow, services: Services, patient: Patient
) -> None:
    opened.workspace.tabs.setCurrentWidget(opened.workspace.outcomes)
    diary = opened.workspace.outcomes.diary
    opened.workspace.outcomes.detail_tabs.setCurrentWidget(diary)
    diary.day.setText("2024-12-30")
    diary.cramps.setText("lots")
    diary.add_button.click()
    assert diary.error.isVisible() and "number" in diary.error.text()
    assert diary.cramps.text() == "lots"
    diary.cramps.setText("3")
    diary.add_button.click()
    assert not diary.error.isVisible()
    diary.day.setText("2024-12-30")
    diary.cramps.setText("1")
    diary.add_button.click()
    assert "already" in diary.error.text().lower()
    assert [e.cramps for e in services.outcomes.diary(patient.id)] == [3]


def test_psfs_activities_are_rated_in_the_next_session_note(
    opened: MainWindow, services: Services, patient: Patient
) -> None:
    outcomes = opened.workspace.outcomes
    opened.workspace.tabs.setCurrentWidget(outcomes)
    outcomes.activities[0].setText("Walking the dog in the morning")
    outcomes.activities[1].setText("Sleeping through the night")
    outcomes.save_activities_button.click()
    activities = services.outcomes.psfs_activities(patient.id)
    assert [a.wording for a in activities] == ["Walking the dog in the morning",
                                              "Sleeping through the night"]
    page = opened.workspace.sessions
    page.new_session()
    fields = page.form.measures.psfs
    assert len(fields) == 2
    fields[activities[0].id].setText("4")
    fields[activities[1].id].setText("11")
    page.form.notes.setPlainText("PSFS taken.")
    assert page.save() is False
    assert "0 to 10" in page.form.errors["measures"].text()
    fields[activities[1].id].setText("6")
    assert page.save()
    latest = services.sessions.latest(patient.id)
    assert latest is not None and latest.data.measures.psfs_average() == 5.0


def test_the_caseload_view_groups_responders(
    opened: MainWindow, services: Services, messages: FakeMessages
) -> None:
    record_visit(opened, "2025-01-02 10:00", "8", "7")
    record_visit(opened, "2025-01-09 10:00", "2", "3", pgic=2)
    opened.commands.caseload.trigger()
    [(by_pattern, by_protocol, by_point)] = messages.caseloads
    assert [t.title for t in (by_pattern, by_protocol, by_point)] == [
        "By pattern", "By protocol", "By point"]
    assert by_point.caseload == 1 and by_point.grouped == 1
    assert [rate.label for rate in by_point.rates] == ["GB34"]


def test_thresholds_come_from_the_settings_file(
    qtbot: QtBot, services: Services, patient: Patient, settings_path: Path
) -> None:
    settings = QSettings(str(settings_path), QSettings.Format.IniFormat)
    settings.setValue("outcomes/responder_percent", "70")
    settings.setValue("outcomes/severity_points", "not a number")
    settings.setValue("outcomes/diary_min_days", "14")
    settings.sync()
    window = make_window(services, FakeMessages(), settings_path)
    qtbot.addWidget(window)
    thresholds = window.workspace.outcomes.thresholds
    assert thresholds.responder_percent == 70
    assert thresholds.severity_points == 2, "a bad value falls back to the default"
    assert thresholds.diary_min_days == 14
    window.refresh_list()
    window.workspace.open_patient(patient.id)
    window.show()
    record_visit(window, "2025-01-02 10:00", "8", "7")
    record_visit(window, "2025-01-09 10:00", "3", "7", pgic=4)
    window.workspace.tabs.setCurrentWidget(window.workspace.outcomes)
    qtbot.waitUntil(lambda: window.workspace.outcomes.chart is not None)
    assert Flag.RESPONDER.value not in window.workspace.outcomes.progress.flags.text(), \
        "−62% is not a responder at a 70% threshold"


def test_a_custom_measure_is_defined_refused_with_its_reason_and_asked_in_notes(
    opened: MainWindow, services: Services, messages: FakeMessages
) -> None:
    page = opened.workspace.outcomes
    opened.workspace.tabs.setCurrentWidget(page)
    bad = CustomMeasureInput("Stairs without cramp", "flights", 10, 0, True, False, 2)
    good = CustomMeasureInput("Stairs without cramp", "flights", 0, 10, True, False, 2)
    messages.custom_measures = [bad, good]
    page.custom_measure_button.click()
    assert messages.custom_measure_problems[0] == ""
    assert messages.custom_measure_problems[1], "the refusal's reason is shown on retry"
    names = [d.name for d in services.outcomes.definitions()]
    assert names.count("Stairs without cramp") == 1
    sessions = opened.workspace.sessions
    sessions.new_session()
    assert any(e.accessibleName() == "Stairs without cramp"
               for e in sessions.form.measures.fields.values())


def test_measure_fields_say_their_scale_once_and_show_its_anchors(opened: MainWindow) -> None:
    page = opened.workspace.sessions
    page.new_session()
    fields = page.form.measures.fields
    assert fields["worst_severity"].placeholderText() == "0–10"
    assert fields["disturbed_nights"].placeholderText() == "nights of 7"
    assert fields["worst_severity"].toolTip().startswith("0 = no pain, 10 = worst")
    assert opened.workspace.outcomes.diary.severity.toolTip().startswith("0 = no pain")


def test_a_diary_that_disagrees_with_the_visits_gives_the_verdict_the_notice_and_source(
    qtbot: QtBot, opened: MainWindow, services: Services, patient: Patient
) -> None:
    record_visit(opened, "2024-10-07 10:00", "14", "8")
    record_visit(opened, "2024-12-16 10:00", "5", "3", pgic=2)
    before = [DiaryEntry(dt.date(2024, 9, 9) + dt.timedelta(days=n), 1, 5)
              for n in range(28)]
    lately = [DiaryEntry(dt.date(2024, 11, 18) + dt.timedelta(days=n), 2, 7)
              for n in range(28)]
    services.outcomes.import_diary(patient.id, before + lately, replace_existing=False)
    page = opened.workspace.outcomes
    opened.workspace.tabs.setCurrentWidget(page)
    qtbot.waitUntil(lambda: page.chart is not None)
    page.refresh()
    table = page.progress.table
    cells = [[table.item(r, c).text() for c in range(table.columnCount())]
             for r in range(table.rowCount())]
    cramps = next(row for row in cells if row[0] == "Cramps per week")
    assert cramps[1:3] == ["7", "14"] and "worse" in cramps[5] and cramps[6] == "diary"
    beside = cells[cells.index(cramps) + 1]
    assert beside[0].strip().startswith("↳") and beside[1:3] == ["14", "5"]
    assert beside[6] == "visits"
    assert Flag.RESPONDER.value not in page.progress.flags.text()
    assert not page.progress.disagreement.isHidden()
    notice = page.progress.disagreement.text()
    assert "The diary and the session answers disagree" in notice
    assert "Cramps per week: worse in the diary (7 → 14)" in notice
    severity = f"{Flag.SEVERITY_IMPORTANT.value} — diary, 4 weeks before the first visit vs"
    assert severity in page.progress.flags.text()

    report = ReportService(services.patients, services.sessions, services.outcomes).build(
        patient.id)
    assert list(report.outcome_disagreements) == notice.split("\n")[1:]
    assert any(line.source.startswith("diary") for line in report.changes)
    assert any(flag.startswith(severity) for flag in report.outcome_flags)
    html = report_html(report)
    assert "The diary and the session answers disagree" in html
    assert "Cramps per week — session answers" in html
