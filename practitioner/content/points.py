"""Loads the acupuncture points catalogue from `resources/content/points.json`.

The file is checked strictly, so a typo in the shipped data fails loudly at load time
instead of quietly hiding a point from the practitioner.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from practitioner.content.errors import ContentError
from practitioner.domain.points import (
    AH_SHI,
    EXTRA,
    AcupuncturePoint,
    PointCatalogue,
    compact_name,
    extra_code,
    parse_point_code,
)
from practitioner.paths import shipped

FORMAT = "cramp-practitioner/points"
FORMAT_VERSION = 1
POINTS_FILENAME = "points.json"

_TOP_KEYS = frozenset({"format", "format_version", "source", "points"})
_REQUIRED_POINT_KEYS = frozenset({"code", "pinyin", "english", "channel"})
_OPTIONAL_POINT_KEYS = frozenset(
    {"note", "pinyin_tones", "hanzi", "location", "caution", "pregnancy", "aliases"}
)


def default_points_path() -> Path:
    """The catalogue shipped with the app."""
    return shipped("resources", "content", POINTS_FILENAME)


def load_points(path: Path | None = None) -> PointCatalogue:
    """Reads and checks a points file; the shipped one (cached) when no path is given.

    Raises:
        ContentError: the file cannot be read, is not JSON, or breaks the schema.
    """
    if path is None:
        return _default_catalogue()
    return _load(path)


@functools.lru_cache(maxsize=1)
def _default_catalogue() -> PointCatalogue:
    return _load(default_points_path())


def _reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _load(path: Path) -> PointCatalogue:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ContentError(f"{path}: cannot read the points file: {error}") from error
    try:
        data = json.loads(text, object_pairs_hook=_reject_duplicate_keys)
    except ValueError as error:  # json.JSONDecodeError is a ValueError
        raise ContentError(f"{path}: not valid JSON: {error}") from error
    points = _parse_document(path, data)
    try:
        return PointCatalogue(points)
    except ValueError as error:  # the checks above should already have caught it
        raise ContentError(f"{path}: {error}") from error


def _parse_document(path: Path, data: object) -> list[AcupuncturePoint]:
    if not isinstance(data, dict):
        raise ContentError(f"{path}: the top level must be a JSON object")
    _check_keys(path, "the top level", data, _TOP_KEYS, frozenset())
    if data["format"] != FORMAT:
        raise ContentError(f"{path}: format is {data['format']!r}, expected {FORMAT!r}")
    version = data["format_version"]
    if type(version) is not int or version != FORMAT_VERSION:
        raise ContentError(
            f"{path}: format_version {version!r} is not supported (expected {FORMAT_VERSION})"
        )
    source = data["source"]
    if not isinstance(source, str) or not source.strip():
        raise ContentError(f"{path}: source must be a non-empty string")
    entries = data["points"]
    if not isinstance(entries, list) or not entries:
        raise ContentError(f"{path}: points must be a non-empty list")

    points: list[AcupuncturePoint] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(entries):
        point = _parse_point(path, index, entry)
        if point.code in seen:
            raise ContentError(
                f"{path}: points[{index}] ({point.code}): duplicate code, "
                f"already at points[{seen[point.code]}]"
            )
        seen[point.code] = index
        points.append(point)
    return points


def _parse_point(path: Path, index: int, entry: object) -> AcupuncturePoint:
    where = f"points[{index}]"
    if not isinstance(entry, dict):
        raise ContentError(f"{path}: {where} must be a JSON object")
    code = entry.get("code")
    if isinstance(code, str):
        where = f"{where} ({code})"
    _check_keys(path, where, entry, _REQUIRED_POINT_KEYS, _OPTIONAL_POINT_KEYS)
    aliases = entry.get("aliases", [])
    if not isinstance(aliases, list) or not all(
        isinstance(a, str) and a.strip() == a and a for a in aliases
    ):
        raise ContentError(f"{path}: {where}: aliases must be a list of non-empty strings")
    for key in sorted(entry.keys() - {"aliases"}):
        if not isinstance(entry[key], str):
            raise ContentError(f"{path}: {where}: {key} must be a string")
    values: dict[str, str] = {k: v for k, v in entry.items() if k != "aliases"}

    code = values["code"]
    if code == AH_SHI or code.upper().startswith("EX"):
        canonical = AH_SHI if code == AH_SHI else extra_code(code)
        channel = EXTRA
        kind = "extra point code"
    else:
        parsed = parse_point_code(code)
        canonical = None if parsed is None else f"{parsed[0]}{parsed[1]}"
        channel = "" if parsed is None else parsed[0]
        kind = "WHO code"
    if canonical != code:
        hint = "" if canonical is None else f" (write {canonical!r})"
        raise ContentError(f"{path}: {where}: code {code!r} is not a canonical {kind}{hint}")
    for key in ("pinyin", "english"):
        if not values[key].strip():
            raise ContentError(f"{path}: {where}: {key} is empty")
    for key, value in values.items():
        if value != value.strip():
            raise ContentError(f"{path}: {where}: {key} has surrounding spaces")
    if values["channel"] != channel:
        raise ContentError(
            f"{path}: {where}: channel {values['channel']!r} does not match the code "
            f"(expected {channel!r})"
        )
    tones = values.get("pinyin_tones", "")
    if tones and compact_name(tones) != compact_name(values["pinyin"]):
        raise ContentError(
            f"{path}: {where}: pinyin_tones {tones!r} does not spell pinyin "
            f"{values['pinyin']!r}"
        )
    return AcupuncturePoint(
        code=code,
        pinyin=values["pinyin"],
        english=values["english"],
        channel=values["channel"],
        note=values.get("note", ""),
        pinyin_tones=tones,
        hanzi=values.get("hanzi", ""),
        location=values.get("location", ""),
        caution=values.get("caution", ""),
        pregnancy=values.get("pregnancy", ""),
        aliases=tuple(aliases),
    )


def _check_keys(
    path: Path,
    where: str,
    mapping: dict[str, Any],
    required: frozenset[str],
    optional: frozenset[str],
) -> None:
    missing = sorted(required - mapping.keys())
    if missing:
        raise ContentError(f"{path}: {where}: missing key(s) {', '.join(missing)}")
    unknown = sorted(mapping.keys() - required - optional)
    if unknown:
        raise ContentError(f"{path}: {where}: unknown key(s) {', '.join(unknown)}")
