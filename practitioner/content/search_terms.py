"""Loads the search vocabulary (`resources/content/search_terms.toml`): stopwords, lay
words and synonyms, and medicine brand names with their generic names.

Checked strictly like the rest of the content: an unknown key, an empty or repeated word,
a brand given twice or a `see` link to no entry fails loading, naming the file and place.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from practitioner.content.toml_file import fail, read_toml, text
from practitioner.domain.forgiving_search import BrandName, SearchTerms
from practitioner.domain.search import name_key
from practitioner.domain.spelling import fold
from practitioner.paths import shipped

FILENAME = "search_terms.toml"
_TOP_KEYS = {"stopwords", "synonyms", "brands", "linked"}


def default_terms_path() -> Path:
    """The vocabulary shipped with the app."""
    return shipped("resources", "content", FILENAME)


def load_search_terms(path: Path | None = None, slugs: Iterable[str] | None = None
                      ) -> SearchTerms:
    """The vocabulary in `path` (default: the shipped one, cached). With `slugs`, every
    brand's `see` must name one of them.

    Raises:
        ContentError: the file cannot be read or breaks the format.
    """
    if path is None and slugs is None:
        return _shipped()
    return _load(path or default_terms_path(), None if slugs is None else set(slugs))


@functools.lru_cache(maxsize=1)
def _shipped() -> SearchTerms:
    return _load(default_terms_path(), None)


def _words(path: Path, raw: Any, where: str) -> tuple[str, ...]:
    if not isinstance(raw, list) or not raw or not all(isinstance(w, str) for w in raw):
        raise fail(path, f"{where} must be a non-empty list of words.")
    words = tuple(raw)
    for word in words:
        if not word or word != word.strip() or " " in word or fold(word) != word:
            raise fail(path, f"{where}: “{word}” must be one lower-case word.")
    if len(set(words)) != len(words):
        raise fail(path, f"{where} repeats a word.")
    return words


def _load(path: Path, slugs: set[str] | None) -> SearchTerms:
    raw = read_toml(path)
    unknown, missing = set(raw) - _TOP_KEYS, _TOP_KEYS - set(raw)
    if unknown or missing:
        detail = "unknown" if unknown else "missing"
        raise fail(path, f"{detail} key(s): {', '.join(sorted(unknown or missing))}.")
    stopwords = _words(path, raw["stopwords"], "stopwords")
    groups: list[tuple[str, ...]] = []
    seen: dict[str, int] = {}
    if not isinstance(raw["synonyms"], list):
        raise fail(path, "synonyms must be a list of [[synonyms]] tables.")
    for index, table in enumerate(raw["synonyms"], start=1):
        where = f"synonyms {index}"
        if not isinstance(table, dict) or set(table) != {"words"}:
            raise fail(path, f"{where} must have exactly the key “words”.")
        words = _words(path, table["words"], where)
        for word in words:
            if word in seen:
                raise fail(path, f"{where}: “{word}” is already in synonyms {seen[word]}.")
            seen[word] = index
        groups.append(words)
    brands: list[BrandName] = []
    names: set[str] = set()

    def add(brand: BrandName, where: str) -> None:
        key = name_key(brand.brand)
        if key in names:
            raise fail(path, f"{where}: the brand “{brand.brand}” is given twice.")
        names.add(key)
        brands.append(brand)

    if not isinstance(raw["brands"], list):
        raise fail(path, "brands must be a list of [[brands]] tables.")
    for index, table in enumerate(raw["brands"], start=1):
        where = f"brands {index}"
        if not isinstance(table, dict) or set(table) != {"brand", "generic", "note", "see"}:
            raise fail(path, f"{where} must have exactly the keys brand, generic, note, see.")
        see = text(path, table, "see", where)
        if slugs is not None and see not in slugs:
            raise fail(path, f"{where}: “see” names no reference entry: {see}.")
        add(BrandName(text(path, table, "brand", where), text(path, table, "generic", where),
                      text(path, table, "note", where), see), where)
    linked = raw["linked"]
    if not isinstance(linked, dict):
        raise fail(path, "[linked] must be a table of brand = generic.")
    for brand, generic in linked.items():
        where = f"linked “{brand}”"
        if not isinstance(generic, str) or not generic.strip() or not brand.strip():
            raise fail(path, f"{where} must name a generic.")
        add(BrandName(brand, generic), where)
    return SearchTerms(frozenset(stopwords), tuple(groups), tuple(brands))
