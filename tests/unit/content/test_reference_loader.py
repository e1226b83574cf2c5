"""The reference loader is strict: every broken file fails loading with the file named."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest

from practitioner.content.errors import ContentError
from practitioner.content.reference import (
    Entry,
    entry_from_raw,
    entry_to_raw,
    load_reference,
)
from tests.helpers.reference_library import FIXTURE_LIBRARY, fixture_entries, fixture_entry

GOOD = '''\
slug = "night-cramps"
kind = "cause"
title = "Night cramps"
synonyms = ["charley horse"]
summary = "Calf cramps at night."
body = """
First paragraph.

Second paragraph.
"""
clues = ["Wakes at night"]
related = []
evidence = "Observational."
last_reviewed = 2026-11-24
version = 1

[refer]
urgency = "none"
advice = "Refer if widespread."

[[sources]]
citation = "Allen RE, Kirby KA. Nocturnal leg cramps. Am Fam Physician 2012;86:350."
url = "https://www.aafp.org/pubs/afp/issues/2012/0815/p350.html"
quality = "expert-opinion"
'''

REFER_TABLE = '[refer]\nurgency = "none"\nadvice = "Refer if widespread."\n'

MEDICATION = '''
[medication]
generics = ["indapamide"]
brands = ["Natrilix"]
association = "moderate"
'''

HISTORY = '''
[[history]]
date = 2026-11-24
change = "First written."
checked = ["Allen RE, Kirby KA 2012"]
'''


def test_an_entry_keeps_its_review_history_through_a_json_copy(tmp_path: Path) -> None:
    _write(tmp_path, "night-cramps.toml", GOOD + HISTORY)
    [entry] = load_reference(tmp_path)
    assert [(r.date, r.change, r.checked) for r in entry.history] == [
        (dt.date(2026, 11, 24), "First written.", ("Allen RE, Kirby KA 2012",))]
    assert entry_from_raw(json.loads(json.dumps(entry_to_raw(entry)))) == entry


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _fails(folder: Path, *needles: str) -> str:
    with pytest.raises(ContentError) as caught:
        load_reference(folder)
    message = str(caught.value)
    for needle in needles:
        assert needle in message, message
    assert "\n" not in message
    return message


def test_a_good_entry_loads_with_its_paragraphs(tmp_path: Path) -> None:
    _write(tmp_path, "night-cramps.toml", GOOD)
    [entry] = load_reference(tmp_path)
    assert entry.slug == "night-cramps"
    assert entry.synonyms == ("charley horse",)
    assert entry.paragraphs == ("First paragraph.", "Second paragraph.")
    assert entry.last_reviewed == dt.date(2026, 11, 24)
    assert entry.medication is None


def _replace_line(key: str, line: str) -> str:
    return re.sub(rf"(?m)^{re.escape(key)} = .*$", line.replace("\\", "\\\\"), GOOD, count=1)


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ('colour = "red"\n' + GOOD, "unknown key(s): colour"),
        (GOOD.replace('evidence = "Observational."\n', ""), "missing key(s): evidence"),
        (GOOD.replace('advice = "Refer if widespread."\n', 'advice = "x"\nextra = 1\n'),
         "unknown key(s) in [refer]: extra"),
        (GOOD.replace('quality = "expert-opinion"\n', 'quality = "expert-opinion"\nyear = 1\n'),
         "unknown key(s) in [sources 1]: year"),
        ("sources = []\n" + GOOD.split("[[sources]]")[0], "at least one [[sources]]"),
        (GOOD.replace('quality = "expert-opinion"', 'quality = "blog"'), "quality must be one of"),
        (GOOD.replace('url = "https://www.aafp.org/pubs/afp/issues/2012/0815/p350.html"',
                      'url = "see the AFP"'), "url must be a web address"),
        (_replace_line("kind", 'kind = "gossip"'), "kind “gossip” is not one of"),
        (_replace_line("urgency", 'urgency = "whenever"'), "refer.urgency must be one of"),
        (_replace_line("slug", 'slug = "other-name"'), "must equal the file name"),
        (_replace_line("title", 'title = "  "'), "“title” must be a non-empty string"),
        (_replace_line("synonyms", 'synonyms = "charley horse"'), "“synonyms” must be a list"),
        (_replace_line("clues", 'clues = ["", "x"]'), "“clues” must be a list"),
        (_replace_line("last_reviewed", 'last_reviewed = "last week"'), "last_reviewed"),
        (_replace_line("last_reviewed", "last_reviewed = 2026-11-24T10:00:00"), "last_reviewed"),
        (_replace_line("version", "version = 0"), "version must be a whole number"),
        (_replace_line("version", "version = true"), "version must be a whole number"),
        (_replace_line("related", 'related = ["night-cramps"]'), "related to itself"),
        ("refer = 3\n" + GOOD.replace(REFER_TABLE, ""), "[refer] must be a table"),
        (GOOD + MEDICATION, "only medication entries have a [medication] table"),
        (_replace_line("kind", 'kind = "medication"'), "needs a [medication] table"),
        (_replace_line("kind", 'kind = "medication"')
         + MEDICATION.replace('"moderate"', '"huge"'), "medication.association must be one of"),
        (_replace_line("kind", 'kind = "medication"')
         + MEDICATION.replace('["Natrilix"]', '"Natrilix"'), "“brands” must be a list"),
        (_replace_line("kind", 'kind = "medication"')
         + MEDICATION.replace('["indapamide"]', "[]"), "“generics” must name at least one"),
        (GOOD.replace('title = "Night cramps"', 'title = "Night cramps'), "cannot be read"),
        (GOOD + HISTORY.replace("date = 2026-11-24", 'date = "soon"'),
         "history 1: date must be a date"),
        (GOOD + HISTORY.replace('checked = ["Allen RE, Kirby KA 2012"]', "checked = []"),
         "“checked” must name at least one"),
        (GOOD + HISTORY.replace('change = "First written."', ""),
         "missing key(s) in [history 1]: change"),
        (GOOD + HISTORY.replace("date = 2026-11-24", "date = 2026-11-20"),
         "last_reviewed must be the date of the latest [[history]] review"),
        (GOOD + HISTORY.replace("2026-11-24", "2026-12-01") + HISTORY,
         "history must be oldest first"),
    ],
    ids=lambda v: v if isinstance(v, str) and len(v) < 60 else "entry",
)
def test_a_broken_entry_fails_loading_naming_its_file(
    tmp_path: Path, text: str, needle: str
) -> None:
    _write(tmp_path, "night-cramps.toml", text)
    message = _fails(tmp_path, needle)
    assert message.startswith("night-cramps.toml: "), message


def test_a_link_to_a_missing_entry_fails_naming_the_file_and_the_link(tmp_path: Path) -> None:
    _write(tmp_path, "night-cramps.toml", _replace_line("related", 'related = ["stretching"]'))
    _fails(tmp_path, "night-cramps.toml", "related entries do not exist: stretching")


def test_a_slug_that_is_not_lower_case_words_with_hyphens_fails(tmp_path: Path) -> None:
    _write(tmp_path, "Night_Cramps.toml", _replace_line("slug", 'slug = "Night_Cramps"'))
    _fails(tmp_path, "Night_Cramps.toml", "lower-case words joined by hyphens")


def test_a_slug_used_twice_names_both_files(tmp_path: Path) -> None:
    _write(tmp_path / "causes", "night-cramps.toml", GOOD)
    _write(tmp_path / "more", "night-cramps.toml", GOOD)
    _fails(tmp_path, "more/night-cramps.toml", "causes/night-cramps.toml", "already used")


def test_a_missing_folder_fails(tmp_path: Path) -> None:
    _fails(tmp_path / "nowhere", "does not exist")


def test_entries_in_subfolders_are_loaded(tmp_path: Path) -> None:
    _write(tmp_path / "causes" / "deep", "night-cramps.toml", GOOD)
    assert [e.slug for e in load_reference(tmp_path)] == ["night-cramps"]


# --- the fixture library and the stored form ------------------------------------------------


def test_the_fixture_library_loads_with_every_kind_the_flags_need() -> None:
    kinds = {e.kind for e in fixture_entries()}
    assert {"cause", "condition", "medication", "red-flag", "self-care", "tcm"} <= kinds
    assert fixture_entry("diuretics-thiazide").medication is not None


def test_entries_round_trip_through_their_stored_json_form() -> None:
    for entry in fixture_entries():
        stored = json.loads(json.dumps(entry_to_raw(entry), ensure_ascii=False))
        assert entry_from_raw(stored) == entry


def test_a_stored_entry_is_checked_by_the_same_rules() -> None:
    raw = entry_to_raw(fixture_entry("statins"))
    raw["kind"] = "gossip"
    with pytest.raises(ContentError, match=re.escape("statins.toml: kind “gossip”")):
        entry_from_raw(raw)


def test_an_entry_keeps_its_public_fields() -> None:
    # The GUI and the services read these names; renaming one is an API change.
    assert [f.name for f in dataclasses.fields(Entry)] == [
        "slug", "kind", "title", "synonyms", "summary", "body", "clues", "related",
        "evidence", "last_reviewed", "version", "refer", "sources", "medication",
        "history",
    ]


def test_the_fixture_library_copies_cleanly(tmp_path: Path) -> None:
    # Guards the other tests: a copy of the fixture library is a valid library.
    shutil.copytree(FIXTURE_LIBRARY, tmp_path / "library")
    assert len(load_reference(tmp_path / "library")) == len(fixture_entries())
