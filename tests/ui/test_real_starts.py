"""Every way the app starts, through the entry point a user runs, with nothing injected.

`practitioner.app.main([...])` in this process and `main.py` in a child process build
their own collaborators, the dialogs included; the tests answer those dialogs through
their widgets as a user would (`tests.helpers.modals`). Clinic starts use a fresh database
of their own on the PostgreSQL test server, dropped afterwards.
"""

from __future__ import annotations

import inspect
import os
import socket
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from PySide6.QtCore import QSettings

from practitioner import app, clinic
from practitioner.clinic import LAST_NAME_KEY
from practitioner.clinic_address import save_address
from practitioner.db.cipher import FileKind, file_kind
from practitioner.db.connection import close_database, open_sqlite
from practitioner.domain.server_address import parse_server_url
from practitioner.paths import DATA_DIR_ENV, data_dir
from practitioner.services.patients import PatientService
from practitioner.services.settings_file import ini_setting
from tests.helpers.db_fixtures import PostgresTestServer
from tests.helpers.demo_inputs import ann
from tests.helpers.modals import Reply, answering, run_main_py
from tests.helpers.records import demo_records

PASSPHRASE = "a long enough passphrase"
PASSWORD = "correct horse battery"
ADMIN = Reply("Administrator account", "Create account",
              {"Name": "Dr Admin", "Password": PASSWORD, "Password again": PASSWORD})
OK = "OK"


@pytest.fixture(autouse=True)
def _own_excepthook(monkeypatch: pytest.MonkeyPatch) -> None:
    """`main` installs the app's excepthook; it is put back after each test."""
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    # Restyling every widget earlier tests left alive costs seconds and tests nothing here.
    monkeypatch.setattr(app, "_load_style", lambda _app: None)


@pytest.fixture
def clinic_db(postgres_server: PostgresTestServer) -> Iterator[str]:
    """A new empty database on the test server (as an administrator makes one for the
    clinic): its URL; dropped at the end of the test."""
    url = postgres_server.create_database("start")
    yield url
    close_database()
    name = postgres_server.created.pop()
    with postgres_server.admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _error(title: str) -> Reply:
    return Reply(title, OK)


def _patients(path: Path, passphrase: str | None = None) -> list[str]:
    open_sqlite(path, passphrase=passphrase)
    try:
        return [p.name for p in PatientService().list_patients("")]
    finally:
        close_database()


def test_the_entry_points_take_no_stand_ins_for_their_collaborators() -> None:
    """What a user runs is what the tests run: the roots build their own dialogs."""
    assert list(inspect.signature(app.main).parameters) == ["argv"]
    assert list(inspect.signature(clinic.run).parameters) == [
        "app", "url", "settings", "quit_after_startup"]


# -- solo records file ------------------------------------------------------------------

# The first start asks who is working, so the computer's user name never signs.
WELCOME = Reply("Welcome to Cramp Practitioner", "OK", {"Your name": "Dr Ana Reyes"})


def test_a_first_start_asks_for_a_passphrase_and_encrypts_the_new_file(
    no_event_loop: None, tmp_path: Path,
) -> None:
    path = tmp_path / "records.db"
    with answering(Reply("Protect your records", "Encrypt records",
                         {"New passphrase": PASSPHRASE,
                          "New passphrase again": PASSPHRASE}),
                   WELCOME) as seen:
        assert app.main(["--db", str(path)]) == 0
    assert "encrypted on disk" in seen.dialogs[0].text
    assert ini_setting(data_dir() / "settings.ini", "practitioner/name") == "Dr Ana Reyes"
    assert file_kind(path) is FileKind.ENCRYPTED
    assert _patients(path, PASSPHRASE) == []


def test_a_first_start_without_a_passphrase_makes_a_plain_file(
    no_event_loop: None, tmp_path: Path,
) -> None:
    path = tmp_path / "records.db"
    with answering(Reply("Protect your records", "No passphrase"), WELCOME):
        assert app.main(["--db", str(path)]) == 0
    assert file_kind(path) is FileKind.PLAIN


