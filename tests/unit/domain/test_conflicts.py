"""Edit conflicts as values: what differs, and where a merge by hand starts."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from practitioner.domain.conflicts import (
    EditConflict,
    EditConflictError,
    differing_fields,
    merged_start,
    merged_text,
    with_texts,
)
from practitioner.domain.session import SessionInput
from practitioner.errors import ErrorKind, KnownError

VISIT = dt.datetime(2025, 1, 15, 10, 0)


def test_differing_fields_names_the_top_level_fields_in_order() -> None:
    theirs = SessionInput(VISIT, notes="a", plan="p")
    mine = SessionInput(VISIT, notes="b", plan="p", duration_minutes=30)
    assert differing_fields(theirs, mine) == ("duration_minutes", "notes")
    assert differing_fields("x", "x") == () and differing_fields("x", "y") == ("value",)


def test_shared_lines_are_kept_once_and_theirs_come_first() -> None:
    theirs = "Cramps four nights.\nCalf softer."
    mine = "Cramps four nights.\nThigh too."
    assert merged_text(theirs, mine) == "Cramps four nights.\nCalf softer.\nThigh too."


def test_a_text_that_only_grew_is_enough_on_its_own() -> None:
    assert merged_text("One.", "One. Two.") == "One. Two."
    assert merged_text("One. Two.", "One.") == "One. Two."
    assert merged_text("Theirs.", "") == "Theirs."


lines = st.lists(st.text(alphabet="abc ", min_size=1, max_size=6).filter(str.strip), max_size=6)


@given(lines, lines)
def test_a_merge_start_loses_no_line_of_either_text(ours: list[str], yours: list[str]) -> None:
    merged = merged_text("\n".join(ours), "\n".join(yours))
    for line in [*ours, *yours]:
        assert line in merged


def test_merged_start_covers_differing_text_fields_only() -> None:
    conflict = EditConflict("session", 1, 1, mine=SessionInput(VISIT, notes="b", plan="p"),
                            theirs=SessionInput(VISIT, notes="a", plan="p",
                                                duration_minutes=20), their_version=2)
    assert merged_start(conflict) == {"notes": "a\nb"}
    assert with_texts(conflict.mine, {"notes": "ab"}).notes == "ab"


def test_the_error_is_a_known_conflict_carrying_the_values() -> None:
    conflict = EditConflict("reference_note", "cramp", 0, "mine", "theirs", 1)
    error = EditConflictError(conflict, "changed elsewhere")
    assert isinstance(error, KnownError) and error.kind is ErrorKind.CONFLICT
    assert error.conflict.theirs == "theirs" and error.message == "changed elsewhere"
