"""CSV cells that are safe to open in a spreadsheet (OWASP "CSV injection" guidance).

A text cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return could be taken
for a formula by Excel, LibreOffice or Google Sheets. Such a cell is neutralised by putting
a single quote in front of it; the original text is everything after that first quote.
Numbers are never touched: they are written as numbers (unquoted), so a spreadsheet sums
them, and a negative number stays a number.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Sequence

#: First characters that make a spreadsheet read a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: What is put in front of a dangerous text cell.
NEUTRALISER = "'"

Cell = str | int | float | bool | None


def safe_text(text: str) -> str:
    """`text`, prefixed with a single quote when a spreadsheet could run it as a formula."""
    return NEUTRALISER + text if text.startswith(FORMULA_STARTS) else text


def original_text(cell: str) -> str:
    """Inverse of `safe_text` for a cell read back from the file."""
    if cell.startswith(NEUTRALISER) and cell[1:].startswith(FORMULA_STARTS):
        return cell[1:]
    return cell


def safe_cell(value: Cell) -> str | int | float:
    """One cell as written: text neutralised, numbers as numbers, None as an empty cell,
    booleans as 1/0 (a number a spreadsheet can sum), non-finite floats as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""
        return int(value) if value.is_integer() else value
    return safe_text(str(value))


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> str:
    """A whole CSV document: header row, then one line per row, every cell made safe.

    Lines end with CRLF (RFC 4180); text cells are quoted only when they need it, numbers
    never are.
    """
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([safe_text(name) for name in header])
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return out.getvalue()
