"""The search vocabulary kept as content: its checks, and that it covers the library."""

from __future__ import annotations

from pathlib import Path

import pytest

from practitioner.content.errors import ContentError
from practitioner.content.reference import load_reference
from practitioner.content.search_terms import default_terms_path, load_search_terms
from practitioner.domain.reference_flags import medication_flags
from practitioner.domain.search import name_key

SHIPPED = default_terms_path().read_text(encoding="utf-8")


def test_the_shipped_vocabulary_loads_with_its_links_checked() -> None:
    terms = load_search_terms(slugs=[e.slug for e in load_reference()])
    groups = {word: group for group in terms.synonyms for word in group}
    for lay, meant in [("hot", "warm"), ("nite", "night"), ("toes", "foot"),
                       ("twitchy", "twitching"), ("swollen", "swelling"),
                       ("workout", "exercise"), ("flight", "travel")]:
        assert meant in groups[lay]
    assert {"and", "the", "at"} <= terms.stopwords


def test_every_brand_the_library_lists_has_its_generic() -> None:
    generics = {name_key(brand): generic
                for brand, generic in load_search_terms().generic_of().items()}
    for entry in load_reference():
        if entry.medication is not None:
            missing = [b for b in entry.medication.brands if name_key(b) not in generics]
            assert not missing, entry.slug


def test_no_brand_said_to_be_unlinked_is_listed_by_the_library() -> None:
    listed = {name_key(name): entry.slug for entry in load_reference() if entry.medication
              for name in (*entry.medication.brands, *entry.medication.generics)}
    said_unlinked = {brand.brand: listed.get(name_key(brand.brand))
                     for brand in load_search_terms().brands if not brand.linked}
    assert not {brand: slug for brand, slug in said_unlinked.items() if slug}


def test_every_brand_the_vocabulary_links_is_still_a_brand_in_the_library() -> None:
    brands = {name_key(b) for e in load_reference() if e.medication
              for b in e.medication.brands}
    linked = [b.brand for b in load_search_terms().brands if b.linked]
    assert not [b for b in linked if name_key(b) not in brands]


def test_a_flag_for_a_brand_names_its_generic() -> None:
    flags = medication_flags(["Evista 60mg"], load_reference(),
                             load_search_terms().generic_of())
    assert "Evista (raloxifene)" in flags[0].reason
    flags = medication_flags(["Lipitor"], load_reference(), load_search_terms().generic_of())
    assert flags[0].reason.startswith("Lipitor (atorvastatin) is a brand listed under")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "search_terms.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: "extra = 1\n" + s, "unknown key"),
        (lambda s: s.replace('"nite", ', '"nite", "Hot Stuff", '), "one lower-case word"),
        (lambda s: s.replace('"nite", ', '"nite", "hot", '), "already in synonyms 1"),
        (lambda s: s.replace('"and", "or"', '"and", "and"'), "stopwords repeats"),
        (lambda s: s.replace('see = "diabetes"', 'see = "no-such-entry"'),
         "names no reference entry"),
        (lambda s: s.replace('"Evista" = "raloxifene"', '"Evista" = ""'), "must name a generic"),
        (lambda s: s.replace('"Lipitor" = "atorvastatin"', '"lipitor" = "atorvastatin"')
         .replace('"Zocor"', '"LIPITOR"'), "given twice"),
        (lambda s: s.replace('note = "a painkiller; not linked to cramps"\nsee',
                             'colour = "red"\nsee', 1), "exactly the keys"),
        (lambda s: s + "\n[[brands", "cannot be read"),
    ],
)
def test_a_broken_vocabulary_is_refused_naming_the_place(
    tmp_path: Path, change: object, message: str
) -> None:
    assert callable(change)
    text = change(SHIPPED)
    assert text != SHIPPED
    with pytest.raises(ContentError, match=r"search_terms\.toml") as error:
        load_search_terms(write(tmp_path, text), slugs=[e.slug for e in load_reference()])
    assert message in str(error.value)
