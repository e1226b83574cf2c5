"""Gathers a patient's record, visits, progress and flags into a printable report's content.

The content is plain data (`practitioner.domain.report_content.ReportData`); turning it
into a PDF is the Qt side's job (`practitioner.ui.pdf`), so this module stays headless.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable

from practitioner.content.take_home import load_take_home
from practitioner.domain.outcome_text import (
    JUDGING_ENTRY,
    direction,
    format_change,
    format_percent,
    format_value,
    outcome_caveat,
    unit_beyond_name,
)
from practitioner.domain.outcomes import (
    CRAMPS_PER_WEEK,
    PGIC,
    SLEEP_DISTURBANCE,
    WORST_SEVERITY,
    MeasureDefinition,
    MeasureProgress,
    Progress,
    Thresholds,
)
from practitioner.domain.patient import LabelledEnum, Patient
from practitioner.domain.reference_flags import Flag, RedFlagReview
from practitioner.domain.report_content import (
    ChangeLine,
    FlagLine,
    ReportData,
    ReportKind,
    VisitLine,
    default_letter_body,
)
from practitioner.domain.session import Session
from practitioner.domain.take_home import TakeHomeContent, TakeHomeSheet, take_home_text
from practitioner.errors import ErrorKind, KnownError
from practitioner.services.outcomes import OutcomeService
from practitioner.services.patients import PatientService
from practitioner.services.reference import ReferenceService
from practitioner.services.sessions import SessionService

# The measures the visit table shows, one column each.
KEY_MEASURES: tuple[MeasureDefinition, ...] = (CRAMPS_PER_WEEK, WORST_SEVERITY,
                                               SLEEP_DISTURBANCE, PGIC)
KEY_MEASURE_HEADINGS = ("Cramps/week", "Worst severity", "Sleep (0–10)", "PGIC")
_REVIEW_WORDS = {"referred": "Referred", "discussed": "Discussed with the patient",
                 "not_applicable": "Judged not applicable"}


def _labels(members: Iterable[LabelledEnum]) -> str:
    return ", ".join(sorted(m.label for m in members))


def profile_lines(patient: Patient) -> tuple[tuple[str, str], ...]:
    """The cramp profile and background as (label, text), skipping what is not recorded."""
    data = patient.data
    profile = data.profile
    lines = [
        ("Where", "; ".join(site.label for site in profile.sites)),
        ("When", _labels(profile.timings)),
        ("Since", profile.onset_date.isoformat() if profile.onset_date else ""),
        ("Cramps per week at intake",
         format_value(profile.frequency_per_week)
         if profile.frequency_per_week is not None else ""),
        ("Typical duration",
         f"{format_value(profile.duration_minutes)} min" if profile.duration_minutes is not None
         else ""),
        ("Worst severity (0–10)",
         str(profile.worst_severity) if profile.worst_severity is not None else ""),
        ("Triggers", _labels(profile.triggers)),
        ("What relieves them", _labels(profile.reliefs)),
        ("Conditions", ", ".join(p for p in (_labels(data.conditions),
                                             data.conditions_notes) if p)),
    ]
    return tuple((label, text) for label, text in lines if text)


def _change_lines(progress: Progress) -> tuple[ChangeLine, ...]:
    """Each measure's line; a measure taken from the diary is followed by the session
    answers' line for it."""
    beside = {row.definition.code: row for row in progress.beside}
    lines: list[ChangeLine] = []
    for row in progress.measures:
        lines.append(_change_line(row))
        if (other := beside.get(row.definition.code)) is not None:
            lines.append(_change_line(other, " — session answers"))
    return tuple(lines)


def _change_line(row: MeasureProgress, suffix: str = "") -> ChangeLine:
    definition = row.definition
    if definition.latest_only or row.count < 2:
        change, trend = "", ""
    else:
        percent = row.change_percent
        change = format_change(row.change, definition)
        if percent is not None:
            change += f" ({format_percent(percent)})"
        trend = direction(row)
    return ChangeLine(
        measure=definition.name + suffix, unit=unit_beyond_name(definition),
        baseline=format_value(row.baseline, definition), baseline_day=row.baseline_date,
        latest=format_value(row.latest, definition), latest_day=row.latest_date,
        change=change, trend=trend, source=row.source,
    )


def _visit_line(session: Session) -> VisitLine:
    data = session.data
    pattern = ", ".join(p for p in (_labels(data.patterns), data.pattern_other) if p)
    points = ", ".join(p.code for p in data.points)
    measures = tuple(
        "" if (value := data.measures.get(d.code)) is None else format_value(value, d)
        for d in KEY_MEASURES
    )
    return VisitLine(data.started_at.date(), pattern, points, measures)


