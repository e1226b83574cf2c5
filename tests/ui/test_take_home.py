"""The patient's take-home sheet: built for a demo patient's visit, written as a one-page
PDF with the visit's self-care, the red flags in lay words and a blank diary whose columns
are the diary import's own, and kept in the record like a letter."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from practitioner.content.reference import load_reference
from practitioner.content.take_home import load_take_home
from practitioner.domain.diary_csv import COLUMN_ALIASES, parse_diary_csv
from practitioner.domain.outcomes import DiaryEntry
from practitioner.domain.report_content import ReportKind
from practitioner.domain.session import HomeAdvice
from practitioner.domain.take_home import DIARY_COLUMNS
from practitioner.services.audit import AuditService
from practitioner.services.bundle import Services
from practitioner.services.demo import fill_demo
from practitioner.services.reports import ReportService
from practitioner.ui.dialogs.report_dialog import ReportDialog
from practitioner.ui.main_window import MainWindow
from practitioner.ui.pdf import render_pdf
from tests.helpers.db_fixtures import TODAY
from tests.helpers.fakes import FakeMessages

PDFTOTEXT = shutil.which("pdftotext")


def _demo_visit(services: Services) -> tuple[int, int]:
    """A demo patient's latest visit, re-saved with stretching and warmth chosen and a
    note of the practitioner's; returns (patient, session)."""
    fill_demo(services.patients, 1, seed=5, today=TODAY, sessions=services.sessions)
    [patient] = services.patients.page("", include_archived=True)
    session = services.sessions.latest(patient.id)
    assert session is not None
    data = dataclasses.replace(session.data,
                               advice=frozenset({HomeAdvice.STRETCHING, HomeAdvice.WARMTH}),
                               advice_notes="Cut down on evening coffee.")
    stored = services.sessions.create(patient.id, data)
    return patient.id, stored.id


def _text(pdf: Path, *options: str) -> str:
    assert PDFTOTEXT is not None
    return subprocess.run([PDFTOTEXT, *options, str(pdf), "-"], capture_output=True,
                          text=True, encoding="utf-8", check=True, timeout=60).stdout


def test_the_diary_grid_has_exactly_the_diary_imports_columns() -> None:
    """Typing a filled-in sheet back is one to one: each grid column is a header the
    diary import reads as its own field, every diary field has its column, and a file
    with the grid's header row imports."""
    assert set(DIARY_COLUMNS) == set(COLUMN_ALIASES.values())
    assert all(COLUMN_ALIASES[c] == c for c in DIARY_COLUMNS)
    fields = [f.name for f in dataclasses.fields(DiaryEntry)]
    assert [("date" if f == "day" else f) for f in fields] == list(DIARY_COLUMNS)
    header = ",".join(DIARY_COLUMNS)
    result = parse_diary_csv(f"{header}\n2025-01-02,3,6,12,yes,after walking\n",
                            today=dt.date(2025, 1, 10))
    assert not result.problems and not result.ignored_columns
    [entry] = result.entries
    assert entry == DiaryEntry(dt.date(2025, 1, 2), 3, 6, 12.0, True, "after walking")


def test_every_red_flag_and_advice_choice_has_lay_wording() -> None:
    content = load_take_home(library=load_reference())  # raises on a gap
    red = {e.slug for e in load_reference() if e.kind == "red-flag"}
    assert {f.entry for f in content.red_flags} == red
    assert {i.advice for i in content.self_care} == set(HomeAdvice)


@pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext (poppler-utils) is not installed")
def test_take_home_pdf_holds_the_advice_red_flags_and_diary_on_one_page(
    qtbot: QtBot, window: MainWindow, services: Services, messages: FakeMessages,
    tmp_path: Path,
) -> None:
    patient_id, session_id = _demo_visit(services)
    window.refresh_list()
    window.workspace.open_patient(patient_id)
    window.workspace.show_sessions()
    window.workspace.sessions.open_session(session_id)
    window.workspace.sessions.take_home_button.click()
    [data] = messages.reports
    assert data.kind is ReportKind.TAKE_HOME and data.take_home is not None
    [keep] = messages.letter_keepers
    dialog = ReportDialog(data, keep=keep)
    qtbot.addWidget(dialog)
    target = Path(os.environ.get("TAKE_HOME_PDF", tmp_path / "take-home.pdf"))
    assert dialog.save_pdf(target)
    assert "kept in the patient's record" in dialog.status.text()

    pages = subprocess.run(["pdfinfo", str(target)], capture_output=True, text=True,
                           check=True).stdout
    assert re.search(r"^Pages:\s+1$", pages, re.MULTILINE), "the sheet fits on one page"
    # In drawing order (column by column), ligatures ("ﬁ") undone.
    flat = " ".join(unicodedata.normalize("NFKC", _text(target, "-raw")).split())
    assert "Stretch your calves" in flat and "Keep your legs warm" in flat
    assert "Face a wall" in flat or "face a wall" in flat, "the stretches are spelled out"
    assert "Drink steadily" not in flat, "advice not chosen at this visit is left out"
    assert "Cut down on evening coffee." in flat
    content = load_take_home()
    for flag in content.red_flags:
        assert " ".join(flag.lay.split()[:6]) in flat, flag.entry
    header = next(line for line in _text(target, "-layout").splitlines()
                  if "worst_severity" in line)
    assert header.split() == list(DIARY_COLUMNS), "the grid's columns, in the diary's order"
    for jargon in ("red-flag-", "DVT", "hyponatraemia", "ischaemia", "HomeAdvice"):
        assert jargon not in flat

    [kept] = services.letters.letters(patient_id)
    assert kept.pdf == target.read_bytes() and "take-home sheet" in kept.recipient
    assert "Stretch your calves" in kept.body
    entries = AuditService().trail(patient_id)
    assert any(e.fields.entity == "take_home_sheet" for e in entries)


def test_the_sheet_is_for_the_visit_open_and_never_another_patients(
    window: MainWindow, services: Services, messages: FakeMessages,
) -> None:
    patient_id, session_id = _demo_visit(services)
    reports = ReportService(services.patients, services.sessions, services.outcomes)
    sheet = reports.build_take_home(patient_id, session_id).take_home
    assert sheet is not None
    assert [i.advice for i in sheet.self_care] == [HomeAdvice.STRETCHING, HomeAdvice.WARMTH]
    other = services.patients.create(dataclasses.replace(
        services.patients.get(patient_id).data, name="Someone Else"))
    from practitioner.errors import KnownError
    with pytest.raises(KnownError, match="not one of"):
        reports.build_take_home(other.id, session_id)
    with pytest.raises(KnownError, match="no visits"):
        reports.build_take_home(other.id)
    window.refresh_list()
    window.workspace.open_patient(other.id)
    window.commands.take_home.trigger()
    assert not messages.reports and "no visits" in messages.errors[-1][1]


@pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext (poppler-utils) is not installed")
@pytest.mark.parametrize("advice", [frozenset(HomeAdvice), frozenset()])
def test_every_advice_or_none_still_fits_one_page(
    qtbot: QtBot, services: Services, tmp_path: Path, advice: frozenset[HomeAdvice],
) -> None:
    patient_id, session_id = _demo_visit(services)
    session = services.sessions.get(session_id)
    data = dataclasses.replace(session.data, advice=advice, advice_notes=(
        "Cut down on evening coffee.\nTry a banana at supper." if advice else ""))
    stored = services.sessions.create(patient_id, data)
    reports = ReportService(services.patients, services.sessions, services.outcomes)
    report = reports.build_take_home(patient_id, stored.id, practice="Willow Clinic",
                                     practitioner="Dr Test", letterhead=("1 High St",))
    target = tmp_path / "sheet.pdf"
    target.write_bytes(render_pdf(report))
    pages = subprocess.run(["pdfinfo", str(target)], capture_output=True, text=True,
                           check=True).stdout
    assert re.search(r"^Pages:\s+1$", pages, re.MULTILINE), "the sheet fits on one page"
    flat = " ".join(unicodedata.normalize("NFKC", _text(target, "-raw")).split())
    assert "Willow Clinic · Dr Test · 1 High St" in flat
    if advice:
        assert "Drink steadily" in flat and "Change position often" in flat
    else:
        assert "No particular self-care was chosen at this visit" in flat


def test_unsaved_advice_is_saved_before_the_sheet_is_made(
    window: MainWindow, services: Services, messages: FakeMessages,
) -> None:
    patient_id, session_id = _demo_visit(services)
    window.refresh_list()
    window.workspace.open_patient(patient_id)
    window.workspace.show_sessions()
    sessions = window.workspace.sessions
    sessions.open_session(session_id)
    sessions.form.advice_notes.setText("Walk after dinner.")
    window.commands.take_home.trigger()
    assert not messages.reports, "a sheet without the advice being typed is not made"
    assert messages.errors[-1][0] == "Save the session note first"
    assert sessions.save()
    window.commands.take_home.trigger()
    [data] = messages.reports
    assert data.take_home is not None and data.take_home.advice_notes == "Walk after dinner."
