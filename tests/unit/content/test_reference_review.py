"""The shipped library's governance: one grade per source, complete citations, and a review
history on every entry (issue 19 item 4)."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest

from practitioner.content.reference import Entry, load_reference

ENTRIES = load_reference()

# Corporate authors: a citation may start with one of these instead of personal names.
ORGANISATIONS = (
    "National Institute for Health and Care Excellence", "BMJ Best Practice", "MSD Manual",
    "Merck Manual", "Centre for Hip Health", "MHRA", "Medicines and Healthcare products",
    "NHS", "EDTNA/ERCA", "US Food and Drug Administration", "European Medicines Agency",
    "US National Library of Medicine", "Motor Neurone Disease Association", "Yin Yang House",
    "University College London Hospitals", "Me and Qi", "TCM Window",
    "US Code of Federal Regulations", "British Orthopaedic Association",
    "Royal College of Emergency Medicine", "Cholesterol Treatment Trialists",
    "Mayo Clinic", "World Health Organization", "Sacred Lotus",
    "Family Physicians Inquiries Network", "Joint Formulary Committee", "Wellcome Collection",
    # classical texts: an anonymous compilation or a named classical author
    "Anonymous (", "Zhang Zhongjing", "Cheng Xinnong",
)
# "Surname AB, Surname C, et al" up to the first full stop.
_NAME = (r"(?:(?:van|der|de|von|al|el) )*[A-Z][\w'’-]+(?: (?:van |der |de )*[A-Z][\w'’-]+)*"
         r" [A-Z]{1,3}")
PERSONS = re.compile(rf"{_NAME}(?:, {_NAME})*(?:,? et al)?(?:;.*)?")
YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")


def _key(url: str) -> str:
    doi = re.search(r"10\.\d{4,9}/[^\s/]+(?:/[^\s]+)?", url)
    if doi:
        return "doi:" + doi.group(0).rstrip("/").removesuffix("/full").casefold()
    return re.sub(r"^https?://(www\.)?", "", url).rstrip("/").casefold()


def test_one_source_has_one_grade_across_the_library() -> None:
    grades: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for entry in ENTRIES:
        for source in entry.sources:
            grades[_key(source.url)].add((source.quality, entry.slug))
    mixed = {key: sorted(found) for key, found in grades.items()
             if len({quality for quality, _ in found}) > 1}
    assert not mixed, mixed


def test_the_grade_check_sees_a_mixed_grade() -> None:
    assert _key("https://www.cochranelibrary.com/cdsr/doi/10.1002/14651858.CD008496.pub3/full") \
        == _key("https://doi.org/10.1002/14651858.CD008496.pub3")


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.slug)
def test_every_citation_has_a_year_and_authors(entry: Entry) -> None:
    for source in entry.sources:
        citation = source.citation
        assert YEAR.search(citation), f"no year: {citation}"
        head = citation.split(". ")[0]
        assert PERSONS.fullmatch(head) or citation.startswith(ORGANISATIONS), \
            f"no authors: {citation}"


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.slug)
def test_every_entry_has_a_review_history_ending_at_its_last_review(entry: Entry) -> None:
    assert entry.history, "every entry records its reviews"
    assert entry.history[-1].date == entry.last_reviewed
    for review in entry.history:
        assert review.change and review.checked


def test_the_review_history_is_not_one_batch_stamp() -> None:
    # Entries changed in a review say what changed; those only read say so.
    changes = {e.history[-1].change for e in ENTRIES}
    assert len(changes) > 5


def test_the_night_cramp_entry_is_a_hub_not_the_shortest() -> None:
    night = next(e for e in ENTRIES if e.slug == "idiopathic-nocturnal-leg-cramps")
    assert len(night.related) >= 5
    text = night.body.lower()
    for needed in ("toes", "stretch", "magnesium", "quinine", "diltiazem",
                   "naftidrofuryl", "vitamin b", "over 50", "summer"):
        assert needed in text, needed
    assert len(night.body) > sorted(len(e.body) for e in ENTRIES)[len(ENTRIES) // 2]


def test_blood_stasis_is_not_urgent_in_itself() -> None:
    stasis = next(e for e in ENTRIES if e.slug == "pattern-blood-stasis")
    assert stasis.refer.urgency == "none"
    assert "same-day" in stasis.refer.advice.lower()


def test_tetany_names_hyperventilation_and_grades_its_advice() -> None:
    tetany = next(e for e in ENTRIES if e.slug == "red-flag-tetany")
    assert "hyperventilation" in tetany.body.lower()
    assert "no same-day referral" in tetany.refer.advice


def test_no_point_avoided_in_pregnancy_is_called_distal_and_bl67_is_listed() -> None:
    for slug in ("pregnancy-cramps", "tcm-common-points"):
        entry = next(e for e in ENTRIES if e.slug == slug)
        assert "BL67" in entry.body
        assert "distal points (such as" not in entry.body


def test_the_anaemia_entry_follows_fit_guided_referral() -> None:
    anaemia = next(e for e in ENTRIES if e.slug == "anaemia")
    assert "FIT" in anaemia.body
    assert any("DG56" in s.citation for s in anaemia.sources)
