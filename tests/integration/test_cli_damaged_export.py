"""`export` on damaged records reads them read-only: what is readable is exported with a
warning, what is not fails in one line, and the file never changes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from practitioner import cli
from practitioner.db.connection import close_database
from practitioner.exit_codes import ExitCode
from tests.helpers.files import sha256
from tests.helpers.records import DAMAGE, demo_records

PATIENTS = 30


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_export_of_damaged_records_saves_what_is_readable(
    migrated_template: Path, tmp_path: Path, damage: str, capsys: pytest.CaptureFixture[str]
) -> None:
    records = demo_records(migrated_template, tmp_path / "records.db", PATIENTS)
    DAMAGE[damage](records)
    before = sha256(records)
    exported, refused = [], []
    for patient in range(1, PATIENTS + 1):
        code = cli.main(["--db", str(records), "export", "--format", "json",
                         "--patient", str(patient)])
        out, err = capsys.readouterr()
        lines = err.splitlines()
        assert len(lines) == 1 and "damaged" in lines[0] and "Traceback" not in err
        if code == cli.EXIT_OK:
            assert lines[0].startswith("warning: ") and "read-only" in lines[0]
            assert json.loads(out)["patients"][0]["id"] == patient
            exported.append(patient)
        else:
            assert code == ExitCode.DAMAGED and out == ""
            assert lines[0].startswith("error: ") and "cannot be read" in lines[0]
            refused.append(patient)
    close_database()
    assert sha256(records) == before
    if damage == "byte-flipped":  # One bad page: most patients are still whole.
        assert len(exported) > PATIENTS // 2, refused
