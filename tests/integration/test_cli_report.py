"""`report` on the command line and the Qt PDF renderer: the PDF's own text is checked
with pdftotext where it is installed; the report HTML is checked everywhere."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from practitioner.db.connection import close_database, open_sqlite
from practitioner.domain.patient import Medication
from practitioner.domain.report_content import ReportKind, report_html
from practitioner.domain.screen import RedFlagScreen
from practitioner.services.letters import LetterService
from practitioner.services.outcomes import OutcomeService
from practitioner.services.patients import PatientService
from practitioner.services.reference import ReferenceService
from practitioner.services.reports import ReportService
from practitioner.services.sessions import SessionService
from tests.helpers.cli import assert_one_line_failure, run_cli
from tests.helpers.demo_inputs import ann
from tests.helpers.reference_library import FIXTURE_LIBRARY, fixture_entries

PDFTOTEXT = shutil.which("pdftotext")
needs_pdftotext = pytest.mark.skipif(
    PDFTOTEXT is None,
    reason="pdftotext (poppler-utils) is not installed; the report HTML is still checked",
)


def pdf_text(path: Path) -> str:
    assert PDFTOTEXT is not None
    result = subprocess.run([PDFTOTEXT, str(path), "-"], capture_output=True,
                            text=True, encoding="utf-8", check=True, timeout=60)
    return " ".join(result.stdout.split())


def _demo_db(tmp_path: Path) -> tuple[Path, int]:
    """A demo records file plus one patient with a thiazide-like diuretic and a red flag;
    returns its path and that patient's number."""
    db = tmp_path / "records.db"
    result = run_cli(tmp_path, "--db", db, "demo", "--patients", "3")
    assert result.returncode == 0, result.stderr
    open_sqlite(db)
    try:
        patient = PatientService().create(ann(
            name="Zoë Referral",
            medications=(Medication("Indapamide", "2.5mg"),),
            screen=RedFlagScreen(pain_on_walking_relieved_by_rest=True),
        ))
    finally:
        close_database()
    return db, patient.id


def _html(db: Path, patient_id: int, kind: ReportKind) -> str:
    open_sqlite(db)
    try:
        patients = PatientService()
        library = ReferenceService(patients=patients)
        library.seed(fixture_entries())
        data = ReportService(patients, SessionService(), OutcomeService(), library).build(
            patient_id, kind)
        return report_html(data)
    finally:
        close_database()


@pytest.mark.slow
def test_report_writes_a_progress_pdf_for_a_demo_patient(tmp_path: Path) -> None:
    db, _ = _demo_db(tmp_path)
    out = tmp_path / "out" / "r.pdf"
    result = run_cli(tmp_path, "--db", db, "report", "--patient", "1", "--out", out)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "" and result.stderr.strip() == f"Wrote {out}."
    assert out.read_bytes().startswith(b"%PDF")
    assert [p.name for p in out.parent.iterdir()] == ["r.pdf"]  # no temporary left
    html = _html(db, 1, ReportKind.PROGRESS)
    for text in ("Progress report", "Cramps per week", "Worst cramp severity", "Visits"):
        assert text in html
    if PDFTOTEXT is not None:
        text = pdf_text(out)
        open_sqlite(db)
        try:
            name = PatientService().get(1).data.name
        finally:
            close_database()
        for wanted in (name, "Progress report", "Cramps per week", "Worst cramp severity",
                       "Baseline to latest"):
            assert wanted in text, wanted


@pytest.mark.slow
def test_report_writes_a_referral_letter_with_its_reasons(tmp_path: Path) -> None:
    db, patient_id = _demo_db(tmp_path)
    out = tmp_path / "letter.pdf"
    result = run_cli(tmp_path, "--db", db, "report", "--patient", str(patient_id), "--out", out,
                     "--kind", "referral", "--to", "Dr Grey", "--practitioner", "Dr Lee",
                     "--library", FIXTURE_LIBRARY)
    assert result.returncode == 0, result.stderr
    assert "kept the letter" in result.stderr
    open_sqlite(db)
    try:
        [kept] = LetterService().letters(patient_id)
    finally:
        close_database()
    assert kept.pdf == out.read_bytes() and kept.recipient == "Dr Grey"
    assert kept.written_by == "Dr Lee" and kept.body.startswith("Dear Dr Grey")
    html = _html(db, patient_id, ReportKind.REFERRAL)
    assert "Zoë Referral" in html and "RED FLAG" in html
    assert "refer rather than treat" in html and "thiazide-like" in html
    if PDFTOTEXT is not None:
        text = pdf_text(out)
        for wanted in ("Zoë Referral", "Referral letter", "Dear Dr Grey", "RED FLAG",
                       "refer rather than treat", "thiazide-like", "Indapamide 2.5mg",
                       "Dr Lee"):
            assert wanted in text, wanted


