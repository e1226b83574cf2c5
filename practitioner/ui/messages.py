"""Every question and alert the app puts to the user; the only place QMessageBox is used.

Widgets receive a `Messages` object; tests pass a fake that records what was said and
returns scripted answers. Modal dialogs of our own are opened from here too, so no widget
ever blocks a test.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget

from practitioner.domain.accounts import Account, Identity
from practitioner.domain.audit import AuditEntry
from practitioner.domain.conflicts import EditConflict
from practitioner.domain.diary_csv import DiaryImport
from practitioner.domain.letters import KeptLetter
from practitioner.domain.outcomes import DiaryEntry
from practitioner.domain.reference_flags import Flag
from practitioner.domain.report_content import ReportData
from practitioner.domain.session import DraftSummary, Session
from practitioner.domain.what_worked import GroupTable
from practitioner.ui.dialogs.audit_trail import AuditTrailDialog
from practitioner.ui.dialogs.caseload import CaseloadDialog
from practitioner.ui.dialogs.conflict_dialog import ConflictDialog, ConflictResolution
from practitioner.ui.dialogs.custom_measure import CustomMeasureDialog, CustomMeasureInput
from practitioner.ui.dialogs.diary_import import DiaryImportDialog
from practitioner.ui.dialogs.draft_recovery import DraftRecoveryDialog
from practitioner.ui.dialogs.letters_dialog import LettersDialog
from practitioner.ui.dialogs.passphrase import (
    ChangePassphraseDialog,
    EnterPassphraseDialog,
    NewPassphrase,
    NewPassphraseDialog,
    NewPinDialog,
    PassphraseChange,
)
from practitioner.ui.dialogs.red_flag_review import RedFlagReview, RedFlagReviewDialog
from practitioner.ui.dialogs.session_history import SessionHistoryDialog

if TYPE_CHECKING:  # the report dialog pulls in QtPrintSupport: loaded on first use
    # Clinic-mode dialogs are loaded when first shown: the solo app's start never needs them.
    from practitioner.domain.preferences import Preferences
    from practitioner.domain.server_address import ServerAddress
    from practitioner.services.accounts import AccountService
    from practitioner.ui.dialogs.about_dialog import AboutInfo
    from practitioner.ui.dialogs.connect_dialog import ConnectChoice
    from practitioner.ui.dialogs.login_dialog import CreateAccount, SetPassword, SignIn
    from practitioner.ui.dialogs.report_dialog import LetterKeeper

class Answer(enum.Enum):
    """The practitioner's choice when unsaved edits are in the way."""

    SAVE = "save"
    DISCARD = "discard"
    CANCEL = "cancel"


