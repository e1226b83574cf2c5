"""The library a search and the flags use follows the stored one: a seeding in this
process replaces it at once, one elsewhere (another workstation on the clinic server,
another program on the file) is seen at the next check, without the whole table being
read to find out."""

from __future__ import annotations

import dataclasses

import pytest

from practitioner.content.reference import Entry
from practitioner.services import reference as reference_module
from practitioner.services.reference import ReferenceService
from tests.helpers.db_fixtures import FakeClock
from tests.helpers.reference_library import fixture_entries


def _renamed(title: str) -> list[Entry]:
    return [dataclasses.replace(e, version=e.version + 1, title=title)
            if e.slug == "statins" else e for e in fixture_entries()]


def _seed_elsewhere(entries: list[Entry], clock: FakeClock) -> None:
    """Seed as another workstation would: the stored library changes while this
    process keeps the library it parsed before."""
    parsed = reference_module._PARSED
    kept = (parsed.head, parsed.entries)
    ReferenceService(clock=clock).seed(entries)
    assert kept[1] is not None
    parsed.keep(*kept)


def _titles(service: ReferenceService, text: str) -> list[str]:
    return [hit.title for hit in service.search(text)]


@pytest.mark.usefixtures("db_path")
def test_a_library_seeded_elsewhere_is_searched_at_the_next_check(
    clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = ReferenceService(clock=clock)
    here.seed(fixture_entries())
    assert "Zebrafish statins" not in _titles(here, "zebrafish")
    _seed_elsewhere(_renamed("Zebrafish statins"), clock)
    assert "Zebrafish statins" in _titles(ReferenceService(clock=clock), "zebrafish")
    monkeypatch.setattr(reference_module, "LIBRARY_RECHECK_SECONDS", 0.0)
    _seed_elsewhere(_renamed("Quokka statins"), clock)
    assert "Quokka statins" in _titles(here, "quokka")
    assert any(e.title == "Quokka statins" for e in here.entries())


@pytest.mark.usefixtures("db_path")
def test_a_seeding_here_is_searched_at_once(clock: FakeClock) -> None:
    here = ReferenceService(clock=clock)
    here.seed(fixture_entries())
    assert _titles(here, "statins")
    ReferenceService(clock=clock).seed(_renamed("Zebrafish statins"))
    assert "Zebrafish statins" in _titles(here, "zebrafish")


@pytest.mark.usefixtures("db_path")
def test_other_changes_to_the_records_keep_the_parsed_library(clock: FakeClock) -> None:
    here = ReferenceService(clock=clock)
    here.seed(fixture_entries())
    parsed = reference_module._PARSED.entries
    here.save_note("statins", "Ask about brand switches.")  # an audit entry, not the library
    ReferenceService(clock=clock).search("statins")
    assert reference_module._PARSED.entries is parsed
