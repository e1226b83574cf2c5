"""The `import` command, run as a real subprocess: round trip and one-line refusals."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from practitioner.domain.serialize import EXPORT_VERSION
from tests.helpers.cli import assert_one_line_failure, run_cli
from tests.unit.services.test_record_import import normalised

pytestmark = pytest.mark.slow


def _export(tmp_path: Path, db: Path, out: Path) -> dict[str, Any]:
    result = run_cli(tmp_path, "--db", db, "export", "--format", "json", "--out", out)
    assert result.returncode == 0, result.stderr
    return json.loads(out.read_text(encoding="utf-8"))


def test_demo_export_import_export_round_trip(tmp_path: Path) -> None:
    demo, copy = tmp_path / "demo.db", tmp_path / "copy.db"
    assert run_cli(tmp_path, "--db", demo, "demo", "--patients", "5").returncode == 0
    first = _export(tmp_path, demo, tmp_path / "first.json")
    result = run_cli(tmp_path, "--db", copy, "import", tmp_path / "first.json")
    assert result.returncode == 0, result.stderr
    assert "Imported 5 patients" in result.stderr
    second = _export(tmp_path, copy, tmp_path / "second.json")
    assert normalised(second) == normalised(first)
    again = run_cli(tmp_path, "--db", copy, "import", tmp_path / "first.json",
                    "--on-duplicate", "skip")
    assert again.returncode == 0 and "skipped 5" in again.stderr


def test_truncated_and_newer_files_are_refused_in_one_line(tmp_path: Path) -> None:
    demo, target = tmp_path / "demo.db", tmp_path / "target.db"
    assert run_cli(tmp_path, "--db", demo, "demo", "--patients", "2").returncode == 0
    full = tmp_path / "full.json"
    _export(tmp_path, demo, full)
    text = full.read_text(encoding="utf-8")
    truncated = tmp_path / "truncated.json"
    truncated.write_text(text[: len(text) // 2], encoding="utf-8")
    line = assert_one_line_failure(run_cli(tmp_path, "--db", target, "import", truncated))
    assert "not valid JSON" in line and "line" in line and "column" in line
    newer = tmp_path / "newer.json"
    newer.write_text(text.replace(f'"format_version": {EXPORT_VERSION}',
                                  '"format_version": 99', 1), encoding="utf-8")
    line = assert_one_line_failure(run_cli(tmp_path, "--db", target, "import", newer))
    assert "$.format_version" in line and "newer" in line
    wrong = tmp_path / "wrong.json"
    document = json.loads(text)
    document["patients"][1]["diary"] = "none"
    wrong.write_text(json.dumps(document), encoding="utf-8")
    line = assert_one_line_failure(run_cli(tmp_path, "--db", target, "import", wrong))
    assert "$.patients[1].diary" in line
    assert not target.exists(), "a refused import into a new file leaves no file"
