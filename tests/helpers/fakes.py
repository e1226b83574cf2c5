"""Test doubles for the UI: a Messages that records what was said and answers from a script."""

from __future__ import annotations

from dataclasses import dataclass, field

from practitioner.domain.diary_csv import DiaryImport
from practitioner.domain.outcomes import DiaryEntry
from practitioner.domain.reference_flags import Flag
from practitioner.domain.report_content import ReportData
from practitioner.domain.session import DraftSummary, Session
from practitioner.domain.what_worked import GroupRate
from practitioner.ui.dialogs.custom_measure import CustomMeasureInput
from practitioner.ui.dialogs.red_flag_review import RedFlagReview
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
    caseloads: list[tuple[list[GroupRate], list[GroupRate]]] = field(default_factory=list)

    def error(self, parent: object, title: str, text: str) -> None:  # type: ignore[override]
        self.errors.append((title, text))

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
        self, parent: object, by_pattern: list[GroupRate], by_protocol: list[GroupRate],
        thresholds_note: str,
    ) -> None:
        self.caseloads.append((by_pattern, by_protocol))

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

    def show_report(self, parent: object, data: ReportData) -> None:  # type: ignore[override]
        self.reports.append(data)