class Messages:
    """Modal dialogs for errors and decisions."""

    def error(self, parent: QWidget | None, title: str, text: str) -> None:
        """Tell the user something failed and what to do about it."""
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok,
                          parent)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.exec()

    def info(self, parent: QWidget | None, title: str, text: str) -> None:
        """Tell the user something worked."""
        box = QMessageBox(QMessageBox.Icon.Information, title, text,
                          QMessageBox.StandardButton.Ok, parent)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.exec()

    def warn(self, parent: QWidget | None, title: str, text: str) -> None:
        """Warn about a risk the user can still go ahead with."""
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok,
                          parent)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.exec()

    def ask_unsaved(self, parent: QWidget | None, what: str) -> Answer:
        """Ask whether to save, discard or keep editing `what` before moving on."""
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Unsaved changes",
            f"{what} has changes that are not saved yet.",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            parent,
        )
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setInformativeText("Save them before you go on?")
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        choice = box.exec()
        if choice == QMessageBox.StandardButton.Save:
            return Answer.SAVE
        if choice == QMessageBox.StandardButton.Discard:
            return Answer.DISCARD
        return Answer.CANCEL

    def confirm(self, parent: QWidget | None, title: str, text: str, action: str) -> bool:
        """Ask yes/no before a consequential step; `action` labels the yes button."""
        box = QMessageBox(
            QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent
        )
        box.setTextFormat(Qt.TextFormat.PlainText)
        yes = box.addButton(action, QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(yes)
        box.exec()
        return box.clickedButton() is yes

    def choose(self, parent: QWidget | None, title: str, text: str,
               options: list[str]) -> int | None:
        """Which of `options` (button labels, the first the default) the user picked, by
        index; None when cancelled."""
        box = QMessageBox(
            QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent
        )
        box.setTextFormat(Qt.TextFormat.PlainText)
        buttons = [box.addButton(option, QMessageBox.ButtonRole.AcceptRole)
                   for option in options]
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(buttons[0])
        box.exec()
        clicked = box.clickedButton()
        return next((i for i, button in enumerate(buttons) if button is clicked), None)

    def resolve_conflict(self, parent: QWidget | None, conflict: EditConflict[Any],
                         what: str) -> ConflictResolution | None:
        """Their version and mine side by side: keep mine, keep theirs or merge by hand;
        None when cancelled."""
        return ConflictDialog.ask(conflict, what, parent)

    def choose_draft(self, parent: QWidget | None, drafts: list[DraftSummary]) -> (
        DraftSummary | None
    ):
        """Offer recovered drafts; returns the one to open now, or None for later."""
        return DraftRecoveryDialog.ask(drafts, parent)

    def show_session_history(self, parent: QWidget | None, session: Session) -> None:
        """Show every version of `session`."""
        SessionHistoryDialog.show_for(session, parent)

    def ask_text(self, parent: QWidget | None, title: str, label: str) -> str | None:
        """A line of text from the user, or None when cancelled."""
        text, ok = QInputDialog.getText(parent, title, label)
        return text if ok else None

    def choose_open_file(
        self, parent: QWidget | None, title: str, filters: str, directory: str = ""
    ) -> str | None:
        """A file to read (starting in `directory`), or None when cancelled."""
        path, _ = QFileDialog.getOpenFileName(parent, title, directory, filters)
        return path or None

    def choose_save_file(
        self, parent: QWidget | None, title: str, suggested: str, filters: str
    ) -> str | None:
        """Where to write a file, or None when cancelled."""
        path, _ = QFileDialog.getSaveFileName(parent, title, suggested, filters)
        return path or None

    def choose_diary_import(
        self, parent: QWidget | None, preview: DiaryImport
    ) -> list[DiaryEntry] | None:
        """Show a diary import preview; the entries to import, or None."""
        return DiaryImportDialog.ask(preview, parent)

    def show_caseload(
        self, parent: QWidget | None, tables: Sequence[GroupTable], thresholds_note: str,
    ) -> None:
        """Show responder rates across the caseload."""
        CaseloadDialog.show_for(tables, thresholds_note, parent)

    def ask_custom_measure(
        self, parent: QWidget | None, initial: CustomMeasureInput | None, problem: str
    ) -> CustomMeasureInput | None:
        """The practice's own measure as typed, or None when cancelled."""
        return CustomMeasureDialog.ask(initial, problem, parent)

    def ask_red_flag_review(
        self, parent: QWidget | None, flags: list[Flag]
    ) -> RedFlagReview | None:
        """What was done about one of `flags`, or None when cancelled."""
        return RedFlagReviewDialog.ask(flags, parent)

    def show_details(self, parent: QWidget | None, title: str, text: str,
                     details: str) -> None:
        """Tell the user something, with long `details` (a crash report) one click away."""
        box = QMessageBox(QMessageBox.Icon.Information, title, text,
                          QMessageBox.StandardButton.Ok, parent)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setDetailedText(details)
        box.exec()

    def ask_preferences(self, parent: QWidget | None, initial: Preferences,
                        ) -> Preferences | None:
        """Tools › Preferences…: the preferences saved, or None when cancelled."""
        from practitioner.ui.dialogs.preferences_dialog import PreferencesDialog

        return PreferencesDialog.ask(parent, initial)

    def ask_practitioner_name(self, parent: QWidget | None) -> str | None:
        """The first start's question: the practitioner's name, or None for "later"."""
        from practitioner.ui.dialogs.preferences_dialog import NameDialog

        return NameDialog.ask(parent)

    def show_about(self, parent: QWidget | None, info: AboutInfo) -> None:
        """Help › About."""
        from practitioner.ui.dialogs.about_dialog import AboutDialog

        AboutDialog.ask(parent, info)

    def show_shortcuts(self, parent: QWidget | None, rows: list[tuple[str, str, str]],
                       ) -> None:
        """Help › Keyboard shortcuts: (menu, command, keys) rows."""
        from practitioner.ui.dialogs.about_dialog import ShortcutsDialog

        ShortcutsDialog.ask(parent, rows)

    def choose_folder(self, parent: QWidget | None, title: str) -> str | None:
        """A folder to write into, or None when cancelled."""
        return QFileDialog.getExistingDirectory(parent, title) or None

    def show_audit_trail(self, parent: QWidget | None, title: str,
                         entries: list[AuditEntry]) -> None:
        """Show audit entries, read-only."""
        AuditTrailDialog.show_for(title, entries, parent)

    def show_report(self, parent: QWidget | None, data: ReportData,
                    keep: LetterKeeper | None = None,
                    on_produced: Callable[[str], None] | None = None) -> None:
        """Preview a report or letter, with printing and saving as PDF; a referral letter
        that is saved or printed is kept in the record through `keep`, and `on_produced`
        is told "pdf" or "print" each time the report leaves the app."""
        from practitioner.ui.dialogs.report_dialog import ReportDialog

        dialog = ReportDialog(data, parent, keep)
        if on_produced is not None:
            dialog.produced.connect(on_produced)

        def save() -> None:
            suggested = f"{data.kind.title} - {data.patient_name}.pdf"
            path = self.choose_save_file(dialog, dialog.tr("Save as PDF"), suggested,
                                         "PDF documents (*.pdf)")
            if path:
                dialog.save_pdf_in_background(Path(path))

        dialog.save_button.clicked.connect(save)
        dialog.exec()

    def show_letters(self, parent: QWidget | None, patient_name: str,
                     letters: list[KeptLetter]) -> None:
        """The letters kept in a patient's record, with saving a copy as PDF."""
        dialog = LettersDialog(patient_name, letters, parent)

        def save() -> None:
            letter = dialog.selected()
            if letter is None:
                return
            suggested = f"Referral letter - {patient_name} - {letter.written_at:%Y-%m-%d}.pdf"
            path = self.choose_save_file(dialog, dialog.tr("Save a copy as PDF"), suggested,
                                         "PDF documents (*.pdf)")
            if path:
                dialog.save_copy(Path(path))

        dialog.save_button.clicked.connect(save)
        dialog.exec()

    def ask_passphrase(self, parent: QWidget | None, file_name: str, problem: str) -> (
        str | None
    ):
        """The passphrase of an encrypted records file (with `problem` from the last try
        shown), or None when cancelled."""
        return EnterPassphraseDialog.ask(file_name, problem, parent)

    def ask_new_passphrase(self, parent: QWidget | None) -> NewPassphrase | None:
        """First run: a passphrase to encrypt the new records with, or explicitly none;
        None when cancelled."""
        return NewPassphraseDialog.ask(parent)

    def ask_passphrase_change(self, parent: QWidget | None, problem: str) -> (
        PassphraseChange | None
    ):
        """The current and new passphrase, or None when cancelled."""
        return ChangePassphraseDialog.ask(problem, parent)

    def ask_new_pin(self, parent: QWidget | None, intro: str) -> str | None:
        """A new lock-screen PIN, or None when cancelled."""
        return NewPinDialog.ask(intro, parent)

    # -- clinic mode and accounts -------------------------------------------------------

    def ask_login(self, parent: QWidget | None, sign_in: SignIn, where: str = "",
                  name: str = "") -> Account | None:
        """Sign in through `sign_in` (failures shown in the dialog); None when cancelled."""
        from practitioner.ui.dialogs.login_dialog import LoginDialog

        return LoginDialog.ask(sign_in, where, name, parent)

    def ask_new_account(self, parent: QWidget | None, create: CreateAccount,
                        first: bool = False, where: str = "") -> Account | None:
        """Create an account through `create` (the first, administrator's, of the clinic
        records on `where` when `first`); None when cancelled."""
        from practitioner.ui.dialogs.login_dialog import NewAccountDialog

        return NewAccountDialog.ask(create, first, parent, where)

    def ask_password(self, parent: QWidget | None, name: str,
                     set_password: SetPassword) -> bool:
        """Set `name`'s password through `set_password`; whether it was set."""
        from practitioner.ui.dialogs.login_dialog import SetPasswordDialog

        return SetPasswordDialog.ask(name, set_password, parent)

    def ask_server_address(self, parent: QWidget | None, initial: ServerAddress | None,
                           keyring_available: bool) -> ConnectChoice | None:
        """Where the clinic server is and its password, or None when cancelled."""
        from practitioner.ui.dialogs.connect_dialog import ConnectDialog

        return ConnectDialog.ask(initial, keyring_available, parent)

    def ask_server_password(self, parent: QWidget | None, where: str,
                            problem: str = "") -> str | None:
        """The clinic server's password (with `problem` from the last try), or None."""
        from practitioner.ui.dialogs.connect_dialog import ServerPasswordDialog

        return ServerPasswordDialog.ask(where, problem, parent)

    def show_accounts(self, parent: QWidget | None, accounts: AccountService,
                      me: Identity) -> None:
        """The account list, for administrators to manage."""
        from practitioner.ui.dialogs.accounts_dialog import AccountsDialog

        AccountsDialog.show_for(accounts, self, me, parent)
