"""The take-home sheet's wording: checked strictly on load, covering every advice choice a
session offers and every red flag of the library; and the sheet's page made from it."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from practitioner.content.errors import ContentError
from practitioner.content.reference import load_reference
from practitioner.content.take_home import default_take_home_path, load_take_home
from practitioner.domain.session import HomeAdvice
from practitioner.domain.take_home import DIARY_COLUMNS, DIARY_DAYS, TakeHomeSheet, take_home_html


def _variant(tmp_path: Path, old: str, new: str) -> Path:
    text = default_take_home_path().read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "take_home.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_the_shipped_wording_covers_every_choice_and_red_flag() -> None:
    library = load_reference()
    content = load_take_home(library=library)
    assert {item.advice for item in content.self_care} == set(HomeAdvice)
    assert {f.entry for f in content.red_flags} == {
        e.slug for e in library if e.kind == "red-flag"}
    stretching = next(i for i in content.self_care if i.advice is HomeAdvice.STRETCHING)
    assert len(stretching.steps) >= 2, "the stretches are named step by step"


@pytest.mark.parametrize(("old", "new", "message"), [
    ('advice = "warmth"', 'advice = "sauna"', "“sauna” is not one of"),
    ('advice = "warmth"', 'advice = "hydration"', "“hydration” must have exactly one"),
    ('urgency = "soon"', 'urgency = "whenever"', "urgency “whenever”"),
    ('steps = []', 'steps = []\ncolour = "red"', "unknown key “colour”"),
    ('entry = "red-flag-dvt"', 'entry = "red-flag-nope"', "“red-flag-nope” is not a red-flag"),
    ('entry = "warmth"', 'entry = "no-such-entry"', "“no-such-entry” is not in the"),
    ('soon = "See your GP', 'soon = " See your GP', "non-empty text without"),
])
def test_a_bad_file_fails_loading_naming_the_place(
    tmp_path: Path, old: str, new: str, message: str,
) -> None:
    with pytest.raises(ContentError, match=re.escape(message)):
        load_take_home(_variant(tmp_path, old, new), library=load_reference())


def test_a_red_flag_without_lay_wording_fails_loading(tmp_path: Path) -> None:
    text = default_take_home_path().read_text(encoding="utf-8")
    start = text.index("[[red_flags]]\nentry = \"red-flag-tetany\"")
    end = text.index("[[red_flags]]", start + 5)
    path = tmp_path / "take_home.toml"
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    with pytest.raises(ContentError, match="“red-flag-tetany” has no lay wording"):
        load_take_home(path, library=load_reference())


def test_the_page_escapes_recorded_text_and_has_a_blank_row_per_day() -> None:
    content = load_take_home()
    sheet = TakeHomeSheet("<b>Ann</b>", dt.date(2025, 1, 5), content.chosen(set(HomeAdvice)),
                          "Less <i>coffee</i>", content.red_flags, content.urgency_headings)
    html = take_home_html(sheet)
    assert "<b>Ann</b>" not in html and "&lt;b&gt;Ann&lt;/b&gt;" in html
    assert "&lt;i&gt;coffee&lt;/i&gt;" in html
    diary = html[html.index("Your cramp diary"):]
    assert diary.count("<tr>") == DIARY_DAYS + 1
    assert [c for c in DIARY_COLUMNS if f">{c}<" in diary] == list(DIARY_COLUMNS)
