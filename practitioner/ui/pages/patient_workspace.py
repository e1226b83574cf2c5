"""The centre of the window: one patient's record, with Profile / Sessions / Outcomes tabs."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from practitioner.domain.conflicts import EditConflict, EditConflictError, text_fields
from practitioner.domain.patient import Patient
from practitioner.domain.points import PointCatalogue
from practitioner.domain.serialize import patient_to_dict
from practitioner.domain.session import DraftForm
from practitioner.domain.validation import FieldError, ValidationError, validate_patient
from practitioner.errors import KnownError
from practitioner.services.bundle import Services
from practitioner.services.record_import import patient_input_from_dict
from practitioner.ui.draft_keeper import DraftKeeper, Slot
from practitioner.ui.messages import Answer, Messages
from practitioner.ui.pages.edit_conflicts import settle_conflict
from practitioner.ui.pages.outcomes_page import OutcomesPage
from practitioner.ui.pages.profile_form import ProfileForm
from practitioner.ui.pages.sessions_page import SessionsPage
from practitioner.ui.widgets.changed_elsewhere_notice import ChangedElsewhereNotice
from practitioner.ui.widgets.empty_state import EmptyState
from practitioner.ui.widgets.kept_version_bar import KeptVersionBar
from practitioner.ui.widgets.red_flag_banner import RedFlagBanner


def _age(born: dt.date, today: dt.date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


class PatientWorkspace(QWidget):
    """Shows and edits the open patient; guards unsaved edits.

    Signals:
        patient_saved(int): a record was created or changed (archive and restore included).
        closed(): the workspace went back to "no patient open".
        patient_changed(): a different record is shown, or the shown one changed.
        new_patient_requested(): "New patient" was pressed where no record is open.
    """

    patient_saved = Signal(int)
    closed = Signal()
    patient_changed = Signal()
    new_patient_requested = Signal()

    PROFILE_TAB, SESSIONS_TAB, OUTCOMES_TAB = range(3)

    def __init__(
        self,
        services: Services,
        catalogue: PointCatalogue,
        messages: Messages,
        today: Callable[[], dt.date] = dt.date.today,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._patients = services.patients
        self._reference = services.reference
        self._messages = messages
        self._today = today
        self._patient: Patient | None = None
        self._editing_new = False

        self.title = QLabel()
        self.title.setObjectName("patientTitle")
        self.title.setAccessibleName(self.tr("Open patient"))
        self.subtitle = QLabel()
        self.subtitle.setObjectName("patientSubtitle")
        self.archive_button = QPushButton()
        self.archive_button.setAccessibleName(self.tr("Archive or restore patient"))
        header = QHBoxLayout()
        titles = QVBoxLayout()
        titles.addWidget(self.title)
        titles.addWidget(self.subtitle)
        header.addLayout(titles, 1)
        header.addWidget(self.archive_button, 0, Qt.AlignmentFlag.AlignTop)

        self.form = ProfileForm()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form)
        scroll.setAccessibleName(self.tr("Patient profile"))
        self.save_button = QPushButton(self.tr("Save"))
        self.save_button.setAccessibleName(self.tr("Save patient"))
        self.save_button.setToolTip(self.tr("Save the record (Ctrl+S)"))
        self.save_button.setDefault(True)
        self.revert_button = QPushButton(self.tr("Cancel edits"))
        self.revert_button.setAccessibleName(self.tr("Cancel edits"))
        self.revert_button.setToolTip(self.tr("Go back to the saved record (Esc)"))
        self.save_status = QLabel()
        self.save_status.setAccessibleName(self.tr("Save status"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_status, 1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        profile_page = QWidget()
        profile_layout = QVBoxLayout(profile_page)
        profile_layout.setContentsMargins(0, 0, 0, 0)
        self.kept = KeptVersionBar(services.drafts, messages)
        self.kept.use_requested.connect(self._use_kept)
        profile_layout.addWidget(self.kept)
        profile_layout.addWidget(scroll, 1)
        profile_layout.addLayout(buttons)

        self.tabs = QTabWidget()
        self.tabs.setAccessibleName(self.tr("Patient workspace tabs"))
        self.tabs.addTab(profile_page, self.tr("Profile"))
        self.sessions = SessionsPage(services, catalogue, messages)
        self.tabs.addTab(self.sessions, self.tr("Sessions"))
        self.sessions.opened.connect(self.show_sessions)
        self.sessions.save_patient_requested.connect(self._save_from_elsewhere)
        self.outcomes = OutcomesPage(services, messages)
        self.tabs.addTab(self.outcomes, self.tr("Outcomes"))
        self.sessions.saved.connect(self.outcomes.mark_stale)
        self.outcomes.activities_changed.connect(self.sessions.reload_measure_context)
        self.outcomes.save_patient_requested.connect(self._save_from_elsewhere)
        self.outcomes.new_session_requested.connect(self._new_session_from_elsewhere)
        record = QWidget()
        record_layout = QVBoxLayout(record)
        record_layout.addLayout(header)
        self.red_flags = RedFlagBanner()
        record_layout.addWidget(self.red_flags)
        self.changed_notice = ChangedElsewhereNotice()
        self.changed_notice.reload_requested.connect(self.reload_changed_record)
        self.patient_saved.connect(self._catch_up_after_save)
        self.sessions.saved.connect(self._catch_up_after_save)
        record_layout.addWidget(self.changed_notice)
        record_layout.addWidget(self.tabs, 1)

        self.stack = QStackedWidget()
        self.nobody = EmptyState("user", self.tr(
            "Choose a patient on the left, or add a new one (Ctrl+N)."), self.tr("New patient"))
        self.nobody.action_requested.connect(self.new_patient_requested)
        self.stack.addWidget(self.nobody)
        self.stack.addWidget(record)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)

        # Profile edits of a stored patient are kept as a draft like a session note.
        self.drafts = DraftKeeper(services.drafts, self.form, self._draft_slot,
                                  self.form.raw_state, self.form.is_dirty, self)
        self.drafts.status.connect(self.save_status.setText)
        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(self.cancel_edits)
        self.archive_button.clicked.connect(self.toggle_archived)
        self.form.edited.connect(self._on_form_edited)
        self.red_flags.review_requested.connect(self.review_red_flag)
        self._show_header()

    # -- state --------------------------------------------------------------------------

    @property
    def patient(self) -> Patient | None:
        """The saved record being shown, or None for a new or no patient."""
        return self._patient

    def is_open(self) -> bool:
        """Whether a record (saved or new) is shown."""
        return self._patient is not None or self._editing_new

    def is_dirty(self) -> bool:
        """Whether the form holds edits that are not saved."""
        return self.is_open() and self.form.is_dirty()

    # -- actions ------------------------------------------------------------------------

    def open_patient(self, patient_id: int) -> bool:
        """Show `patient_id`; False when it could not be loaded (the user was told why)."""
        try:
            patient = self._patients.open_record(patient_id)
        except KnownError as exc:
            self._messages.error(self, self.tr("Cannot open the record"), exc.message)
            return False
        self.flush_drafts()
        self._patient, self._editing_new = patient, False
        self.form.set_patient(patient)
        try:
            self.save_status.setText(self.drafts.restore(self.form.restore_raw_state))
        except KnownError as exc:
            self.save_status.setText(self.tr("Draft not read: %1").replace("%1", exc.message))
        self.kept.show_for((patient.id, None))
        self.changed_notice.hide()
        self._show_header()
        self.sessions.set_patient(patient)
        self.outcomes.set_patient(patient)
        return True

    def _draft_slot(self) -> Slot | None:
        return None if self._patient is None else (self._patient.id, None, DraftForm.PROFILE)

    def flush_drafts(self) -> bool:
        """Keep the unsaved profile edits and session note as drafts now; False when one
        could not be kept (its text is then only in its form)."""
        profile = self.drafts.flush()
        return self.sessions.flush_draft() and profile

    def has_unsaved_edits(self) -> bool:
        """Whether the profile, the open session note or the PSFS activities hold text not
        yet saved."""
        return (self.is_dirty() or self.sessions.has_unsaved_note()
                or self.outcomes.has_unsaved_edits())

    def changed_elsewhere(self) -> None:
        """The open record was changed at another workstation: show it as stored now when
        nothing typed would be touched, else offer the reload in a notice."""
        if self._patient is None:
            return
        if self.has_unsaved_edits():
            self.sessions.refresh_timeline()  # the list of visits, never the note itself
            self.changed_notice.show()
            return
        self._reload_record()

    def reload_changed_record(self) -> None:
        """The notice's Reload: show the stored record. Unsaved profile edits are only
        dropped once confirmed; the session note being written is kept as it is (and as
        its draft)."""
        if self._patient is None:
            return
        if self.is_dirty() and not self._messages.confirm(
            self, self.tr("Reload the record"),
            self.tr("Show the record as it was saved at the other workstation? Your unsaved "
                    "changes to the profile are thrown away; a session note you are writing "
                    "is kept."),
            self.tr("Reload"),
        ):
            return
        if self.is_dirty() and not self._drop_profile_edits():
            return
        self._reload_record()

    def _catch_up_after_save(self, *_: object) -> None:
        # Saved while the notice was up: once nothing typed is left unsaved, show what
        # the other workstation changed, and the notice has done its job.
        if self.changed_notice.isVisible() and not self.has_unsaved_edits():
            self._reload_record()

    def _reload_record(self) -> None:
        patient = self._patient
        if patient is None:
            return
        try:
            # The record is already open here: reading it again is not a new opening.
            stored = self._patients.get(patient.id)
        except KnownError as exc:
            self.save_status.setText(self.tr("Could not reload: %1").replace("%1", exc.message))
            return
        self._patient = stored
        self.form.set_patient(stored)
        self.changed_notice.hide()
        self.save_status.setText(self.tr("Updated from another workstation"))
        self._show_header()
        self.sessions.reload_stored(stored)
        if not self.outcomes.has_unsaved_edits():  # typed activity wordings are kept
            self.outcomes.mark_stale()

    def start_new(self) -> None:
        """Show an empty form for a new patient, with the cursor in the name field."""
        self._patient, self._editing_new = None, True
        self.sessions.set_patient(None)
        self.outcomes.set_patient(None)
        self.form.set_patient(None)
        self.kept.show_for(None)
        self.save_status.setText(self.tr("New record — not saved yet"))
        self._show_header()
        self.tabs.setCurrentIndex(self.PROFILE_TAB)
        self.form.name.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def close_record(self) -> None:
        """Go back to "no patient open" (the caller has dealt with unsaved edits)."""
        self._patient, self._editing_new = None, False
        self.changed_notice.hide()
        self.sessions.set_patient(None)
        self.outcomes.set_patient(None)
        self.form.set_patient(None)
        self.kept.show_for(None)
        self._show_header()
        self.closed.emit()

    def save(self) -> bool:
        """Validate and store the form; errors are shown inline and nothing typed is lost."""
        if not self.is_open():
            return False
        data, errors = self.form.read()
        unparsed = {error.field for error in errors}
        errors += [e for e in validate_patient(data, self._today()) if e.field not in unparsed]
        if errors:
            return self._refuse(errors)
        try:
            if self._patient is None:
                saved = self._patients.create(data)
            else:
                saved = self._patients.update(self._patient.id, data, self._patient.version)
        except ValidationError as exc:
            return self._refuse(list(exc.errors))
        except EditConflictError as exc:
            return self._settle_conflict(exc)
        except KnownError as exc:
            self.save_status.setText(self.tr("Not saved"))
            self._messages.error(self, self.tr("Not saved"), exc.message)
            return False
        return self._after_save(saved)

    def _save_from_elsewhere(self) -> None:
        """A tab's "Save patient": save the profile; its problems show on the Profile tab."""
        if not self.save():
            self.tabs.setCurrentIndex(self.PROFILE_TAB)

    def _new_session_from_elsewhere(self) -> None:
        self.show_sessions()
        self.sessions.new_session()

    def _after_save(self, saved: Patient) -> bool:
        self.drafts.forget_local()  # the save removed the draft kept with the records
        self._patient, self._editing_new = saved, False
        self.form.set_patient(saved)
        self.sessions.update_patient(saved)
        if self.outcomes.patient is None:  # the new patient's first save
            self.outcomes.set_patient(saved)
        self.save_status.setText(
            self.tr("Saved at %1").replace("%1", dt.datetime.now().strftime("%H:%M"))
        )
        self._show_header()
        self.patient_saved.emit(saved.id)
        return True

    # -- edit conflicts -----------------------------------------------------------------

    def _settle_conflict(self, exc: EditConflictError) -> bool:
        """The record was saved elsewhere meanwhile: show both versions and let the
        practitioner choose; nothing is overwritten without a choice. Returns whether
        something was saved."""
        patient_id = int(exc.conflict.record_id)
        try:
            settled = settle_conflict(
                self._messages, self, exc, self.tr("patient profile"),
                lambda value, version, choice: self._patients.update(
                    patient_id, value, version, resolution=choice))
        except ValidationError as invalid:
            return self._refuse(list(invalid.errors))
        except KnownError as failed:
            self.save_status.setText(self.tr("Not saved"))
            self._messages.error(self, self.tr("Not saved"), failed.message)
            return False
        if settled.choice is None:
            self.save_status.setText(self.tr("Not saved: changed elsewhere"))
            return False
        if settled.saved is None:
            return self._keep_theirs(settled.conflict)
        return self._after_save(settled.saved)

    def _keep_theirs(self, conflict: EditConflict[Any]) -> bool:
        """Show their version; mine is set aside (stored) until dismissed."""
        current = self._patient
        if current is None:
            return False
        mine = dataclasses.replace(current, data=conflict.mine)
        texts = {name: getattr(conflict.mine, name) for name in text_fields(conflict.mine)
                 if name in conflict.differing}
        try:
            self.kept.keep((current.id, None), {"patient": patient_to_dict(mine)}, texts)
            self.drafts.discard()  # mine is kept aside now
            theirs = self._patients.get(current.id)
        except KnownError as exc:
            self._messages.error(self, self.tr("Your version could not be set aside"),
                                 exc.message + " " + self.tr("It is still in the form."))
            return False
        self._patient = theirs
        self.form.set_patient(theirs)
        self.sessions.update_patient(theirs)
        self.save_status.setText(self.tr("Showing their version; yours is kept above"))
        self._show_header()
        return False

    def _use_kept(self, payload: dict[str, Any]) -> None:
        """Put the version set aside back into the form, to be saved over theirs."""
        if self._patient is not None and isinstance(payload.get("patient"), dict):
            self.form.show_over(patient_input_from_dict(payload["patient"]),
                                self._patient.data)
            self.save_status.setText(
                self.tr("Your version is back in the form; save to keep it"))

    def cancel_edits(self) -> None:
        """Esc: drop unsaved profile edits after confirming; a blank new record closes.

        On the Sessions tab Esc does nothing: the note is kept as a draft until it is
        saved or its draft discarded.
        """
        if not self.is_open() or self.tabs.currentWidget() is self.sessions:
            return
        if self.form.is_dirty() and not self._messages.confirm(
            self,
            self.tr("Cancel edits"),
            self.tr("Throw away the changes you have not saved?"),
            self.tr("Discard changes"),
        ):
            return
        if self._patient is None:
            self.close_record()
        elif self._drop_profile_edits():
            self.save_status.setText(self.tr("Edits cancelled"))

    def save_current(self) -> bool:
        """Ctrl+S: save the session note when on the Sessions tab, else the profile."""
        if self.tabs.currentWidget() is self.sessions and self.sessions.is_open():
            return self.sessions.save()
        return self.save()

    def show_sessions(self) -> None:
        """Bring the Sessions tab forward."""
        self.tabs.setCurrentWidget(self.sessions)

    def can_leave(self) -> bool:
        """Ask about unsaved edits before the record is left; True when it is safe to go.

        A session note needs no question while it can be kept as a draft.
        """
        if not self.sessions.may_replace_note():
            return False
        if not self.is_dirty():
            return True
        what = self._patient.data.name if self._patient else self.tr("The new patient record")
        answer = self._messages.ask_unsaved(self, what)
        if answer is Answer.SAVE:
            return self.save()
        if answer is Answer.DISCARD:
            return self._drop_profile_edits()
        return False

    def toggle_archived(self) -> None:
        """Archive the open patient, or restore them when archived."""
        patient = self._patient
        if patient is None or not self.can_leave():
            return
        try:
            if patient.archived:
                changed = self._patients.restore(patient.id)
            else:
                if not self._messages.confirm(
                    self,
                    self.tr("Archive patient"),
                    self.tr("Archive %1? The record is kept and can be restored at any time "
                            "from “Show archived”.").replace("%1", patient.data.name),
                    self.tr("Archive"),
                ):
                    return
                changed = self._patients.archive(patient.id)
        except KnownError as exc:
            self._messages.error(self, self.tr("Not changed"), exc.message)
            return
        self._patient = changed
        self._show_header()
        self.patient_saved.emit(changed.id)

    # -- display ------------------------------------------------------------------------

    def _refuse(self, errors: list[FieldError]) -> bool:
        self.form.show_errors(errors)
        self.save_status.setText(
            self.tr("Not saved: 1 field needs attention") if len(errors) == 1
            else self.tr("Not saved: %1 fields need attention").replace("%1", str(len(errors)))
        )
        return False

    def refresh_red_flags(self) -> None:
        """Show the open record's red flags that nobody has acted on yet."""
        if self._patient is None:
            self.red_flags.show_flags([])
            return
        try:
            self.red_flags.show_flags(self._reference.open_red_flags(self._patient.id))
        except KnownError as exc:
            self._messages.error(self, self.tr("Cannot check red flags"), exc.message)

    def review_red_flag(self) -> None:
        """Record what was done about a red flag (referred, discussed, not applicable)."""
        if self._patient is None or not self.red_flags.flags:
            return
        review = self._messages.ask_red_flag_review(self, self.red_flags.flags)
        if review is None:
            return
        try:
            self._reference.record_review(self._patient.id, review.key, review.action,
                                          review.note)
        except (KnownError, ValidationError) as exc:
            self._messages.error(self, self.tr("Not recorded"), str(exc))
            return
        self.refresh_red_flags()

    def _on_form_edited(self) -> None:
        if self.is_dirty():
            self.save_status.setText(self.tr("Unsaved changes"))
            self.drafts.edited()

    def _drop_profile_edits(self) -> bool:
        """Show the stored record again and throw its profile draft away (a draft that
        cannot be thrown away now is offered again next time: never a lost edit)."""
        if self._patient is None:
            return True
        try:
            self.drafts.discard()
        except KnownError as exc:
            self._messages.error(self, self.tr("Draft not discarded"), exc.message + " " + self.tr(
                "It is offered again the next time this record is opened."))
        self.form.set_patient(self._patient)
        return True

    def _show_header(self) -> None:
        self.stack.setCurrentIndex(1 if self.is_open() else 0)
        self.refresh_red_flags()
        self.patient_changed.emit()
        patient = self._patient
        if patient is None:
            self.title.setText(self.tr("New patient"))
            self.subtitle.setText("")
            self.archive_button.hide()
            return
        data = patient.data
        self.title.setText(data.name)
        details = []
        if data.date_of_birth:
            details.append(
                self.tr("born %1 (age %2)")
                .replace("%1", data.date_of_birth.isoformat())
                .replace("%2", str(_age(data.date_of_birth, self._today())))
            )
        details.append(self.tr("patient no. %1").replace("%1", str(patient.id)))
        if patient.archived:
            details.append(self.tr("ARCHIVED"))
        self.subtitle.setText(" · ".join(details))
        self.archive_button.setText(self.tr("Restore") if patient.archived else self.tr("Archive"))
        self.archive_button.show()
