"""CSV cells that are safe to open in a spreadsheet (OWASP "CSV injection" guidance), in
every locale.

A spreadsheet may take a cell for a formula when its text begins with `=`, `+`, `-`, `@`,
a tab or a carriage return — also after leading spaces or invisible characters (NBSP,
zero-width space, byte-order mark, a line break), and in full-width form (`＝ ＋ － ＠`).
And a spreadsheet whose list separator is `;` splits a line at every `;` and line break,
quoted or not, so a cell starts there too: `a;=1` becomes the cells `a` and `=1`.

So every place a cell could start — the start of the text and the character after each
`,`, `;`, tab or line break in it — is neutralised by putting a single quote there when
what follows (past spaces, invisible characters and quotes) could start a formula.
`original_text` undoes exactly that. Every text cell is quoted; numbers are never
touched: they are written as numbers (unquoted), so a spreadsheet sums them, and a
negative number stays a number.

Every CSV file the app writes goes through `csv_text`.
"""

from __future__ import annotations

import csv
import io
import math
import unicodedata
from collections.abc import Iterable, Sequence

#: First characters that make a spreadsheet read a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: What is put in front of a dangerous text cell.
NEUTRALISER = "'"
#: After these a reader may start a new cell (or line) in the middle of a text.
CELL_BREAKS = frozenset(",;\t\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")
# Other forms a spreadsheet (or an input method) may read as a formula's first character.
_FORMULA_LOOKALIKES = frozenset("\u2212\u2796\u2795")

Cell = str | int | float | bool | None


def starts_formula(char: str) -> bool:
    """Whether a cell starting with `char` (past skippable characters) could be a formula:
    `= + - @`, tab, CR, or a compatibility form of them (full-width `＝`, small `﹦`...)."""
    return (char in FORMULA_STARTS or char in _FORMULA_LOOKALIKES
            or unicodedata.normalize("NFKC", char)[:1] in FORMULA_STARTS)


# Unicode's Default_Ignorable_Code_Point: characters drawn as nothing whatever their
# category (the combining grapheme joiner and variation selectors are marks, the Hangul
# fillers letters). unicodedata does not expose the property, so its ranges are here.
_IGNORABLE = ((0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160),
              (0x17B4, 0x17B5), (0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E),
              (0x2060, 0x206F), (0x3164, 0x3164), (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF),
              (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A),
              (0xE0000, 0xE0FFF))


def invisible(char: str) -> bool:
    """Whether `char` is drawn as nothing (Unicode's Default_Ignorable_Code_Point)."""
    code = ord(char)
    return any(low <= code <= high for low, high in _IGNORABLE)


def skippable(char: str) -> bool:
    """Whether a spreadsheet may pass over `char` before it decides what a cell holds:
    white space, control and invisible characters, combining marks (with nothing before
    them to sit on), quotes."""
    return (char.isspace() or char in "\"'" or invisible(char)
            or unicodedata.category(char) in ("Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Me"))


def _risky_from(text: str) -> list[bool]:
    """For each position i: whether `text[i:]` starts, past skippable characters, with a
    formula character (computed from the end, so in linear time)."""
    risky = [False] * (len(text) + 1)
    for i in range(len(text) - 1, -1, -1):
        char = text[i]
        risky[i] = starts_formula(char) or (skippable(char) and risky[i + 1])
    return risky


def _cell_starts(text: str) -> Iterable[int]:
    yield 0
    for i, char in enumerate(text):
        if char in CELL_BREAKS:
            yield i + 1


def safe_text(text: str) -> str:
    """`text` with a single quote put at each place a cell could start and be read as a
    formula (see the module's docstring)."""
    risky = _risky_from(text)
    marked = [i for i in _cell_starts(text) if risky[i]]
    if not marked:
        return text
    parts, last = [], 0
    for i in marked:
        parts += [text[last:i], NEUTRALISER]
        last = i
    parts.append(text[last:])
    return "".join(parts)


def original_text(cell: str) -> str:
    """Inverse of `safe_text` for a cell read back from the file."""
    risky = _risky_from(cell)
    dropped = {i for i in _cell_starts(cell)
               if cell[i:i + 1] == NEUTRALISER and risky[i + 1]}
    return "".join(char for i, char in enumerate(cell) if i not in dropped)


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

    Lines end with CRLF (RFC 4180); every text cell is quoted (so a `,` or a line break
    inside it never splits it), numbers never are.
    """
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\r\n")
    writer.writerow([safe_text(name) for name in header])
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return out.getvalue()
