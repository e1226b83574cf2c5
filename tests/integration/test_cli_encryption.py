"""The command line on an encrypted records file: the passphrase comes from a file, the
environment or the terminal, a wrong one fails in one line, and it can be changed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from practitioner.db.cipher import PASSPHRASE_ENV, WRONG_PASSPHRASE, is_encrypted
from tests.helpers.cli import assert_one_line_failure

pytestmark = pytest.mark.slow

PASSPHRASE = "clinic 'secret' passphrase"


def _cli(cwd: Path, *args: str | Path, passphrase: str | None = None
         ) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CRAMP_PRACTITIONER_DATA_DIR": str(cwd / "data")}
    env.pop(PASSPHRASE_ENV, None)
    if passphrase is not None:
        env[PASSPHRASE_ENV] = passphrase
    return subprocess.run(
        [sys.executable, "-m", "practitioner", *map(str, args)], cwd=cwd, env=env,
        stdin=subprocess.DEVNULL, capture_output=True, text=True, encoding="utf-8",
        timeout=120, check=False,
    )


def test_passphrase_from_env_creates_and_reads_an_encrypted_file(tmp_path: Path) -> None:
    db = tmp_path / "records.db"
    made = _cli(tmp_path, "--db", db, "demo", "--patients", "2", passphrase=PASSPHRASE)
    assert made.returncode == 0, made.stderr
    assert is_encrypted(db)
    exported = _cli(tmp_path, "--db", db, "export", "--format", "json",
                    passphrase=PASSPHRASE)
    assert exported.returncode == 0, exported.stderr
    assert '"patients"' in exported.stdout

    missing = assert_one_line_failure(_cli(tmp_path, "--db", db, "check"))
    assert "--passphrase-file" in missing
    # One line, without SQLCipher's own log chatter about the failed HMAC check.
    wrong = assert_one_line_failure(_cli(tmp_path, "--db", db, "check", passphrase="nope"))
    assert WRONG_PASSPHRASE in wrong


def test_change_passphrase_from_files(tmp_path: Path) -> None:
    db = tmp_path / "records.db"
    assert _cli(tmp_path, "--db", db, "demo", "--patients", "1",
                passphrase=PASSPHRASE).returncode == 0
    current = tmp_path / "current.txt"
    current.write_text(PASSPHRASE + "\n", encoding="utf-8")
    new = tmp_path / "new.txt"
    new.write_text("a brand new passphrase\n", encoding="utf-8")
    changed = _cli(tmp_path, "--db", db, "--passphrase-file", current, "change-passphrase",
                   "--new-passphrase-file", new)
    assert changed.returncode == 0, changed.stderr
    assert WRONG_PASSPHRASE in assert_one_line_failure(
        _cli(tmp_path, "--db", db, "--passphrase-file", current, "check"))
    checked = _cli(tmp_path, "--db", db, "--passphrase-file", new, "check")
    assert checked.returncode == 0, checked.stderr
    assert "integrity ok" in checked.stdout


def test_encrypt_a_plain_file(tmp_path: Path) -> None:
    db = tmp_path / "records.db"
    assert _cli(tmp_path, "--db", db, "demo", "--patients", "2").returncode == 0
    before = _cli(tmp_path, "--db", db, "export", "--format", "json").stdout
    new = tmp_path / "new.txt"
    new.write_text(PASSPHRASE + "\n", encoding="utf-8")
    done = _cli(tmp_path, "--db", db, "encrypt", "--new-passphrase-file", new)
    assert done.returncode == 0, done.stderr
    assert "Encrypted" in done.stderr and "overwritten" in done.stderr
    assert is_encrypted(db)
    after = _cli(tmp_path, "--db", db, "export", "--format", "json", passphrase=PASSPHRASE)
    assert after.returncode == 0, after.stderr
    def same(text: str) -> list[str]:
        return [line for line in text.splitlines() if '"exported_at"' not in line]
    assert '"patients"' in before
    assert same(after.stdout) == same(before), "every record survives encryption"
    assert "no records file" in assert_one_line_failure(
        _cli(tmp_path, "--db", tmp_path / "missing.db", "encrypt",
             "--new-passphrase-file", new))
