"""What a printed progress report or referral letter says, as plain values and one HTML page.

The HTML is the subset Qt's rich-text engine renders (tables, headings, paragraphs, an
image by resource name), so the same string can be shown in a preview, printed, or written
as PDF. Every piece of recorded text is HTML-escaped here: a patient called `<b>x</b>` is
printed as those characters, never as bold text.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape

from practitioner.domain.take_home import TakeHomeSheet, take_home_html

CHART_RESOURCE = "report-chart.png"


class ReportKind(enum.Enum):
    PROGRESS = "progress"
    REFERRAL = "referral"
    TAKE_HOME = "take-home"

    @property
    def title(self) -> str:
        return {ReportKind.PROGRESS: "Progress report", ReportKind.REFERRAL: "Referral letter",
                ReportKind.TAKE_HOME: "Take-home sheet"}[self]

    @property
    def kept_as(self) -> str:
        """What a copy kept in the patient's record (once saved or printed) is called in
        the audit trail; "" for a report that is not kept."""
        return {ReportKind.REFERRAL: "referral_letter",
                ReportKind.TAKE_HOME: "take_home_sheet"}.get(self, "")


@dataclass(frozen=True)
class VisitLine:
    """One row of the visit summary table; `measures` lines up with the report's
    `measure_names`, "" where a measure was not recorded."""

    day: dt.date
    pattern: str
    points: str
    measures: tuple[str, ...]


@dataclass(frozen=True)
class ChangeLine:
    """Baseline against latest for one measure."""

    measure: str
    unit: str
    baseline: str
    baseline_day: dt.date
    latest: str
    latest_day: dt.date
    change: str
    trend: str
    source: str = ""  # where both figures come from, periods included


@dataclass(frozen=True)
class FlagLine:
    """A flag the reference pane raises, with why and where it comes from."""

    level: str
    title: str
    reason: str
    sources: tuple[str, ...] = ()
    review: str = ""

    @property
    def is_red(self) -> bool:
        return self.level == "refer"


@dataclass(frozen=True)
class ReportData:
    """Everything a report or letter shows, gathered by `ReportService`."""

    kind: ReportKind
    generated_on: dt.date
    patient_id: int
    patient_name: str
    practice: str = ""
    practitioner: str = ""
    letterhead: tuple[str, ...] = ()  # address and contact lines under the practice's name
    date_of_birth: dt.date | None = None
    sex: str = ""
    profile: tuple[tuple[str, str], ...] = ()
    measure_names: tuple[str, ...] = ()
    visits: tuple[VisitLine, ...] = ()
    changes: tuple[ChangeLine, ...] = ()
    outcome_flags: tuple[str, ...] = ()
    outcome_disagreements: tuple[str, ...] = ()
    outcome_notes: tuple[str, ...] = ()
    # "baseline: June 2026 · latest: September 2026", the season's part (stronger when the
    # months differ by season), the general caveat, and the library entry to read.
    outcome_months: str = ""
    outcome_season_note: str = ""
    outcome_caveat: str = ""
    outcome_caveat_entry: str = ""
    threshold_sources: tuple[str, ...] = ()
    flags: tuple[FlagLine, ...] = ()
    medications: tuple[str, ...] = ()
    chart: tuple[tuple[dt.date, float], ...] = ()
    chart_title: str = ""
    recipient: str = ""
    letter_body: str = ""
    take_home: TakeHomeSheet | None = None  # the sheet, for ReportKind.TAKE_HOME


def default_letter_body(data: ReportData) -> str:
    """The referral letter's editable opening, in plain text (paragraphs at blank lines)."""
    red = [f for f in data.flags if f.is_red]
    why = (
        "I am writing because of findings that I believe need your medical review, listed "
        "below with their reasons."
        if red else
        "I am writing to share my findings, and associations with the patient's "
        "medications that may be worth reviewing, listed below with their reasons."
    )
    return (
        f"Dear {data.recipient or 'Doctor'},\n\n"
        f"Re: {data.patient_name}"
        + (f", born {data.date_of_birth.isoformat()}" if data.date_of_birth else "")
        + ".\n\n"
        "This patient has been attending for treatment of muscle cramps. "
        + why
        + " I would be grateful for your assessment."
    )


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _paragraphs(text: str) -> str:
    parts = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return "".join(f"<p>{_e(p).replace(chr(10), '<br/>')}</p>" for p in parts)


