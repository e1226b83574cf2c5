"""The patient's take-home sheet: the visit's self-care in plain words, when to come back
sooner, and a blank two-week cramp diary whose columns are the diary import's own.

Plain values and one HTML page (the subset Qt's rich-text engine renders), like
`practitioner.domain.report_content`. Every recorded text is HTML-escaped here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape

from practitioner.domain.diary_csv import (
    CRAMPS,
    DATE,
    NOTES,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    SLEEP_DISTURBED,
    TOTAL_MINUTES,
    WORST_SEVERITY,
)
from practitioner.domain.session import HomeAdvice

#: The diary grid's columns: exactly the headers the diary import reads, in its order, so
#: a filled-in sheet is typed back one column to one column.
DIARY_COLUMNS: tuple[str, ...] = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
DIARY_DAYS = 14
#: What to write in each column, said plainly under its header.
DIARY_HINTS: dict[str, str] = {
    DATE: "day/month",
    CRAMPS: "how many",
    WORST_SEVERITY: "worst, 0–10",
    TOTAL_MINUTES: "minutes in all",
    SLEEP_DISTURBED: "woke you? yes/no",
    NOTES: "anything else",
}
#: How urgent a red flag is, most urgent first (the sheet's order).
URGENCIES = ("emergency", "same-day", "soon")


@dataclass(frozen=True)
class SelfCare:
    """One self-care choice in plain words; `steps` are the stretches it names."""

    advice: HomeAdvice
    entry: str  # the reference entry it is drawn from
    heading: str
    text: str
    steps: tuple[str, ...] = ()


@dataclass(frozen=True)
class LayRedFlag:
    """A red-flag entry said the way a patient would notice it."""

    entry: str
    lay: str
    urgency: str  # one of URGENCIES


@dataclass(frozen=True)
class TakeHomeContent:
    """The sheet's wording, loaded from resources/content/take_home.toml."""

    self_care: tuple[SelfCare, ...]
    red_flags: tuple[LayRedFlag, ...]
    urgency_headings: dict[str, str]

    def chosen(self, advice: Iterable[HomeAdvice]) -> tuple[SelfCare, ...]:
        """The items for the advice chosen at a visit, in the content's order."""
        wanted = set(advice)
        return tuple(item for item in self.self_care if item.advice in wanted)


@dataclass(frozen=True)
class TakeHomeSheet:
    """Everything one printed take-home sheet shows."""

    patient_name: str
    visit_day: dt.date
    self_care: tuple[SelfCare, ...]
    advice_notes: str
    red_flags: tuple[LayRedFlag, ...]
    urgency_headings: dict[str, str]
    next_visit: dt.date | None = None
    practice: str = ""
    practitioner: str = ""
    letterhead: tuple[str, ...] = ()


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


# About how many characters one line of a half-page column holds at the sheet's type
# size; used only to balance the two columns.
_COLUMN_CHARS = 44


