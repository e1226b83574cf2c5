"""Widening a typed query: point codes, stopwords, synonyms, typos and brand names."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from practitioner.domain.forgiving_search import BrandName, Forgiver, SearchTerms

TERMS = SearchTerms(
    stopwords=frozenset({"and", "at", "the"}),
    synonyms=(("hot", "warm", "heat"), ("nite", "night", "nocturnal")),
    brands=(BrandName("Ventolin", "salbutamol", "a short-acting reliever", "inhalers"),
            BrandName("Evista", "raloxifene")),
)
TEXTS = ["Warm swollen calf", "Night cramps", "Dehydration and heat", "LR3 Taichong"]


def forgiver() -> Forgiver:
    return Forgiver(TERMS, TEXTS, {"LR3": "Taichong", "ST36": "Zusanli"})


def groups(text: str) -> tuple[tuple[str, ...], ...]:
    query = forgiver().expand(text).query
    return () if query is None else query.groups


@pytest.mark.parametrize("text", ["liver 3", "Liver3", "LV3", "Liv-3", "lr 03", "LR3"])
def test_point_codes_in_any_notation_search_the_code_and_its_pinyin(text: str) -> None:
    assert groups(text) == (("lr3", "taichong"),)


def test_stopwords_go_and_synonyms_widen_each_word_as_whole_words() -> None:
    query = forgiver().expand("hot at nite").query
    assert query is not None
    assert query.groups == (("hot",), ("nite",))
    assert query.exact == (("heat", "warm"), ("night", "nocturnal"))
    assert query.all_words == '("hot"* OR "heat" OR "warm") AND ("nite"* OR "night" OR "nocturnal")'
    assert groups("the") == (("the",),)  # a query of stopwords only still searches


def test_a_typo_is_corrected_to_the_librarys_own_word_and_kept() -> None:
    found = groups("dehidration")[0]
    assert "dehydrat" in found and "dehidrat" in found


def test_a_word_being_typed_is_not_corrected() -> None:
    assert groups("dehyd") == (("dehyd",),)


def test_brands_are_found_also_through_a_typo() -> None:
    assert [b.brand for b in forgiver().expand("Ventolin inhaler").brands] == ["Ventolin"]
    assert [b.brand for b in forgiver().expand("evsta").brands] == ["Evista"]
    assert BrandName("Ventolin", "salbutamol", "a short-acting reliever", "x").label == (
        "Ventolin (salbutamol): a short-acting reliever")


@given(st.text(max_size=300))
def test_any_text_expands_without_raising(text: str) -> None:
    forgiver().expand(text)
