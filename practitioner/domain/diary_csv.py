"""Reading a patient's cramp diary from a CSV file, with every bad row named by its line.

The file is what a patient or a spreadsheet produces: a header row naming the columns, one
row per day. Nothing here raises on bad text; each problem becomes a `RowProblem` with the
line number a spreadsheet shows (the header is line 1, a quoted value spanning several
lines still counts as one line), so the import preview can list them and import nothing
until the file is clean or the practitioner chooses to skip the bad rows.

Decisions worth knowing:

* The delimiter is taken from the header row, which holds only column names: `;` when it
  has more semicolons than commas, a tab when it has only tabs, otherwise `,`. Data rows
  are no guide, as a decimal comma in a semicolon file looks like a delimiter. An Excel
  `sep=;` first line is honoured (and counts as line 1, as LibreOffice shows it).
* A comma inside a number is a decimal mark only when the delimiter is not a comma. In a
  comma-delimited file a quoted `"1,440"` could be 1.44 or 1440, so it is rejected rather
  than guessed.
* Dates are ISO (`2025-01-31`) or day first (`31.01.2025`, `31/01/2025`), as everywhere
  in the app; a month-first date whose day is above 12 fails with a hint.
* Columns the app does not know are ignored and named in `summary()`; a column given twice
  (`severity` and `worst_severity`) is a problem, because which one to believe is unclear.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

from practitioner.domain.outcomes import DiaryEntry, validate_diary_entry
from practitioner.domain.validation import parse_date, parse_number

DATE = "date"
CRAMPS = "cramps"
WORST_SEVERITY = "worst_severity"
TOTAL_MINUTES = "total_minutes"
SLEEP_DISTURBED = "sleep_disturbed"
NOTES = "notes"

REQUIRED_COLUMNS = (DATE, CRAMPS)
OPTIONAL_COLUMNS = (WORST_SEVERITY, TOTAL_MINUTES, SLEEP_DISTURBED, NOTES)

#: Header spellings accepted for each column (after lower-casing, spaces/hyphens → `_`).
COLUMN_ALIASES: dict[str, str] = {
    "date": DATE,
    "day": DATE,
    "cramps": CRAMPS,
    "worst_severity": WORST_SEVERITY,
    "severity": WORST_SEVERITY,
    "total_minutes": TOTAL_MINUTES,
    "minutes": TOTAL_MINUTES,
    "sleep_disturbed": SLEEP_DISTURBED,
    "sleep": SLEEP_DISTURBED,
    "notes": NOTES,
    "note": NOTES,
}

_TRUE = frozenset({"yes", "y", "true", "1"})
_FALSE = frozenset({"no", "n", "false", "0", ""})
_SEP_LINE = re.compile(r"^\s*sep=(.)\s*$", re.IGNORECASE)
# A line of nothing but spaces and delimiters is blank, whichever delimiter the file uses.
_BLANK = re.compile(r"[\s,;]*")
_SLASHED_DATE = re.compile(r"^\s*(\d{1,2})[./](\d{1,2})[./](\d{4})\s*$")
_SHOWN_VALUE_LENGTH = 30

# The validator's field names, as the file calls them.
_FIELD_COLUMNS = {"day": DATE, "cramps": CRAMPS, "worst_severity": WORST_SEVERITY,
                  "total_minutes": TOTAL_MINUTES}


@dataclass(frozen=True)
class RowProblem:
    """Why one line of the file cannot be imported; `line` as a spreadsheet numbers it."""

    line: int
    message: str


@dataclass(frozen=True)
class DiaryImport:
    """The outcome of reading a diary file: the good rows, and a problem per bad line.

    `entries` keep the file's order. `ignored_columns` are header cells the app does not
    know, as written in the file.
    """

    entries: tuple[DiaryEntry, ...] = ()
    problems: tuple[RowProblem, ...] = ()
    ignored_columns: tuple[str, ...] = ()

    @property
    def clean(self) -> bool:
        """Whether the whole file can be imported as it is."""
        return not self.problems

    def summary(self) -> str:
        """A plain sentence or two for the import preview."""
        parts: list[str] = []
        if self.entries:
            days = sorted(entry.day for entry in self.entries)
            span = (f"on {days[0]:%Y-%m-%d}" if days[0] == days[-1]
                    else f"from {days[0]:%Y-%m-%d} to {days[-1]:%Y-%m-%d}")
            parts.append(f"{_plural(len(self.entries), 'diary day')} ready to import, {span}.")
        if self.problems:
            lines = sorted({problem.line for problem in self.problems})
            shown = ", ".join(str(line) for line in lines[:10])
            more = f" and {len(lines) - 10} more" if len(lines) > 10 else ""
            which = f"{_plural(len(lines), 'line')} with problems ({shown}{more})"
            if self.entries:
                them = "it" if len(lines) == 1 else "them"
                parts.append(f"{which}: import nothing, or skip {them}.")
            else:
                parts.append(f"Nothing to import: {which}.")
        elif not self.entries:
            parts.append("Nothing to import.")
        if self.ignored_columns:
            parts.append("Ignored columns: " + ", ".join(self.ignored_columns) + ".")
        return " ".join(parts)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def decode_diary_bytes(data: bytes) -> str | RowProblem:
    """The text of a diary file read as UTF-8 (a byte-order mark is dropped).

    Returns a problem instead when the bytes are not UTF-8, e.g. a file saved by Excel as
    plain "CSV" in a Windows code page.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return RowProblem(
            line, "The file is not UTF-8 text. Save it as “CSV UTF-8” and import it again."
        )


