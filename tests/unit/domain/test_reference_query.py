"""Typed text becomes a safe full-text query: words only, quoted, never syntax."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from practitioner.domain.reference_query import (
    MAX_WORDS,
    full_text_query,
    light_stem,
    query_words,
    word_forms,
)

# A whole query: groups of quoted prefix terms made of letters and digits only.
_TERM = r'"[^\W_]+"\*'
_GROUP = rf"\({_TERM}(?: OR {_TERM})*\)"
SAFE_ALL = re.compile(rf"{_GROUP}(?: AND {_GROUP})*")
SAFE_ANY = re.compile(rf"{_GROUP}(?: OR {_GROUP})*")


@pytest.mark.parametrize(
    ("word", "stem"),
    [("cramps", "cramp"), ("cramping", "cramp"), ("stretching", "stretch"),
     ("stretches", "stretch"), ("diuretics", "diuret"), ("dehydration", "dehydrat"),
     ("dehydrated", "dehydrat"), ("arteries", "arter"), ("artery", "arter"),
     ("muscle", "muscl"), ("muscles", "muscl"), ("legs", "leg"), ("stenosis", "stenosis"),
     ("dialysis", "dialysis"), ("calf", "calf"), ("tired", "tired")],
)
def test_light_stem(word: str, stem: str) -> None:
    assert light_stem(word) == stem
    assert word.startswith(stem)


def test_words_are_folded_and_split_at_anything_not_a_letter_or_digit() -> None:
    assert query_words("Charley-HORSE, B12 café_au_lait") == [
        "charley", "horse", "b12", "cafe", "au", "lait"]


def test_single_letters_are_dropped_unless_nothing_else_was_typed() -> None:
    assert query_words("vitamin d") == ["vitamin"]
    assert query_words("d") == ["d"]


def test_word_forms_cover_spellings_and_stems_without_redundant_terms() -> None:
    assert word_forms("anaemic") == ("anaem", "anem")
    assert word_forms("cramps") == ("cramp",)


@pytest.mark.parametrize(
    "text", ["", "   ", "😀🦵", "***", '"', "()", "^", "-", "_", "\x00\x02\x03", "\u0301"]
)
def test_nothing_searchable_gives_no_query(text: str) -> None:
    assert full_text_query(text) is None


@pytest.mark.parametrize(
    "text",
    ['AND OR NOT', 'NEAR(calf night, 3)', '"charley horse', "calf*", "^calf", "title:calf",
     "calf + night - cramps", "{title synonyms}: calf", "a' OR '1'='1", '"calf"""',
     "x" * 10_000, "calf " * 5_000],
)
def test_operators_and_quotes_are_words_not_syntax(text: str) -> None:
    query = full_text_query(text)
    assert query is not None
    assert SAFE_ALL.fullmatch(query.all_words), query.all_words
    assert SAFE_ANY.fullmatch(query.any_word), query.any_word
    assert len(query.groups) <= MAX_WORDS


@given(st.text())
def test_any_text_gives_a_safe_query_or_none(text: str) -> None:
    query = full_text_query(text)
    if query is not None:
        assert SAFE_ALL.fullmatch(query.all_words), query.all_words
        assert SAFE_ANY.fullmatch(query.any_word), query.any_word
