"""The shipped acupuncture points catalogue, and the strict checks of its loader."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from practitioner.content.errors import ContentError
from practitioner.content.points import (
    FORMAT,
    FORMAT_VERSION,
    default_points_path,
    load_points,
)
from practitioner.domain.points import CHANNELS, EXTRA, AcupuncturePoint, normalize_point_code

# The points a cramp practice relies on; the catalogue must never lose one of them.
REQUIRED = {
    "GB34": "Yanglingquan",
    "BL57": "Chengshan",
    "LR3": "Taichong",
    "SP6": "Sanyinjiao",
    "ST36": "Zusanli",
    "KI3": "Taixi",
    "BL40": "Weizhong",
    "LR8": "Ququan",
    "GB39": "Xuanzhong",
    "KI1": "Yongquan",
    "BL56": "Chengjin",
    "BL58": "Feiyang",
    "BL60": "Kunlun",
    "BL17": "Geshu",
    "BL18": "Ganshu",
    "BL19": "Danshu",
    "BL20": "Pishu",
    "BL23": "Shenshu",
    "GB20": "Fengchi",
    "GB21": "Jianjing",
    "GB30": "Huantiao",
    "GB31": "Fengshi",
    "GB40": "Qiuxu",
    "GB41": "Zulinqi",
    "LR2": "Xingjian",
    "LR5": "Ligou",
    "LR13": "Zhangmen",
    "LR14": "Qimen",
    "SP9": "Yinlingquan",
    "SP10": "Xuehai",
    "ST34": "Liangqiu",
    "ST35": "Dubi",
    "ST37": "Shangjuxu",
    "ST40": "Fenglong",
    "ST41": "Jiexi",
    "KI6": "Zhaohai",
    "KI7": "Fuliu",
    "LI4": "Hegu",
    "LI10": "Shousanli",
    "LI11": "Quchi",
    "PC6": "Neiguan",
    "HT7": "Shenmen",
    "TE5": "Waiguan",
    "GV20": "Baihui",
    "CV4": "Guanyuan",
    "CV6": "Qihai",
    "CV12": "Zhongwan",
    "SI3": "Houxi",
    "LU7": "Lieque",
}


# --- the shipped catalogue -------------------------------------------------------------


def test_the_shipped_catalogue_loads_and_is_cached() -> None:
    catalogue = load_points()
    assert len(catalogue) >= len(REQUIRED)
    assert load_points() is catalogue


def test_the_shipped_file_names_the_who_2008_standard_as_its_source() -> None:
    data = json.loads(default_points_path().read_text(encoding="utf-8"))
    assert data["format"] == FORMAT
    assert data["format_version"] == FORMAT_VERSION
    assert "WHO Standard Acupuncture Point Locations" in data["source"]
    assert "2008" in data["source"]


@pytest.mark.parametrize(("code", "pinyin"), sorted(REQUIRED.items()))
def test_every_required_point_is_present_with_its_pinyin(code: str, pinyin: str) -> None:
    found = load_points().lookup(code)
    assert found is not None, code
    assert found.pinyin == pinyin


def test_key_points_carry_their_usual_english_names() -> None:
    catalogue = load_points()
    expected = {
        "GB34": "Yang Mound Spring",
        "ST36": "Leg Three Miles",
        "SP6": "Three Yin Intersection",
        "LR3": "Great Rushing",
        "BL57": "Support the Mountain",
        "KI1": "Bubbling Spring",
    }
    for code, english in expected.items():
        found = catalogue.lookup(code)
        assert found is not None
        assert found.english == english


def who_points() -> list[AcupuncturePoint]:
    return [p for p in load_points() if p.channel != EXTRA]


def test_every_entry_keeps_the_catalogue_invariants() -> None:
    catalogue = load_points()
    for entry in who_points():
        assert normalize_point_code(entry.code) == entry.code, entry
        assert entry.channel in CHANNELS, entry
        assert entry.code.startswith(entry.channel), entry
        assert entry.code[len(entry.channel) :].isdigit(), entry
        assert entry.pinyin.strip() and entry.english.strip(), entry
        assert entry.pinyin.isascii() and entry.pinyin.isalpha(), entry
        assert len(entry.note) <= 120, entry
        assert catalogue.lookup(entry.code) == entry


def test_the_catalogue_is_in_who_channel_order_then_number_order() -> None:
    order = [(CHANNELS.index(p.channel), int(p.code[len(p.channel) :])) for p in who_points()]
    assert order == sorted(order)


def test_the_gallbladder_sinew_point_is_marked_as_such() -> None:
    gb34 = load_points().lookup("GB34")
    assert gb34 is not None
    assert "sinews" in gb34.note.lower()


@given(data=st.data())
def test_every_code_is_found_however_it_is_typed(data: st.DataObject) -> None:
    entry: AcupuncturePoint = data.draw(st.sampled_from(who_points()))
    code = entry.code
    letters, digits = entry.channel, code[len(entry.channel) :]
    separator = data.draw(st.sampled_from(["", " ", "-"]))
    assert normalize_point_code(code) == code
    assert normalize_point_code(code.lower()) == code
    assert normalize_point_code(f"{letters}{separator}{digits}") == code
    assert normalize_point_code(f"{letters.lower()}{separator}{digits}") == code
    assert normalize_point_code(f"{letters.capitalize()}{separator}0{digits}") == code
    assert load_points().lookup(f" {letters.lower()}-{digits} ") == entry


def suggested(text: str) -> list[str]:
    return [p.code for p in load_points().suggest(text)]


def test_suggestions_on_the_shipped_catalogue() -> None:
    # The Bladder channel has 67 points: BL68 is a typo the catalogue cannot know.
    assert load_points().lookup("BL68") is None
    assert suggested("BL68")[0] == "BL67"
    assert load_points().lookup("gb-35") is not None
    assert suggested("yangling")[0] == "GB34"
    assert "ST36" in suggested("three mile")
    assert suggested("taichong")[0] == "LR3"
    assert suggested("Ren 12")[0] == "CV12"


@given(text=st.text(), limit=st.integers(min_value=0, max_value=10))
def test_suggest_on_the_shipped_catalogue_never_raises(text: str, limit: int) -> None:
    assert len(load_points().suggest(text, limit=limit)) <= limit


# --- strict validation of a points file --------------------------------------------------

GOOD_POINT: dict[str, Any] = {
    "code": "GB34",
    "pinyin": "Yanglingquan",
    "english": "Yang Mound Spring",
    "channel": "GB",
    "note": "Influential point of the sinews",
}
OTHER_POINT: dict[str, Any] = {
    "code": "LR3",
    "pinyin": "Taichong",
    "english": "Great Rushing",
    "channel": "LR",
}


def document(points: list[Any] | None = None, **top: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "source": "WHO Standard Acupuncture Point Locations (2008)",
        "points": [GOOD_POINT, OTHER_POINT] if points is None else points,
    }
    data.update(top)
    return data


def write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "points.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def with_second(**changes: Any) -> list[dict[str, Any]]:
    """The good first point, then a second point with some keys changed (None deletes)."""
    second = {**OTHER_POINT, **changes}
    return [GOOD_POINT, {k: v for k, v in second.items() if v is not None}]


def test_a_well_formed_file_loads(tmp_path: Path) -> None:
    catalogue = load_points(write(tmp_path, document()))
    assert [p.code for p in catalogue] == ["GB34", "LR3"]
    assert catalogue.lookup("LV3") == AcupuncturePoint("LR3", "Taichong", "Great Rushing", "LR")


@pytest.mark.parametrize(
    ("top", "message"),
    [
        ({"format": "cramp-practitioner/causes"}, "format"),
        ({"format": None}, "format"),
        ({"format_version": 2}, "format_version"),
        ({"format_version": "1"}, "format_version"),
        ({"format_version": True}, "format_version"),
        ({"format_version": 1.0}, "format_version"),
        ({"source": ""}, "source"),
        ({"source": 2008}, "source"),
        ({"points": []}, "points"),
        ({"points": {"GB34": GOOD_POINT}}, "points"),
        ({"extra": 1}, "unknown key"),
    ],
)
def test_a_bad_header_is_rejected(tmp_path: Path, top: dict[str, Any], message: str) -> None:
    path = write(tmp_path, document(**top))
    with pytest.raises(ContentError, match=message) as caught:
        load_points(path)
    assert str(path) in str(caught.value)


@pytest.mark.parametrize("key", ["format", "format_version", "source", "points"])
def test_a_missing_header_key_is_rejected(tmp_path: Path, key: str) -> None:
    data = document()
    del data[key]
    with pytest.raises(ContentError, match=f"missing key.*{key}"):
        load_points(write(tmp_path, data))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"notes": "typo of note"}, "unknown key.*notes"),
        ({"depth": "1 cun"}, "unknown key.*depth"),
        ({"pinyin": None}, "missing key.*pinyin"),
        ({"english": None}, "missing key.*english"),
        ({"channel": None}, "missing key.*channel"),
        ({"code": "LR03"}, "canonical.*'LR3'"),
        ({"code": "lr3"}, "canonical"),
        ({"code": "LV3", "channel": "LR"}, "canonical"),
        ({"code": "LR 3"}, "canonical"),
        ({"code": "Taichong"}, "canonical"),
        ({"code": ""}, "canonical"),
        ({"pinyin": ""}, "pinyin is empty"),
        ({"english": ""}, "english is empty"),
        ({"english": "   "}, "english is empty"),
        ({"pinyin": " Taichong"}, "pinyin has surrounding spaces"),
        ({"note": "Yuan-Source point "}, "note has surrounding spaces"),
        ({"channel": "LV"}, "channel"),
        ({"channel": "GB"}, "channel"),
        ({"note": 3}, "note must be a string"),
        ({"pinyin": ["Tai", "chong"]}, "pinyin must be a string"),
        ({"code": "GB34", "channel": "GB"}, "duplicate code"),
    ],
)
def test_a_bad_point_is_rejected_naming_the_file_and_entry(
    tmp_path: Path, changes: dict[str, Any], message: str
) -> None:
    path = write(tmp_path, document(with_second(**changes)))
    with pytest.raises(ContentError, match=message) as caught:
        load_points(path)
    assert str(path) in str(caught.value)
    assert "points[1]" in str(caught.value)


def test_an_entry_that_is_not_an_object_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(ContentError, match=r"points\[1\] must be a JSON object"):
        load_points(write(tmp_path, document([GOOD_POINT, "LR3"])))


def test_the_error_names_the_offending_code(tmp_path: Path) -> None:
    with pytest.raises(ContentError, match=r"points\[1\] \(LR3\): unknown key"):
        load_points(write(tmp_path, document(with_second(alias="LV3"))))


def test_a_top_level_that_is_not_an_object_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(ContentError, match="top level"):
        load_points(write(tmp_path, [GOOD_POINT]))


def test_a_file_that_is_not_json_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "points.json"
    path.write_text('{"format": "cramp-practitioner/points",', encoding="utf-8")
    with pytest.raises(ContentError, match="not valid JSON") as caught:
        load_points(path)
    assert str(path) in str(caught.value)


def test_a_duplicated_json_key_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "points.json"
    text = json.dumps(document())
    path.write_text(text.replace('"pinyin": "Taichong"', '"pinyin": "Taichong", "pinyin": "X"'))
    with pytest.raises(ContentError, match="duplicate key 'pinyin'"):
        load_points(path)


def test_a_missing_file_is_a_content_error(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.json"
    with pytest.raises(ContentError, match="cannot read") as caught:
        load_points(path)
    assert str(path) in str(caught.value)


def test_a_file_that_is_not_utf8_is_a_content_error(tmp_path: Path) -> None:
    path = tmp_path / "points.json"
    path.write_bytes(b'{"source": "\xff\xfe"}')
    with pytest.raises(ContentError, match="cannot read"):
        load_points(path)