def _table(headers: Iterable[str], rows: Iterable[Iterable[str]]) -> str:
    head = "".join(f"<th align='left'>{_e(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(
            f"<td{' nowrap' if index == 0 else ''}>{_e(cell)}</td>"
            for index, cell in enumerate(row)
        ) + "</tr>" for row in rows
    )
    return (
        "<table border='1' cellspacing='0' cellpadding='2' width='100%' "
        "style='font-size: 8pt'>"
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def _list(items: Iterable[str]) -> str:
    found = "".join(f"<li>{_e(i)}</li>" for i in items)
    return f"<ul>{found}</ul>" if found else "<p>None recorded.</p>"


def _header(data: ReportData) -> str:
    practice = data.practice or "Cramp Practitioner"
    lines = [f"<h1>{_e(practice)}</h1>"]
    if data.letterhead:
        lines.append("<p>" + "<br/>".join(_e(line) for line in data.letterhead) + "</p>")
    if data.practitioner:
        lines.append(f"<p>{_e(data.practitioner)}</p>")
    lines.append(f"<h2>{_e(data.kind.title)}</h2>")
    lines.append(f"<p>Date: {_e(data.generated_on.isoformat())}</p>")
    return "".join(lines)


def _patient(data: ReportData) -> str:
    rows = [("Patient", data.patient_name), ("Patient number", str(data.patient_id))]
    if data.date_of_birth:
        rows.append(("Date of birth", data.date_of_birth.isoformat()))
    if data.sex:
        rows.append(("Sex", data.sex))
    cells = "".join(
        f"<tr><td><b>{_e(label)}</b></td><td>{_e(value)}</td></tr>" for label, value in rows
    )
    return f"<h3>Patient</h3><table cellpadding='2'>{cells}</table>"


def _profile(data: ReportData) -> str:
    if not data.profile:
        return "<h3>Cramp profile</h3><p>Not recorded.</p>"
    cells = "".join(
        f"<tr><td><b>{_e(label)}</b></td><td>{_e(value)}</td></tr>"
        for label, value in data.profile
    )
    return f"<h3>Cramp profile</h3><table cellpadding='2'>{cells}</table>"


def _visits(data: ReportData) -> str:
    if not data.visits:
        return "<h3>Visits</h3><p>No visits recorded.</p>"
    rows = [(v.day.isoformat(), v.pattern, v.points, *v.measures) for v in data.visits]
    return "<h3>Visits</h3>" + _table(("Date", "Pattern", "Points", *data.measure_names), rows)


def _changes(data: ReportData) -> str:
    parts = ["<h3>Baseline to latest</h3>"]
    if data.changes:
        rows = [
            (c.measure + (f" ({c.unit})" if c.unit else ""),
             f"{c.baseline} ({c.baseline_day.isoformat()})",
             f"{c.latest} ({c.latest_day.isoformat()})", c.change, c.trend, c.source)
            for c in data.changes
        ]
        parts.append(_table(("Measure", "Baseline", "Latest", "Change", "Direction", "Source"),
                            rows))
    else:
        parts.append("<p>No measures recorded yet.</p>")
    if data.outcome_disagreements:
        parts.append("<p><b>The diary and the session answers disagree; the figures and "
                     "flags use the diary.</b></p>" + _list(data.outcome_disagreements))
    if data.outcome_flags:
        parts.append("<p><b>Flags:</b></p>" + _list(data.outcome_flags))
    else:
        parts.append("<p>Not a responder and no clinically important change so far.</p>")
    for note in data.outcome_notes:
        parts.append(f"<p><i>{_e(note)}</i></p>")
    parts.append(_caveat(data))
    if data.threshold_sources:
        sources = "<br/>".join(_e(s) for s in data.threshold_sources)
        parts.append(f"<p><small>{sources}</small></p>")
    return "".join(parts)


def _caveat(data: ReportData) -> str:
    if not data.outcome_caveat:
        return ""
    text = f"<p><b>Before crediting the treatment</b> ({_e(data.outcome_months)}): "
    if data.outcome_season_note:
        text += f"<b>{_e(data.outcome_season_note)}</b> "
    text += _e(data.outcome_caveat)
    if data.outcome_caveat_entry:
        text += f" See the reference library: “{_e(data.outcome_caveat_entry)}”."
    return text + "</p>"


def _chart(data: ReportData, with_chart: bool) -> str:
    if not with_chart or len(data.chart) < 2:
        return ""
    title = f"<p><b>{_e(data.chart_title)}</b></p>" if data.chart_title else ""
    return f"{title}<p><img src='{CHART_RESOURCE}' width='560'/></p>"


# How a flag's level reads to the physician.
LETTER_LEVELS = {"refer": "Referral advised", "caution": "Caution", "info": "For information"}


def _flags(data: ReportData) -> str:
    parts = ["<h3>Reasons for referral: flags and red flags</h3>"]
    if not data.flags:
        parts.append("<p>The reference library raises no flags for this patient.</p>")
        return "".join(parts)
    for flag in data.flags:
        label = "RED FLAG" if flag.is_red else LETTER_LEVELS.get(flag.level, "Note")
        parts.append(f"<p><b>{_e(label)}: {_e(flag.title)}</b><br/>{_e(flag.reason)}")
        if flag.review:
            parts.append(f"<br/><i>{_e(flag.review)}</i>")
        if flag.sources:
            parts.append("<br/><small>Sources: " + _e("; ".join(flag.sources)) + "</small>")
        parts.append("</p>")
    return "".join(parts)


def _medications(data: ReportData) -> str:
    return "<h3>Current medications</h3>" + _list(data.medications)


def _signature(data: ReportData) -> str:
    closing = "Yours sincerely," if data.kind is ReportKind.REFERRAL else "Signed,"
    name = data.practitioner or "&nbsp;"
    practitioner = _e(data.practitioner) if data.practitioner else name
    return (
        f"<p><br/>{closing}</p><p><br/><br/>______________________________<br/>"
        f"{practitioner}<br/>{_e(data.practice)}</p>"
    )


def report_html(data: ReportData, *, with_chart: bool = True) -> str:
    """The whole report or letter as one HTML document. With `with_chart`, an `<img>` names
    `CHART_RESOURCE`, which the renderer supplies (when there are two points or more)."""
    if data.take_home is not None:
        return take_home_html(data.take_home)
    body: list[str] = [_header(data)]
    if data.kind is ReportKind.REFERRAL:
        if data.recipient:
            body.append(f"<p>To: {_e(data.recipient)}</p>")
        body.append(_paragraphs(data.letter_body or default_letter_body(data)))
        body += [_patient(data), _flags(data), _medications(data), _profile(data),
                 "<h3>Outcome summary</h3>", _changes(data), _chart(data, with_chart)]
    else:
        body += [_patient(data), _profile(data), _visits(data), _chart(data, with_chart),
                 _changes(data), _medications(data)]
    body.append(_signature(data))
    return (
        "<html><head><meta charset='utf-8'/><title>"
        f"{_e(data.kind.title)} – {_e(data.patient_name)}</title></head>"
        "<body style='font-family: sans-serif; font-size: 10pt'>"
        + "".join(body)
        + "</body></html>"
    )
