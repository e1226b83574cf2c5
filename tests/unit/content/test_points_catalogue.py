"""The full points catalogue: every WHO standard point with its names, location and
cautions, the common extra points and ah-shi, entered however a practitioner types them."""

from __future__ import annotations

import json
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from practitioner.content.errors import ContentError
from practitioner.content.points import FORMAT, FORMAT_VERSION, default_points_path, load_points
from practitioner.domain.points import AH_SHI, CHANNELS, EXTRA, compact_name

WHO_COUNTS = {
    "LU": 11, "LI": 20, "ST": 45, "SP": 21, "HT": 9, "SI": 19, "BL": 67, "KI": 27,
    "PC": 9, "TE": 23, "GB": 44, "LR": 14, "GV": 28, "CV": 24,
}  # fmt: skip


def test_every_who_channel_has_its_361_points_numbered_without_gaps() -> None:
    points = [p for p in load_points() if p.channel != EXTRA]
    assert Counter(p.channel for p in points) == WHO_COUNTS
    assert sum(WHO_COUNTS.values()) == len(points) == 361
    for channel, count in WHO_COUNTS.items():
        codes = {p.code for p in points if p.channel == channel}
        assert codes == {f"{channel}{n}" for n in range(1, count + 1)}


def test_every_code_is_unique_in_the_shipped_file() -> None:
    raw = json.loads(default_points_path().read_text(encoding="utf-8"))["points"]
    codes = [entry["code"] for entry in raw]
    assert len(codes) == len(set(codes))


def test_every_point_has_names_a_location_and_consistent_pinyin() -> None:
    for point in load_points():
        assert point.location and point.hanzi and point.pinyin_tones, point.code
        assert compact_name(point.pinyin_tones) == compact_name(point.pinyin), point.code
        assert not point.pinyin_tones.isascii() or point.code == AH_SHI, point.code
        assert all("\u4e00" <= ch <= "\u9fff" for ch in point.hanzi), point.code
        assert len(point.location) <= 200, point.code
        assert point.location in point.details


@pytest.mark.parametrize(
    "code",
    ["Yintang", "Bafeng", "Heding", "Xiyan", "Dannang", "Lanwei", "Taiyang", "Sishencong",
     "Baxie", "Shixuan", "Huatuojiaji"],
)
def test_the_common_extra_points_are_known_by_name(code: str) -> None:
    point = load_points().lookup(code)
    assert point is not None and point.channel == EXTRA and point.code.startswith("EX-")


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("Zusanli", "ST36"), ("zu san li", "ST36"), ("Zúsānlǐ", "ST36"), ("足三里", "ST36"),
        ("liver 3", "LR3"), ("Liver3", "LR3"), ("LV3", "LR3"), ("Liv3", "LR3"),
        ("LR-3", "LR3"), ("lr 03", "LR3"), ("stomach 36", "ST36"), ("St 36", "ST36"),
        ("SJ5", "TE5"), ("TW 5", "TE5"), ("san jiao 5", "TE5"), ("triple burner 5", "TE5"),
        ("Du 20", "GV20"), ("governing vessel 20", "GV20"), ("Ren12", "CV12"),
        ("conception vessel 12", "CV12"), ("K3", "KI3"), ("kidney 1", "KI1"),
        ("P6", "PC6"), ("pericardium 6", "PC6"), ("Sp 6", "SP6"), ("spleen 6", "SP6"),
        ("H7", "HT7"), ("heart 7", "HT7"), ("gall bladder 34", "GB34"),
        ("gallbladder 34", "GB34"), ("UB40", "BL40"), ("bladder 57", "BL57"),
        ("large intestine 4", "LI4"), ("small intestine 3", "SI3"), ("lung 7", "LU7"),
        ("Taichong", "LR3"), ("Yanglingquan", "GB34"), ("Yang Ling Quan", "GB34"),
        ("Chengshan", "BL57"), ("Yintang", "EX-HN3"), ("GV29", "EX-HN3"),
        ("ex-hn3", "EX-HN3"), ("EX LE 10", "EX-LE10"), ("ah-shi", AH_SHI), ("Ashi", AH_SHI),
        ("a shi", AH_SHI), ("Luozhen", "EX-UE8"), ("Fu'ai", "SP16"), ("Zhōngdū", "LR6"),
        ("Zhōngdú", "GB32"),
    ],
)
def test_entry_accepts_a_code_in_any_notation_pinyin_or_hanzi(typed: str, code: str) -> None:
    point = load_points().lookup(typed)
    assert point is not None and point.code == code


