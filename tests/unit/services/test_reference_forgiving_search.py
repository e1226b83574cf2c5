"""The forgiving reference search on the shipped library: a query set of our own (typos,
lay words, point notations, brand names, symptoms; tests/data/reference_queries.csv),
each finding its entry near the top, and the rules for grave answers and brand names."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from practitioner.content.reference import load_reference
from practitioner.db.connection import close_database
from practitioner.services.reference import ReferenceService, SearchHit
from tests.helpers.db_fixtures import open_records_at, seeded_records

QUERIES = Path(__file__).parents[2] / "data" / "reference_queries.csv"


def _cases() -> list[tuple[str, str, int]]:
    cases = []
    for line in QUERIES.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            query, slug, within = line.split("|")
            cases.append((query, slug, int(within)))
    return cases


CASES = _cases()


@pytest.fixture
def library(request: pytest.FixtureRequest, engine: str) -> Iterator[ReferenceService]:
    """The shipped library, seeded once per module and engine; tests only read it."""
    location = seeded_records(request, engine, "forgiving",
                              lambda: ReferenceService().seed(load_reference()))
    open_records_at(location)
    yield ReferenceService()
    close_database()


def _slugs(hits: list[SearchHit]) -> list[str]:
    return [h.slug for h in hits]


def test_the_query_set_is_large_and_names_real_entries() -> None:
    slugs = {entry.slug for entry in load_reference()}
    assert len(CASES) >= 120
    assert {one for _, slug, _ in CASES for one in slug.split("/")} <= slugs
    assert len({query.casefold() for query, _, _ in CASES}) == len(CASES)


@pytest.mark.parametrize(("query", "slug", "within"), CASES, ids=[c[0] for c in CASES])
def test_each_query_finds_its_entry_near_the_top(
    library: ReferenceService, query: str, slug: str, within: int
) -> None:
    top = _slugs(library.search(query))[:within]
    assert set(slug.split("/")) & set(top), top


@pytest.mark.parametrize(
    "query",
    ["twitchy legs at night", "muscle twitching at night", "calf swollen and hot",
     "red hot calf", "legs feel weak at night", "twitching calf", "legs twitching",
     "hot red swollen calf after surgery"],
)
def test_a_description_is_never_answered_first_by_a_grave_entry(
    library: ReferenceService, query: str
) -> None:
    entries = {entry.slug: entry for entry in load_reference()}
    hits = _slugs(library.search(query))
    first = entries[hits[0]]
    assert first.kind != "red-flag" and first.refer.urgency in ("none", "routine"), hits
    assert len(hits) > 1


def test_the_grave_entry_still_shows_beside_the_benign_one(library: ReferenceService) -> None:
    hits = _slugs(library.search("twitchy legs at night"))
    assert hits[0] != "motor-neurone-disease"
    assert "motor-neurone-disease" in hits
    assert "red-flag-dvt" in _slugs(library.search("calf swollen and hot"))[:3]


@pytest.mark.parametrize(("query", "slug"), [
    ("DVT", "red-flag-dvt"), ("deep vein thrombosis", "red-flag-dvt"),
    ("motor neurone disease", "motor-neurone-disease"), ("cauda equina", "red-flag-cauda-equina"),
    ("compartment syndrome", "red-flag-compartment-syndrome"),
])
def test_a_grave_entry_asked_for_by_name_comes_first(
    library: ReferenceService, query: str, slug: str
) -> None:
    assert _slugs(library.search(query))[0] == slug


def test_a_brand_the_library_does_not_link_is_said_plainly(library: ReferenceService) -> None:
    first = library.search("Ventolin")[0]
    assert first.title.startswith("Ventolin (salbutamol): a short-acting reliever")
    assert "not linked to cramps" in first.title
    assert first.slug == "long-acting-beta-agonists"  # opening it reads the entry


def test_little_found_by_every_word_is_followed_by_any_word(library: ReferenceService) -> None:
    # No entry has all of these words; each word alone finds entries.
    hits = _slugs(library.search("magnesium zebra quinine"))
    assert {"low-magnesium", "quinine-and-tonic-water"} <= set(hits)
    # Few entries have both words: they come first, then those with either.
    every = _slugs(library.search("cirrhosis quinine"))
    assert len(every) > 3
    assert {"liver-cirrhosis", "quinine-and-tonic-water"} <= set(every[1:])


def test_a_flag_for_a_brand_names_the_generic(library: ReferenceService) -> None:
    flags = library.flags_for(["Evista"])
    assert [f.entry for f in flags] == ["other-listed-medications"]
    assert flags[0].reason.startswith("Evista (raloxifene) is a brand listed under")


def test_a_damaged_search_vocabulary_still_leaves_search_working(
    library: ReferenceService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from practitioner.content import search_terms

    broken = tmp_path / "search_terms.toml"
    broken.write_text("stopwords = [", encoding="utf-8")
    monkeypatch.setattr(search_terms, "default_terms_path", lambda: broken)
    search_terms._shipped.cache_clear()
    try:
        fresh = ReferenceService()
        assert _slugs(fresh.search("dehydration"))[0] == "dehydration"
        assert fresh.flags_for(["Evista"])[0].entry == "other-listed-medications"
    finally:
        search_terms._shipped.cache_clear()