def test_an_existing_file_opens_without_a_question(
    no_event_loop: None, migrated_template: Path, tmp_path: Path,
) -> None:
    path = demo_records(migrated_template, tmp_path / "records.db", patients=2)
    with answering():
        assert app.main(["--db", str(path), "--quit-after-startup"]) == 0
    assert len(_patients(path)) == 2


def test_an_encrypted_file_asks_its_passphrase_again_after_a_wrong_one(
    no_event_loop: None, tmp_path: Path,
) -> None:
    path = tmp_path / "records.db"
    open_sqlite(path, passphrase=PASSPHRASE)
    PatientService().create(ann(name="Secret Sam"))
    close_database()
    with answering(Reply("Passphrase", OK, {"Passphrase": "not the passphrase"}),
                   Reply("Passphrase", OK, {"Passphrase": PASSPHRASE})) as seen:
        assert app.main(["--db", str(path), "--quit-after-startup"]) == 0
    assert "records.db is encrypted" in seen.dialogs[0].text
    assert "passphrase" in seen.dialogs[1].text.split("\n", 1)[1].lower()
    assert _patients(path, PASSPHRASE) == ["Secret Sam"]


def test_the_demo_starts(no_event_loop: None) -> None:
    with answering():
        assert app.main(["--demo", "--quit-after-startup"]) == 0


def test_a_records_path_with_undecodable_bytes_opens(
    no_event_loop: None, tmp_path: Path,
) -> None:
    folder = os.fsencode(tmp_path) + b"/caf\xe9-\xff"
    os.mkdir(folder)
    path = os.fsdecode(folder + b"/records\xfe.db")
    with answering():
        assert app.main(["--db", path, "--quit-after-startup"]) == 0
    assert file_kind(Path(path)) is FileKind.PLAIN
    assert _patients(Path(path)) == []


# -- clinic server ------------------------------------------------------------------------


def test_a_new_clinic_database_asks_for_its_administrator_then_a_login_follows(
    no_event_loop: None, clinic_db: str,
) -> None:
    with answering(ADMIN) as seen:
        assert app.main(["--db", clinic_db, "--quit-after-startup"]) == 0
    where = parse_server_url(clinic_db)[0].display()
    assert f"The clinic records on {where} have no accounts yet" in seen.dialogs[0].text
    # The next start logs in; the name is offered, a wrong password is said so in place.
    with answering(Reply("Sign in", "Sign in", {"Password": "not my password"}),
                   Reply("Sign in", "Sign in", {"Password": PASSWORD})) as seen:
        assert app.main(["--db", clinic_db, "--quit-after-startup"]) == 0
    assert seen.titles() == ["Sign in", "Sign in"]
    assert "name or the password is not right" in seen.dialogs[1].text


def test_a_saved_clinic_server_is_opened_at_a_start_without_arguments(
    no_event_loop: None, clinic_db: str, _isolated_data_dir: Path,
) -> None:
    """A second checkout whose settings.ini names the clinic server starts on it."""
    settings = QSettings(str(_isolated_data_dir / "settings.ini"), QSettings.Format.IniFormat)
    save_address(settings, parse_server_url(clinic_db)[0], active=True)
    del settings
    with answering(ADMIN):
        assert app.main(["--quit-after-startup"]) == 0
    settings = QSettings(str(_isolated_data_dir / "settings.ini"), QSettings.Format.IniFormat)
    assert settings.value(LAST_NAME_KEY) == "Dr Admin"


def test_cancelling_the_first_administrator_opens_nothing(
    no_event_loop: None, clinic_db: str,
) -> None:
    with answering(Reply("Administrator account", "Cancel")):
        assert app.main(["--db", clinic_db, "--quit-after-startup"]) == 0


def test_an_unreachable_server_is_reported_without_asking_a_password(
    no_event_loop: None, qapp: object,
) -> None:
    url = f"postgresql://postgres@127.0.0.1:{_closed_port()}/records"
    with answering(_error("Cannot open the clinic records")) as seen:
        assert app.main(["--db", url, "--quit-after-startup"]) == 1
    assert "cannot be reached" in seen.dialogs[0].text


