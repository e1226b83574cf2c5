"""Test doubles for the UI: a Messages that records what was said and answers from a script."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from practitioner.domain.accounts import Account, Identity, Role
from practitioner.domain.audit import AuditEntry
from practitioner.domain.conflicts import EditConflict
from practitioner.domain.diary_csv import DiaryImport
from practitioner.domain.letters import KeptLetter
from practitioner.domain.outcomes import DiaryEntry
from practitioner.domain.preferences import Preferences
from practitioner.domain.reference_flags import Flag
from practitioner.domain.report_content import ReportData
from practitioner.domain.server_address import ServerAddress
from practitioner.domain.session import DraftSummary, Session
from practitioner.domain.validation import ValidationError
from practitioner.domain.what_worked import GroupTable
from practitioner.errors import KnownError
from practitioner.ui.dialogs.about_dialog import AboutInfo
from practitioner.ui.dialogs.conflict_dialog import ConflictResolution
from practitioner.ui.dialogs.connect_dialog import ConnectChoice
from practitioner.ui.dialogs.custom_measure import CustomMeasureInput
from practitioner.ui.dialogs.login_dialog import CreateAccount, SetPassword, SignIn
from practitioner.ui.dialogs.passphrase import NewPassphrase, PassphraseChange
from practitioner.ui.dialogs.red_flag_review import RedFlagReview
from practitioner.ui.dialogs.report_dialog import LetterKeeper
from practitioner.ui.messages import Answer, Messages


@dataclass
class FakeMessages(Messages):
    """Records every prompt; answers `unsaved_answers` in turn, then `default_unsaved`."""

    errors: list[tuple[str, str]] = field(default_factory=list)
    unsaved_prompts: list[str] = field(default_factory=list)
    confirmations: list[str] = field(default_factory=list)
    unsaved_answers: list[Answer] = field(default_factory=list)
    default_unsaved: Answer = Answer.CANCEL
    confirm_answer: bool = True
    drafts_offered: list[list[DraftSummary]] = field(default_factory=list)
    draft_choice: int | None = None
    histories: list[Session] = field(default_factory=list)
    text_answers: list[str | None] = field(default_factory=list)
    text_prompts: list[str] = field(default_factory=list)
    infos: list[tuple[str, str]] = field(default_factory=list)
    open_file: str | None = None
    open_dirs: list[str] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    save_file: str | None = None
    diary_previews: list[DiaryImport] = field(default_factory=list)
    skip_bad_diary_rows: bool = False
    custom_measures: list[CustomMeasureInput | None] = field(default_factory=list)
    custom_measure_problems: list[str] = field(default_factory=list)
    red_flag_reviews: list[RedFlagReview] = field(default_factory=list)
    red_flags_offered: list[list[Flag]] = field(default_factory=list)
    reports: list[ReportData] = field(default_factory=list)
    choices: list[tuple[str, list[str]]] = field(default_factory=list)
    choice_answer: int | None = 0
    letter_keepers: list[LetterKeeper | None] = field(default_factory=list)
    letters_shown: list[list[KeptLetter]] = field(default_factory=list)
    caseloads: list[tuple[GroupTable, ...]] = field(default_factory=list)
    folder: str | None = None
    audit_trails: list[tuple[str, list[AuditEntry]]] = field(default_factory=list)
    report_outputs: list[Callable[[str], None] | None] = field(default_factory=list)
    passphrases: list[str | None] = field(default_factory=list)
    passphrase_problems: list[str] = field(default_factory=list)
    # First run: "No passphrase" unless a test scripts another answer (None: cancel).
    new_passphrase: NewPassphrase | None = field(default_factory=lambda: NewPassphrase(None))
    new_passphrase_asked: int = 0
    passphrase_changes: list[PassphraseChange | None] = field(default_factory=list)
    passphrase_change_problems: list[str] = field(default_factory=list)
    new_pins: list[str | None] = field(default_factory=list)
    pin_intros: list[str] = field(default_factory=list)
    conflicts: list[EditConflict[Any]] = field(default_factory=list)
    # Scripted answers to the side-by-side conflict dialog, in turn (then Cancel).
    conflict_answers: list[ConflictResolution | None] = field(default_factory=list)
    # Accounts and clinic mode: each scripted answer is tried through the given function,
    # as the real dialog would on OK; its problems are recorded and the next answer tried.
    logins: list[tuple[str, str]] = field(default_factory=list)
    login_problems: list[str] = field(default_factory=list)
    new_accounts: list[tuple[str, str, str, Role]] = field(default_factory=list)
    account_problems: list[str] = field(default_factory=list)
    first_account_asked: int = 0
    passwords: list[tuple[str, str]] = field(default_factory=list)
    password_problems: list[str] = field(default_factory=list)
    server_choices: list[ConnectChoice | None] = field(default_factory=list)
    server_initial: list[ServerAddress | None] = field(default_factory=list)
    server_passwords: list[str | None] = field(default_factory=list)
    server_password_problems: list[str] = field(default_factory=list)
    accounts_shown: list[Identity] = field(default_factory=list)
    # Preferences and Help: the scripted answers, and what was shown.
    preferences_answer: Preferences | None = None
    preferences_offered: list[Preferences] = field(default_factory=list)
    name_answer: str | None = None
    names_asked: int = 0
    details: list[tuple[str, str, str]] = field(default_factory=list)
    abouts: list[AboutInfo] = field(default_factory=list)
    shortcut_tables: list[list[tuple[str, str, str]]] = field(default_factory=list)

    def show_details(self, parent: object, title: str, text: str,  # type: ignore[override]
                     details: str) -> None:
        self.details.append((title, text, details))

    def ask_preferences(self, parent: object,  # type: ignore[override]
                        initial: Preferences) -> Preferences | None:
        self.preferences_offered.append(initial)
        return self.preferences_answer

    def ask_practitioner_name(self, parent: object) -> str | None:  # type: ignore[override]
        self.names_asked += 1
        return self.name_answer

    def show_about(self, parent: object, info: AboutInfo) -> None:  # type: ignore[override]
        self.abouts.append(info)

    def show_shortcuts(self, parent: object,  # type: ignore[override]
                       rows: list[tuple[str, str, str]]) -> None:
        self.shortcut_tables.append(rows)

    def error(self, parent: object, title: str, text: str) -> None:  # type: ignore[override]
        self.errors.append((title, text))

    def resolve_conflict(  # type: ignore[override]
        self, parent: object, conflict: EditConflict[Any], what: str
    ) -> ConflictResolution | None:
        self.conflicts.append(conflict)
        return self.conflict_answers.pop(0) if self.conflict_answers else None

    def ask_unsaved(self, parent: object, what: str) -> Answer:  # type: ignore[override]
        self.unsaved_prompts.append(what)
        return self.unsaved_answers.pop(0) if self.unsaved_answers else self.default_unsaved

    def confirm(self, parent: object, title: str, text: str, action: str) -> bool:  # type: ignore[override]
        self.confirmations.append(text)
        return self.confirm_answer

    def choose_draft(  # type: ignore[override]
        self, parent: object, drafts: list[DraftSummary]
    ) -> DraftSummary | None:
        self.drafts_offered.append(list(drafts))
        return None if self.draft_choice is None else drafts[self.draft_choice]

    def show_session_history(self, parent: object, session: Session) -> None:  # type: ignore[override]
        self.histories.append(session)

    def ask_text(self, parent: object, title: str, label: str) -> str | None:  # type: ignore[override]
        self.text_prompts.append(label)
        return self.text_answers.pop(0) if self.text_answers else None

    def info(self, parent: object, title: str, text: str) -> None:  # type: ignore[override]
        self.infos.append((title, text))

    def choose_open_file(  # type: ignore[override]
        self, parent: object, title: str, filters: str, directory: str = ""
    ) -> str | None:
        self.open_dirs.append(directory)
        return self.open_file

    def warn(self, parent: object, title: str, text: str) -> None:  # type: ignore[override]
        self.warnings.append((title, text))

    def choose_save_file(  # type: ignore[override]
        self, parent: object, title: str, suggested: str, filters: str
    ) -> str | None:
        return self.save_file

    def choose_diary_import(  # type: ignore[override]
        self, parent: object, preview: DiaryImport
    ) -> list[DiaryEntry] | None:
        """Answers as the real preview does: everything when clean, the good rows only
        when the practitioner chose to skip the bad ones, else nothing."""
        self.diary_previews.append(preview)
        if preview.clean or self.skip_bad_diary_rows:
            return list(preview.entries)
        return None

    def show_caseload(  # type: ignore[override]
        self, parent: object, tables: Sequence[GroupTable], thresholds_note: str,
    ) -> None:
        self.caseloads.append(tuple(tables))

    def ask_custom_measure(  # type: ignore[override]
        self, parent: object, initial: CustomMeasureInput | None, problem: str
    ) -> CustomMeasureInput | None:
        self.custom_measure_problems.append(problem)
        return self.custom_measures.pop(0) if self.custom_measures else None

    def ask_red_flag_review(  # type: ignore[override]
        self, parent: object, flags: list[Flag]
    ) -> RedFlagReview | None:
        self.red_flags_offered.append(list(flags))
        return self.red_flag_reviews.pop(0) if self.red_flag_reviews else None

    def choose(  # type: ignore[override]
        self, parent: object, title: str, text: str, options: list[str]
    ) -> int | None:
        self.choices.append((text, list(options)))
        return self.choice_answer


    def show_letters(  # type: ignore[override]
        self, parent: object, patient_name: str, letters: list[KeptLetter]
    ) -> None:
        self.letters_shown.append(list(letters))

    def show_report(  # type: ignore[override]
        self, parent: object, data: ReportData, keep: LetterKeeper | None = None,
        on_produced: Callable[[str], None] | None = None,
    ) -> None:
        """Records the report; a test makes it "leave the app" via `report_outputs`."""
        self.reports.append(data)
        self.letter_keepers.append(keep)
        self.report_outputs.append(on_produced)

    def choose_folder(self, parent: object, title: str) -> str | None:  # type: ignore[override]
        return self.folder

    def show_audit_trail(  # type: ignore[override]
        self, parent: object, title: str, entries: list[AuditEntry]
    ) -> None:
        self.audit_trails.append((title, list(entries)))

    def ask_passphrase(  # type: ignore[override]
        self, parent: object, file_name: str, problem: str
    ) -> str | None:
        self.passphrase_problems.append(problem)
        return self.passphrases.pop(0) if self.passphrases else None

    def ask_new_passphrase(self, parent: object) -> NewPassphrase | None:  # type: ignore[override]
        self.new_passphrase_asked += 1
        return self.new_passphrase

    def ask_passphrase_change(  # type: ignore[override]
        self, parent: object, problem: str
    ) -> PassphraseChange | None:
        self.passphrase_change_problems.append(problem)
        return self.passphrase_changes.pop(0) if self.passphrase_changes else None

    def ask_new_pin(self, parent: object, intro: str) -> str | None:  # type: ignore[override]
        self.pin_intros.append(intro)
        return self.new_pins.pop(0) if self.new_pins else None

    def ask_login(  # type: ignore[override]
        self, parent: object, sign_in: SignIn, where: str = "", name: str = ""
    ) -> Account | None:
        while self.logins:
            typed_name, password = self.logins.pop(0)
            try:
                return sign_in(typed_name, password)
            except KnownError as exc:
                self.login_problems.append(exc.message)
        return None

    def ask_new_account(  # type: ignore[override]
        self, parent: object, create: CreateAccount, first: bool = False, where: str = ""
    ) -> Account | None:
        self.first_account_asked += first
        while self.new_accounts:
            try:
                return create(*self.new_accounts.pop(0))
            except ValidationError as exc:
                self.account_problems.append(exc.errors[0].message)
            except KnownError as exc:
                self.account_problems.append(exc.message)
        return None

    def ask_password(  # type: ignore[override]
        self, parent: object, name: str, set_password: SetPassword
    ) -> bool:
        while self.passwords:
            try:
                set_password(*self.passwords.pop(0))
                return True
            except ValidationError as exc:
                self.password_problems.append(exc.errors[0].message)
            except KnownError as exc:
                self.password_problems.append(exc.message)
        return False

    def ask_server_address(  # type: ignore[override]
        self, parent: object, initial: ServerAddress | None, keyring_available: bool
    ) -> ConnectChoice | None:
        self.server_initial.append(initial)
        return self.server_choices.pop(0) if self.server_choices else None

    def ask_server_password(  # type: ignore[override]
        self, parent: object, where: str, problem: str = ""
    ) -> str | None:
        self.server_password_problems.append(problem)
        return self.server_passwords.pop(0) if self.server_passwords else None

    def show_accounts(  # type: ignore[override]
        self, parent: object, accounts: object, me: Identity
    ) -> None:
        self.accounts_shown.append(me)
