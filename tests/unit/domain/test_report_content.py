"""The report and letter content: what the HTML says, and that recorded text is escaped."""

from __future__ import annotations

import datetime as dt
import re

from practitioner.domain.report_content import (
    CHART_RESOURCE,
    ChangeLine,
    FlagLine,
    ReportData,
    ReportKind,
    VisitLine,
    default_letter_body,
    report_html,
)

DAY = dt.date(2025, 1, 15)


def _data(**changes: object) -> ReportData:
    base: dict[str, object] = {
        "kind": ReportKind.PROGRESS,
        "generated_on": DAY,
        "patient_id": 7,
        "patient_name": "Ann Lee",
        "practice": "Orchard Clinic",
        "practitioner": "Dr Lee",
        "measure_names": ("Cramps/week", "Worst severity"),
        "visits": (VisitLine(DAY, "Liver blood deficiency", "LR3, ST36", ("6", "8")),),
        "changes": (ChangeLine("Cramps per week", "cramps", "6", DAY, "2", DAY, "-4 (-67%)",
                               "better"),),
        "outcome_flags": ("Responder: cramps/week down by at least half",),
        "medications": ("Indapamide 2.5mg",),
        "chart": ((DAY, 6.0), (DAY + dt.timedelta(days=7), 2.0)),
    }
    base.update(changes)
    return ReportData(**base)  # type: ignore[arg-type]


def test_a_progress_report_has_every_section() -> None:
    html = report_html(_data())
    for text in ("Orchard Clinic", "Progress report", "Ann Lee", "Cramp profile", "Visits",
                 "Liver blood deficiency", "LR3, ST36", "Cramps/week", "Cramps per week",
                 "-4 (-67%)", "better", "Responder: cramps/week down by at least half",
                 "Indapamide 2.5mg", "Dr Lee", f"src='{CHART_RESOURCE}'"):
        assert text in html, text


def test_the_caveat_shows_both_months_the_season_note_and_the_entry() -> None:
    html = report_html(_data(
        outcome_months="baseline: June 2026 · latest: September 2026",
        outcome_season_note="The baseline was in summer and the latest in autumn.",
        outcome_caveat="Cramps wax and wane by season.",
        outcome_caveat_entry="Judging whether a treatment worked"))
    assert "baseline: June 2026 · latest: September 2026" in html
    assert "<b>The baseline was in summer and the latest in autumn.</b>" in html
    assert "Cramps wax and wane by season." in html
    assert "Judging whether a treatment worked" in html
    assert "Before crediting" not in report_html(_data())


def test_recorded_changes_are_not_called_missing() -> None:
    assert "No measures recorded yet" not in report_html(_data())
    assert "No measures recorded yet" in report_html(_data(changes=()))


def test_the_chart_is_left_out_without_two_points_or_when_not_wanted() -> None:
    assert CHART_RESOURCE not in report_html(_data(chart=((DAY, 3.0),)))
    assert CHART_RESOURCE not in report_html(_data(), with_chart=False)


def test_a_referral_letter_gives_flags_with_reasons_and_sources() -> None:
    flags = (
        FlagLine("refer", "Peripheral arterial disease", "Screening answer yes — pain on "
                 "walking: refer rather than treat.", ("Allen RE 2012",),
                 "Referred on 2025-01-14 by Dr Lee"),
        FlagLine("caution", "Thiazide diuretics", "Indapamide is a thiazide-like diuretic.",
                 ("Garrison 2012",)),
    )
    data = _data(kind=ReportKind.REFERRAL, flags=flags, recipient="Dr Grey")
    html = report_html(data)
    assert "Referral letter" in html
    assert "Dear Dr Grey," in html
    assert "RED FLAG: Peripheral arterial disease" in html
    assert "refer rather than treat." in html
    assert "Sources: Allen RE 2012" in html
    assert "Referred on 2025-01-14 by Dr Lee" in html
    assert "Caution: Thiazide diuretics" in html
    assert not re.search(r"\[[A-Z ]+\]", html), "no [LEVEL] tags in a letter to a physician"
    assert "Indapamide 2.5mg" in html
    assert "Outcome summary" in html and "Cramps per week" in html
    assert "medical review" in default_letter_body(data)


def test_an_edited_letter_body_replaces_the_default_and_keeps_its_paragraphs() -> None:
    html = report_html(_data(kind=ReportKind.REFERRAL, letter_body="First.\n\nSecond\nline."))
    assert "<p>First.</p><p>Second<br/>line.</p>" in html
    assert "Dear Doctor" not in html


def test_every_recorded_text_is_escaped() -> None:
    hostile = "<b>x</b>"
    data = _data(
        kind=ReportKind.REFERRAL, patient_name=hostile, practice=hostile, practitioner=hostile,
        profile=((hostile, hostile),), medications=(hostile,), recipient=hostile,
        visits=(VisitLine(DAY, hostile, hostile, (hostile, "")),),
        flags=(FlagLine("refer", hostile, hostile, (hostile,), hostile),),
        letter_body=hostile, outcome_notes=(hostile,),
        chart_title="<img src='http://x'/>",
    )
    html = report_html(data)
    assert "<b>x</b>" not in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html
    assert "http://x'" not in html

