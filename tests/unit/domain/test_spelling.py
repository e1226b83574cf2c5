"""British and American spellings: either one, or the start of one, gives the other."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from practitioner.domain.spelling import MAX_VARIANTS, canonical, fold, variants

PAIRS = [
    ("anaemia", "anemia"),
    ("haem", "hem"),
    ("haemoglobin", "hemoglobin"),
    ("oedema", "edema"),
    ("ischaemia", "ischemia"),
    ("ischaemic", "ischemic"),
    ("hypoglycaemia", "hypoglycemia"),
    ("hyponatraemia", "hyponatremia"),
    ("hypokalaemia", "hypokalemia"),
    ("oesophagus", "esophagus"),
    ("oestrogen", "estrogen"),
    ("neurone", "neuron"),
    ("liquorice", "licorice"),
    ("frusemide", "furosemide"),
    ("chlortalidone", "chlorthalidone"),
    ("colour", "color"),
    ("discoloured", "discolored"),
    ("labour", "labor"),
    ("paediatric", "pediatric"),
    ("anaesthetic", "anesthetic"),
    ("diarrhoea", "diarrhea"),
    ("centre", "center"),
    ("millilitre", "milliliter"),
    ("sulphate", "sulfate"),
    ("salbutamol", "albuterol"),
    ("charlie", "charley"),
]


@pytest.mark.parametrize(("british", "american"), PAIRS)
def test_either_spelling_gives_the_other(british: str, american: str) -> None:
    assert american in variants(british)
    assert british in variants(american)
    assert canonical(british) == canonical(american)


@pytest.mark.parametrize(
    ("typed", "other"),
    [("anem", "anaem"), ("anaem", "anem"), ("anemi", "anaemi"), ("esoph", "oesoph"),
     ("hemo", "haemo"), ("ischem", "ischaem"), ("furos", "frus"), ("licor", "liquor")],
)
def test_the_start_of_a_word_being_typed_gives_the_other_start(typed: str, other: str) -> None:
    assert other in variants(typed)


@pytest.mark.parametrize("word", ["toe", "shoe", "poem", "them", "system", "cramp", "statin"])
def test_ordinary_words_keep_their_spelling(word: str) -> None:
    assert canonical(word) == word
    assert variants(word)[0] == word


def test_the_reverse_of_aem_is_not_guessed_inside_ordinary_words() -> None:
    assert variants("frusemide") == ("frusemide", "furosemide")
    assert "edaema" not in variants("edema")


def test_fold_spells_out_ligatures_and_drops_accents() -> None:
    assert fold("Anæmia") == "anaemia"
    assert fold("Œdema") == "oedema"
    assert fold("Café") == "cafe"


@given(st.text(max_size=60))
def test_variants_of_anything_start_with_the_word_itself_and_are_few(word: str) -> None:
    found = variants(word)
    assert found[0] == fold(word)
    assert len(found) == len(set(found)) <= MAX_VARIANTS
    assert isinstance(canonical(word), str)
