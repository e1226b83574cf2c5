"""Run the command line as a real subprocess, and check its failures are one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run_cli(cwd: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    """Run `python -m practitioner ARGS` in `cwd`, with a data folder under `cwd`."""
    env = {**os.environ, "CRAMP_PRACTITIONER_DATA_DIR": str(cwd / "data")}
    return subprocess.run(
        [sys.executable, "-m", "practitioner", *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


def assert_one_line_failure(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert result.stdout == ""
    return lines[0]
