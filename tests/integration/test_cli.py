"""The headless command line, run as a real subprocess: demo, export, check."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from practitioner.domain.serialize import EXPORT_VERSION
from tests.helpers.cli import assert_one_line_failure, run_cli
from tests.helpers.files import overwrite_pages, page_count

pytestmark = pytest.mark.slow

PATIENTS = 50


def without_timestamps(document: dict[str, Any]) -> dict[str, Any]:
    """The export without the times the records were written or signed (the clock's)."""
    document = dict(document)
    document.pop("exported_at")
    document["patients"] = [
        {
            **{k: v for k, v in record.items() if k not in ("created_at", "updated_at")},
            "sessions": [
                {k: v for k, v in session.items() if k != "finalised_at"}
                for session in record["sessions"]
            ],
        }
        for record in document["patients"]
    ]
    return document


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A records file filled by `demo --patients 50`; tests only read it or copy it."""
    cwd = tmp_path_factory.mktemp("cli")
    path = cwd / "demo.db"
    result = run_cli(cwd, "--db", path, "demo", "--patients", PATIENTS)
    assert result.returncode == 0, result.stderr
    assert f"Added {PATIENTS} demo patients with " in result.stdout
    return path


def test_export_json_to_stdout(demo_db: Path, tmp_path: Path) -> None:
    result = run_cli(tmp_path, "--db", demo_db, "export", "--format", "json")

    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert len(document["patients"]) == PATIENTS
    for record in document["patients"]:
        assert {"cramp_profile", "conditions", "medications"} <= record.keys()
    assert not (tmp_path / "data" / "records.db").exists()  # --db was used, not the default
    # About half the demo patients keep a cramp diary, from 4 weeks before the first visit.
    keepers = [r for r in document["patients"] if r["diary"]]
    assert 0 < len(keepers) < PATIENTS
    for record in keepers:
        days = [d["day"] for d in record["diary"]]
        assert days == sorted(set(days))
        first_visit = dt.date.fromisoformat(record["sessions"][0]["started_at"][:10])
        assert days[0] >= (first_visit - dt.timedelta(days=28)).isoformat()


def test_demo_patients_come_with_sessions_in_the_export(tmp_path: Path) -> None:
    path = tmp_path / "five.db"
    demo = run_cli(tmp_path, "--db", path, "demo", "--patients", 5)
    assert demo.returncode == 0, demo.stderr
    added = re.fullmatch(
        rf"Added 5 demo patients with (\d+) treatment sessions to {re.escape(str(path))}\.\n",
        demo.stdout,
    )
    assert added, demo.stdout

    export = run_cli(tmp_path, "--db", path, "export", "--format", "json")

    assert export.returncode == 0, export.stderr
    document = json.loads(export.stdout)
    assert document["format_version"] == EXPORT_VERSION
    assert len(document["patients"]) == 5
    codes = {d["code"] for d in document["measure_definitions"]}
    sessions = [s for record in document["patients"] for s in record["sessions"]]
    assert len(sessions) == int(added.group(1))
    for record in document["patients"]:
        assert record["sessions"], record["name"]
        starts = [s["started_at"] for s in record["sessions"]]
        assert starts == sorted(starts)
        assert all(s["status"] == "final" for s in record["sessions"][:-1])
        activities = {a["id"]: a["wording"] for a in record["psfs_activities"]}
        assert 2 <= len(activities) <= 3
        for index, session in enumerate(record["sessions"]):
            values = session["measures"]["values"]
            assert set(values) <= codes
            assert "cramps_per_week" in values and "worst_severity" in values
            assert ("pgic" in values) == (index > 0)
            assert {int(a) for a in session["measures"]["psfs"]} == set(activities)
        progress = record["progress"]
        cramps = next(m for m in progress["measures"] if m["code"] == "cramps_per_week")
        first = record["sessions"][0]["measures"]["values"]["cramps_per_week"]
        last = record["sessions"][-1]["measures"]["values"]["cramps_per_week"]
        assert (cramps["baseline"], cramps["latest"]) == (first, last)
        assert cramps["change"] == last - first
        assert cramps["trend"] in {"better", "worse", "same"}
        assert set(progress["flags"]) <= {"responder", "severity_important", "psfs_important"}
        for day in record["diary"]:
            assert 0 <= day["cramps"] <= 200
            assert day["day"] < record["sessions"][-1]["started_at"][:10]
    for session in sessions:
        tongue, pulse = session["tongue"], session["pulse"]
        assert tongue["body_colour"] and tongue["coating_colour"]
        assert tongue["coating_thickness"]
        assert pulse["qualities"]
        assert session["patterns"]
        assert session["points"]
        assert all(re.fullmatch(r"[A-Z]{2}\d{1,3}", p["code"]) for p in session["points"])
        assert session["practitioner"] == "Demo Practitioner"
        if session["status"] == "final":
            assert session["finalised_by"] == "Demo Practitioner"


def test_export_to_a_file_writes_the_same_document(demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "exports" / "patients.json"
    out.parent.mkdir()
    to_file = run_cli(tmp_path, "--db", demo_db, "export", "--format", "json", "--out", out)
    to_stdout = run_cli(tmp_path, "--db", demo_db, "export", "--format", "json")

    assert to_file.returncode == 0, to_file.stderr
    assert to_file.stdout == ""
    written = json.loads(out.read_text(encoding="utf-8"))
    assert len(written["patients"]) == PATIENTS
    assert without_timestamps(written) == without_timestamps(json.loads(to_stdout.stdout))
    assert [p.name for p in out.parent.iterdir()] == ["patients.json"]  # no temp file left


def test_export_of_one_patient(demo_db: Path, tmp_path: Path) -> None:
    result = run_cli(tmp_path, "--db", demo_db, "export", "--format", "json", "--patient", 3)

    assert result.returncode == 0, result.stderr
    assert [r["id"] for r in json.loads(result.stdout)["patients"]] == [3]


def test_export_of_a_missing_patient_fails_in_one_line(demo_db: Path, tmp_path: Path) -> None:
    result = run_cli(tmp_path, "--db", demo_db, "export", "--format", "json", "--patient", 999)
    assert "999" in assert_one_line_failure(result)


def test_demo_uses_the_data_folder_when_no_db_is_given(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "demo", "--patients", 2)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "data" / "records.db").is_file()


def test_check_on_a_healthy_file(demo_db: Path, tmp_path: Path) -> None:
    result = run_cli(tmp_path, "--db", demo_db, "check")

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("ok:")
    assert str(demo_db) in lines[0]


@pytest.fixture(params=["every-other-page", "some-pages"])
def damaged_db(demo_db: Path, tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    """A copy of the demo file with the start of several pages (never page 1) overwritten.

    The two patterns fail SQLite's checks differently: one as an error, one as a
    multi-line report; both must end as one line on stderr.
    """
    path = shutil.copyfile(demo_db, tmp_path / "damaged.db")
    last = page_count(path)
    assert last > 9
    pages = list(range(3, last, 2)) if request.param == "every-other-page" else [3, 5, 7, 9]
    overwrite_pages(path, pages)
    return path


@pytest.mark.parametrize("command", [["check"], ["export", "--format", "json"], ["demo"]])
def test_a_damaged_file_fails_in_one_line(
    damaged_db: Path, tmp_path: Path, command: list[str]
) -> None:
    before = damaged_db.read_bytes()
    line = assert_one_line_failure(run_cli(tmp_path, "--db", damaged_db, *command))
    assert "damaged" in line
    assert damaged_db.read_bytes() == before


def test_check_on_a_text_file_fails_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("Not a database at all.\n" * 20, encoding="utf-8")
    assert "not a Cramp Practitioner records file" in assert_one_line_failure(
        run_cli(tmp_path, "--db", path, "check")
    )


def test_check_on_a_missing_file_fails_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "missing.db"
    assert_one_line_failure(run_cli(tmp_path, "--db", path, "check"))
    assert not path.exists()


def test_demo_in_an_unwritable_place_fails_in_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "afile"
    blocker.write_text("a regular file where a folder should be\n", encoding="utf-8")
    assert_one_line_failure(run_cli(tmp_path, "--db", blocker / "x.db", "demo"))
    assert blocker.read_text(encoding="utf-8").startswith("a regular file")


def test_demo_with_the_same_seed_gives_the_same_records(tmp_path: Path) -> None:
    def demo_export(name: str, seed: int) -> dict[str, Any]:
        path = tmp_path / name
        demo = run_cli(tmp_path, "--db", path, "demo", "--seed", seed)
        assert demo.returncode == 0, demo.stderr
        export = run_cli(tmp_path, "--db", path, "export", "--format", "json")
        assert export.returncode == 0, export.stderr
        return without_timestamps(json.loads(export.stdout))

    first, second = demo_export("first.db", 7), demo_export("second.db", 7)
    other = demo_export("other.db", 8)

    assert len(first["patients"]) == 40
    assert first == second
    assert other != first


def test_export_csv_writes_sessions_and_diary(demo_db: Path, tmp_path: Path) -> None:
    import csv

    result = run_cli(tmp_path, "--db", demo_db, "export", "--format", "csv",
                     "--out", tmp_path / "caseload.csv")

    assert result.returncode == 0, result.stderr
    with (tmp_path / "caseload-sessions.csv").open(encoding="utf-8", newline="") as handle:
        visits = list(csv.DictReader(handle))
    with (tmp_path / "caseload-diary.csv").open(encoding="utf-8", newline="") as handle:
        days = list(csv.DictReader(handle))
    assert len({v["patient_id"] for v in visits}) == PATIENTS
    assert days
    assert all(float(v["worst_severity"]) >= 0 for v in visits if v["worst_severity"])


def test_export_csv_needs_out(demo_db: Path, tmp_path: Path) -> None:
    result = run_cli(tmp_path, "--db", demo_db, "export", "--format", "csv")
    assert result.returncode == 2
    assert "needs --out" in result.stderr


def test_export_csv_to_a_missing_folder_fails_in_one_line(demo_db: Path, tmp_path: Path) -> None:
    target = tmp_path / "no such folder" / "out.csv"
    result = run_cli(tmp_path, "--db", demo_db, "export", "--format", "csv", "--out", target)
    assert_one_line_failure(result)
    assert not target.parent.exists()


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root writes into read-only folders")
def test_export_csv_to_a_read_only_folder_fails_in_one_line(demo_db: Path,
                                                             tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        result = run_cli(tmp_path, "--db", demo_db, "export", "--format", "csv",
                         "--out", folder / "out.csv")
        assert_one_line_failure(result)
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o700)