@pytest.mark.slow
def test_a_letter_is_signed_and_headed_as_set_in_preferences(tmp_path: Path) -> None:
    db, patient_id = _demo_db(tmp_path)
    (tmp_path / "data").mkdir(exist_ok=True)
    (tmp_path / "data" / "settings.ini").write_text(
        '[practitioner]\nname=Dr Jane Doe\ncredentials=MBAcC\n'
        '[practice]\nname=Harbour Acupuncture\n', encoding="utf-8")
    out = tmp_path / "letter.pdf"
    result = run_cli(tmp_path, "--db", db, "report", "--patient", str(patient_id), "--out", out,
                     "--kind", "referral", "--to", "Dr Grey", "--library", FIXTURE_LIBRARY)
    assert result.returncode == 0, result.stderr
    open_sqlite(db)
    try:
        [kept] = LetterService().letters(patient_id)
    finally:
        close_database()
    assert kept.written_by == "Dr Jane Doe"
    if PDFTOTEXT is not None:
        text = pdf_text(out)
        for wanted in ("Harbour Acupuncture", "Dr Jane Doe, MBAcC"):
            assert wanted in text, wanted


@pytest.mark.slow
@needs_pdftotext
def test_a_hostile_patient_name_is_printed_literally(tmp_path: Path) -> None:
    db = tmp_path / "records.db"
    open_sqlite(db)
    try:
        patient = PatientService().create(ann(name="<b>x</b>"))
    finally:
        close_database()
    out = tmp_path / "r.pdf"
    result = run_cli(tmp_path, "--db", db, "report", "--patient", str(patient.id), "--out", out)
    assert result.returncode == 0, result.stderr
    assert "<b>x</b>" in pdf_text(out)


@pytest.mark.slow
def test_report_failures_are_one_line_and_leave_no_file(tmp_path: Path) -> None:
    db, _ = _demo_db(tmp_path)
    out = tmp_path / "r.pdf"
    line = assert_one_line_failure(
        run_cli(tmp_path, "--db", db, "report", "--patient", "999", "--out", out))
    assert "999" in line
    assert not out.exists()
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    assert_one_line_failure(
        run_cli(tmp_path, "--db", db, "report", "--patient", "1", "--out", blocker / "r.pdf"))


def test_the_pdf_renderer_writes_atomically_in_process(tmp_path: Path, qapp: object) -> None:
    from practitioner.ui.pdf import chart_image, write_pdf

    db, patient_id = tmp_path / "records.db", 0
    open_sqlite(db)
    try:
        patients = PatientService()
        patient_id = patients.create(ann(name="<i>Ann</i>")).id
        data = ReportService(patients, SessionService(), OutcomeService()).build(patient_id)
    finally:
        close_database()
    out = tmp_path / "r.pdf"
    out.write_bytes(b"old")
    write_pdf(data, out)
    assert out.read_bytes().startswith(b"%PDF")
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".pdf") == ["r.pdf"]
    import datetime as dt

    image = chart_image([(dt.date(2025, 1, 1), 5.0), (dt.date(2025, 1, 8), 2.0)])
    assert not image.isNull() and image.width() > 0
    if PDFTOTEXT is not None:
        assert "<i>Ann</i>" in pdf_text(out)


@pytest.mark.slow
def test_report_writes_the_take_home_sheet_and_keeps_it(tmp_path: Path) -> None:
    db, patient_id = _demo_db(tmp_path)
    open_sqlite(db)
    try:
        latest = SessionService().latest(1)
        assert latest is not None
    finally:
        close_database()
    out = tmp_path / "sheet.pdf"
    result = run_cli(tmp_path, "--db", db, "report", "--patient", "1", "--out", out,
                     "--kind", "take-home", "--session", str(latest.id))
    assert result.returncode == 0, result.stderr
    assert "kept the sheet" in result.stderr
    open_sqlite(db)
    try:
        [kept] = LetterService().letters(1)
    finally:
        close_database()
    assert kept.pdf == out.read_bytes() and "take-home sheet" in kept.recipient
    if PDFTOTEXT is not None:
        text = pdf_text(out)
        for wanted in ("What to do at home", "When to get help sooner", "worst_severity"):
            assert wanted in text, wanted
    line = assert_one_line_failure(run_cli(
        tmp_path, "--db", db, "report", "--patient", str(patient_id), "--out", out,
        "--kind", "take-home"))
    assert "no visits" in line
    line = assert_one_line_failure(run_cli(
        tmp_path, "--db", db, "report", "--patient", str(patient_id), "--out", out,
        "--kind", "take-home", "--session", str(latest.id)))
    assert "not one of" in line


def test_the_printed_chart_labels_counts_with_whole_numbers() -> None:
    from practitioner.ui.pdf import count_ticks

    for highest in (0.0, 0.4, 2.7, 3.0, 10.0, 11.0, 37.5, 480.0):
        ticks = count_ticks(highest)
        assert ticks[0] == 0 and ticks[-1] > highest and len(ticks) == 5
        assert all(isinstance(t, int) for t in ticks)
        assert len({ticks[n + 1] - ticks[n] for n in range(4)}) == 1
