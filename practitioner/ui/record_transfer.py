"""Move records in and out from the window: all records as JSON or CSV, and importing
a JSON export (all or nothing, the practitioner choosing what to do with duplicates)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from practitioner.domain.audit import AuditAction
from practitioner.errors import KnownError
from practitioner.services.bundle import Services
from practitioner.services.csv_export import export_csv
from practitioner.services.export import export_json
from practitioner.services.files import write_files_atomically
from practitioner.services.record_import import (
    ImportResult,
    OnDuplicate,
    import_file,
    read_export,
)
from practitioner.ui.messages import Messages
from practitioner.ui.worker import BackgroundTask, Report, run_in_background

DUPLICATE_CHOICES: tuple[tuple[str, OnDuplicate], ...] = (
    ("Skip them", "skip"),
    ("Import them as new patients", "new"),
)


def _tr(text: str) -> str:
    return QCoreApplication.translate("RecordTransfer", text)


class RecordTransfer:
    """The Records menu's commands, reporting every outcome through `messages`."""

    def __init__(self, parent: QWidget, services: Services, messages: Messages,
                 on_imported: Callable[[], None]) -> None:
        self._parent = parent
        self._services = services
        self._messages = messages
        self._on_imported = on_imported
        self.task: BackgroundTask | None = None  # the import running, or the last one
        # Takes the backup before an import writes (the composition root sets it).
        self.before_import: Callable[[], object] | None = None

    def export_json(self) -> None:
        """Every patient's whole record as one JSON file, written atomically."""
        path = self._messages.choose_save_file(
            self._parent, _tr("Export all records"), "cramp-records.json",
            _tr("JSON exports (*.json)"))
        if not path:
            return
        s = self._services

        def write() -> str:
            text = export_json(s.patients, None, s.sessions, s.outcomes, s.reference,
                               s.letters)
            write_files_atomically([(Path(path), text)])
            return _tr("Wrote every record to %1.").replace("%1", path)

        self._export(Path(path), "json", write)

    def export_csv(self) -> None:
        """Sessions and diary of every patient as spreadsheet-safe CSV files, with their
        data dictionary."""
        path = self._messages.choose_save_file(
            self._parent, _tr("Export for a spreadsheet"), "cramp-records.csv",
            _tr("CSV files (*.csv)"))
        if not path:
            return
        s = self._services

        def write() -> str:
            written = export_csv(s.patients, Path(path), None, s.sessions, s.outcomes)
            return _tr("Wrote %1, %2 and the column descriptions %3.").replace(
                "%1", str(written[0])).replace("%2", str(written[1])).replace(
                "%3", str(written[2]))

        self._export(Path(path), "csv", write)

    def _export(self, path: Path, kind: str, write: Callable[[], str]) -> None:
        """Run `write` (which returns what to tell), audit the export of every patient,
        and report the outcome."""
        patients = self._services.patients
        try:
            done = write()
            ids = [p.id for p in patients.list_patients(include_archived=True)]
            self._services.audit.record_access(AuditAction.EXPORT, ids,
                                               f"{kind} from the window")
        except KnownError as exc:
            self._fail(_tr("Export failed"), exc.message)
            return
        except OSError as exc:
            self._fail(_tr("Export failed"), self._os_reason(exc, path))
            return
        self._messages.info(self._parent, _tr("Export finished"), done)

    def import_json(self) -> None:
        """Import a JSON export: checked whole first, then stored in one transaction."""
        chosen = self._messages.choose_open_file(
            self._parent, _tr("Import records"), _tr("JSON exports (*.json);;All files (*)"))
        if not chosen:
            return
        path = Path(chosen)
        try:
            document = read_export(path)
        except KnownError as exc:
            self._fail(_tr("Import refused"), exc.message)
            return
        except OSError as exc:
            self._fail(_tr("Import refused"), self._os_reason(exc, path))
            return
        count = len(document["patients"])
        picked = self._messages.choose(
            self._parent, _tr("Import records"),
            _tr("%1 holds %2 patients. When a patient is already in these records (same "
                "name and date of birth):").replace("%1", path.name).replace("%2", str(count)),
            [_tr(label) for label, _ in DUPLICATE_CHOICES])
        if picked is None:
            return
        choice = DUPLICATE_CHOICES[picked][1]

        def work(report: Report) -> ImportResult:
            report(0, 0, _tr("Importing %1 patients from %2…").replace("%1", str(count))
                   .replace("%2", path.name))
            return import_file(path, choice, document, audit=self._services.audit,
                               before_write=self.before_import)

        def imported(result: ImportResult) -> None:
            self._on_imported()
            self._messages.info(
                self._parent, _tr("Import finished"),
                _tr("Imported %1 patients from %2; skipped %3 already present.")
                .replace("%1", str(result.imported)).replace("%2", path.name)
                .replace("%3", str(result.skipped)))

        def refused(error: BaseException) -> None:
            if isinstance(error, KnownError):
                self._fail(_tr("Import refused"), error.message)
            elif isinstance(error, OSError):
                self._fail(_tr("Import refused"), self._os_reason(error, path))
            else:
                sys.excepthook(type(error), error, error.__traceback__)

        # Thousands of patients take seconds: the window keeps repainting meanwhile.
        self.task = run_in_background(self._parent, _tr("Import records"), work,
                                      imported, refused)

    def _fail(self, title: str, text: str) -> None:
        self._messages.error(self._parent, title, text)

    @staticmethod
    def _os_reason(exc: OSError, path: Path) -> str:
        reason = exc.strerror or str(exc)
        return _tr("%1: %2. Nothing was written under that name.").replace(
            "%1", str(path)).replace("%2", reason)
