"""The Sessions tab: the patient's visit timeline and the session note being written.

Whatever is typed is kept as a draft (`ui.draft_keeper`), so a switch of patient, a closed
window or a killed process never loses it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from practitioner.domain.conflicts import EditConflict, EditConflictError, text_fields
from practitioner.domain.outcomes import MeasureDefinition, PsfsActivity, validate_measures
from practitioner.domain.patient import Patient
from practitioner.domain.points import PointCatalogue
from practitioner.domain.session import DraftForm, Protocol, Session
from practitioner.domain.session_rules import changed_groups, validate_session
from practitioner.domain.validation import FieldError, ValidationError
from practitioner.errors import KnownError
from practitioner.services.bundle import Services
from practitioner.services.reference import CitedParagraph
from practitioner.ui.draft_keeper import DraftKeeper, Slot
from practitioner.ui.messages import Answer, Messages
from practitioner.ui.pages.edit_conflicts import settle_conflict
from practitioner.ui.pages.session_form import SessionForm
from practitioner.ui.widgets.empty_state import EmptyState
from practitioner.ui.widgets.kept_version_bar import KeptVersionBar
from practitioner.ui.widgets.protocol_bar import ProtocolBar
from practitioner.ui.widgets.session_timeline import SessionTimeline


class SessionsPage(QWidget):
    """Timeline on the left, the open session note on the right.

    Signals:
        saved(): a session was recorded, finalised or amended.
        opened(): a session note was opened for editing (the tab should be shown).
        save_failed(object): a save failed with this KnownError (the text stays).
        save_patient_requested(): the new, unsaved patient should be saved (sessions
            belong to a saved record).
    """

    saved = Signal()
    opened = Signal()
    save_failed = Signal(object)
    save_patient_requested = Signal()

    def __init__(
        self,
        services: Services,
        catalogue: PointCatalogue,
        messages: Messages,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._sessions, self._drafts = services.sessions, services.drafts
        self._outcomes = services.outcomes
        self._reference = services.reference
        self._pending_references: list[CitedParagraph] = []
        self._definitions: list[MeasureDefinition] = []
        self._activities: list[PsfsActivity] = []
        self._first_session = True
        self._messages = messages
        self._patient: Patient | None = None
        self._session: Session | None = None  # the stored session open, None for a new one
        self._previous: Session | None = None  # the visit a new one was carried from
        self._open = False

        self.timeline = SessionTimeline()
        self.new_button = QPushButton(self.tr("New session"))
        self.new_button.setAccessibleName(self.tr("New session"))
        self.new_button.setToolTip(self.tr("Start an empty session note (Ctrl+Shift+N)"))
        self.carry_button = QPushButton(self.tr("From last visit"))
        self.carry_button.setAccessibleName(self.tr("New session from last visit"))
        self.carry_button.setToolTip(
            self.tr("New session pre-filled with the last visit's pattern, principle, points "
                    "and advice (Ctrl+Shift+L)"))
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.carry_button)
        left_layout.addLayout(buttons)
        left_layout.addWidget(self.timeline, 1)

        self.form = SessionForm(catalogue)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form)
        scroll.setAccessibleName(self.tr("Session note"))
        self.banner = QLabel()
        self.banner.setObjectName("banner")
        self.banner.setWordWrap(True)
        self.banner.setAccessibleName(self.tr("Session note status"))
        self.kept = KeptVersionBar(services.drafts, messages)
        self.kept.use_requested.connect(self._use_kept)
        self.protocols = ProtocolBar(services.protocols, messages, self.form.points.points)
        self.status = QLabel()
        self.status.setAccessibleName(self.tr("Session save status"))
        self.status.setWordWrap(True)
        self.status.setMinimumWidth(80)
        self.discard_button = QPushButton(self.tr("Discard draft"))
        self.discard_button.setAccessibleName(self.tr("Discard draft"))
        self.history_button = QPushButton(self.tr("History"))
        self.history_button.setAccessibleName(self.tr("Session history"))
        self.finalise_button = QPushButton(self.tr("Finalise"))
        self.finalise_button.setToolTip(self.tr("Save and sign the note; later changes are "
                                                "kept as amendments"))
        self.finalise_button.setAccessibleName(self.tr("Save and finalise session"))
        self.private_box = QCheckBox(self.tr("Private note"))
        self.private_box.setAccessibleName(self.tr("Private note"))
        self.private_box.setToolTip(self.tr("Only you and administrators can read this "
                                            "note's text"))
        self.take_home_button = QPushButton(self.tr("Take-home sheet…"))
        self.take_home_button.setAccessibleName(self.tr("Take-home sheet for the patient"))
        self.take_home_button.setToolTip(self.tr(
            "Print the visit's self-care, warning signs and a blank cramp diary "
            "(Ctrl+Shift+H)"))
        self.save_button = QPushButton(self.tr("Save"))
        self.save_button.setAccessibleName(self.tr("Save session"))
        self.save_button.setToolTip(self.tr("Save the session note (Ctrl+S)"))
        # The save status has a line of its own above the buttons, so the row of buttons
        # is all that sets the note's width (it must fit a 1280-pixel screen).
        actions = QHBoxLayout()
        actions.addWidget(self.private_box)
        actions.addStretch(1)
        for button in (self.discard_button, self.history_button, self.take_home_button,
                       self.finalise_button, self.save_button):
            actions.addWidget(button)
        editor = QWidget()
        editor_layout = QVBoxLayout(editor)
        editor_layout.setContentsMargins(0, 0, 0, 0)
        editor_layout.addWidget(self.banner)
        editor_layout.addWidget(self.kept)
        editor_layout.addWidget(self.protocols)
        editor_layout.addWidget(scroll, 1)
        editor_layout.addWidget(self.status)
        editor_layout.addLayout(actions)
        self.empty = EmptyState("notebook-pen")
        self.empty.action_requested.connect(self._on_empty_action)
        self.empty.second_requested.connect(self.new_session)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(editor)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([260, 700])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

        self.drafts = DraftKeeper(services.drafts, self.form, self._draft_slot,
                                  self.form.raw_state, self.form.is_dirty, self)
        self.drafts.status.connect(self.status.setText)
        self.drafts.kept.connect(lambda: self.discard_button.setEnabled(True))
        self.form.edited.connect(self._on_edited)
        self.new_button.clicked.connect(self.new_session)
        self.carry_button.clicked.connect(self.new_from_last_visit)
        self.timeline.session_chosen.connect(self._on_session_chosen)
        self.protocols.apply_requested.connect(self._on_apply_protocol)
        self.protocols.status.connect(self.status.setText)
        self.save_button.clicked.connect(self.save)
        self.finalise_button.clicked.connect(self.save_and_finalise)
        self.history_button.clicked.connect(self.show_history)
        self.discard_button.clicked.connect(self.discard_draft)
        self._show_state()

    # -- patient and timeline -----------------------------------------------------------

    def set_patient(self, patient: Patient | None) -> None:
        """Show `patient`'s visits; a draft left for them is reopened where it was."""
        self.flush_draft()
        self._patient, self._session, self._previous, self._open = patient, None, None, False
        self.kept.show_for(None)
        self.refresh_timeline()
        self._load_measure_context()
        if patient is not None:
            for draft in self._drafts.summaries():
                if draft.patient_id == patient.id and draft.form is DraftForm.SESSION:
                    self.open_draft(draft.session_id)
                    break
        self._show_state()

    def reload_measure_context(self) -> None:
        """The patient's PSFS activities or the custom measures changed: use them from the
        next note opened on."""
        self._load_measure_context()

    def _load_measure_context(self) -> None:
        """Fetch the measures and this patient's PSFS activities the note asks for."""
        if self._patient is None:
            return
        try:
            self._definitions = self._outcomes.definitions()
            self._activities = self._outcomes.psfs_activities(self._patient.id)
        except KnownError as exc:
            self._messages.error(self, self.tr("Cannot load the outcome measures"), exc.message)
            self._definitions, self._activities = [], []

    def _prepare_measures(self, session_id: int | None) -> None:
        """Lay out the measure fields; PGIC is asked from the second visit on."""
        stored = self.timeline.session_ids()
        first = not stored if session_id is None else stored[-1:] == [session_id]
        self._first_session = first
        self.form.set_measures_context(self._definitions, self._activities, first_session=first)

    def update_patient(self, patient: Patient) -> None:
        """Take in a changed record of the patient shown (e.g. a corrected birth date), or
        the new patient just saved for the first time."""
        if self._patient is None and not self._open:
            self.set_patient(patient)
        elif self._patient is not None and self._patient.id == patient.id:
            self._patient = patient

    def stored_session_id(self) -> int | None:
        """The stored visit open in the editor; None for a new note or none open."""
        return self._session.id if self._open and self._session is not None else None

    def has_unsaved_note(self) -> bool:
        """Whether a note is open with text that is not saved."""
        return self._open and self.form.is_dirty()

    def reload_stored(self, patient: Patient) -> None:
        """The patient's record changed elsewhere: list the visits as stored now, and show
        the open visit as stored now unless its note holds unsaved text (never touched)."""
        self.update_patient(patient)
        self.refresh_timeline()
        session = self._session
        if session is None or not self._open or self.form.is_dirty():
            return
        try:
            stored = self._sessions.get(session.id)
        except KnownError as exc:
            self.status.setText(self.tr("Could not reload: %1").replace("%1", exc.message))
            return
        if stored == session:
            return
        self._session = stored
        self._prepare_measures(stored.id)
        self.form.set_session(stored.data)
        self.banner.setText(self._status_of(stored))
        self.status.setText(self.tr("Updated from another workstation"))
        self._show_state()

    def refresh_timeline(self) -> None:
        """Reload the visit list, keeping the open session selected."""
        if self._patient is None:
            self.timeline.clear()
            return
        try:
            rows = self._sessions.timeline(self._patient.id)
        except KnownError as exc:
            self._messages.error(self, self.tr("Cannot list sessions"), exc.message)
            return
        self.timeline.show_sessions(rows, self._session.id if self._session else None)

    # -- opening ------------------------------------------------------------------------

    def new_session(self) -> None:
        """Start an empty note for a visit now."""
        if self._patient is None:
            return
        if not self.may_replace_note():
            return
        self._session, self._previous, self._open = None, None, True
        self._prepare_measures(None)
        self.form.set_session(self._sessions.blank())
        self._after_open(self.tr("New session — not saved yet."))

    def new_from_last_visit(self) -> None:
        """Start a note pre-filled from the last visit, marking what differs from it."""
        if self._patient is None:
            return
        if not self.may_replace_note():
            return
        data, previous = self._sessions.from_last_visit(self._patient.id)
        self._session, self._previous, self._open = None, previous, True
        self._prepare_measures(None)
        self.form.set_session(data)
        note = (self.tr("New session carried forward from %1 — not saved yet.")
                .replace("%1", previous.data.started_at.strftime("%Y-%m-%d"))
                if previous else self.tr("No earlier visit to carry from: new empty session."))
        self._after_open(note)

    def open_session(self, session_id: int) -> None:
        """Open a stored visit (and any draft left for it)."""
        if not self.may_replace_note():
            return
        try:
            session = self._sessions.get(session_id)
        except KnownError as exc:
            self._messages.error(self, self.tr("Cannot open the session"), exc.message)
            return
        self._session, self._previous, self._open = session, None, True
        self._prepare_measures(session.id)
        self.form.set_session(session.data)
        self._after_open(self._status_of(session))

    def open_draft(self, session_id: int | None) -> None:
        """Open the note a draft belongs to, with the draft's text restored."""
        if session_id is None:
            self.new_session()
        else:
            self.open_session(session_id)

    def _after_open(self, note: str) -> None:
        self._pending_references = []
        self.kept.show_for((self._patient.id, self._session.id)
                           if self._patient is not None and self._session is not None
                           else None)
        restored = self._restore_draft()
        self.banner.setText(restored or note)
        self.private_box.setChecked(self._session is not None and self._session.private)
        self._update_marks()
        self._show_state()
        self.opened.emit()
        self.form.started_at.setFocus(Qt.FocusReason.OtherFocusReason)

    def _restore_draft(self) -> str:
        return self.drafts.restore(self.form.restore_raw_state)

    # -- drafts -------------------------------------------------------------------------

    def _draft_slot(self) -> Slot | None:
        if self._patient is None or not self._open:
            return None
        if self._session is not None and self._session.hidden:
            return None  # A withheld private note's placeholder must never become a draft.
        return self._patient.id, self._slot(), DraftForm.SESSION

    def flush_draft(self) -> bool:
        """Store the note as a draft now if it holds unsaved edits; False when it could
        not be stored (the text is then only in the form)."""
        return self.drafts.flush()

    def may_replace_note(self) -> bool:
        """Whether the note shown may give way to another; True once its text is safe.

        Normally the draft keeps it. When even the draft cannot be stored (a full disk,
        a locked or missing file), the practitioner decides: save, discard or stay.
        """
        if self.flush_draft():
            return True
        answer = self._messages.ask_unsaved(
            self, self.tr("The session note, which could not be kept as a draft,"))
        if answer is Answer.SAVE:
            return self.save()
        return answer is Answer.DISCARD

    def discard_draft(self) -> None:
        """Throw the draft away and go back to the saved note."""
        if self._patient is None or not self._messages.confirm(
            self, self.tr("Discard draft"),
            self.tr("Throw away the unsaved text of this session note?"),
            self.tr("Discard"),
        ):
            return
        try:
            self.drafts.discard()
        except KnownError as exc:
            self._messages.error(self, self.tr("Draft not discarded"), exc.message)
            return
        if self._session is None:
            self._open = False
            self.form.set_session(self._sessions.blank())
        else:
            self.form.set_session(self._session.data)
        self.banner.setText(self.tr("Draft discarded."))
        self._show_state()

    def _slot(self) -> int | None:
        return None if self._session is None else self._session.id

    def _on_edited(self) -> None:
        self.drafts.edited()
        if self._previous is not None:
            self._update_marks()

    # -- saving -------------------------------------------------------------------------

    def is_open(self) -> bool:
        """Whether a session note is being shown."""
        return self._open

    def save(self, finalise: bool = False) -> bool:
        """Record the note; errors are shown inline and the text stays where it is."""
        patient = self._patient
        if patient is None or not self._open:
            return False
        data, errors = self.form.read()
        if data is not None:
            final = finalise or (self._session is not None and self._session.final)
            errors += validate_session(data, born=patient.data.date_of_birth,
                                       now=self._sessions.now(), finalising=final)
            errors += [
                FieldError(f"measures.{code}", message)
                for code, message in validate_measures(
                    data.measures, self._definitions, first_session=self._first_session)
            ]
        if errors or data is None:
            return self._refuse(errors)
        reason = ""
        if (self._session is not None and self._session.final
                and self._sessions.changes(self._session, data)):
            asked = self._messages.ask_text(
                self, self.tr("Amend a finalised session"),
                self.tr("This session was finalised. The original is kept in its history.\n"
                        "Reason for the amendment:"))
            if asked is None:
                return False
            reason = asked
        slot = self._slot()
        try:
            if self._session is None:
                saved = self._sessions.create(patient.id, data, finalise=finalise,
                                              private=self.private_box.isChecked())
            else:
                saved = self._sessions.update(self._session.id, data, self._session.version,
                                              finalise=finalise, reason=reason,
                                              private=self.private_box.isChecked())
        except ValidationError as exc:
            return self._refuse(list(exc.errors))
        except EditConflictError as exc:
            return self._settle_conflict(exc, finalise, reason)
        except KnownError as exc:
            self.flush_draft()
            self.save_failed.emit(exc)
            self._messages.error(self, self.tr("Session not saved"), exc.message)
            return False
        return self._after_save(saved, patient.id, slot)

    def _after_save(self, saved: Session, patient_id: int, slot: int | None) -> bool:
        self.drafts.stop()
        self._drafts.forget_local(patient_id, slot)
        self._record_references(saved.id)
        self._session, self._previous = saved, None
        self.form.set_session(saved.data)
        self.banner.setText(self._status_of(saved))
        self.status.setText(self.tr("Saved at %1").replace(
            "%1", dt.datetime.now().strftime("%H:%M")))
        self.refresh_timeline()
        self._update_marks()
        self._show_state()
        self.saved.emit()
        return True

    # -- edit conflicts -----------------------------------------------------------------

    def _settle_conflict(self, exc: EditConflictError, finalise: bool, reason: str) -> bool:
        """The note was saved elsewhere meanwhile: show both, let the practitioner choose.

        Nothing is overwritten without a choice; the text typed stays in the form (and its
        draft) until a choice is saved. Returns whether something was saved.
        """
        self.flush_draft()
        session_id = int(exc.conflict.record_id)
        try:
            settled = settle_conflict(
                self._messages, self, exc, self.tr("session note"),
                lambda value, version, choice: self._sessions.update(
                    session_id, value, version, finalise=finalise, reason=reason,
                    resolution=choice))
        except ValidationError as invalid:
            return self._refuse(list(invalid.errors))
        except KnownError as failed:
            self._messages.error(self, self.tr("Session not saved"), failed.message)
            return False
        if settled.choice is None:
            self.status.setText(self.tr(
                "Not saved: this session was changed elsewhere. Your text is still here."))
            return False
        if settled.saved is None:
            return self._keep_theirs(settled.conflict)
        return self._after_save(settled.saved, settled.saved.patient_id, session_id)

    def _keep_theirs(self, conflict: EditConflict[Any]) -> bool:
        """Show their version; mine is set aside (stored) until the practitioner dismisses
        it. Returns False: nothing was saved."""
        if self._patient is None:
            return False
        session_id = int(conflict.record_id)
        texts = {name: getattr(conflict.mine, name) for name in text_fields(conflict.mine)
                 if name in conflict.differing}
        try:
            self.kept.keep((self._patient.id, session_id), {"form": self.form.raw_state()},
                           texts)
            self._drafts.discard(self._patient.id, session_id)  # mine is kept aside now
            theirs = self._sessions.get(session_id)
        except KnownError as exc:
            self._messages.error(self, self.tr("Your version could not be set aside"),
                                 exc.message + " " + self.tr("It is still in the form."))
            return False
        self.drafts.stop()
        self._session = theirs
        self.form.set_session(theirs.data)
        self.banner.setText(self._status_of(theirs))
        self.status.setText(self.tr("Showing their version; yours is kept above."))
        self._show_state()
        return False

    def _use_kept(self, payload: dict[str, Any]) -> None:
        """Put the version set aside back into the form (it stays set aside)."""
        if isinstance(payload.get("form"), dict):
            self.form.restore_raw_state(payload["form"])
            self.status.setText(self.tr("Your version is back in the form; save to keep it."))

    def save_and_finalise(self) -> bool:
        """Save and sign the note; later edits become amendments."""
        return self.save(finalise=True)

    def show_history(self) -> None:
        """Show every version of the open session."""
        if self._session is not None:
            self._messages.show_session_history(self, self._sessions.get(self._session.id))

    def _refuse(self, errors: list[FieldError]) -> bool:
        self.form.show_errors(errors)
        general = [e.message for e in errors if e.field == "session"]
        self.status.setText(" ".join(general) or self.tr("Not saved: see the marked fields."))
        return False

    # -- reference paragraphs -----------------------------------------------------------

    def insert_reference(self, cited: CitedParagraph) -> bool:
        """Append a reference paragraph with its citation to the note being written; the
        session remembers which entry and version it came from once saved."""
        if not self._open:
            self._messages.error(
                self, self.tr("No session note open"),
                self.tr("Open or start a session note first, then insert the paragraph."))
            return False
        notes = self.form.notes
        current = notes.toPlainText().rstrip()
        notes.setPlainText(f"{current}\n\n{cited.note_text}" if current else cited.note_text)
        self._pending_references.append(cited)
        self.status.setText(self.tr("Inserted a paragraph from the reference."))
        return True

    def _record_references(self, session_id: int) -> None:
        for cited in self._pending_references:
            try:
                self._reference.record_reference(session_id, cited.slug, cited.version,
                                                 cited.paragraph)
            except KnownError as exc:
                self._messages.error(self, self.tr("Reference not recorded"), exc.message)
                break
        self._pending_references = []

    # -- protocols ----------------------------------------------------------------------

    def focus_protocols(self) -> None:
        """Ctrl+P: put the keyboard on the protocol chooser."""
        if self._open:
            self.protocols.focus_picker()

    def _on_apply_protocol(self, protocol: Protocol) -> None:
        if self._open:
            self.form.add_points(protocol.points)
            self.status.setText(self.tr("Applied “%1”.").replace("%1", protocol.name))

    # -- display ------------------------------------------------------------------------

    def _on_session_chosen(self, session_id: int) -> None:
        if self._session is None or self._session.id != session_id:
            self.open_session(session_id)

    def _update_marks(self) -> None:
        previous = self._previous
        data = self.form.read()[0] if previous is not None else None
        groups = changed_groups(data, previous.data) if data and previous else set()
        since = previous.data.started_at.strftime("%Y-%m-%d") if previous else ""
        self.form.mark_changes(groups, since)

    def _status_of(self, session: Session) -> str:
        return self._signature_of(session) + self._privacy_of(session)

    def _privacy_of(self, session: Session) -> str:
        if session.hidden:
            return " " + self.tr("Private note: only its author and administrators can read "
                                 "or change its text.")
        return " " + self.tr("Private note.") if session.private else ""

    def _signature_of(self, session: Session) -> str:
        when = session.data.started_at.strftime("%Y-%m-%d %H:%M")
        if not session.final:
            return self.tr("Session of %1 — open, not finalised.").replace("%1", when)
        signed = session.finalised_at.astimezone().strftime("%Y-%m-%d %H:%M") \
            if session.finalised_at else ""
        text = (self.tr("Session of %1 — finalised by %2 at %3. Changes are kept as amendments.")
                .replace("%1", when).replace("%2", session.finalised_by or "—")
                .replace("%3", signed))
        if session.revisions:
            count = len(session.revisions)
            text += " " + (self.tr("Amended once.") if count == 1
                           else self.tr("Amended %1 times.").replace("%1", str(count)))
        return text

    def _on_empty_action(self) -> None:
        if self._patient is None:
            self.save_patient_requested.emit()
        elif self.timeline.session_ids():
            self.new_from_last_visit()
        else:
            self.new_session()

    def _show_empty_state(self) -> None:
        if self._patient is None:
            self.empty.show_state(self.tr("Sessions are kept in a saved record: save the "
                                          "patient first."), self.tr("Save patient"))
        elif not self.timeline.session_ids():
            self.empty.show_state(self.tr("No sessions yet. Start the first session note "
                                          "(Ctrl+Shift+N)."), self.tr("New session"))
        else:
            self.empty.show_state(self.tr("Choose a visit on the left, or start a session from "
                                          "the last visit (Ctrl+Shift+L) or a new one "
                                          "(Ctrl+Shift+N)."), self.tr("From last visit"),
                                  self.tr("New session"))

    def _show_state(self) -> None:
        self.stack.setCurrentIndex(1 if self._open else 0)
        self._show_empty_state()
        enabled = self._patient is not None
        self.new_button.setEnabled(enabled)
        self.carry_button.setEnabled(enabled)
        stored = self._session is not None
        self.history_button.setEnabled(stored)
        hidden = self._session is not None and self._session.hidden
        self.finalise_button.setEnabled(not hidden and not (stored and self._session is not None
                                                            and self._session.final))
        self.save_button.setEnabled(not hidden)
        self.private_box.setEnabled(not hidden)
        self.discard_button.setEnabled(self.drafts.has_draft())
