"""The command line follows the conventions of one: each subcommand's help says what it
does, the program is called by the name it was started with, `--json` where a script
reads the answer, and exit codes that tell the failures apart, listed in the README."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from practitioner import cli, cli_grammar, terminal
from practitioner.db.cipher import PASSPHRASE_ENV
from practitioner.db.connection import close_database, open_sqlite
from practitioner.domain.demo_scale import Size
from practitioner.exit_codes import ExitCode, exit_code_for, kinds_of
from practitioner.reporting import cli_main
from tests.integration.test_cli_hostile_values import LEAVES

ROOT = Path(__file__).resolve().parents[2]


def _run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in argv])
    close_database()
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


@pytest.mark.parametrize("words", sorted(LEAVES), ids=" ".join)
def test_each_subcommand_help_says_what_it_does(
    words: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main([*words, "--help"]) == ExitCode.OK
    usage, _, rest = capsys.readouterr().out.partition("\n\n")
    assert usage.startswith(f"usage: {cli_grammar.PROGRAM} {' '.join(words)}")
    description = rest.partition("\n\n")[0]
    assert not description.startswith(("positional arguments", "options")), description
    assert len(description.split()) >= 3 and description.rstrip().endswith(".")


def test_the_program_is_named_as_it_was_started() -> None:
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))[
        "project"]["scripts"]
    assert scripts[cli_grammar.PROGRAM] == "practitioner.reporting:cli_main"
    done = subprocess.run([sys.executable, "-m", "practitioner", "check", "--help"],
                          capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.startswith("usage: python -m practitioner check")


def test_help_and_usage_errors_load_neither_qt_nor_the_services() -> None:
    probe = (
        "import sys\n"
        "from practitioner.reporting import cli_main\n"
        "codes = [cli_main(['--help']), cli_main(['export', '--help']), cli_main(['nope'])]\n"
        "print(codes, sorted(m for m in sys.modules if m.split('.')[0] in "
        "('PySide6', 'peewee', 'sqlite3', 'psycopg') or m.startswith(("
        "'practitioner.services', 'practitioner.db', 'practitioner.ui'))))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=60, check=True)
    assert done.stdout.splitlines()[-1] == "[0, 0, 2] []"


def test_the_grammar_names_what_the_heavy_modules_define() -> None:
    assert cli_grammar.PASSPHRASE_VARIABLE == PASSPHRASE_ENV
    assert tuple(size.name for size in Size) == cli_grammar.SIZES


def _readme_exit_codes() -> dict[int, str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Command line\n", 1)[1].split("\n## ", 1)[0]
    table = section.split("\n### Exit codes\n", 1)[1]
    return {int(code): meaning.strip() for code, meaning in
            re.findall(r"^\| (\d+) \| (.+?) \|", table, flags=re.MULTILINE)}


def test_the_readme_lists_the_exit_codes_of_the_code() -> None:
    assert _readme_exit_codes() == {int(code): code.meaning for code in ExitCode}


def test_the_failures_a_script_must_tell_apart_have_their_own_codes() -> None:
    special = [ExitCode.LOCKED, ExitCode.DAMAGED, ExitCode.TOO_NEW, ExitCode.PASSPHRASE]
    assert len({*special, ExitCode.FAILED, ExitCode.USAGE}) == len(special) + 2
    for code in special:
        assert kinds_of(code), code
        assert all(exit_code_for(kind) is code for kind in kinds_of(code))


def test_too_new_and_encrypted_records_exit_with_their_codes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    future = tmp_path / "future.db"
    open_sqlite(future)
    close_database()
    with sqlite3.connect(future) as conn:
        conn.execute("INSERT INTO schema_migration (name, applied) "
                     "VALUES ('0999_future', '2030-01-01')")
    conn.close()
    code, out, err = _run(capsys, "--db", future, "check")
    assert (code, out) == (ExitCode.TOO_NEW, "") and "newer version" in err

    secret = tmp_path / "secret.db"
    open_sqlite(secret, passphrase="correct horse battery staple")
    close_database()
    code, out, err = _run(capsys, "--db", secret, "export", "--format", "json")
    assert (code, out) == (ExitCode.PASSPHRASE, "") and "passphrase" in err


def test_check_backup_and_audit_verify_answer_in_json(
    migrated_template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records = tmp_path / "records.db"
    shutil.copyfile(migrated_template, records)

    code, out, _ = _run(capsys, "--db", records, "check", "--json")
    assert code == ExitCode.OK and json.loads(out)["ok"] is True
    code, out, _ = _run(capsys, "--db", records, "backup", "--json", "--to", tmp_path)
    made = json.loads(out)
    assert code == ExitCode.OK and made["ok"] and Path(made["backup"]).is_file()
    code, out, _ = _run(capsys, "--db", records, "audit", "verify", "--json")
    verified = json.loads(out)
    assert code == ExitCode.OK and verified["ok"] and verified["broken_at"] is None

    code, out, err = _run(capsys, "--db", tmp_path / "missing.db", "check", "--json")
    assert code == ExitCode.NO_RECORDS
    assert json.loads(out) == {"ok": False, "error": "missing",
                               "message": err.removeprefix("error: ").strip()}


def test_an_unknown_key_from_a_file_cannot_steer_the_terminal(
    migrated_template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records = tmp_path / "records.db"
    shutil.copyfile(migrated_template, records)
    export = tmp_path / "export.json"
    assert _run(capsys, "--db", records, "export", "--format", "json", "--out", export)[0] == 0
    document = json.loads(export.read_text(encoding="utf-8"))
    export.write_text(json.dumps({**document, "\x1b[2J\x1b[31mhi\u202e": 1}),
                      encoding="utf-8")

    code, _, err = _run(capsys, "--db", records, "import", export)

    assert code == ExitCode.FAILED
    assert "\x1b" not in err and "\u202e" not in err
    assert "\\x1b[2J\\x1b[31mhi\\u202e" in err and len(err.splitlines()) == 1


def test_python_m_and_the_entry_point_run_the_same_grammar(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli_main(["--version"]) == ExitCode.OK
    assert capsys.readouterr().out.startswith(f"{cli_grammar.PROGRAM} ")
    assert cli_main(["check", "--no-such-option"]) == ExitCode.USAGE
    assert "unrecognized arguments" in capsys.readouterr().err


def test_a_terminal_that_cannot_show_a_character_gets_an_escape_not_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    streams = [io.TextIOWrapper(io.BytesIO(), encoding="ascii") for _ in range(2)]
    monkeypatch.setattr(sys, "stdout", streams[0])
    monkeypatch.setattr(sys, "stderr", streams[1])
    missing = tmp_path / "Müller “records”.db"

    code = cli.main(["--db", str(missing), "check"])

    streams[1].flush()
    err = streams[1].buffer.getvalue().decode("ascii")  # type: ignore[attr-defined]
    assert code == ExitCode.NO_RECORDS
    assert err == f"error: There is no records file at {tmp_path}/M\\xfcller " \
        "\\u201crecords\\u201d.db.\n"


@pytest.mark.parametrize(("text", "shown"), [
    ("\x1b[2J", "\\x1b[2J"), ("a\x07b\x7f\x9b", "a\\x07b\\x7f\\x9b"),
    ("\u202eevil\u2066", "\\u202eevil\\u2066"), ("bad\udcff.db", "bad\\udcff.db"),
    ("Müller „ok“\ttab", "Müller „ok“\ttab"),
])
def test_terminal_text_shows_control_characters_as_escapes(text: str, shown: str) -> None:
    assert terminal.safe(text) == shown
    assert terminal.one_line(f"{text}\nnext\r") == f"{shown}\\x0anext\\x0d"


@pytest.mark.slow
def test_a_reader_that_stops_early_gets_no_error_line(tmp_path: Path) -> None:
    """`cramp-practitioner-cli reference search cramp | head -1`: like other tools, the
    command stops quietly when nobody reads the rest of its output."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is already gone: the first write fails with EPIPE
    env = {**os.environ, "CRAMP_PRACTITIONER_DATA_DIR": str(tmp_path / "data")}
    try:
        result = subprocess.run(
            [sys.executable, "-m", "practitioner", "--db", str(tmp_path / "r.db"),
             "reference", "search", "cramp"], stdout=write_end, stderr=subprocess.PIPE,
            env=env, text=True, timeout=120, check=False)
    finally:
        os.close(write_end)
    assert result.stderr == ""
    assert result.returncode == ExitCode.FAILED
