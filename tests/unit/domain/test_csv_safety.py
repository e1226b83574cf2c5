"""Spreadsheet-safe CSV cells: no cell is ever a formula, read with `,` or `;` as the list
separator, whatever invisible or full-width characters come first; numbers stay numbers."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import practitioner
from practitioner.domain.csv_safety import (
    FORMULA_STARTS,
    csv_text,
    original_text,
    safe_cell,
    safe_text,
)

# Drawn as nothing though neither space nor format character: combining grapheme joiner,
# variation selector, Hangul fillers, a tag, word joiner, Mongolian vowel separator.
INVISIBLE = ["\u034f", "\ufe0f", "\u3164", "\u115f", "\uffa0", "\U000e0020", "\u2060",
             "\u180e"]
# What a hostile cell is made of: formula starts in every form, what hides them (spaces,
# NBSP, zero-width space, BOM, line breaks, quotes), and the separators of any locale.
HOSTILE = [*"=+-@\t\r\n ;,'\"|", "\u00a0", "\u200b", "\ufeff", "\u3000", "\u2028",
           "\uff1d", "\uff0b", "\uff0d", "\uff20", "\ufe66", "\u2212", "\x00", "\x0b",
           *INVISIBLE, "\u0301", "\u208a", "\u207c",
           "A", "1", "SUM(A1)", "cmd|' /C calc'!A0"]
hostile_text = st.lists(st.sampled_from(HOSTILE), max_size=12).map("".join) | st.text()


def is_formula(field: str) -> bool:
    """What the issue calls a formula cell: after white space and invisible characters,
    it starts with = + - @ tab or CR, in any width."""
    for char in field:
        if char in "\t\r" or unicodedata.normalize("NFKC", char)[:1] in "=+-@":
            return True
        if not (char.isspace() or char in INVISIBLE
                or unicodedata.category(char) in ("Cf", "Cc", "Zs", "Mn", "Me")):
            return False
    return False


def _is_number(field: str) -> bool:
    try:
        float(field)
    except ValueError:
        return False
    return True


@given(st.lists(hostile_text, min_size=1, max_size=4))
@example(["a;=1+1"])
@example(["x;\u00a0=cmd"])
@example([";\"=1"])
@example(["\ufeff=1", "\u200b+1", "\n-1", " @SUM(A1)", "\uff1d1"])
def test_no_cell_is_a_formula_with_either_separator(cells: list[str]) -> None:
    text = csv_text(["id", *(f"c{i}" for i in range(len(cells))), "n"],
                    [[7, *cells, -2.5]])
    for separator in (",", ";"):
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=separator):
            for field in row:
                assert _is_number(field) or not is_formula(field), (separator, field)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert [original_text(c) for c in rows[1][1:-1]] == cells
    assert rows[1][0] == "7" and rows[1][-1] == "-2.5"


@pytest.mark.parametrize("start", [*FORMULA_STARTS, "\uff1d", "\uff0b", "\uff0d", "\uff20"])
@pytest.mark.parametrize("hider", ["", " ", "\u00a0", "\u200b", "\ufeff", "\n", " \n ",
                                   *INVISIBLE, "\u3164\u200e", "\u00a0\ufe0f"])
def test_every_formula_start_is_neutralised_behind_what_hides_it(start: str, hider: str
                                                                  ) -> None:
    assert safe_text(hider + start + "1+1").startswith("'")


@pytest.mark.parametrize("text", ["", "Ann Lee", "'quoted", "1+1", "a, b; c", "O'Brien"])
def test_harmless_text_is_left_alone(text: str) -> None:
    assert safe_text(text) == text


def test_a_formula_after_a_separator_is_neutralised_where_it_starts() -> None:
    assert safe_text("a;=1") == "a;'=1"
    assert safe_text("a,\u00a0+1\n-2") == "a,'\u00a0+1\n'-2"


def test_numbers_stay_numbers() -> None:
    assert safe_cell(-3) == -3
    assert safe_cell(-2.5) == -2.5
    assert safe_cell(4.0) == 4
    assert safe_cell(True) == 1
    assert safe_cell(None) == ""
    assert safe_cell(float("nan")) == ""


def test_text_is_quoted_and_numbers_are_not() -> None:
    text = csv_text(["a", "b", "c", "d"], [[1.5, -2, "=x", "plain"]])
    assert text.splitlines()[0] == '"a","b","c","d"'
    assert text.splitlines()[1] == '1.5,-2,"\'=x","plain"'


def test_every_csv_file_the_app_writes_goes_through_csv_text() -> None:
    """No module but this one makes a csv writer: a new CSV export cannot skip the rules."""
    package = Path(practitioner.__file__).parent
    writers = [p.relative_to(package).as_posix() for p in package.rglob("*.py")
               if re.search(r"csv\s*\.\s*(writer|DictWriter)\b", p.read_text(encoding="utf-8"))]
    assert writers == ["domain/csv_safety.py"]