def parse_diary_bytes(data: bytes, today: dt.date) -> DiaryImport:
    """`parse_diary_csv` for a file's raw bytes."""
    text = decode_diary_bytes(data)
    if isinstance(text, RowProblem):
        return DiaryImport(problems=(text,))
    return parse_diary_csv(text, today)


def parse_diary_csv(text: str, today: dt.date) -> DiaryImport:
    """Read diary rows from CSV text; never raises.

    Args:
        text: the file's content (a leading byte-order mark is ignored).
        today: dates after this day are rejected.
    """
    text = text.removeprefix("\ufeff")
    delimiter, sep_line = _delimiter(text)
    records = _records(text, delimiter)
    problems: list[RowProblem] = []

    header: tuple[int, list[str]] | None = None
    for number, cells, error in records:
        if error is not None:
            problems.append(RowProblem(number, error))
            continue
        if _blank(cells):
            continue
        if sep_line:
            sep_line = False
            continue
        header = (number, cells)
        break
    if header is None:
        if not problems:
            problems.append(RowProblem(1, "The file is empty."))
        return DiaryImport(problems=tuple(problems))

    header_line, header_cells = header
    columns, ignored, header_problem = _columns(header_cells)
    if header_problem is not None:
        problems.append(RowProblem(header_line, header_problem))
        return DiaryImport(problems=tuple(problems))

    entries: list[DiaryEntry] = []
    first_line_of: dict[dt.date, int] = {}
    for number, cells, error in records:
        if error is not None:
            problems.append(RowProblem(number, error))
            continue
        if _blank(cells):
            continue
        entry, day, messages = _row(cells, columns, len(header_cells), delimiter, today)
        if day is not None:
            first = first_line_of.setdefault(day, number)
            if first != number:
                messages.append(f"{day:%Y-%m-%d} is already on line {first}.")
        if messages:
            problems.append(RowProblem(number, " ".join(messages)))
        elif entry is not None:
            entries.append(entry)
    if not entries and not problems:
        problems.append(RowProblem(header_line, "The file has a header but no diary rows."))
    return DiaryImport(tuple(entries), tuple(problems), ignored)


def _delimiter(text: str) -> tuple[str, bool]:
    """The delimiter, and whether the first non-blank line is an Excel `sep=` line."""
    for line in text.splitlines():
        if _BLANK.fullmatch(line):
            continue
        sep = _SEP_LINE.match(line)
        if sep is not None and sep.group(1) in ",;\t":
            return sep.group(1), True
        commas, semicolons, tabs = line.count(","), line.count(";"), line.count("\t")
        if semicolons > commas:
            return ";", False
        if tabs and not commas:
            return "\t", False
        return ",", False
    return ",", False


