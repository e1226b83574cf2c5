"""The Outcomes tab: progress since baseline, the chart, the cramp diary, PSFS activities
and what was done at each visit next to how the cramps went."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from practitioner.domain.caseload import PatientCourse, VisitSummary
from practitioner.domain.diary_csv import parse_diary_csv
from practitioner.domain.diary_progress import progress_with_diary
from practitioner.domain.outcome_text import JUDGING_ENTRY, format_value
from practitioner.domain.outcomes import (
    CRAMPS_PER_WEEK,
    PSFS_AVERAGE,
    PSFS_MAX_ACTIVITIES,
    DiaryEntry,
    PsfsActivity,
    Thresholds,
    diary_weeks,
)
from practitioner.domain.patient import Patient
from practitioner.domain.validation import ValidationError
from practitioner.domain.what_worked import patient_timeline
from practitioner.errors import ErrorKind, KnownError
from practitioner.services.bundle import Services
from practitioner.ui.dialogs.custom_measure import CustomMeasureInput
from practitioner.ui.messages import Messages
from practitioner.ui.widgets.diary_panel import DiaryPanel
from practitioner.ui.widgets.empty_state import EmptyState
from practitioner.ui.widgets.outcome_chart import ChartVisit, OutcomeChart
from practitioner.ui.widgets.progress_panel import ProgressPanel
from practitioner.ui.widgets.tables import fill_rows, read_only_table


def _visit_tooltip(visit: VisitSummary) -> str:
    patterns = ", ".join(sorted(p.label for p in visit.patterns)) or "no pattern recorded"
    points = " ".join(sorted(visit.point_codes)) or "no points"
    return f"{visit.day:%Y-%m-%d}\n{patterns}\n{points}"


class OutcomesPage(QWidget):
    """Everything about how the patient is doing; data load when the tab is shown.

    Signals:
        activities_changed(): the patient's PSFS activities were changed.
        read_requested(str): open the reference entry with this slug.
        save_patient_requested(): the new, unsaved patient should be saved first.
        new_session_requested(): the practitioner asked for a new session note.
    """

    activities_changed = Signal()
    read_requested = Signal(str)
    save_patient_requested = Signal()
    new_session_requested = Signal()

    def __init__(self, services: Services, messages: Messages,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services, self._messages = services, messages
        self._patient: Patient | None = None
        self._stale = True
        self._shown_activities: list[PsfsActivity] = []
        self._loaded_activities: list[str] = []
        self.thresholds = Thresholds()
        self.progress = ProgressPanel()
        self.progress.read_requested.connect(self.read_requested)
        self.chart: OutcomeChart | None = None  # built the first time the tab is shown
        self._chart_holder = QWidget()
        self._chart_layout = QVBoxLayout(self._chart_holder)
        self._chart_layout.setContentsMargins(0, 0, 0, 0)
        self.custom_measure_button = QPushButton(self.tr("Add a custom measure…"))
        self.custom_measure_button.setAccessibleName(self.tr("Add a custom measure"))
        self.export_button = QPushButton(self.tr("Export chart as PNG…"))
        self.export_button.setAccessibleName(self.tr("Export chart as PNG"))
        chart_side = QWidget()
        chart_layout = QVBoxLayout(chart_side)
        chart_layout.setContentsMargins(0, 0, 0, 0)
        chart_layout.addWidget(self._chart_holder, 1)
        chart_buttons = QHBoxLayout()
        chart_buttons.addWidget(self.custom_measure_button)
        chart_buttons.addStretch(1)
        chart_buttons.addWidget(self.export_button)
        chart_layout.addLayout(chart_buttons)

        self.diary = DiaryPanel()
        self.visits = read_only_table(
            ("Visit", "Pattern", "Protocols", "Points", "Cramps/week"), "Visits and outcomes",
            stretch=1)
        self.visits.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.visits.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.activities = [QLineEdit() for _ in range(PSFS_MAX_ACTIVITIES)]
        activities_page = QWidget()
        activities_form = QFormLayout(activities_page)
        intro = QLabel(self.tr("Up to five activities the patient finds hard because of the "
                               "cramps, in their own words. They are rated 0–10 at each "
                               "session (Patient-Specific Functional Scale)."))
        intro.setWordWrap(True)
        activities_form.addRow(intro)
        for number, edit in enumerate(self.activities, start=1):
            edit.setAccessibleName(self.tr("PSFS activity %1").replace("%1", str(number)))
            activities_form.addRow(self.tr("Activity %1").replace("%1", str(number)), edit)
        self.save_activities_button = QPushButton(self.tr("Save activities"))
        self.save_activities_button.setAccessibleName(self.tr("Save PSFS activities"))
        activities_form.addRow(self.save_activities_button)
        self.detail_tabs = QTabWidget()
        self.detail_tabs.setAccessibleName(self.tr("Outcome details"))
        # The chart has a tab of the page's full width: beside the figures it was too
        # narrow for its axis, legend and dates at a laptop's size.
        self.detail_tabs.addTab(chart_side, self.tr("Chart"))
        self.detail_tabs.addTab(self.diary, self.tr("Cramp diary"))
        self.detail_tabs.addTab(self.visits, self.tr("What was done, and how it went"))
        self.detail_tabs.addTab(activities_page, self.tr("Function activities (PSFS)"))
        # Too few figures for a course: what appears, and after what.
        self.too_few = EmptyState("chart-line")
        self.too_few.action_requested.connect(self.new_session_requested)
        self.too_few.second_requested.connect(self.focus_diary_entry)
        self.top = QStackedWidget()
        self.top.addWidget(self.too_few)
        splitter = QSplitter(Qt.Orientation.Vertical)
        # The flags, caveat and notes wrap to more lines than a short window has room
        # for: they scroll with the figures rather than being drawn over them.
        progress_area = QScrollArea()
        progress_area.setWidgetResizable(True)
        progress_area.setFrameShape(QFrame.Shape.NoFrame)
        progress_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        progress_area.setWidget(self.progress)
        self.top.addWidget(progress_area)
        splitter.addWidget(self.top)
        splitter.addWidget(self.detail_tabs)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([370, 330])
        self.unsaved = EmptyState("chart-line", self.tr(
            "Outcomes are kept in a saved record: save the patient first. Progress and its "
            "chart appear after two sessions or two diary days."), self.tr("Save patient"))
        self.unsaved.action_requested.connect(self.save_patient_requested)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.unsaved)
        self.pages.addWidget(splitter)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)

        self.export_button.clicked.connect(self.export_chart)
        self.diary.add_requested.connect(self._on_add_day)
        self.diary.delete_requested.connect(self._on_delete_day)
        self.diary.import_requested.connect(self.import_diary)
        self.save_activities_button.clicked.connect(self.save_activities)
        self.custom_measure_button.clicked.connect(self.add_custom_measure)

    # -- loading ------------------------------------------------------------------------

    @property
    def patient(self) -> Patient | None:
        """The saved record shown, None for a new or no patient."""
        return self._patient

    def set_patient(self, patient: Patient | None) -> None:
        """Show `patient`; the figures load when the tab is visible."""
        self._patient, self._stale = patient, True
        self.pages.setCurrentIndex(0 if patient is None else 1)
        if self.isVisible():
            self.refresh()

    def has_unsaved_edits(self) -> bool:
        """Whether PSFS activity wordings were typed and not saved yet."""
        typed = [edit.text().strip() for edit in self.activities if edit.text().strip()]
        return self._patient is not None and typed != self._loaded_activities

    def mark_stale(self) -> None:
        """Something changed (a session was saved): reload when next shown."""
        self._stale = True
        if self.isVisible():
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def refresh(self) -> None:
        """Reload progress, chart, diary, activities and visits for the patient."""
        self._stale = False
        patient = self._patient
        if patient is None:
            return
        outcomes = self._services.outcomes
        try:
            # Each record is read once: the progress table and diary weeks are worked
            # out from the course and the diary days rather than fetched again.
            course = self._course(patient.id)
            entries = outcomes.diary(patient.id)
            activities = outcomes.psfs_activities(patient.id)
            definitions = outcomes.definitions()
            protocols = self._services.protocols.list_protocols()
            self.progress.set_reference_link(self._has_judging_entry())
        except KnownError as exc:
            self._messages.error(self, self.tr("Cannot load outcomes"), exc.message)
            return
        weeks = diary_weeks(entries)
        self._show_enough(len(course.visits), len(entries))
        progress = progress_with_diary([(v.day, v.measures) for v in course.visits],
                                       definitions, self.thresholds, entries)
        self.progress.show_progress(progress, self.thresholds)
        if self.chart is None:
            self.chart = OutcomeChart()
            self._chart_layout.addWidget(self.chart)
        visits = [
            ChartVisit(
                when=dt.datetime.combine(v.day, dt.time(12)),
                values={**dict(v.measures.values),
                        **({PSFS_AVERAGE.code: avg}
                           if (avg := v.measures.psfs_average()) is not None else {})},
                tooltip=_visit_tooltip(v),
            )
            for v in course.visits
        ]
        self.chart.show_data([*definitions, PSFS_AVERAGE], visits, weeks)
        self.diary.show_diary(entries, weeks)
        self._shown_activities = list(activities)  # what a save of the list started from
        for edit, activity in zip(self.activities, [*activities, *[None] * 5], strict=False):
            edit.setText(activity.wording if activity else "")
        self._loaded_activities = [activity.wording for activity in activities]
        lines = patient_timeline(course, protocols)
        fill_rows(self.visits, (
            (line.day.isoformat(), ", ".join(sorted(p.label for p in line.patterns)),
             ", ".join(line.protocols), " ".join(line.point_codes),
             "" if line.cramps_per_week is None
             else format_value(line.cramps_per_week, CRAMPS_PER_WEEK))
            for line in reversed(lines)
        ))

    def _has_judging_entry(self) -> bool:
        try:
            self._services.reference.get(JUDGING_ENTRY)
        except KnownError:
            return False
        return True

    def _show_enough(self, visits: int, diary_days: int) -> None:
        """The progress and the chart once there are two figures to compare, else what
        they wait for, with the ways to record one."""
        if visits + diary_days >= 2:
            self.top.setCurrentIndex(1)
            return
        self.top.setCurrentIndex(0)
        so_far = (self.tr("one session so far") if visits else
                  self.tr("one diary day so far") if diary_days else self.tr("none yet"))
        self.too_few.show_state(
            self.tr("Progress and its chart appear after two sessions or two diary days "
                    "(%1).").replace("%1", so_far),
            self.tr("New session"), self.tr("Add diary day"))

    def focus_diary_entry(self) -> None:
        """Put the cursor in the diary's date field, to add a day."""
        self.detail_tabs.setCurrentWidget(self.diary)
        self.diary.day.setFocus(Qt.FocusReason.OtherFocusReason)

    def _course(self, patient_id: int) -> PatientCourse:
        return self._services.outcomes.course(patient_id)

    # -- actions ------------------------------------------------------------------------

    def export_chart(self) -> None:
        """Save the chart as a PNG file the practitioner chooses."""
        if self.chart is None or self._patient is None:
            return
        suggested = f"{self._patient.data.name} - {self.chart.chooser.currentText()}.png"
        path = self._messages.choose_save_file(self, self.tr("Export chart"), suggested,
                                               "PNG images (*.png)")
        if path and not self.chart.export_png(path):
            self._messages.error(self, self.tr("Chart not exported"),
                                 self.tr("Could not write %1.").replace("%1", path))

    def import_diary(self) -> None:
        """Import diary days from a CSV file, after a preview of every bad row."""
        patient = self._patient
        if patient is None:
            return
        path = self._messages.choose_open_file(self, self.tr("Import cramp diary"),
                                               "CSV files (*.csv *.txt)")
        if not path:
            return
        try:
            text = Path(path).read_bytes().decode("utf-8-sig", errors="replace")
        except OSError as exc:
            self._messages.error(self, self.tr("Cannot read the file"),
                                 f"{path}: {exc.strerror or exc}")
            return
        preview = parse_diary_csv(text, dt.date.today())
        entries = self._messages.choose_diary_import(self, preview)
        if not entries:
            return
        try:
            count = self._services.outcomes.import_diary(patient.id, entries,
                                                         replace_existing=False)
        except ValidationError as exc:
            self._messages.error(self, self.tr("Diary not imported"),
                                 "\n".join(e.message for e in exc.errors))
            return
        except KnownError as exc:
            self._messages.error(self, self.tr("Diary not imported"), exc.message)
            return
        self.diary.show_problem(None)
        self.refresh()
        self.detail_tabs.setCurrentWidget(self.diary)
        self.diary.error.setText("")
        self._messages.info(self, self.tr("Diary imported"),
                            self.tr("%1 days were imported.").replace("%1", str(count)))

    def add_custom_measure(self) -> None:
        """Define a practice measure; a refused one is offered again with the reason."""
        typed: CustomMeasureInput | None = None
        problem = ""
        while True:
            typed = self._messages.ask_custom_measure(self, typed, problem)
            if typed is None:
                return
            try:
                self._services.outcomes.save_custom_measure(
                    typed.name, typed.unit, typed.low, typed.high, typed.integer,
                    typed.lower_is_better, typed.minimal_important_change)
            except ValidationError as exc:
                problem = " ".join(e.message for e in exc.errors)
                continue
            except KnownError as exc:
                self._messages.error(self, self.tr("Measure not saved"), exc.message)
                return
            break
        self.refresh()
        self.activities_changed.emit()

    def save_activities(self) -> None:
        """Store the PSFS activities as worded."""
        if self._patient is None:
            return
        wordings = [edit.text().strip() for edit in self.activities if edit.text().strip()]
        try:
            self._services.outcomes.set_psfs_activities(self._patient.id, wordings,
                                                        self._shown_activities)
        except ValidationError as exc:
            self._messages.error(self, self.tr("Activities not saved"),
                                 "\n".join(e.message for e in exc.errors))
            return
        except KnownError as exc:
            if exc.kind is not ErrorKind.CONFLICT:
                self._messages.error(self, self.tr("Activities not saved"), exc.message)
                return
            # Show the stored list; what was typed goes into the message, so it is not lost.
            self._messages.error(self, self.tr("Activities not saved"), exc.message + "\n\n"
                                 + self.tr("Yours were: %1").replace("%1", "; ".join(wordings)))
            self.refresh()
            return
        self.refresh()
        self.activities_changed.emit()

    def _on_add_day(self, entry: DiaryEntry) -> None:
        if self._patient is None:
            return
        try:
            self._services.outcomes.save_diary_entry(self._patient.id, entry)
        except ValidationError as exc:
            self.diary.show_problem(" ".join(e.message for e in exc.errors))
            return
        except KnownError as exc:
            self.diary.show_problem(exc.message)
            return
        self.diary.clear_entry()
        self.refresh()

    def _on_delete_day(self, day: dt.date) -> None:
        if self._patient is None or not self._messages.confirm(
            self, self.tr("Delete diary day"),
            self.tr("Delete the diary entry of %1?").replace("%1", day.isoformat()),
            self.tr("Delete"),
        ):
            return
        try:
            self._services.outcomes.delete_diary_entry(self._patient.id, day)
        except KnownError as exc:
            self._messages.error(self, self.tr("Not deleted"), exc.message)
            return
        self.refresh()
