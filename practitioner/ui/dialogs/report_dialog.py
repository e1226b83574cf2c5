"""Preview a progress report or referral letter, edit a letter's text, print it, save it
as PDF."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from practitioner.domain.report_content import ReportData, ReportKind, default_letter_body
from practitioner.errors import KnownError
from practitioner.ui.pdf import PdfWriteError, render_pdf, report_document, write_pdf
from practitioner.ui.worker import BackgroundTask, run_in_background

#: Keeps a referral letter, as written to PDF, in the patient's record; raises KnownError.
LetterKeeper = Callable[[ReportData, bytes], None]


class ReportDialog(QDialog):
    """What will be printed, with the letter's addressee and wording editable. A referral
    letter or take-home sheet that is saved or printed is also kept in the patient's
    record through `keep`.

    Signals:
        produced(str): the report left the app: "pdf" (saved) or "print" (sent to print).
    """

    produced = Signal(str)

    def __init__(self, data: ReportData, parent: QWidget | None = None,
                 keep: LetterKeeper | None = None) -> None:
        super().__init__(parent)
        self.task: BackgroundTask | None = None  # the PDF being saved, or the last
        self.data = data
        self._keep = keep if data.kind.kept_as else None
        self.setWindowTitle(f"{data.kind.title} – {data.patient_name}")
        self.preview = QTextBrowser()
        self.preview.setAccessibleName(self.tr("Report preview"))
        self.recipient = QLineEdit(data.recipient)
        self.recipient.setAccessibleName(self.tr("Letter addressed to"))
        self.body = QPlainTextEdit(data.letter_body or default_letter_body(data))
        self.body.setAccessibleName(self.tr("Letter text"))
        self.body.setFixedHeight(120)
        self.status = QLabel()
        self.status.setAccessibleName(self.tr("Report status"))
        self.print_button = QPushButton(self.tr("Print…"))
        self.print_button.setAccessibleName(self.tr("Print the report"))
        self.preview_button = QPushButton(self.tr("Print preview…"))
        self.preview_button.setAccessibleName(self.tr("Print preview"))
        self.save_button = QPushButton(self.tr("Save as PDF…"))
        self.save_button.setAccessibleName(self.tr("Save the report as PDF"))
        close = QPushButton(self.tr("Close"))
        close.setAccessibleName(self.tr("Close"))
        layout = QVBoxLayout(self)
        if data.kind is ReportKind.REFERRAL:
            form = QFormLayout()
            form.addRow(self.tr("To"), self.recipient)
            form.addRow(self.tr("Letter"), self.body)
            layout.addLayout(form)
            self.recipient.textChanged.connect(self._refresh)
            self.body.textChanged.connect(self._refresh)
        layout.addWidget(self.preview, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        for button in (self.preview_button, self.print_button, self.save_button, close):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.preview_button.clicked.connect(self.print_preview)
        self.print_button.clicked.connect(self.print_report)
        close.clicked.connect(self.accept)
        self.resize(820, 900)
        self._refresh()

    def current(self) -> ReportData:
        """The report with the letter edits applied."""
        if self.data.kind is not ReportKind.REFERRAL:
            return self.data
        return dataclasses.replace(self.data, recipient=self.recipient.text().strip(),
                                   letter_body=self.body.toPlainText())

    def save_pdf(self, path: Path) -> bool:
        """Write the PDF (and keep a letter); the outcome is shown in the dialog."""
        report = self.current()
        try:
            content = write_pdf(report, path)
        except (PdfWriteError, OSError) as exc:
            self.status.setText(self.tr("Not saved: %1").replace("%1", str(exc)))
            return False
        self._saved(path, report, content)
        return True

    def save_pdf_in_background(self, path: Path) -> BackgroundTask:
        """`save_pdf` with the rendering and writing on a worker thread (a report with a
        chart and years of visits takes a moment); the dialog stays responsive."""
        report = self.current()
        self.save_button.setEnabled(False)

        def saved(content: bytes) -> None:
            self.save_button.setEnabled(True)
            self._saved(path, report, content)

        def failed(error: BaseException) -> None:
            self.save_button.setEnabled(True)
            if not isinstance(error, PdfWriteError | OSError):
                raise error
            self.status.setText(self.tr("Not saved: %1").replace("%1", str(error)))

        self.task = run_in_background(self, self.tr("Saving the PDF"),
                                      lambda _report: write_pdf(report, path), saved, failed)
        return self.task

    def print_report(self) -> None:
        """Print through the system's print dialog (and keep a letter)."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if QPrintDialog(printer, self).exec() == QDialog.DialogCode.Accepted:
            report = self.current()
            report_document(report).print_(printer)
            self.produced.emit("print")
            self.status.setText(self.tr("Sent to the printer")
                                + self._kept(report, render_pdf(report)))

    def _saved(self, path: Path, report: ReportData, content: bytes) -> None:
        """The PDF was written: say so, keep a letter, tell who listens."""
        self.produced.emit("pdf")
        self.status.setText(self.tr("Saved %1").replace("%1", str(path))
                            + self._kept(report, content))

    def _kept(self, report: ReportData, content: bytes) -> str:
        """Keep the letter; the words to add to the status line."""
        if self._keep is None:
            return ""
        try:
            self._keep(report, content)
        except KnownError as exc:
            return self.tr("; NOT kept in the record: %1").replace("%1", exc.message)
        return self.tr("; kept in the patient's record")

    def print_preview(self) -> None:
        """Qt's print preview of the report."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintPreviewDialog(printer, self)
        dialog.paintRequested.connect(lambda p: report_document(self.current()).print_(p))
        dialog.exec()

    def _refresh(self) -> None:
        self.preview.setDocument(report_document(self.current()))
