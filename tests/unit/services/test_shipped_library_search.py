"""The issue's acceptance over the shipped library: every cause, condition and TCM
statement of the seed article is found by searching its key words (within the first
three hits), and seeding the shipped library twice changes nothing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from practitioner.content.reference import load_reference
from practitioner.db.connection import close_database
from practitioner.services.reference import ReferenceService
from tests.helpers.db_fixtures import open_records_at, seeded_records


@pytest.fixture
def library(request: pytest.FixtureRequest, engine: str) -> Iterator[ReferenceService]:
    location = seeded_records(request, engine, "shipped",
                              lambda: ReferenceService().seed(load_reference()))
    open_records_at(location)
    yield ReferenceService()
    close_database()


# (words of the seed article, the entry they must find)
ARTICLE = [
    ("overuse of a muscle", "muscle-overuse"),
    ("long periods of exercise or physical labour", "muscle-overuse"),
    ("hot weather", "hot-weather"),
    ("dehydration", "dehydration"),
    ("muscle strain", "muscle-strain"),
    ("holding a position for a prolonged period", "prolonged-position"),
    ("cause isn't known", "cause-unknown"),
    ("caused by certain medications", "medication-induced-cramps"),
    ("arteriosclerosis", "peripheral-arterial-disease"),
    ("narrowing of the arteries", "peripheral-arterial-disease"),
    ("lumbar stenosis", "lumbar-spinal-stenosis"),
    ("compression of the nerves in the spine", "lumbar-spinal-stenosis"),
    ("shortage of potassium", "low-potassium"),
    ("calcium", "low-calcium"),
    ("magnesium", "low-magnesium"),
    ("kidney", "kidney-disease-dialysis"),
    ("thyroid", "thyroid-disorders"),
    ("nerve disorders", "peripheral-neuropathy"),
    ("hormone disorders", "hormone-disorders"),
    ("diabetes", "diabetes"),
    ("hypoglycemia", "hypoglycaemia"),
    ("anemia", "anaemia"),
    ("stretching", "stretching"),
    ("massaging the muscle", "massage"),
    ("applying warmth", "warmth"),
    ("nocturnal cramps calf toes", "idiopathic-nocturnal-leg-cramps"),
    ("liver and gallbladder meridians", "tcm-liver-gallbladder-channels"),
    ("nourishing the tendons and ligaments", "tcm-liver-governs-sinews"),
    ("blockage of blood and energy", "tcm-qi-blood-obstruction"),
    ("restoring the liver energy flow", "tcm-treatment-approach"),
    ("acupuncture", "acupuncture-evidence"),
]


@pytest.mark.parametrize(("words", "slug"), ARTICLE, ids=[w for w, _ in ARTICLE])
def test_the_articles_statements_are_found_by_their_key_words(
    library: ReferenceService, words: str, slug: str
) -> None:
    assert slug in [h.slug for h in library.search(words)][:3]


def test_seeding_the_shipped_library_again_changes_nothing(library: ReferenceService) -> None:
    result = library.seed(load_reference())
    assert not result.changed
    assert result.unchanged == library.count() == len(load_reference())
