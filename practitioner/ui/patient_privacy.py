"""Patient-menu actions on privacy: the audit trail of the open record, a copy of the
record for the patient (JSON and PDF), and permanent erasure once retention is over."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QSaveFile, QSettings
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from practitioner.domain.audit import AuditAction
from practitioner.domain.patient import Patient
from practitioner.domain.report_content import ReportKind
from practitioner.errors import KnownError
from practitioner.process_privacy import owner_only
from practitioner.services.bundle import Services
from practitioner.services.export import export_json
from practitioner.services.privacy import ErasureBlockedError, PrivacyService
from practitioner.services.reports import ReportService
from practitioner.ui import preferences
from practitioner.ui.messages import Messages
from practitioner.ui.pdf import PdfWriteError, write_pdf


def _write_text(path: Path, text: str) -> None:
    """Write `text` atomically, readable by the owner only. Raises OSError."""
    target = QSaveFile(str(path))
    if not target.open(QSaveFile.OpenModeFlag.WriteOnly) or target.write(
        text.encode("utf-8")
    ) < 0:
        target.cancelWriting()
        raise OSError(f"cannot write {path}: {target.errorString()}")
    if not target.commit():
        raise OSError(f"cannot write {path}: {target.errorString()}")
    owner_only(path)


def export_names(patient_id: int) -> tuple[str, str]:
    """File names of a patient's copy: ids only, so no name shows in a folder listing."""
    return f"patient-{patient_id}-record.json", f"patient-{patient_id}-progress-report.pdf"


class PatientPrivacy(QObject):
    """Owns the three actions and carries them out for the open patient."""

    def __init__(
        self,
        window: QWidget,
        services: Services,
        messages: Messages,
        settings: QSettings,
        current: Callable[[], Patient | None],
        close_record: Callable[[], None],
        erased: Callable[[], None],
        today: Callable[[], dt.date] = dt.date.today,
    ) -> None:
        """`current` gives the open patient; `close_record` closes it (keeping any session
        draft, which the purge then removes with the rest); `erased` follows an erasure."""
        super().__init__(window)
        self._window, self._services, self._messages = window, services, messages
        self._settings, self._current, self._today = settings, current, today
        self._close_record, self._erased = close_record, erased
        self.show_trail = self._action("Audit &trail…", "Who opened or changed this record, "
                                       "and when", self.show_audit_trail)
        self.export_record = self._action("E&xport record for patient…", "Write the record "
                                          "as JSON and a PDF report into a folder",
                                          self.export_for_patient)
        self.erase = self._action("&Delete patient permanently…", "Erase every trace of "
                                  "the patient once the retention period is over",
                                  self.erase_patient)

    def _action(self, text: str, tip: str, slot: Callable[[], object]) -> QAction:
        action = QAction(self.tr(text), self._window)
        action.setStatusTip(self.tr(tip))
        action.triggered.connect(slot)
        self._window.addAction(action)
        return action

    def actions(self) -> list[QAction]:
        """The actions, in menu order."""
        return [self.show_trail, self.export_record, self.erase]

    def _patient(self) -> Patient | None:
        patient = self._current()
        if patient is None:
            self._messages.error(self._window, self.tr("No patient open"),
                                 self.tr("Open a patient first."))
        return patient

    def show_audit_trail(self) -> None:
        """Show the open patient's audit entries."""
        patient = self._patient()
        if patient is None:
            return
        try:
            entries = self._services.audit.trail(patient.id)
        except KnownError as exc:
            self._messages.error(self._window, self.tr("Cannot read the audit trail"),
                                 exc.message)
            return
        title = self.tr("Audit trail — patient %1").replace("%1", str(patient.id))
        self._messages.show_audit_trail(self._window, title, entries)

    def export_for_patient(self) -> list[Path]:
        """Write the open record as JSON and a PDF progress report into a chosen folder;
        returns the files written (none when cancelled or failed, the user told why)."""
        patient = self._patient()
        if patient is None:
            return []
        chosen = self._messages.choose_folder(self._window,
                                              self.tr("Export record for patient"))
        if not chosen:
            return []
        folder = Path(chosen)
        json_name, pdf_name = export_names(patient.id)
        s = self._services
        try:
            text = export_json(s.patients, patient.id, s.sessions, s.outcomes, s.reference)
            report = ReportService(s.patients, s.sessions, s.outcomes, s.reference).build(
                patient.id, ReportKind.PROGRESS, **preferences.letterhead(self._settings))
            _write_text(folder / json_name, text)
            write_pdf(report, folder / pdf_name)
            owner_only(folder / pdf_name)
            s.audit.record_access(AuditAction.EXPORT, [patient.id], "json and pdf for patient")
        except KnownError as exc:
            self._messages.error(self._window, self.tr("Export failed"), exc.message)
            return []
        except (PdfWriteError, OSError) as exc:
            self._messages.error(self._window, self.tr("Export failed"),
                                 str(exc.strerror if exc.strerror else exc))
            return []
        written = [folder / json_name, folder / pdf_name]
        self._messages.info(self._window, self.tr("Record exported"),
                            self.tr("Wrote %1 and %2. These copies are not encrypted.")
                            .replace("%1", str(written[0])).replace("%2", str(written[1])))
        return written

    def erase_patient(self) -> bool:
        """Erase the open patient permanently, if retention allows and the user agrees."""
        patient = self._patient()
        if patient is None:
            return False
        privacy = PrivacyService(self._services.audit, today=self._today,
                                 retention_years=preferences.retention_years(self._settings))
        try:
            privacy.refuse_if_kept(patient.id)
        except ErasureBlockedError as exc:
            self._messages.error(self._window, self.tr("The record must be kept"), exc.message)
            return False
        except KnownError as exc:
            self._messages.error(self._window, self.tr("Cannot delete"), exc.message)
            return False
        if not self._messages.confirm(
            self._window, self.tr("Delete patient permanently"),
            self.tr("Erase %1 and every session, measure, diary day and draft of theirs? "
                    "This cannot be undone. A backup is made first; it ages out with the "
                    "other backups.").replace("%1", patient.data.name),
            self.tr("Delete permanently"),
        ):
            return False
        # Close first: nothing of the record may be written back after the purge.
        self._close_record()
        try:
            done = privacy.purge(patient.id)
        except KnownError as exc:
            self._messages.error(self._window, self.tr("Cannot delete"), exc.message)
            return False
        finally:
            self._erased()
        note = self.tr("The record was erased.")
        if done.backup is not None:
            note += self.tr(" A backup taken just before is at %1; it ages out with the "
                            "other backups.").replace("%1", str(done.backup))
        if not done.wal_truncated:
            note += self.tr(" Another program has the records open; traces may remain in "
                            "the write-ahead log until it closes.")
        self._messages.info(self._window, self.tr("Patient deleted"), note)
        return True
