"""The main window: patient list (left), patient workspace (centre), reference pane (right).

A thin shell: it wires actions to the panels and keeps geometry; rules live in services.
Start-up paints it first as a bare frame (`MainWindow.opening`: title, size, menu names,
"Opening the records…"), so this module imports only a few Qt classes at load time (not
even the `Qt` namespace, whose ~100 enums cost ~15 ms to create); the panels and the
services they use are imported when the records are opened into it (`open_records`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings, Signal
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMainWindow, QMenu, QVBoxLayout, QWidget

from practitioner.errors import KnownError

if TYPE_CHECKING:
    from practitioner.domain.patient import PatientSummary
    from practitioner.domain.points import PointCatalogue
    from practitioner.domain.preferences import Preferences
    from practitioner.domain.report_content import ReportData, ReportKind
    from practitioner.domain.session import DraftSummary
    from practitioner.services.bundle import Services
    from practitioner.ui.messages import Messages
    from practitioner.ui.security_controller import SecurityEventSink
    from practitioner.ui.unlock import UnlockCheck

# The menus the frame shows before the records are open; `_build_menus` fills them.
FRAME_MENUS = ("Pat&ient", "&Session", "&View", "Sec&urity", "&Tools", "&Help")
#: The first window size on a screen with room for it (smaller screens get all they have).
DEFAULT_SIZE = (1366, 820)
#: Room kept for the window manager's title bar when sizing to the available screen.
TITLE_BAR_ALLOWANCE = 32
#: First widths of the patient list, the workspace and the reference pane.
PANE_SIZES = (230, 720, 330)


class MainWindow(QMainWindow):
    """The app's one window.

    Signals:
        preferences_changed(Preferences): Tools › Preferences… saved new preferences
            (the window applied its own part; the composition root applies the rest).
    """

    preferences_changed = Signal(object)

    def __init__(
        self,
        services: Services,
        catalogue: PointCatalogue,
        messages: Messages,
        settings: QSettings,
        title_suffix: str = "",
        today: Callable[[], dt.date] = dt.date.today,
        parent: QWidget | None = None,
        unlock: UnlockCheck | None = None,
        security_events: SecurityEventSink | None = None,
    ) -> None:
        super().__init__(parent)
        self._build_frame(settings, title_suffix)
        self.open_records(services, catalogue, messages, today, unlock, security_events)

    @classmethod
    def opening(cls, settings: QSettings, title_suffix: str = "") -> MainWindow:
        """The window before its records are open, as start-up paints it first: title,
        size, the menus' names and "Opening the records…". `open_records` fills it."""
        window = cls.__new__(cls)
        QMainWindow.__init__(window)
        window._build_frame(settings, title_suffix)
        return window

    def _build_frame(self, settings: QSettings, title_suffix: str) -> None:
        from practitioner.ui import theme

        self._settings = settings
        self.records_in_use = title_suffix
        if (choice := theme.saved_choice(settings)) is not theme.Choice.SYSTEM:
            theme.apply(choice)  # View › Theme, before the first paint
        self.setWindowTitle("Cramp Practitioner" + (f" — {title_suffix}" if title_suffix else ""))
        self.setObjectName("mainWindow")
        self._menus: dict[str, QMenu] = {
            title: self.menuBar().addMenu(self.tr(title)) for title in FRAME_MENUS
        }
        label = QLabel(self.tr("Opening the records…"))
        label.setObjectName("emptyState")
        row = QHBoxLayout()  # centred by stretches: Qt.AlignmentFlag would load `Qt`
        row.addStretch(1)
        row.addWidget(label)
        row.addStretch(1)
        opening = QWidget()
        column = QVBoxLayout(opening)
        column.addStretch(1)
        column.addLayout(row)
        column.addStretch(1)
        self.setCentralWidget(opening)
        self._fit_to_screen(settings.value("window/geometry"))

    def _fit_to_screen(self, geometry: object) -> None:
        """Restore the saved geometry when it fits the available screen (the desktop less
        its taskbar); otherwise open at a size that does, centred on it."""
        screen = self.screen()
        available = screen.availableGeometry() if screen is not None else None
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
            if available is None or (
                    self.width() <= available.width()
                    and self.height() <= available.height() - TITLE_BAR_ALLOWANCE):
                return
        if available is None:
            self.resize(DEFAULT_SIZE[0], DEFAULT_SIZE[1])
            return
        # The frame (title bar) is not known before the first show: leave room for it.
        width = min(DEFAULT_SIZE[0], available.width())
        height = min(DEFAULT_SIZE[1], available.height() - TITLE_BAR_ALLOWANCE)
        self.resize(width, height)
        self.move(available.x() + (available.width() - width) // 2,
                  available.y() + (available.height() - height - TITLE_BAR_ALLOWANCE) // 2)

    def open_records(
        self,
        services: Services,
        catalogue: PointCatalogue,
        messages: Messages,
        today: Callable[[], dt.date] = dt.date.today,
        unlock: UnlockCheck | None = None,
        security_events: SecurityEventSink | None = None,
    ) -> None:
        """Build the panels over the opened records' `services` (once)."""
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QSplitter

        from practitioner.ui import preferences
        from practitioner.ui.actions import build_actions
        from practitioner.ui.connection_status import ConnectionStatus
        from practitioner.ui.live_updates import LiveUpdates
        from practitioner.ui.pages.patient_workspace import PatientWorkspace
        from practitioner.ui.patient_privacy import PatientPrivacy
        from practitioner.ui.record_transfer import RecordTransfer
        from practitioner.ui.security_controller import SecurityController
        from practitioner.ui.widgets.patient_list_panel import PatientListPanel
        from practitioner.ui.widgets.reference_pane import ReferencePane

        settings = self._settings
        self._services = services
        self._patients = services.patients
        self._messages = messages

        self.patient_list = PatientListPanel()
        self.workspace = PatientWorkspace(services, catalogue, messages, today)
        self.workspace.outcomes.thresholds = preferences.thresholds(settings)
        self.reference = ReferencePane(services.reference, messages)
        self.reference.setAccessibleName(self.tr("Reference pane"))
        # Records | workspace | reference: one splitter, so the reference pane is as wide
        # as the practitioner drags it, can be collapsed and comes back (F9), and the
        # lock screen hides it with the records.
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        for pane in (self.patient_list, self.workspace, self.reference):
            self.splitter.addWidget(pane)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes(list(PANE_SIZES))
        self.splitter.setCollapsible(0, False)
        self.splitter.setCollapsible(1, False)
        self.splitter.setCollapsible(2, True)
        self.security = SecurityController(self, self.splitter, self.workspace,
                                           services.security, messages, settings, unlock,
                                           security_events)
        self.toggle_reference = QAction(self.tr("Reference pa&ne"), self)
        self.toggle_reference.setCheckable(True)
        self.toggle_reference.setShortcut("F9")
        self.toggle_reference.setToolTip(self.tr("Show or hide the reference pane (F9)"))
        self.addAction(self.toggle_reference)
        # F9 opens a collapsed pane too (a pane dragged shut is still "visible").
        self.toggle_reference.triggered.connect(
            lambda: self.show_reference(not self.reference_shown()))
        self.splitter.splitterMoved.connect(self._sync_reference_action)

        self.transfer = RecordTransfer(self, services, messages, self.refresh_list)
        self.commands = build_actions(self)
        self.privacy = PatientPrivacy(self, services, messages, settings,
                                      lambda: self.workspace.patient,
                                      self.workspace.close_record, self.refresh_list, today)
        self._build_menus()
        self._build_toolbar()
        self._connect()
        self.connection = ConnectionStatus(services.changes, services.drafts, self.statusBar(),
                                           self)
        self.live = LiveUpdates(services.changes, self.patient_list, self.workspace,
                                self.refresh_list, self.connection, self)
        self.workspace.sessions.save_failed.connect(self.connection.report)
        self._restore_layout()
        self.refresh_list()

    @property
    def services(self) -> Services:
        """The services the window works through, once its records are open."""
        return self._services

    # -- wiring -------------------------------------------------------------------------

    def _build_menus(self) -> None:
        a = self.commands
        from practitioner.ui import icons
        from practitioner.ui.actions import REFERENCE_ICON
        from practitioner.ui.theme_menu import ThemeMenu

        # Form mnemonics avoid the menu bar's letters (tests/ui/test_mnemonics.py).
        patient_menu = self._menus["Pat&ient"]
        for action in (a.new_patient, a.find, a.save, a.cancel_edit, a.archive):
            patient_menu.addAction(action)
        session_menu = self._menus["&Session"]
        for action in (a.new_session, a.session_from_last, a.apply_protocol, a.finalise,
                       a.take_home):
            session_menu.addAction(action)
        patient_menu.addSeparator()
        patient_menu.addAction(a.progress_report)
        patient_menu.addAction(a.referral_letter)
        patient_menu.addAction(a.kept_letters)
        patient_menu.addSeparator()
        for action in (a.export_json, a.export_csv, a.import_records):
            patient_menu.addAction(action)
        patient_menu.addSeparator()
        patient_menu.addActions(self.privacy.actions())
        patient_menu.addSeparator()
        patient_menu.addAction(a.quit)
        view_menu = self._menus["&View"]
        for action in (a.show_profile, a.show_sessions, a.show_outcomes):
            view_menu.addAction(action)
        view_menu.addSeparator()
        view_menu.addAction(a.show_archived)
        view_menu.addAction(a.caseload)
        view_menu.addAction(a.find_reference)
        icons.bind(self.toggle_reference, REFERENCE_ICON)
        view_menu.addAction(self.toggle_reference)
        view_menu.addSeparator()
        self.theme_menu = ThemeMenu(view_menu, self._settings, self)
        security_menu = self._menus["Sec&urity"]
        for action in (a.lock, a.encrypt, a.change_passphrase, a.set_pin):
            security_menu.addAction(action)
        tools_menu = self._menus["&Tools"]
        tools_menu.addSeparator()  # Records tools go above (`RecordsTools`)
        tools_menu.addAction(a.preferences)
        help_menu = self._menus["&Help"]
        for action in (a.shortcuts, a.open_data_folder, a.open_log_folder):
            help_menu.addAction(action)
        help_menu.addSeparator()
        help_menu.addAction(a.about)

    def _build_toolbar(self) -> None:
        """The consultation's actions, the same QActions as the menus; View › Toolbar."""
        from PySide6.QtCore import QSize, Qt

        a = self.commands
        self.toolbar = self.addToolBar(self.tr("Consultation"))
        self.toolbar.setObjectName("consultationToolbar")
        self.toolbar.setMovable(False)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toolbar.setIconSize(QSize(18, 18))  # a slim bar: the note needs the height
        for action, short in ((a.new_session, self.tr("New session")),
                              (a.session_from_last, self.tr("From last visit")),
                              (a.apply_protocol, self.tr("Protocol")),
                              (a.finalise, self.tr("Finalise")),
                              (a.progress_report, self.tr("Report"))):
            action.setIconText(short)
        self.toggle_reference.setIconText(self.tr("Reference"))
        for action in (a.new_session, a.session_from_last, a.apply_protocol):
            self.toolbar.addAction(action)
        self.toolbar.addSeparator()
        for action in (a.save, a.finalise):
            self.toolbar.addAction(action)
        self.toolbar.addSeparator()
        self.toolbar.addAction(a.progress_report)
        self.toolbar.addAction(self.toggle_reference)
        toggle = self.toolbar.toggleViewAction()
        toggle.setText(self.tr("Tool&bar"))
        toggle.setStatusTip(self.tr("Show or hide the consultation toolbar"))
        view_menu = self._menus["&View"]
        view_menu.insertAction(self.toggle_reference, toggle)

    def _connect(self) -> None:
        from practitioner.domain.report_content import ReportKind
        from practitioner.ui import help_menu

        a = self.commands
        a.new_patient.triggered.connect(self.new_patient)
        a.find.triggered.connect(self.patient_list.focus_search)
        a.save.triggered.connect(self.workspace.save_current)
        tabs = self.workspace.tabs
        a.show_profile.triggered.connect(lambda: tabs.setCurrentIndex(0))
        a.show_sessions.triggered.connect(lambda: tabs.setCurrentIndex(1))
        a.show_outcomes.triggered.connect(lambda: tabs.setCurrentIndex(2))
        a.new_session.triggered.connect(self._on_new_session)
        a.caseload.triggered.connect(self.show_caseload)
        a.progress_report.triggered.connect(lambda: self.show_report(ReportKind.PROGRESS))
        a.referral_letter.triggered.connect(lambda: self.show_report(ReportKind.REFERRAL))
        a.kept_letters.triggered.connect(self.show_letters)
        a.take_home.triggered.connect(lambda: self.show_report(ReportKind.TAKE_HOME))
        self.workspace.sessions.take_home_button.clicked.connect(a.take_home.trigger)
        a.export_json.triggered.connect(self.transfer.export_json)
        a.export_csv.triggered.connect(self.transfer.export_csv)
        a.import_records.triggered.connect(self.transfer.import_json)
        a.find_reference.triggered.connect(self._on_find_reference)
        self.reference.insert_requested.connect(self.workspace.sessions.insert_reference)
        self.workspace.patient_changed.connect(self._on_workspace_patient_changed)
        self.workspace.red_flags.read_requested.connect(self._on_read_entry)
        self.workspace.outcomes.read_requested.connect(self._on_read_entry)
        a.session_from_last.triggered.connect(self._on_session_from_last)
        a.apply_protocol.triggered.connect(self.workspace.sessions.focus_protocols)
        a.finalise.triggered.connect(self._on_finalise)
        a.cancel_edit.triggered.connect(self.workspace.cancel_edits)
        a.archive.triggered.connect(self.workspace.toggle_archived)
        a.quit.triggered.connect(self.close)
        a.lock.triggered.connect(self.security.lock_now)
        a.change_passphrase.triggered.connect(self.security.change_passphrase)
        a.set_pin.triggered.connect(self.security.set_pin)
        a.encrypt.triggered.connect(self.security.encrypt_records)
        a.preferences.triggered.connect(self.edit_preferences)
        a.about.triggered.connect(
            lambda: help_menu.show_about(self._messages, self, self.records_in_use))
        a.shortcuts.triggered.connect(
            lambda: help_menu.show_shortcuts(self._messages, self, list(self._menus.values())))
        a.open_data_folder.triggered.connect(
            lambda: help_menu.open_data_folder(self._messages, self))
        a.open_log_folder.triggered.connect(
            lambda: help_menu.open_log_folder(self._messages, self))
        a.show_archived.toggled.connect(self.patient_list.show_archived.setChecked)
        self.patient_list.show_archived.toggled.connect(a.show_archived.setChecked)
        self.patient_list.search_changed.connect(self.refresh_list)
        self.patient_list.order_changed.connect(self._on_list_order_changed)
        self.patient_list.patient_selected.connect(self._on_patient_selected)
        self.patient_list.new_patient_requested.connect(self.new_patient)
        self.workspace.new_patient_requested.connect(self.new_patient)
        self.workspace.patient_saved.connect(self._on_patient_saved)
        self.workspace.closed.connect(self.refresh_list)

    # -- slots --------------------------------------------------------------------------

    def refresh_list(self) -> None:
        """Re-run the current search and keep the open patient highlighted."""
        from practitioner.services.patients import BROAD_SEARCH

        text, include_archived = self.patient_list.query()
        by_family = self.patient_list.by_family()
        patients = self._patients
        try:
            total = patients.count_matching(text, include_archived=include_archived,
                                            at_most=BROAD_SEARCH)
            rows = patients.page(text, include_archived=include_archived, matches=total,
                                 by_family=by_family)
        except KnownError as exc:
            self._messages.error(self, self.tr("Cannot list patients"), exc.message)
            return

        def next_page(last: PatientSummary) -> list[PatientSummary]:
            return patients.page(text, include_archived=include_archived, after=last,
                                 matches=total, by_family=by_family)

        current = self.workspace.patient
        self.patient_list.show_patients(rows, current.id if current else None, next_page,
                                        total, at_least=total >= BROAD_SEARCH)

    def open_first_patient(self) -> None:
        """Open the first listed patient (used to show the demo populated at once)."""
        patient_id = self.patient_list.model.patient_id_at(0)
        if patient_id is not None and self.workspace.open_patient(patient_id):
            self.patient_list.select_patient(patient_id)

    def open_draft(self, draft: DraftSummary) -> None:
        """Open the patient (and session note) a recovered draft belongs to."""
        from practitioner.domain.session import DraftForm  # loaded with the records
        if not self.workspace.can_leave():
            return
        if self.workspace.open_patient(draft.patient_id):  # a profile draft comes back
            self.patient_list.select_patient(draft.patient_id)
            if draft.form is DraftForm.SESSION:
                self.workspace.show_sessions()
                self.workspace.sessions.open_draft(draft.session_id)

    def offer_recovered_drafts(self) -> None:
        """At start-up: offer the session notes that were never saved last time (those
        kept on this computer while the records could not be written included)."""
        try:
            self._services.drafts.restore_local()
            drafts = self._services.drafts.summaries()
        except KnownError as exc:
            self._messages.error(self, self.tr("Cannot read drafts"), exc.message)
            return
        if drafts:
            chosen = self._messages.choose_draft(self, drafts)
            if chosen is not None:
                self.open_draft(chosen)

    def _on_find_reference(self) -> None:
        self.show_reference(True)
        self.reference.focus_search()

    def _on_read_entry(self, slug: str) -> None:
        self.show_reference(True)
        self.reference.open_entry(slug)

    def reference_shown(self) -> bool:
        """True when the reference pane is open (neither hidden nor collapsed)."""
        return not self.reference.isHidden() and self.splitter.sizes()[2] > 0

    def show_reference(self, shown: bool) -> None:
        """Open (restoring a collapsed pane to a working width) or close the reference."""
        if shown == self.reference_shown():
            self._sync_reference_action()
            return
        self.reference.setVisible(shown)
        if shown and self.splitter.sizes()[2] == 0:
            records, work, _ = self.splitter.sizes()
            width = min(PANE_SIZES[2], max(work - self.workspace.minimumSizeHint().width(),
                                           self.reference.minimumSizeHint().width()))
            self.splitter.setSizes([records, max(work - width, 0), width])
        self._sync_reference_action()

    def _sync_reference_action(self) -> None:
        blocked = self.toggle_reference.blockSignals(True)
        self.toggle_reference.setChecked(self.reference_shown())
        self.toggle_reference.blockSignals(blocked)

    def _on_workspace_patient_changed(self) -> None:
        self.reference.set_patient(self.workspace.patient)

    def show_report(self, kind: ReportKind) -> None:
        """Preview the open patient's progress report, referral letter or take-home sheet
        (for the visit open in the session editor, else the latest)."""
        from practitioner.domain.audit import AuditAction
        from practitioner.domain.report_content import ReportKind, default_letter_body
        from practitioner.services.reports import ReportService
        from practitioner.ui import preferences

        patient = self.workspace.patient
        if patient is None:
            self._messages.error(self, self.tr("No patient open"),
                                 self.tr("Open a patient first."))
            return
        reports = ReportService(self._services.patients, self._services.sessions,
                                self._services.outcomes, self._services.reference)
        sessions = self.workspace.sessions
        if kind is ReportKind.TAKE_HOME and sessions.has_unsaved_note():
            self._messages.error(self, self.tr("Save the session note first"), self.tr(
                "The take-home sheet shows the advice saved with the visit."))
            return
        letterhead = preferences.letterhead(self._settings)
        try:
            data = (reports.build_take_home(patient.id, sessions.stored_session_id(),
                                            **letterhead)
                    if kind is ReportKind.TAKE_HOME else
                    reports.build(patient.id, kind, **letterhead))
        except KnownError as exc:
            self._messages.error(self, self.tr("Cannot build the report"), exc.message)
            return

        def keep(letter: ReportData, pdf: bytes) -> None:
            self._services.letters.keep(patient.id, letter.recipient,
                                        letter.letter_body or default_letter_body(letter), pdf,
                                        entity=kind.kept_as)

        def produced(how: str) -> None:
            self._services.audit.record_access(
                AuditAction.PRINT if how == "print" else AuditAction.REPORT, [patient.id],
                f"{kind.value} {how}")

        self._messages.show_report(self, data, keep, produced)

    def edit_preferences(self) -> None:
        """Tools › Preferences…: save what was chosen and apply it at once."""
        from practitioner.ui import preferences

        chosen = self._messages.ask_preferences(self, preferences.load(self._settings))
        if chosen is None:
            return
        if not preferences.save(self._settings, chosen):
            self._messages.error(self, self.tr("Preferences not saved"), self.tr(
                "The settings file %1 cannot be written. The new preferences apply until "
                "you quit; choose them again once it can be written.").replace(
                    "%1", self._settings.fileName()))
        self.apply_preferences(chosen)

    def apply_preferences(self, prefs: Preferences) -> None:
        """Use `prefs` now: thresholds, the idle lock; then tell the composition root."""
        self.workspace.outcomes.thresholds = prefs.thresholds()
        self.workspace.outcomes.mark_stale()
        self.security.idle.set_minutes(prefs.lock_after_minutes)
        self.preferences_changed.emit(prefs)

    def show_letters(self) -> None:
        """The referral letters kept in the open patient's record."""
        patient = self.workspace.patient
        if patient is None:
            self._messages.error(self, self.tr("No patient open"),
                                 self.tr("Open a patient first."))
            return
        try:
            letters = self._services.letters.letters(patient.id)
        except KnownError as exc:
            self._messages.error(self, self.tr("Cannot read the letters"), exc.message)
            return
        self._messages.show_letters(self, patient.data.name, letters)

    def show_caseload(self) -> None:
        """Responder rates across all patients, by pattern, protocol and point."""
        from practitioner.domain.what_worked import caseload_tables

        thresholds = self.workspace.outcomes.thresholds
        try:
            courses = self._services.outcomes.caseload_courses()
            protocols = self._services.protocols.list_protocols()
        except KnownError as exc:
            self._messages.error(self, self.tr("Cannot compute the caseload view"), exc.message)
            return
        self._messages.show_caseload(self, caseload_tables(courses, protocols, thresholds),
                                     "\n".join(thresholds.sources))

    def _on_new_session(self) -> None:
        if self.workspace.patient is not None:
            self.workspace.show_sessions()
            self.workspace.sessions.new_session()

    def _on_finalise(self) -> None:
        sessions = self.workspace.sessions
        if (self.workspace.patient is not None and sessions.is_open()
                and sessions.finalise_button.isEnabled()):
            self.workspace.show_sessions()
            sessions.save_and_finalise()
        else:
            self.statusBar().showMessage(
                self.tr("Open a session note to finalise it (Session › New session)."), 6000)

    def _on_session_from_last(self) -> None:
        if self.workspace.patient is not None:
            self.workspace.show_sessions()
            self.workspace.sessions.new_from_last_visit()

    def new_patient(self) -> None:
        """Ctrl+N: start a new record once unsaved edits are dealt with."""
        if self.workspace.can_leave():
            self.workspace.start_new()
            self.patient_list.select_patient(None)

    def _on_patient_selected(self, patient_id: int) -> None:
        current = self.workspace.patient
        if current is not None and current.id == patient_id and not self.workspace.is_dirty():
            return
        if not self.workspace.can_leave():
            self.patient_list.select_patient(current.id if current else None)
            return
        if not self.workspace.open_patient(patient_id):
            self.refresh_list()

    def _on_list_order_changed(self, by_family: bool) -> None:
        self._settings.setValue("patients/by_family", by_family)
        self.refresh_list()

    def _on_patient_saved(self, _patient_id: int) -> None:
        self.refresh_list()
        patient = self.workspace.patient
        if patient is not None:
            self.statusBar().showMessage(self.tr("Saved %1").replace("%1", patient.data.name),
                                         4000)

    # -- window state -------------------------------------------------------------------

    def _restore_layout(self) -> None:
        state = self._settings.value("window/state")
        if isinstance(state, QByteArray):
            self.restoreState(state)
        panes = self._settings.value("window/panes")
        if isinstance(panes, QByteArray):
            self.splitter.restoreState(panes)
        # QSettings' INI files give booleans back as text.
        shown = str(self._settings.value("window/reference_shown", "true")).lower() != "false"
        self.reference.setVisible(shown)
        self.patient_list.set_by_family(
            str(self._settings.value("patients/by_family", "true")).lower() != "false")
        self._sync_reference_action()

    def _save_layout(self) -> None:
        self._settings.setValue("window/geometry", self.saveGeometry())
        self._settings.setValue("window/state", self.saveState())
        self._settings.setValue("window/panes", self.splitter.saveState())
        self._settings.setValue("window/reference_shown", not self.reference.isHidden())
        self._settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not hasattr(self, "workspace"):  # the frame, closed before its records opened
            event.accept()
            return
        self.workspace.flush_drafts()
        if self.security.refuses_close():
            event.ignore()
            return
        if not self.workspace.can_leave():
            event.ignore()
            return
        self._save_layout()
        # A closed window's timers must not act on the records any more (polling, the
        # idle lock flushing a draft).
        self.live.stop()
        self.security.idle.set_interval_ms(0)
        event.accept()
