"""The audit chain's pure rules: canonical form, hashing, and finding the first break."""

from __future__ import annotations

import dataclasses

import pytest

from practitioner.domain.audit import (
    GENESIS_HASH,
    AuditEntry,
    AuditFields,
    canonical,
    chained,
    changed_fields,
    check_fields,
    first_break,
)


def _chain(count: int) -> list[AuditEntry]:
    entries: list[AuditEntry] = []
    for seq in range(1, count + 1):
        fields = AuditFields(seq, f"2025-01-15T09:30:{seq:02d}.000000Z", "Dr Test", "update",
                             "patient", seq, seq, "fields: notes")
        entries.append(chained(entries[-1] if entries else None, fields))
    return entries


def test_a_fresh_chain_is_intact_and_starts_at_genesis() -> None:
    entries = _chain(5)
    assert entries[0].prev_hash == GENESIS_HASH
    assert first_break(entries, highest_issued=5) is None


def test_canonical_form_keeps_field_boundaries() -> None:
    one = AuditFields(1, "t", "ab", "create", "c")
    other = AuditFields(1, "t", "a", "create", "bc")
    assert canonical(one) != canonical(other)
    assert canonical(AuditFields(1, "t", "p", "open", entity_id=None)) != canonical(
        AuditFields(1, "t", "p", "open", entity_id=0))


def test_an_altered_entry_is_named() -> None:
    entries = _chain(5)
    entries[2] = dataclasses.replace(
        entries[2], fields=dataclasses.replace(entries[2].fields, detail="x"))
    broken = first_break(entries)
    assert broken is not None and broken.seq == 3 and broken.reason == "entry was altered"


def test_a_missing_middle_entry_is_named() -> None:
    entries = _chain(5)
    del entries[1]
    broken = first_break(entries)
    assert broken is not None and broken.seq == 2 and broken.reason == "entry missing"


def test_a_cut_off_end_shows_against_the_highest_issued_number() -> None:
    broken = first_break(_chain(3), highest_issued=5)
    assert broken is not None and broken.seq == 4


def test_a_rewritten_chain_fails_against_an_external_anchor() -> None:
    original = _chain(4)
    anchor = (4, original[-1].hash)
    forged = _chain(3)
    forged.append(chained(forged[-1], dataclasses.replace(original[3].fields, detail="y")))
    assert first_break(forged) is None  # consistent on its own …
    broken = first_break(forged, anchor=anchor)  # … but not with what was held outside
    assert broken is not None and broken.seq == 4
    truncated = first_break(original[:2], anchor=anchor)
    assert truncated is not None and truncated.seq == 3


@pytest.mark.parametrize("fields", [
    AuditFields(1, "t", "p", "Not An Action"),
    AuditFields(1, "t", "p", "open", detail="two\nlines"),
    AuditFields(1, "t", "p", "open", detail="x" * 201),
])
def test_unrecordable_fields_are_refused(fields: AuditFields) -> None:
    with pytest.raises(ValueError):
        check_fields(fields)


@dataclasses.dataclass
class _Record:
    name: str
    notes: str
    age: int


def test_changed_fields_names_fields_never_values() -> None:
    detail = changed_fields(_Record("Ann", "secret", 3), _Record("Ann", "other secret", 4))
    assert detail == "fields: notes, age"
    assert "secret" not in detail
    assert changed_fields(_Record("a", "b", 1), _Record("a", "b", 1)) == "no field changed"
