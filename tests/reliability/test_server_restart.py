"""Acceptance: stopping and restarting the PostgreSQL server during a session keeps the
typed text, and the app reconnects.

The server is a private cluster started for this module (tests/helpers/pg_cluster.py) and
really stopped (`pg_ctl stop -m fast`) and started again under the running window.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from practitioner.content.points import load_points
from practitioner.db.base import database
from practitioner.db.connection import close_database
from practitioner.db.server import open_postgres
from practitioner.domain.patient import Patient
from practitioner.services.audit import AuditService
from practitioner.services.bundle import Services
from practitioner.services.changes import ChangeService
from practitioner.services.drafts import DraftService, LocalDrafts
from practitioner.services.patients import PatientService
from practitioner.services.sessions import SessionService
from practitioner.ui.connection_status import BACKOFF_MS
from practitioner.ui.main_window import MainWindow
from tests.helpers.fakes import FakeMessages
from tests.helpers.pg_cluster import PgCluster
from tests.helpers.ui_fixtures import write_note

TODAY = dt.date(2025, 1, 15)
VISIT_NOW = dt.datetime(2025, 1, 15, 10, 0)
FIRST = "Calf cramps at night, three times this week. "
MORE = "Typed while the server was away."
#: Reconnection after the server is back: the longest pause between attempts, plus margin.
RECONNECT_MS = max(BACKOFF_MS) + 15000

pytestmark = pytest.mark.slow


@pytest.fixture
def clinic(pg_cluster: PgCluster, request: pytest.FixtureRequest) -> Iterator[str]:
    """Migrated clinic records on the private server, open and bound to the models."""
    name = f"records_{os.getpid()}_{request.node.name[:20].lower()}".replace("[", "_")
    url = pg_cluster.create_database("".join(c for c in name if c.isalnum() or c == "_"))
    open_postgres(url)
    yield url
    close_database()


@pytest.fixture
def local(tmp_path: Path) -> LocalDrafts:
    return LocalDrafts(tmp_path / "appdata" / "drafts")


@pytest.fixture
def services(clinic: str, local: LocalDrafts) -> Services:
    """The services as the app builds them: one audit service, drafts that fall back."""
    audit = AuditService(user=lambda: "Dr Test")
    patients = PatientService(today=lambda: TODAY, audit=audit)
    return Services(patients=patients,
                    sessions=SessionService(local_clock=lambda: VISIT_NOW,
                                            user=lambda: "Dr Test", audit=audit),
                    drafts=DraftService(local=local), audit=audit,
                    changes=ChangeService([audit]))


@pytest.fixture
def messages() -> FakeMessages:
    return FakeMessages()


@pytest.fixture
def window(qtbot: QtBot, services: Services, messages: FakeMessages,
           tmp_path: Path) -> Iterator[MainWindow]:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    main = MainWindow(services, load_points(), messages, settings, today=lambda: TODAY)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    main.live.start()
    yield main
    main.live.stop()
    main.workspace.sessions.form.set_session(services.sessions.blank())


def test_stopping_and_restarting_the_server_keeps_the_text_and_the_app_reconnects(
    qtbot: QtBot, pg_cluster: PgCluster, window: MainWindow, services: Services,
    messages: FakeMessages, patient: Patient,
) -> None:
    page = write_note(qtbot, window, patient.id, FIRST)
    assert page.flush_draft()
    stored = services.drafts.get(patient.id, None)
    assert stored is not None and stored.payload["f_notes"] == FIRST

    pg_cluster.stop("fast")
    try:
        qtbot.keyClicks(page.form.notes, MORE)
        typed = page.form.notes.toPlainText()
        assert typed == FIRST + MORE

        assert page.save() is False
        title, text = messages.errors[-1]
        assert title == "Session not saved"
        assert "connection to the clinic server was lost" in text.lower()
        assert page.form.notes.toPlainText() == typed, "the form keeps its text"
        assert page.form.is_dirty()
        [kept] = services.drafts.local_drafts()
        assert kept.payload["f_notes"] == typed, "the draft is kept on this computer"
        assert window.connection.is_lost
        assert window.connection.banner.isVisible()
        assert "reconnecting" in window.connection.banner.text()
        qtbot.wait(BACKOFF_MS[0] + BACKOFF_MS[1] + 200)  # a few failed attempts meanwhile
        assert window.connection.is_lost, "no reconnection while the server is down"
        assert page.form.notes.toPlainText() == typed
    finally:
        pg_cluster.start()

    qtbot.waitUntil(lambda: not window.connection.is_lost, timeout=RECONNECT_MS)
    assert not window.connection.banner.isVisible()
    assert "Reconnected" in window.statusBar().currentMessage()
    assert services.drafts.local_drafts() == [], "the kept draft went back to the server"
    back = services.drafts.get(patient.id, None)
    assert back is not None and back.payload["f_notes"] == typed
    assert page.form.notes.toPlainText() == typed

    assert page.save() is True
    [summary] = services.sessions.timeline(patient.id)
    assert services.sessions.get(summary.id).data.notes == typed
    assert services.drafts.get(patient.id, None) is None
    assert services.drafts.local_drafts() == []


def test_a_commit_that_fails_mid_flight_is_never_reported_as_saved(
    qtbot: QtBot, pg_cluster: PgCluster, window: MainWindow, services: Services,
    messages: FakeMessages, patient: Patient, monkeypatch: pytest.MonkeyPatch,
) -> None:
    page = write_note(qtbot, window, patient.id, FIRST)
    assert page.flush_draft()
    db = database.obj
    backend = db.execute_sql("SELECT pg_backend_pid()").fetchone()[0]
    real_commit = db.commit

    def commit_after_the_connection_died() -> None:
        # The server ends this session just as COMMIT is to be sent.
        with psycopg.connect(pg_cluster.url(), autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (backend,))
        real_commit()

    monkeypatch.setattr(db, "commit", commit_after_the_connection_died)
    assert page.save() is False
    monkeypatch.undo()

    assert messages.errors and messages.errors[-1][0] == "Session not saved"
    assert "Saved" not in page.status.text()
    assert page.form.notes.toPlainText() == FIRST
    qtbot.waitUntil(lambda: not window.connection.is_lost, timeout=RECONNECT_MS)
    assert services.sessions.timeline(patient.id) == [], "nothing was committed"
    assert page.save() is True
    assert len(services.sessions.timeline(patient.id)) == 1


def test_typing_on_through_an_outage_needs_no_dialog_and_the_draft_comes_back(
    qtbot: QtBot, pg_cluster: PgCluster, window: MainWindow, services: Services,
    messages: FakeMessages, patient: Patient,
) -> None:
    page = write_note(qtbot, window, patient.id, FIRST)
    assert page.flush_draft()

    pg_cluster.stop("fast")
    try:
        # The poll notices within a few seconds, without anything being saved.
        qtbot.waitUntil(lambda: window.connection.is_lost, timeout=10000)
        assert window.connection.banner.isVisible()
        qtbot.keyClicks(page.form.notes, MORE)
        qtbot.waitUntil(lambda: "kept on this computer" in page.status.text(), timeout=5000)
        [kept] = services.drafts.local_drafts()
        assert kept.payload["f_notes"] == FIRST + MORE
    finally:
        pg_cluster.start()

    qtbot.waitUntil(lambda: not window.connection.is_lost, timeout=RECONNECT_MS)
    assert messages.errors == [], "an outage while typing needs no dialog"
    assert services.drafts.local_drafts() == []
    back = services.drafts.get(patient.id, None)
    assert back is not None and back.payload["f_notes"] == FIRST + MORE
    assert page.form.notes.toPlainText() == FIRST + MORE
    assert page.save() is True
