"""Loads the take-home sheet's wording (`resources/content/take_home.toml`).

Checked strictly like the rest of the content: an unknown or missing key, empty text, an
advice choice covered twice or not at all, an unknown urgency, or (given the library) an
entry that does not exist or a red-flag entry with no lay wording fails loading, naming
the file and place.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from practitioner.content.reference import Entry
from practitioner.content.toml_file import fail, read_toml, text
from practitioner.domain.session import HomeAdvice
from practitioner.domain.take_home import URGENCIES, LayRedFlag, SelfCare, TakeHomeContent
from practitioner.paths import shipped

FILENAME = "take_home.toml"
_TOP_KEYS = {"self_care", "red_flags", "urgency"}
_SELF_CARE_KEYS = {"advice", "entry", "heading", "text", "steps"}
_RED_FLAG_KEYS = {"entry", "lay", "urgency"}


def default_take_home_path() -> Path:
    """The wording shipped with the app."""
    return shipped("resources", "content", FILENAME)


def load_take_home(path: Path | None = None, library: Iterable[Entry] | None = None
                   ) -> TakeHomeContent:
    """The wording in `path` (default: the shipped one, cached). With `library`, every
    `entry` must name one of its entries (self-care items any entry, red flags a red-flag
    entry) and every red-flag entry of the library must have lay wording.

    Raises:
        ContentError: the file cannot be read or breaks the format.
    """
    if path is None and library is None:
        return _shipped()
    return _load(path or default_take_home_path(), None if library is None else
                 tuple(library))


@functools.lru_cache(maxsize=1)
def _shipped() -> TakeHomeContent:
    return _load(default_take_home_path(), None)


def _keys(path: Path, raw: Any, expected: set[str], where: str) -> Mapping[str, Any]:
    if not isinstance(raw, dict):
        raise fail(path, f"{where} must be a table.")
    unknown, missing = set(raw) - expected, expected - set(raw)
    if unknown or missing:
        detail = (f"unknown key “{sorted(unknown)[0]}”" if unknown
                  else f"missing key “{sorted(missing)[0]}”")
        raise fail(path, f"{where}: {detail}.")
    return raw


def _tables(path: Path, raw: Mapping[str, Any], key: str) -> list[Any]:
    value = raw[key]
    if not isinstance(value, list) or not value:
        raise fail(path, f"“{key}” must be a non-empty list of tables.")
    return value


def _self_care(path: Path, raw: Any, index: int) -> SelfCare:
    where = f"self_care #{index}"
    item = _keys(path, raw, _SELF_CARE_KEYS, where)
    advice_value = text(path, item, "advice", where)
    try:
        advice = HomeAdvice(advice_value)
    except ValueError as exc:
        choices = ", ".join(a.value for a in HomeAdvice)
        raise fail(path, f"{where}: advice “{advice_value}” is not one of {choices}."
                    ) from exc
    steps = item["steps"]
    if not isinstance(steps, list) or not all(
            isinstance(s, str) and s.strip() and s == s.strip() for s in steps):
        raise fail(path, f"{where}: “steps” must be a list of non-empty texts.")
    return SelfCare(advice, text(path, item, "entry", where), text(path, item, "heading",
                    where), text(path, item, "text", where), tuple(steps))


def _red_flag(path: Path, raw: Any, index: int) -> LayRedFlag:
    where = f"red_flags #{index}"
    item = _keys(path, raw, _RED_FLAG_KEYS, where)
    urgency = text(path, item, "urgency", where)
    if urgency not in URGENCIES:
        raise fail(path, f"{where}: urgency “{urgency}” is not one of "
                          f"{', '.join(URGENCIES)}.")
    return LayRedFlag(text(path, item, "entry", where), text(path, item, "lay", where),
                      urgency)


def _load(path: Path, library: tuple[Entry, ...] | None) -> TakeHomeContent:
    raw = read_toml(path)
    top = _keys(path, raw, _TOP_KEYS, "the file")
    self_care = tuple(_self_care(path, item, n)
                      for n, item in enumerate(_tables(path, top, "self_care"), 1))
    red_flags = tuple(_red_flag(path, item, n)
                      for n, item in enumerate(_tables(path, top, "red_flags"), 1))
    urgency = _keys(path, top["urgency"], set(URGENCIES), "[urgency]")
    headings = {key: text(path, urgency, key, "[urgency]") for key in URGENCIES}
    covered = [item.advice for item in self_care]
    for advice in HomeAdvice:
        if covered.count(advice) != 1:
            raise fail(path, f"advice “{advice.value}” must have exactly one self_care "
                              f"item (found {covered.count(advice)}).")
    flagged = [flag.entry for flag in red_flags]
    if len(set(flagged)) != len(flagged):
        raise fail(path, "a red-flag entry is given lay wording twice.")
    if library is not None:
        _check_links(path, self_care, red_flags, library)
    return TakeHomeContent(self_care, red_flags, headings)


def _check_links(path: Path, self_care: tuple[SelfCare, ...],
                 red_flags: tuple[LayRedFlag, ...], library: tuple[Entry, ...]) -> None:
    kinds = {entry.slug: entry.kind for entry in library}
    for item in self_care:
        if item.entry not in kinds:
            raise fail(path, f"self_care “{item.advice.value}”: entry “{item.entry}” is "
                              "not in the reference library.")
    for flag in red_flags:
        if kinds.get(flag.entry) != "red-flag":
            raise fail(path, f"red_flags: “{flag.entry}” is not a red-flag entry of the "
                              "reference library.")
    missing = sorted(slug for slug, kind in kinds.items()
                     if kind == "red-flag" and slug not in {f.entry for f in red_flags})
    if missing:
        raise fail(path, f"the red-flag entry “{missing[0]}” has no lay wording.")
