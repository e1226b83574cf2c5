"""Search as you type over the fixture library: ranking, prefixes, British and American
spellings, lay terms, and any input at all never raising."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from practitioner.db.connection import close_database
from practitioner.domain.spelling import fold
from practitioner.services.reference import ReferenceService, SearchHit
from tests.helpers.db_fixtures import open_records_at, seeded_records
from tests.helpers.reference_library import fixture_entries


@pytest.fixture
def library(request: pytest.FixtureRequest, engine: str) -> Iterator[ReferenceService]:
    """The seeded fixture library (seeded once per module and engine); tests only read it."""
    location = seeded_records(request, engine, "search",
                              lambda: ReferenceService().seed(fixture_entries()))
    open_records_at(location)
    yield ReferenceService()
    close_database()


def _slugs(hits: list[SearchHit]) -> list[str]:
    return [h.slug for h in hits]


def test_a_word_in_the_title_ranks_above_the_same_word_in_a_body(
    library: ReferenceService,
) -> None:
    slugs = _slugs(library.search("stretching"))
    assert slugs[0] == "stretching"
    assert {"red-flag-compartment-syndrome", "idiopathic-nocturnal-leg-cramps"} <= set(slugs)
    slugs = _slugs(library.search("claudication"))
    assert slugs[0] == "red-flag-claudication"
    assert slugs.index("peripheral-arterial-disease") < slugs.index("lumbar-spinal-stenosis")


def test_a_synonym_ranks_above_the_same_words_in_a_body(library: ReferenceService) -> None:
    assert _slugs(library.search("arteriosclerosis"))[0] == "peripheral-arterial-disease"
    assert _slugs(library.search("sports cramps"))[0] == "exercise-associated-cramps"


@pytest.mark.parametrize("text", ["charley horse", "Charley Horse", "charlie horse",
                                  "charley-horse", "charl"])
def test_lay_terms_find_their_entry(library: ReferenceService, text: str) -> None:
    assert _slugs(library.search(text))[0] == "idiopathic-nocturnal-leg-cramps"


@pytest.mark.parametrize(
    ("typed", "slug"),
    [("claudica", "red-flag-claudication"), ("hypogly", "hypoglycaemia"),
     ("stret", "stretching"), ("diuret", "diuretics-thiazide"), ("liquor", "liquorice-gan-cao"),
     ("cirrh", "liver-cirrhosis"), ("gan ca", "liquorice-gan-cao")],
)
def test_the_start_of_a_word_finds_the_entry(
    library: ReferenceService, typed: str, slug: str
) -> None:
    assert slug in _slugs(library.search(typed))[:3]


@pytest.mark.parametrize(
    ("typed", "slug"),
    [("anaemia", "anaemia"), ("anemia", "anaemia"), ("anemic", "anaemia"),
     ("hemoglobin", "anaemia"), ("ischemia", "red-flag-acute-limb-ischaemia"),
     ("edema", "red-flag-dvt"), ("oedema", "red-flag-dvt"),
     ("hypoglycemia", "hypoglycaemia"), ("hyponatremia", "red-flag-hyponatraemia"),
     ("hypomagnesemia", "proton-pump-inhibitors"), ("licorice", "liquorice-gan-cao"),
     ("frusemide", "diuretics-thiazide"), ("furosemide", "diuretics-thiazide"),
     ("hemodialysis", "kidney-disease-dialysis"),
     ("motor neuron", "red-flag-progressive-weakness")],
)
def test_british_and_american_spellings_find_the_same_entry(
    library: ReferenceService, typed: str, slug: str
) -> None:
    assert _slugs(library.search(typed))[0] == slug


@pytest.mark.parametrize(
    ("typed", "slug"),
    [("stretches", "stretching"), ("dehydrated", "dehydration"), ("diabetic", "diabetes"),
     ("tired muscles", "muscle-overuse"), ("arteries", "peripheral-arterial-disease")],
)
def test_plural_and_inflected_words_find_the_entry(
    library: ReferenceService, typed: str, slug: str
) -> None:
    assert _slugs(library.search(typed))[0] == slug


@pytest.mark.parametrize(
    ("typed", "slug"),
    [("Symbicort", "long-acting-beta-agonists"), ("omeprazole", "proton-pump-inhibitors"),
     ("Aldactone", "diuretics-potassium-sparing"), ("indapamide", "diuretics-thiazide")],
)
def test_a_drug_name_finds_its_class(library: ReferenceService, typed: str, slug: str) -> None:
    assert _slugs(library.search(typed))[0] == slug


def test_every_word_is_required_and_otherwise_any_word_will_do(
    library: ReferenceService,
) -> None:
    assert _slugs(library.search("dark urine")) == ["red-flag-dark-urine"]
    assert _slugs(library.search("charley zzzyzx"))[0] == "idiopathic-nocturnal-leg-cramps"
    assert library.search("zzzyzx qqqxq") == []


def test_snippets_are_plain_text_with_the_matches_marked(library: ReferenceService) -> None:
    for hit in library.search("stretching"):
        assert "\x02" not in hit.snippet and "\x03" not in hit.snippet
        for start, end in hit.highlights:
            assert fold(hit.snippet[start:end]).startswith("stretch"), hit
    charley = library.search("charley horse")[0]
    assert [charley.snippet[s:e] for s, e in charley.highlights] == ["charley", "horse"]


def test_hits_carry_title_and_kind(library: ReferenceService) -> None:
    [hit] = [h for h in library.search("statins") if h.slug == "statins"]
    assert (hit.title, hit.kind) == ("Statins", "medication")
    assert hit.snippet


def test_the_limit_is_kept(library: ReferenceService) -> None:
    assert len(library.search("cramps")) > 3
    assert len(library.search("cramps", limit=3)) == 3
    assert library.search("cramps", limit=0) == []


@pytest.mark.parametrize(
    "text",
    ["", "   ", "😀", "🦵💥", '"', '""', "'", "(", ")", "*", "^", ":", "-", "+", "NOT",
     "AND OR", "NEAR(calf night, 2)", "calf*", '"charley horse', "title:calf", "{title}: x",
     "\x00", "\x02calf\x03", "a" * 10_000, "calf " * 2_000, "Ω≈ç√∫", "ﬁbre", "日本語",
     "'; DROP TABLE reference_entry; --", "%", "_", "\\"],
)
def test_hostile_input_never_raises_and_is_never_interpreted(
    library: ReferenceService, text: str
) -> None:
    hits = library.search(text)
    assert isinstance(hits, list)
    assert library.count() == len(fixture_entries())


def test_operators_are_searched_as_words(library: ReferenceService) -> None:
    # "NOT" as an operator would need a left-hand side and fail; as a word it matches
    # entries containing "not" (and words starting with it).
    hits = library.search("not")
    assert hits and all(isinstance(h, SearchHit) for h in hits)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=300), limit=st.integers(min_value=-5, max_value=50))
def test_any_text_never_raises(library: ReferenceService, text: str, limit: int) -> None:
    hits = library.search(text, limit=limit)
    assert len(hits) <= max(limit, 0)
    assert len({h.slug for h in hits}) == len(hits)


# --- without FTS5 (PostgreSQL): LIKE ---------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "slug"),
    [("claudication", "red-flag-claudication"), ("anemia", "anaemia"),
     ("charley horse", "idiopathic-nocturnal-leg-cramps"),
     ("Symbicort", "long-acting-beta-agonists")],
)
def test_without_full_text_search_like_finds_the_same_entries(
    library: ReferenceService, typed: str, slug: str
) -> None:
    plain = ReferenceService(full_text=False)
    assert slug in _slugs(plain.search(typed))[:3]


def test_like_search_ranks_title_matches_first_and_survives_any_text(
    library: ReferenceService,
) -> None:
    plain = ReferenceService(full_text=False)
    assert _slugs(plain.search("stretching"))[0] == "stretching"
    for text in ['"', "%", "_", "😀", "a" * 10_000, "NEAR(x y)"]:
        assert isinstance(plain.search(text), list)
