"""Search keys for names and the reading of the search box."""

from __future__ import annotations

import pytest

from practitioner.domain.search import PatientQuery, name_key, parse_query


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("José", "jose"),
        ("Chloé O'Brien-Ng", "chloe obrien ng"),
        ("MÜLLER", "muller"),
        ("Björn Andersson", "bjorn andersson"),
        ("D\u2019Arcy", "darcy"),
        ("Anne-Marie", "anne marie"),
        ("  Mary   Ann  ", "mary ann"),
        ("Straße", "strasse"),
        ("Lucía Fernández", "lucia fernandez"),
        ("O\u02bcNeill", "oneill"),
    ],
)
def test_name_key_drops_accents_case_and_apostrophes(name: str, key: str) -> None:
    assert name_key(name) == key


def test_name_key_of_composed_and_decomposed_accents_is_the_same() -> None:
    assert name_key("Jos\u00e9") == name_key("Jose\u0301") == "jose"


@pytest.mark.parametrize(
    ("text", "prefix"),
    [
        ("1975", "1975"),
        (" 1975 ", "1975"),
        ("1975-03", "1975-03"),
        ("1975-3", "1975-03"),
        ("1975-03-14", "1975-03-14"),
        ("14.03.1975", "1975-03-14"),
        ("14/03/1975", "1975-03-14"),
        ("4.3.1975", "1975-03-04"),
    ],
)
def test_parse_query_reads_dates_as_birth_date_prefixes(text: str, prefix: str) -> None:
    assert parse_query(text) == PatientQuery(birth_date_prefix=prefix)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("Margaret", "margaret"),
        ("  José  Ruiz ", "jose ruiz"),
        ("o'brien", "obrien"),
        ("", ""),
    ],
)
def test_parse_query_reads_other_text_as_a_name(text: str, fragment: str) -> None:
    assert parse_query(text) == PatientQuery(name_fragment=fragment)
