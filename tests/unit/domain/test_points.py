"""Point codes as practitioners type them, and looking points up in a catalogue."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from practitioner.domain.points import (
    CHANNEL_ALIASES,
    CHANNELS,
    AcupuncturePoint,
    PointCatalogue,
    normalize_point_code,
    parse_point_code,
)

CANONICAL = re.compile(r"(LU|LI|ST|SP|HT|SI|BL|KI|PC|TE|GB|LR|GV|CV)[1-9][0-9]{0,2}")


def point(
    code: str, pinyin: str = "Name", english: str = "Name", note: str = ""
) -> AcupuncturePoint:
    """A point whose channel is read from its code."""
    parsed = parse_point_code(code)
    assert parsed is not None
    return AcupuncturePoint(code, pinyin, english, parsed[0], note)


CATALOGUE = PointCatalogue(
    [
        point("LI10", "Shousanli", "Arm Three Miles"),
        point("ST36", "Zusanli", "Leg Three Miles"),
        point("SP6", "Sanyinjiao", "Three Yin Intersection"),
        point("SP9", "Yinlingquan", "Yin Mound Spring"),
        point("BL57", "Chengshan", "Support the Mountain"),
        point("GB20", "Fengchi", "Wind Pool"),
        point("GB30", "Huantiao", "Jumping Circle"),
        point("GB34", "Yanglingquan", "Yang Mound Spring", "Influential point of the sinews"),
        point("GB36", "Waiqiu", "Outer Hill"),
        point("GB39", "Xuanzhong", "Suspended Bell"),
        point("GB40", "Qiuxu", "Mound of Ruins"),
        point("GB41", "Zulinqi", "Foot Governor of Tears"),
        point("LR3", "Taichong", "Great Rushing"),
        point("ST25", "Tianshu", "Heaven's Pivot"),
    ]
)


def codes(points: list[AcupuncturePoint]) -> list[str]:
    return [p.code for p in points]


# --- normalize_point_code ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("gb 34", "GB34"),
        ("GB-34", "GB34"),
        ("gb34", "GB34"),
        ("Gb.34", "GB34"),
        (" GB34 ", "GB34"),
        ("GB34", "GB34"),
        ("GB 034", "GB34"),
        ("ST036", "ST36"),
        ("LV3", "LR3"),
        ("Liv 3", "LR3"),
        ("LIV-3", "LR3"),
        ("SJ5", "TE5"),
        ("TB5", "TE5"),
        ("tw5", "TE5"),
        ("Du20", "GV20"),
        ("DU-20", "GV20"),
        ("Ren 12", "CV12"),
        ("REN12", "CV12"),
        ("UB40", "BL40"),
        ("KID-3", "KI3"),
        ("HE-7", "HT7"),
        ("P-6", "PC6"),
        ("G.B.-34", "GB34"),
        ("L.I. 4", "LI4"),
        ("bl_57", "BL57"),
        ("\uff27\uff22\uff13\uff14", "GB34"),  # full-width, as typed with an East Asian IME
        ("gb\u00a034", "GB34"),  # no-break space
    ],
)
def test_normalize_reads_what_practitioners_type(text: str, code: str) -> None:
    assert normalize_point_code(text) == code


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "hello",
        "34",
        "GB",
        "GB0",
        "GB000",
        "GB1234",
        "XX12",
        "GBL34",
        "34GB",
        "GB34x",
        "GB 34 5",
        "g b 34",
        "GB-",
        "Yanglingquan",
        "GB\u0663\u0664",  # Arabic-Indic digits are not point numbers
    ],
)
def test_normalize_returns_none_for_text_not_shaped_like_a_code(text: str) -> None:
    assert normalize_point_code(text) is None


@pytest.mark.parametrize(("alias", "channel"), sorted(CHANNEL_ALIASES.items()))
def test_every_alias_maps_to_a_who_channel(alias: str, channel: str) -> None:
    assert channel in CHANNELS
    assert normalize_point_code(f"{alias.lower()} 7") == f"{channel}7"


@given(st.text())
def test_normalize_never_raises_and_returns_a_fixed_point(text: str) -> None:
    code = normalize_point_code(text)
    if code is not None:
        assert CANONICAL.fullmatch(code)
        assert normalize_point_code(code) == code


@given(
    channel=st.sampled_from(CHANNELS),
    number=st.integers(min_value=1, max_value=999),
    separator=st.sampled_from(["", " ", "-", ".", " - ", "_"]),
    zeros=st.integers(min_value=0, max_value=3),
    lower=st.booleans(),
)
def test_normalize_accepts_any_case_separator_and_leading_zeros(
    channel: str, number: int, separator: str, zeros: int, lower: bool
) -> None:
    prefix = channel.lower() if lower else channel
    assert normalize_point_code(f"{prefix}{separator}{'0' * zeros}{number}") == (
        f"{channel}{number}"
    )


# --- AcupuncturePoint and PointCatalogue -----------------------------------------------


def test_label_shows_code_pinyin_and_english() -> None:
    assert point("GB34", "Yanglingquan", "Yang Mound Spring").label == (
        "GB34 Yanglingquan (Yang Mound Spring)"
    )


def test_catalogue_rejects_duplicate_codes() -> None:
    with pytest.raises(ValueError, match="GB34"):
        PointCatalogue([point("GB34"), point("LR3"), point("GB34")])


@pytest.mark.parametrize("code", ["gb34", "GB034", "LV3", "GB 34", "hello"])
def test_catalogue_rejects_codes_not_in_canonical_form(code: str) -> None:
    with pytest.raises(ValueError, match="canonical"):
        PointCatalogue([AcupuncturePoint(code, "Name", "Name", "GB")])


def test_catalogue_rejects_a_channel_that_is_not_the_code_prefix() -> None:
    with pytest.raises(ValueError, match="channel"):
        PointCatalogue([AcupuncturePoint("GB34", "Yanglingquan", "Yang Mound Spring", "LR")])


def test_lookup_normalises_what_is_typed() -> None:
    assert CATALOGUE.lookup("gb-34") == point(
        "GB34", "Yanglingquan", "Yang Mound Spring", "Influential point of the sinews"
    )
    assert CATALOGUE.lookup("Lv 3") is not None
    assert CATALOGUE.lookup("GB35") is None
    assert CATALOGUE.lookup("hello") is None


def test_contains_len_and_iteration_order() -> None:
    assert "gb34" in CATALOGUE
    assert "GB35" not in CATALOGUE
    assert CATALOGUE.lookup("GB34") in CATALOGUE
    assert AcupuncturePoint("GB34", "Other", "Other", "GB") not in CATALOGUE
    assert 34 not in CATALOGUE
    assert len(CATALOGUE) == 14
    assert codes(list(CATALOGUE))[:3] == ["LI10", "ST36", "SP6"]


def test_empty_catalogue_is_allowed_and_suggests_nothing() -> None:
    empty = PointCatalogue([])
    assert len(empty) == 0
    assert empty.lookup("GB34") is None
    assert empty.suggest("GB34") == []


# --- suggest ---------------------------------------------------------------------------


def test_suggest_for_an_unknown_code_gives_same_channel_nearest_numbers_first() -> None:
    assert codes(CATALOGUE.suggest("GB35")) == ["GB34", "GB36", "GB39", "GB30", "GB40"]


def test_suggest_for_a_code_past_the_channel_gives_its_highest_points() -> None:
    assert codes(CATALOGUE.suggest("GB99", limit=3)) == ["GB41", "GB40", "GB39"]


def test_suggest_for_a_known_code_puts_it_first() -> None:
    assert codes(CATALOGUE.suggest("lv3"))[0] == "LR3"


def test_suggest_for_a_bare_channel_prefix_lists_that_channel() -> None:
    assert codes(CATALOGUE.suggest("gb", limit=3)) == ["GB20", "GB30", "GB34"]


@pytest.mark.parametrize("text", ["yangling", "Yangling", "YÁNGLÍNG", "yang ling", "mound sp"])
def test_suggest_matches_pinyin_and_english_ignoring_case_accents_and_spaces(text: str) -> None:
    suggestions = codes(CATALOGUE.suggest(text))
    assert suggestions[0] == "GB34" or "GB34" in suggestions[:2]


def test_suggest_prefers_a_name_prefix_over_a_substring() -> None:
    assert codes(CATALOGUE.suggest("yang"))[0] == "GB34"
    assert codes(CATALOGUE.suggest("yin"))[:2] == ["SP9", "SP6"]


def test_suggest_three_mile_finds_both_three_mile_points() -> None:
    assert set(codes(CATALOGUE.suggest("three mile"))) == {"LI10", "ST36"}


def test_suggest_ignores_apostrophes() -> None:
    assert codes(CATALOGUE.suggest("heavens pivot")) == ["ST25"]


def test_suggest_falls_back_to_close_matches_for_typos() -> None:
    assert codes(CATALOGUE.suggest("BG34"))[0] == "GB34"
    assert codes(CATALOGUE.suggest("chengsan"))[0] == "BL57"
    assert codes(CATALOGUE.suggest("zusanly"))[0] == "ST36"


@pytest.mark.parametrize("limit", [0, -1])
def test_suggest_with_no_room_returns_nothing(limit: int) -> None:
    assert CATALOGUE.suggest("GB34", limit=limit) == []


@given(text=st.text(), limit=st.integers(min_value=-2, max_value=20))
def test_suggest_never_raises_and_respects_the_limit(text: str, limit: int) -> None:
    suggestions = CATALOGUE.suggest(text, limit=limit)
    assert len(suggestions) <= max(limit, 0)
    assert len(set(codes(suggestions))) == len(suggestions)
    assert all(p in CATALOGUE for p in suggestions)


@given(st.text(alphabet="GBLRVSTJDUEN.- 0123456789", max_size=12))
def test_suggest_never_raises_on_code_like_text(text: str) -> None:
    assert len(CATALOGUE.suggest(text)) <= 5