class ReportService:
    """Builds report content from the other services; reads only, never writes."""

    def __init__(
        self,
        patients: PatientService,
        sessions: SessionService,
        outcomes: OutcomeService,
        reference: ReferenceService | None = None,
        today: Callable[[], dt.date] = dt.date.today,
    ) -> None:
        self._patients = patients
        self._sessions = sessions
        self._outcomes = outcomes
        self._reference = reference
        self._today = today

    def build(
        self,
        patient_id: int,
        kind: ReportKind = ReportKind.PROGRESS,
        *,
        practice: str = "",
        practitioner: str = "",
        letterhead: tuple[str, ...] = (),
        recipient: str = "",
        letter_body: str = "",
    ) -> ReportData:
        """The report's content. Raises KnownError(NOT_FOUND) for an unknown patient.

        A referral letter needs a `reference` service (seeded library) for its flags;
        `letter_body` replaces the default opening text (`default_letter_body`).
        """
        patient = self._patients.get(patient_id)
        sessions = sorted(self._sessions.for_patients([patient_id]).get(patient_id, []),
                          key=lambda s: (s.data.started_at, s.id))
        progress = self._outcomes.progress(patient_id)
        chart_title, chart = self._chart(patient_id, sessions)
        flags: tuple[FlagLine, ...] = ()
        if kind is ReportKind.REFERRAL:
            flags = self._flags(patient_id)
        data = ReportData(
            kind=kind,
            generated_on=self._today(),
            patient_id=patient.id,
            patient_name=patient.data.name,
            practice=practice,
            practitioner=practitioner,
            letterhead=letterhead,
            date_of_birth=patient.data.date_of_birth,
            sex=patient.data.sex.label,
            profile=profile_lines(patient),
            measure_names=KEY_MEASURE_HEADINGS,
            visits=tuple(_visit_line(s) for s in sessions),
            changes=_change_lines(progress),
            outcome_flags=self._outcome_flags(progress),
            outcome_notes=progress.notes,
            outcome_disagreements=progress.disagreements,
            threshold_sources=self._threshold_sources(progress),
            flags=flags,
            medications=tuple(
                " ".join(p for p in (m.name, m.dose) if p)
                + (f" (since {m.since.isoformat()})" if m.since else "")
                for m in patient.data.medications
            ),
            chart=chart,
            chart_title=chart_title,
            recipient=recipient,
        )
        caveat = outcome_caveat(progress.measures)
        if caveat is not None:
            data = dataclasses.replace(
                data, outcome_months=caveat.months, outcome_season_note=caveat.season_note,
                outcome_caveat=caveat.general, outcome_caveat_entry=self._entry_title())
        if kind is ReportKind.REFERRAL:
            body = letter_body.strip() or default_letter_body(data)
            data = dataclasses.replace(data, letter_body=body)
        return data

    def build_take_home(
        self,
        patient_id: int,
        session_id: int | None = None,
        *,
        practice: str = "",
        practitioner: str = "",
        letterhead: tuple[str, ...] = (),
        content: TakeHomeContent | None = None,
    ) -> ReportData:
        """The patient's take-home sheet for visit `session_id` (default: the latest), with
        the wording from `content` (default: the shipped take_home.toml). Raises
        KnownError(NOT_FOUND) for an unknown patient, a session of another patient, or a
        patient with no visits."""
        patient = self._patients.get(patient_id)
        if session_id is None:
            session = self._sessions.latest(patient_id)
            if session is None:
                raise KnownError(ErrorKind.NOT_FOUND, f"{patient.data.name} has no visits "
                                 "yet; save a session with its advice first.")
        else:
            session = self._sessions.get(session_id)
            if session.patient_id != patient_id:
                raise KnownError(ErrorKind.NOT_FOUND, f"Session {session_id} is not one of "
                                 f"patient {patient_id}'s visits.")
        wording = content or load_take_home()
        visit = session.data
        sheet = TakeHomeSheet(
            patient_name=patient.data.name, visit_day=visit.started_at.date(),
            self_care=wording.chosen(visit.advice), advice_notes=visit.advice_notes,
            red_flags=wording.red_flags, urgency_headings=wording.urgency_headings,
            next_visit=visit.next_visit, practice=practice, practitioner=practitioner,
            letterhead=letterhead)
        return ReportData(kind=ReportKind.TAKE_HOME, generated_on=self._today(),
                          patient_id=patient.id, patient_name=patient.data.name,
                          practice=practice, practitioner=practitioner,
                          letterhead=letterhead,
                          recipient=f"{patient.data.name} (take-home sheet)",
                          letter_body=take_home_text(sheet), take_home=sheet)

    def _entry_title(self) -> str:
        """The title of the library's entry on judging a treatment's effect, "" if none."""
        if self._reference is None:
            return ""
        try:
            return self._reference.get(JUDGING_ENTRY).title
        except KnownError:
            return ""

    @staticmethod
    def _outcome_flags(progress: Progress) -> tuple[str, ...]:
        return progress.flag_lines()

    @staticmethod
    def _threshold_sources(progress: Progress) -> tuple[str, ...]:
        return Thresholds().sources if progress.measures else ()

    def _chart(
        self, patient_id: int, sessions: list[Session]
    ) -> tuple[str, tuple[tuple[dt.date, float], ...]]:
        weeks = self._outcomes.weekly_diary(patient_id)
        if len(weeks) >= 2:
            return ("Cramps per week (diary)",
                    tuple((w.start, round(w.cramps_per_week, 2)) for w in weeks))
        points = tuple(
            (s.data.started_at.date(), value) for s in sessions
            if (value := s.data.measures.get(CRAMPS_PER_WEEK.code)) is not None
        )
        return ("Cramps per week (at visits)", points)

    def _flags(self, patient_id: int) -> tuple[FlagLine, ...]:
        if self._reference is None:
            return ()
        found = self._reference.flags_for_patient(patient_id)
        reviews = {r.key: r for r in self._reference.reviews(patient_id)}
        return tuple(self._flag_line(flag, reviews.get(flag.key)) for flag in found)

    def _flag_line(self, flag: Flag, review: RedFlagReview | None) -> FlagLine:
        sources: tuple[str, ...] = ()
        assert self._reference is not None
        try:
            entry = self._reference.get(flag.entry)
        except KnownError:
            entry = None
        if entry is not None:
            sources = tuple(s.citation for s in entry.sources)
        review_text = ""
        if review is not None:
            review_text = (f"{_REVIEW_WORDS.get(review.action, review.action)} on "
                           f"{review.recorded_at.date().isoformat()}")
            if review.recorded_by:
                review_text += f" by {review.recorded_by}"
            if review.note:
                review_text += f": {review.note}"
        return FlagLine(flag.level, flag.title or flag.entry, flag.reason, sources,
                        review_text)