def test_a_password_in_the_address_is_refused_and_not_shown(
    no_event_loop: None, qapp: object,
) -> None:
    url = f"postgresql://postgres:s3cret-word@127.0.0.1:{_closed_port()}/records"
    with answering(_error("Cannot open the clinic records")) as seen:
        assert app.main(["--db", url, "--quit-after-startup"]) == 1
    assert "password" in seen.dialogs[0].text and "s3cret-word" not in seen.dialogs[0].text


def test_another_programs_database_is_refused_and_left_alone(
    no_event_loop: None, clinic_db: str,
) -> None:
    with psycopg.connect(clinic_db, autocommit=True) as conn:
        conn.execute("CREATE TABLE invoice (id serial PRIMARY KEY, total numeric)")
        conn.execute("INSERT INTO invoice (total) VALUES (12.5)")
    with answering(_error("Cannot open the clinic records")) as seen:
        assert app.main(["--db", clinic_db, "--quit-after-startup"]) == 1
    assert "another program" in seen.dialogs[0].text.lower()
    with psycopg.connect(clinic_db) as conn:
        tables = {r[0] for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")}
    assert tables == {"invoice"}


# -- main.py in a child process -----------------------------------------------------------


def _env(data: Path) -> dict[str, str]:
    return dict(os.environ, **{DATA_DIR_ENV: str(data)})


@pytest.mark.slow
def test_main_py_starts_on_an_undecodable_path_and_on_an_encrypted_file(
    tmp_path: Path,
) -> None:
    env = _env(tmp_path / "appdata")
    folder = os.fsencode(tmp_path) + b"/\xe9t\xe9"
    os.mkdir(folder)
    odd = os.fsdecode(folder + b"/records\xff.db")
    encrypted = tmp_path / "secret.db"
    open_sqlite(encrypted, passphrase=PASSPHRASE)
    close_database()
    runs = [run_main_py(["--db", odd, "--quit-after-startup"], env=env),
            run_main_py(["--db", str(encrypted), "--quit-after-startup"],
                        Reply("Passphrase", OK, {"Passphrase": PASSPHRASE}), env=env)]
    for run in runs:
        assert run.returncode == 0, run.stderr
        assert "Traceback" not in run.stderr and "startup: first-paint" in run.stderr
        assert run.transcript.problems == [] and run.unused == []
    with sqlite3.connect(odd) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


@pytest.mark.slow
def test_main_py_on_a_new_clinic_database_then_the_next_start(
    tmp_path: Path, clinic_db: str,
) -> None:
    env = _env(tmp_path / "appdata")
    first = run_main_py(["--db", clinic_db, "--quit-after-startup"], ADMIN, env=env)
    assert first.returncode == 0, first.stderr
    assert "Traceback" not in first.stderr
    assert first.transcript.titles() == ["Administrator account"]
    assert first.transcript.problems == [] and first.unused == []
    again = run_main_py(["--db", clinic_db, "--quit-after-startup"],
                        Reply("Sign in", "Sign in", {"Password": PASSWORD}), env=env)
    assert again.returncode == 0, again.stderr
    assert again.transcript.titles() == ["Sign in"] and again.transcript.problems == []


@pytest.mark.slow
def test_main_py_reports_a_server_it_cannot_use(tmp_path: Path) -> None:
    env = _env(tmp_path / "appdata")
    port = _closed_port()
    for url, said in [(f"postgresql://postgres@127.0.0.1:{port}/records", "cannot be reached"),
                      (f"postgresql://postgres:pw@127.0.0.1:{port}/records", "password")]:
        run = run_main_py(["--db", url, "--quit-after-startup"],
                          _error("Cannot open the clinic records"), env=env)
        assert run.returncode == 1, run.stderr
        assert "Traceback" not in run.stderr
        assert run.transcript.problems == [] and run.unused == []
        assert said in run.transcript.dialogs[0].text
