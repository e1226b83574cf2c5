"""Spreadsheet-safe CSV cells: formula starts neutralised, numbers left as numbers."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from practitioner.domain.csv_safety import (
    FORMULA_STARTS,
    csv_text,
    original_text,
    safe_cell,
    safe_text,
)


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_every_formula_start_is_neutralised(start: str) -> None:
    assert safe_text(start + "1+1") == "'" + start + "1+1"


@pytest.mark.parametrize("text", ["", "Ann Lee", "'quoted", "1+1", " =spaced"])
def test_harmless_text_is_left_alone(text: str) -> None:
    assert safe_text(text) == text


def test_numbers_stay_numbers() -> None:
    assert safe_cell(-3) == -3
    assert safe_cell(-2.5) == -2.5
    assert safe_cell(4.0) == 4
    assert safe_cell(True) == 1
    assert safe_cell(None) == ""
    assert safe_cell(float("nan")) == ""


@given(st.lists(st.text(), min_size=1, max_size=5))
def test_text_reads_back_behind_the_prefix(cells: list[str]) -> None:
    text = csv_text([f"c{i}" for i in range(len(cells))], [cells])
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert [original_text(c) for c in rows[1]] == cells
    assert not any(c.startswith(FORMULA_STARTS) for c in rows[1])


def test_numbers_are_written_unquoted() -> None:
    text = csv_text(["a", "b", "c"], [[1.5, -2, "=x"]])
    assert text.splitlines()[1] == "1.5,-2,'=x"
