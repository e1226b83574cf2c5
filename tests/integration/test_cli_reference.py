"""`reference search` and `flags` on the command line, run as a real subprocess."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from practitioner.db.connection import close_database, open_sqlite
from practitioner.domain.patient import Medication
from practitioner.domain.screen import RedFlagScreen
from practitioner.services.patients import PatientService
from tests.helpers.cli import assert_one_line_failure, run_cli
from tests.helpers.db_fixtures import TODAY
from tests.helpers.demo_inputs import ann
from tests.helpers.reference_library import FIXTURE_LIBRARY

pytestmark = pytest.mark.slow

ACCEPTANCE = ("flags", "--medication", "Indapamide 2.5mg", "--medication", "Symbicort",
              "--medication", "omeprazole", "--json")


def _assert_acceptance(flags: list[dict[str, str]]) -> None:
    """The issue's acceptance: the thiazide-like diuretic, long-acting beta-agonist and
    low-magnesium associations are named, with reasons."""
    by_entry = {f["entry"]: f for f in flags}
    assert {"diuretics-thiazide", "long-acting-beta-agonists",
            "proton-pump-inhibitors"} <= set(by_entry)
    assert all({"entry", "reason", "level"} <= set(f) for f in flags)
    assert all(f["level"] in ("info", "caution", "refer") for f in flags)
    assert "thiazide-like" in by_entry["diuretics-thiazide"]["reason"]
    assert "Indapamide 2.5mg" in by_entry["diuretics-thiazide"]["reason"]
    laba = by_entry["long-acting-beta-agonists"]["reason"]
    assert "Symbicort" in laba and "long-acting beta-agonist" in laba.casefold()
    assert "low magnesium" in by_entry["proton-pump-inhibitors"]["reason"]


def test_the_acceptance_flags_command_on_the_fixture_library(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "--db", tmp_path / "records.db", *ACCEPTANCE,
                     "--library", FIXTURE_LIBRARY)
    assert result.returncode == 0, result.stderr
    _assert_acceptance(json.loads(result.stdout))


def test_the_acceptance_flags_command_on_the_shipped_library(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "--db", tmp_path / "records.db", *ACCEPTANCE)
    assert result.returncode == 0, result.stderr
    _assert_acceptance(json.loads(result.stdout))


def test_reference_search_json_is_a_ranked_list(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "--db", tmp_path / "records.db", "reference", "search",
                     "charley", "horse", "--json", "--library", FIXTURE_LIBRARY)
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)
    assert hits[0]["slug"] == "idiopathic-nocturnal-leg-cramps"
    assert [h["rank"] for h in hits] == list(range(1, len(hits) + 1))
    assert all({"slug", "title", "kind"} <= set(h) for h in hits)


def test_reference_search_as_text_and_with_hostile_input(tmp_path: Path) -> None:
    db = tmp_path / "records.db"
    result = run_cli(tmp_path, "--db", db, "reference", "search", "anemia",
                     "--library", FIXTURE_LIBRARY)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("anaemia  Anaemia (condition)")
    for text in ['"NEAR(', "😀", "x" * 5000]:
        hostile = run_cli(tmp_path, "--db", db, "reference", "search", text, "--json",
                          "--library", FIXTURE_LIBRARY)
        assert hostile.returncode == 0, hostile.stderr
        assert isinstance(json.loads(hostile.stdout), list)


def test_flags_for_a_stored_patient(tmp_path: Path) -> None:
    db = tmp_path / "records.db"
    open_sqlite(db)
    try:
        patient = PatientService(today=lambda: TODAY).create(ann(
            medications=(Medication("Bendroflumethiazide", "2.5 mg"),),
            screen=RedFlagScreen(pain_on_walking_relieved_by_rest=True),
        ))
    finally:
        close_database()

    result = run_cli(tmp_path, "--db", db, "flags", "--patient", patient.id, "--json",
                     "--library", FIXTURE_LIBRARY)

    assert result.returncode == 0, result.stderr
    flags = json.loads(result.stdout)
    assert [(f["entry"], f["level"]) for f in flags] == [
        ("red-flag-claudication", "refer"), ("diuretics-thiazide", "caution")]
    text = run_cli(tmp_path, "--db", db, "flags", "--patient", patient.id,
                   "--library", FIXTURE_LIBRARY)
    assert text.stdout.splitlines()[0].startswith("[REFER] Claudication (red-flag-claudication)")


def test_flags_with_conditions_by_code_slug_or_label(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "--db", tmp_path / "records.db", "flags", "--condition",
                     "diabetes", "--condition", "liver-cirrhosis", "--condition", "Anaemia",
                     "--json", "--library", FIXTURE_LIBRARY)
    assert result.returncode == 0, result.stderr
    assert [f["entry"] for f in json.loads(result.stdout)] == [
        "diabetes", "anaemia", "liver-cirrhosis"]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("flags", "--condition", "gout"), "There is no condition “gout”"),
        # A patient can only be in a records file (there is none here).
        (("flags", "--patient", "404"), "There is no records file at"),
    ],
)
def test_failures_are_one_line(tmp_path: Path, args: tuple[str, ...], needle: str) -> None:
    result = run_cli(tmp_path, "--db", tmp_path / "records.db", *args,
                     "--library", FIXTURE_LIBRARY)
    assert needle in assert_one_line_failure(result)


def test_a_broken_library_is_one_line_naming_the_file(tmp_path: Path) -> None:
    library = tmp_path / "library"
    shutil.copytree(FIXTURE_LIBRARY, library)
    statins = library / "medications" / "statins.toml"
    statins.write_text(statins.read_text(encoding="utf-8") + 'colour = "red"\n',
                       encoding="utf-8")
    result = run_cli(tmp_path, "--db", tmp_path / "records.db", "reference", "search", "x",
                     "--library", library)
    line = assert_one_line_failure(result)
    assert "statins.toml" in line and "colour" in line


def test_flags_needs_a_patient_or_names(tmp_path: Path) -> None:
    for args in (("flags",), ("flags", "--patient", "1", "--medication", "x")):
        result = run_cli(tmp_path, "--db", tmp_path / "records.db", *args)
        assert result.returncode == 2
        assert "flags needs either --patient" in result.stderr
        assert not (tmp_path / "records.db").exists()