def _lines(text: str, indent: int = 0) -> float:
    return float(max(1, -(-len(text) // (_COLUMN_CHARS - indent))))


# A block of the two columns: its HTML, its estimated height in lines, and the heading of
# the red-flag group it belongs to ("" for self-care).
_Block = tuple[str, float, str]


def _self_care_blocks(sheet: TakeHomeSheet) -> list[_Block]:
    blocks: list[_Block] = []
    if not sheet.self_care and not sheet.advice_notes.strip():
        text = ("No particular self-care was chosen at this visit. Please keep the cramp "
                "diary below.")
        blocks.append((f"<p>{_e(text)}</p>", _lines(text), ""))
    for item in sheet.self_care:
        html = f"<p><b>{_e(item.heading)}.</b> {_e(item.text)}</p>"
        weight = _lines(f"{item.heading}. {item.text}") + 0.3
        if item.steps:
            html += "<ol>" + "".join(f"<li>{_e(s)}</li>" for s in item.steps) + "</ol>"
            weight += sum(_lines(s, 4) for s in item.steps) + 0.3
        blocks.append((html, weight, ""))
    notes = sheet.advice_notes.strip()
    if notes:
        text = _e(notes).replace("\n", "<br/>")
        blocks.append((f"<p><b>Also, from your practitioner:</b> {text}</p>",
                       _lines(f"Also, from your practitioner: {notes}")
                       + notes.count("\n") + 0.3, ""))
    first, weight, _ = blocks[0]
    blocks[0] = ("<h2>What to do at home</h2>" + first, weight + 2, "")
    return blocks


def _red_flag_blocks(sheet: TakeHomeSheet) -> list[_Block]:
    """One block per flag, its group's heading on the first: the columns may break
    within a group."""
    blocks: list[_Block] = []
    for urgency in URGENCIES:
        flags = [f for f in sheet.red_flags if f.urgency == urgency]
        title = sheet.urgency_headings[urgency]
        for n, flag in enumerate(flags):
            html = f"<ul><li>{_e(flag.lay)}</li></ul>"
            weight = _lines(flag.lay, 4) + 0.25
            if n == 0:
                html = f"<p><b>{_e(title)}</b></p>" + html
                weight += _lines(title) + 0.6
            blocks.append((html, weight, title))
    if blocks:
        first, weight, title = blocks[0]
        blocks[0] = ("<h2>When to get help sooner</h2>" + first, weight + 2, title)
    return blocks


def _columns_html(sheet: TakeHomeSheet) -> str:
    """Self-care then the red flags, flowed over two columns of about equal height."""
    blocks = _self_care_blocks(sheet) + _red_flag_blocks(sheet)
    weights = [weight for _, weight, _ in blocks]
    split = min(range(1, len(blocks)),
                key=lambda k: max(sum(weights[:k]), sum(weights[k:])))
    left = "".join(html for html, _, _ in blocks[:split])
    right = "".join(html for html, _, _ in blocks[split:])
    group = blocks[split][2]
    if group and blocks[split - 1][2] == group:  # a group broken over the columns
        right = f"<p><b>{_e(group.rstrip(':'))} (continued):</b></p>" + right
    return (
        "<table width='100%' cellspacing='0' cellpadding='0'><tr>"
        f"<td width='48%' valign='top'>{left}</td><td width='4%'></td>"
        f"<td width='48%' valign='top'>{right}</td></tr></table>"
    )


# Each diary column's share of the page's width: room to write, headers unbroken.
_DIARY_WIDTHS = {DATE: 13, CRAMPS: 9, WORST_SEVERITY: 15, TOTAL_MINUTES: 15,
                 SLEEP_DISTURBED: 18, NOTES: 30}


def _diary_html() -> str:
    head = "".join(
        f"<th align='left' width='{_DIARY_WIDTHS[column]}%' style='font-weight: normal'>"
        f"<span style='font-size: 8pt'>{_e(column)}</span><br/>"
        f"<span style='font-size: 10pt'>{_e(DIARY_HINTS[column])}</span></th>"
        for column in DIARY_COLUMNS
    )
    row = "<tr>" + "<td>&nbsp;</td>" * len(DIARY_COLUMNS) + "</tr>"
    return (
        "<h2>Your cramp diary: <span style='font-weight: normal'>one line a day for two "
        "weeks (0 if no cramps)</span></h2>"
        "<table border='1' cellspacing='0' cellpadding='2' width='100%' "
        "style='font-size: 12pt; border-collapse: collapse'>"
        f"<thead><tr>{head}</tr></thead>"
        f"<tbody>{row * DIARY_DAYS}</tbody></table>"
    )


def take_home_html(sheet: TakeHomeSheet) -> str:
    """The sheet as one HTML page for print, preview or PDF."""
    about = [*(p for p in (sheet.practice, sheet.practitioner) if p), *sheet.letterhead,
             f"Visit on {_date(sheet.visit_day)}"]
    if sheet.next_visit is not None:
        about.append(f"Next visit {_date(sheet.next_visit)}")
    header = (f"<h1>{_e(sheet.patient_name)}: looking after your cramps</h1>"
              f"<p>{' · '.join(_e(part) for part in about)}</p>")
    return (
        "<html><head><meta charset='utf-8'/><title>Take-home sheet – "
        f"{_e(sheet.patient_name)}</title></head>"
        "<body style='font-family: sans-serif; font-size: 11pt'>"
        "<style>h1 { font-size: 16pt; margin-bottom: 2px } "
        "h2 { font-size: 12pt; margin-top: 8px; margin-bottom: 3px } "
        "p { margin-top: 2px; margin-bottom: 4px } "
        "ol { margin-top: 0px; margin-bottom: 4px } ul { margin-top: 0px; margin-bottom: 2px }"
        "</style>"
        + header + _columns_html(sheet) + _diary_html()
        + "</body></html>"
    )


def take_home_text(sheet: TakeHomeSheet) -> str:
    """The sheet's words as plain text: what the record keeps beside its PDF."""
    lines = [f"Take-home sheet for {sheet.patient_name}, visit on {sheet.visit_day.isoformat()}",
             "", "What to do at home:"]
    for item in sheet.self_care:
        lines.append(f"- {item.heading}. {item.text}")
        lines += [f"  {n}. {step}" for n, step in enumerate(item.steps, 1)]
    if sheet.advice_notes.strip():
        lines.append(f"- Also: {sheet.advice_notes.strip()}")
    if not sheet.self_care and not sheet.advice_notes.strip():
        lines.append("- None chosen at this visit.")
    lines += ["", "Come back sooner if:"]
    lines += [f"- {f.lay} ({f.urgency})" for f in sheet.red_flags]
    lines += ["", f"Blank {DIARY_DAYS}-day diary: " + ", ".join(DIARY_COLUMNS)]
    return "\n".join(lines)