def _records(text: str, delimiter: str) -> Iterator[tuple[int, list[str], str | None]]:
    """(line as a spreadsheet shows it, cells, why the row could not be read) per record.

    A shared iterator: the header search and the row loop consume it in turn.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)

    def generate() -> Iterator[tuple[int, list[str], str | None]]:
        number = 0
        while True:
            number += 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                yield number, [], _csv_message(str(error))
                continue
            yield number, cells, None

    return generate()


def _csv_message(error: str) -> str:
    if "unexpected end of data" in error:
        return ("A quoted value that starts on this line is never closed, so the rest of "
                "the file cannot be read.")
    if "expected after" in error:
        return ('A quote (") inside a value must be doubled, or the whole value put in '
                "quotes.")
    return f"This line cannot be read ({error})."


def _blank(cells: list[str]) -> bool:
    return all(_BLANK.fullmatch(cell) for cell in cells)


def _columns(cells: list[str]) -> tuple[dict[str, int], tuple[str, ...], str | None]:
    """Column → index, the header cells ignored, and what is wrong with the header."""
    columns: dict[str, int] = {}
    ignored: list[str] = []
    duplicates: list[str] = []
    for index, cell in enumerate(cells):
        key = re.sub(r"[\s\-]+", "_", cell.strip().lower())
        column = COLUMN_ALIASES.get(key)
        if column is None:
            if cell.strip():
                ignored.append(_shown(cell))
        elif column in columns:
            duplicates.append(column)
        else:
            columns[column] = index
    missing = [column for column in REQUIRED_COLUMNS if column not in columns]
    messages: list[str] = []
    if missing:
        found = ", ".join(_shown(cell) for cell in cells if cell.strip()) or "nothing"
        messages.append(
            f"Missing column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}. "
            f"The first line must name the columns: {', '.join(REQUIRED_COLUMNS)} "
            f"(required), {', '.join(OPTIONAL_COLUMNS)} (optional); it has: {found}."
        )
    if duplicates:
        messages.append(
            "More than one column for " + ", ".join(dict.fromkeys(duplicates)) + "."
        )
    return columns, tuple(ignored), " ".join(messages) or None


def _shown(value: str) -> str:
    value = value.strip()
    if len(value) > _SHOWN_VALUE_LENGTH:
        value = value[: _SHOWN_VALUE_LENGTH - 1] + "…"
    return f"“{value}”"


def _cell(cells: list[str], columns: dict[str, int], column: str) -> str:
    index = columns.get(column)
    return cells[index] if index is not None and index < len(cells) else ""


def _row(
    cells: list[str],
    columns: dict[str, int],
    width: int,
    delimiter: str,
    today: dt.date,
) -> tuple[DiaryEntry | None, dt.date | None, list[str]]:
    """The entry a data row holds (None when it has problems), its date, and the problems."""
    messages: list[str] = []
    if any(cell.strip() for cell in cells[width:]):
        hint = (" A decimal comma or a comma in the notes splits a value in two: use a point"
                " for decimals and put notes in quotes." if delimiter == "," else "")
        messages.append(f"More values than columns in the header.{hint}")

    raw_date = _cell(cells, columns, DATE)
    day: dt.date | None = None
    try:
        day = parse_date(raw_date)
        if day is None:
            messages.append("The date is missing.")
    except ValueError as error:
        messages.append(f"date {_shown(raw_date)}: {error}{_month_first_hint(raw_date)}")

    cramps = _number(cells, columns, CRAMPS, delimiter, messages, integer=True, required=True)
    severity = _number(cells, columns, WORST_SEVERITY, delimiter, messages, integer=True)
    minutes = _number(cells, columns, TOTAL_MINUTES, delimiter, messages)

    raw_sleep = _cell(cells, columns, SLEEP_DISTURBED)
    sleep = raw_sleep.strip().lower()
    if sleep not in _TRUE | _FALSE:
        messages.append(f"sleep_disturbed {_shown(raw_sleep)}: use yes or no.")

    # Values that did not parse are stood in for by ones the rules accept, so the rules
    # still report everything else on the row (a future date next to a bad count).
    entry = DiaryEntry(
        day=today if day is None else day,
        cramps=0 if cramps is None else int(cramps),
        worst_severity=None if severity is None else int(severity),
        total_minutes=minutes,
        sleep_disturbed=sleep in _TRUE,
        notes=_cell(cells, columns, NOTES).strip(),
    )
    for field, message in validate_diary_entry(entry, today):
        column = _FIELD_COLUMNS.get(field, field)
        messages.append(message if column == DATE else f"{column}: {message}")
    if messages:
        return None, day, messages
    return entry, day, messages


def _number(
    cells: list[str],
    columns: dict[str, int],
    column: str,
    delimiter: str,
    messages: list[str],
    *,
    integer: bool = False,
    required: bool = False,
) -> float | None:
    raw = _cell(cells, columns, column)
    if "," in raw and delimiter == ",":
        messages.append(
            f"{column} {_shown(raw)}: use a point as the decimal mark (a comma could also "
            "separate thousands)."
        )
        return None
    try:
        value = parse_number(raw, integer=integer)
    except ValueError as error:
        messages.append(f"{column} {_shown(raw)}: {error}")
        return None
    if value is None and required:
        messages.append(f"The number of {column} is missing (0 for a day without cramps).")
    return value


def _month_first_hint(raw: str) -> str:
    match = _SLASHED_DATE.match(raw)
    if match is None or int(match.group(2)) <= 12:
        return ""
    return " Dates are read day first (DD/MM/YYYY); YYYY-MM-DD is the safest."