def test_a_pinyin_two_points_share_is_not_guessed() -> None:
    # Zhongdu is GB32 and LR6; Juliao is ST3 and GB29: the practitioner picks one.
    assert load_points().lookup("Zhongdu") is None
    assert {p.code for p in load_points().suggest("Zhongdu")} >= {"GB32", "LR6"}
    assert load_points().lookup("Juliao") is None


@pytest.mark.parametrize(
    "code",
    ["LU1", "LU2", "ST12", "GB21", "SP21", "KI27", "PC1", "LR14", "BL13", "BL43", "BL46",
     "SI13", "LI16", "EX-B1"],
)
def test_points_over_the_lung_warn_of_pneumothorax(code: str) -> None:
    point = load_points().lookup(code)
    assert point is not None and "pneumothorax" in point.caution


@pytest.mark.parametrize(
    ("code", "beneath"),
    [("ST9", "carotid"), ("LU9", "radial artery"), ("HT1", "axillary artery"),
     ("BL40", "popliteal"), ("SP11", "femoral"), ("ST1", "eye"), ("BL1", "eye"),
     ("EX-HN7", "eye"), ("GV16", "medulla"), ("GB20", "medulla"), ("CV17", "sternal foramen"),
     ("CV22", "trachea"), ("ST17", "not needled"), ("CV8", "Not needled")],
)
def test_points_near_vessels_the_eye_or_the_medulla_say_so(code: str, beneath: str) -> None:
    point = load_points().lookup(code)
    assert point is not None and beneath in point.caution


TRADITIONALLY_AVOIDED_IN_PREGNANCY = {
    "LI4", "SP6", "BL60", "BL67", "GB21", *(f"BL{n}" for n in range(22, 35)),
    *(f"CV{n}" for n in range(1, 8)),
}


def test_points_traditionally_avoided_in_pregnancy_are_marked_as_traditional() -> None:
    marked = {p.code for p in load_points() if p.pregnancy}
    assert marked >= TRADITIONALLY_AVOIDED_IN_PREGNANCY
    for point in load_points():
        if point.pregnancy:
            assert point.pregnancy.startswith("Traditionally"), point.code
    assert not {"ST36", "LR3", "GB34", "BL57", "KI3"} & marked


def test_feet_cautions_for_poor_circulation_and_neuropathy() -> None:
    bafeng = load_points().lookup("Bafeng")
    assert bafeng is not None and "neuropathy" in bafeng.caution


def test_locations_are_in_the_projects_own_words_for_every_point() -> None:
    # No two points share a location sentence except where the anatomy is the same
    # pattern with a different number, so each was written for its point.
    locations = Counter(p.location for p in load_points())
    assert max(locations.values()) == 1


# --- the loader's checks of the new fields -------------------------------------------------


def write(tmp_path: Path, points: list[dict[str, Any]]) -> Path:
    path = tmp_path / "points.json"
    path.write_text(json.dumps({"format": FORMAT, "format_version": FORMAT_VERSION,
                                "source": "test", "points": points}), encoding="utf-8")
    return path


BASE = {"code": "ST36", "pinyin": "Zusanli", "english": "Leg Three Miles", "channel": "ST"}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"pinyin_tones": "Zúsānlì x"}, "does not spell"),
        ({"hanzi": 3}, "hanzi must be a string"),
        ({"aliases": "GV29"}, "aliases must be a list"),
        ({"aliases": [" x"]}, "aliases must be a list"),
        ({"location": "Below the knee "}, "location has surrounding spaces"),
        ({"depth": "1 cun"}, "unknown key(s) depth"),
        ({"code": "EX-HN03", "channel": "EX"}, "canonical extra point code"),
        ({"code": "EX-HN3", "channel": "GV"}, "channel 'GV' does not match"),
        ({"code": "Ah-shi", "channel": "EX"}, "canonical"),
    ],
)
def test_bad_new_fields_are_refused(tmp_path: Path, changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ContentError, match="points\\[0\\]") as error:
        load_points(write(tmp_path, [{**BASE, **changes}]))
    assert message in str(error.value)


def test_a_duplicate_extra_code_is_refused(tmp_path: Path) -> None:
    point = {"code": "EX-HN3", "pinyin": "Yintang", "english": "Hall of Impression",
             "channel": "EX"}
    with pytest.raises(ContentError, match="duplicate code"):
        load_points(write(tmp_path, [point, point]))


def test_every_channel_prefix_is_a_who_channel_or_extra() -> None:
    assert {p.channel for p in load_points()} == {*CHANNELS, EXTRA}
    assert all(unicodedata.is_normalized("NFC", p.pinyin_tones) for p in load_points())
