"""Search ranking does not follow an entry's length where the words typed say as much of
each: an entry that grows or shrinks (a review adds management, sources, a hub's links)
keeps its place among entries the words typed name alike, and among entries matching
some of the words, those holding more of them come first."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from practitioner.content.reference import Entry, load_reference
from practitioner.services.reference import ReferenceService


def _with_body(slug: str, body: Callable[[str], str]) -> list[Entry]:
    return [dataclasses.replace(e, body=body(e.body)) if e.slug == slug else e
            for e in load_reference()]


def _top(entries: list[Entry], query: str) -> list[str]:
    service = ReferenceService()
    service.seed(entries)
    return [hit.slug for hit in service.search(query)]


@pytest.mark.usefixtures("db_path")
def test_entries_a_shared_name_names_keep_their_order_whatever_their_length() -> None:
    shipped = _top(list(load_reference()), "charley horse")[:5]
    short = _with_body("idiopathic-nocturnal-leg-cramps", lambda body: body.split("\n\n")[0])
    assert _top(short, "charley horse")[:5] == shipped
    assert "idiopathic-nocturnal-leg-cramps" in shipped[:3]


@pytest.mark.usefixtures("db_path")
@pytest.mark.parametrize("times", [1, 4])
def test_the_entry_holding_more_of_the_words_leads_however_long(times: int) -> None:
    grown = _with_body("medication-induced-cramps", lambda body: "\n\n".join([body] * times))
    assert _top(grown, "caused by certain medications")[0] == "medication-induced-cramps"
