"""Edit conflicts: two people changed the same record from the same starting version.

Every editable row carries a version number. A save names the version it was loaded at;
when the stored row has moved on, the save is refused and an `EditConflict` carries both
sides — what this practitioner typed (`mine`) and what is stored now (`theirs`), with who
saved theirs and when — so the practitioner can choose, and nothing is overwritten
silently. Pure values and rules only; services raise `EditConflictError`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from practitioner.errors import ErrorKind, KnownError

T = TypeVar("T")


class ConflictChoice:
    """What the practitioner chose when their save met a newer version (audit details)."""

    KEEP_MINE = "keep_mine"
    KEEP_THEIRS = "keep_theirs"
    MERGE = "merge"


@dataclass(frozen=True)
class EditConflict(Generic[T]):
    """A refused save: the stored version moved on since the form was loaded.

    Attributes:
        kind: what was edited ("patient", "session", "protocol", "reference_note", …).
        record_id: the record's id (a slug for a reference note).
        base_version: the version the form was loaded at (the save's expected version).
        mine: what this practitioner tried to save.
        theirs: what is stored now.
        their_version: the stored version number; a save "on their version" names it.
        their_author: who saved the stored version ("" when not known).
        their_saved_at: when it was saved (UTC), when known.
    """

    kind: str
    record_id: int | str
    base_version: int
    mine: T
    theirs: T
    their_version: int
    their_author: str = ""
    their_saved_at: dt.datetime | None = None

    @property
    def differing(self) -> tuple[str, ...]:
        """The top-level fields whose values differ between mine and theirs."""
        return differing_fields(self.theirs, self.mine)


class EditConflictError(KnownError):
    """A save refused because the record changed elsewhere; carries the `EditConflict`.

    A KnownError of kind CONFLICT, so code that only knows "conflict" keeps working.
    """

    def __init__(self, conflict: EditConflict[Any], message: str) -> None:
        super().__init__(ErrorKind.CONFLICT, message)
        self.conflict = conflict


def differing_fields(theirs: Any, mine: Any) -> tuple[str, ...]:
    """Names of the top-level fields that differ, in declaration order.

    Both must be dataclass instances of the same type; any other pair of values is one
    unnamed field ("value") when it differs.
    """
    if dataclasses.is_dataclass(theirs) and dataclasses.is_dataclass(mine) and (
        type(theirs) is type(mine)
    ):
        return tuple(f.name for f in dataclasses.fields(theirs)
                     if getattr(theirs, f.name) != getattr(mine, f.name))
    return () if theirs == mine else ("value",)


def text_fields(value: Any) -> tuple[str, ...]:
    """The names of the free-text (str) top-level fields of a dataclass instance."""
    return tuple(f.name for f in dataclasses.fields(value)
                 if isinstance(getattr(value, f.name), str))


#: Free-text areas of the forms (notes, not one-line entries): compared side by side and
#: merged by hand whatever their length.
NOTE_FIELDS = frozenset({
    "notes", "plan", "course_since_last", "patient_report", "pattern_other",
    "principle_notes", "herbal_formula", "advice_notes", "conditions_notes", "address",
    "exercise",
})
SHORT_TEXT = 60  # a one-line value at most this long reads fine in a table cell


def note_fields(conflict: EditConflict[Any]) -> tuple[str, ...]:
    """The differing fields to compare side by side and merge by hand: note areas, and
    any other text that runs over several lines or is long."""
    if not dataclasses.is_dataclass(conflict.mine):
        return ()
    found = []
    for name in conflict.differing:
        theirs, mine = getattr(conflict.theirs, name), getattr(conflict.mine, name)
        if not (isinstance(theirs, str) and isinstance(mine, str)):
            continue
        if name in NOTE_FIELDS or any("\n" in t or len(t) > SHORT_TEXT for t in (theirs, mine)):
            found.append(name)
    return tuple(found)


def merged_text(theirs: str, mine: str) -> str:
    """A starting point for merging two texts by hand: both, theirs first.

    Lines the two share are kept once; where they differ, their lines come first, then
    mine, so nothing either side wrote is missing. When one text only added to the end
    of the other, the longer one is enough.
    """
    if not mine.strip() or theirs.startswith(mine):
        return theirs
    if not theirs.strip() or mine.startswith(theirs):
        return mine
    ours, yours = theirs.splitlines(), mine.splitlines()
    merged: list[str] = []
    matcher = difflib.SequenceMatcher(a=ours, b=yours, autojunk=False)
    for tag, a_start, a_end, b_start, b_end in matcher.get_opcodes():
        merged.extend(ours[a_start:a_end])
        if tag != "equal":
            merged.extend(yours[b_start:b_end])
    return "\n".join(merged)


def merged_start(conflict: EditConflict[Any]) -> dict[str, str]:
    """For each differing note field (`note_fields`), the prefilled merged text."""
    return {name: merged_text(getattr(conflict.theirs, name), getattr(conflict.mine, name))
            for name in note_fields(conflict)}


def with_texts(value: T, texts: Mapping[str, str]) -> T:
    """`value` with the given free-text fields replaced (a merge's result)."""
    return dataclasses.replace(value, **dict(texts))  # type: ignore[type-var]
