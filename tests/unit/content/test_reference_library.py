"""Walks every shipped reference entry and checks what a practitioner relies on."""

from __future__ import annotations

import re

import pytest

from practitioner.content.reference import QUALITIES, URGENCIES, Entry, load_reference

ENTRIES = load_reference()
BY_SLUG = {e.slug: e for e in ENTRIES}

# Key words of every cause, condition and TCM statement in the seed article.
SEED_TERMS = [
    "overuse", "long periods of exercise", "physical labour", "hot weather", "dehydration",
    "muscle strain", "holding a position", "isn't known", "medications", "arteriosclerosis",
    "narrowing of the arteries", "lumbar stenosis", "potassium", "calcium", "magnesium",
    "kidney", "thyroid", "nerve", "hormone", "diabetes", "hypoglycemia", "anemia",
    "stretching", "massaging", "warmth", "blockage of blood", "liver and gallbladder",
    "tendons and ligaments", "liver energy", "blood circulation", "nocturnal", "calf",
    "toes", "hard lump",
]


def _text(entry: Entry) -> str:
    return " ".join([entry.title, *entry.synonyms, entry.summary, entry.body,
                     *entry.clues]).lower()


def test_the_library_covers_every_kind_the_issue_asks_for() -> None:
    kinds = {e.kind for e in ENTRIES}
    assert {"cause", "condition", "medication", "red-flag", "self-care", "tcm",
            "tcm-pattern", "evidence"} <= kinds
    assert len(ENTRIES) >= 50


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.slug)
def test_every_entry_is_sourced_dated_and_linked(entry: Entry) -> None:
    assert entry.sources, "every entry cites at least one source"
    for source in entry.sources:
        assert source.quality in QUALITIES
        assert len(source.citation) > 15
        assert source.url.startswith(("https://", "http://")), source.url
    assert entry.refer.urgency in URGENCIES
    assert entry.evidence and entry.summary
    assert entry.paragraphs, "the body has at least one paragraph"
    assert all(slug in BY_SLUG and slug != entry.slug for slug in entry.related)
    if entry.kind == "red-flag":
        assert entry.refer.urgency != "none", "a red flag always says how urgently to refer"
    if entry.kind == "medication":
        assert entry.medication is not None and entry.medication.generics
    if entry.kind in ("tcm", "tcm-pattern"):
        assert re.search(r"tradition", _text(entry) + entry.evidence.lower()), \
            "traditional framing is labelled as such"


@pytest.mark.parametrize("term", SEED_TERMS)
def test_every_seed_statement_has_an_entry_that_says_it(term: str) -> None:
    words = term.lower().replace("isn't", "not").split()
    assert any(all(w in _text(e) for w in words) for e in ENTRIES), term
