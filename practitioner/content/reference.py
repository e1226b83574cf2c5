"""The reference library: one TOML file per entry under resources/content/reference/.

Parsed strictly into frozen dataclasses: an unknown or missing key, an empty source list,
a bad enum value or a link to an entry that does not exist fails loading with the file
and entry named (qutebrowser's configdata pattern).

File format (all keys required unless marked optional)::

    slug = "idiopathic-nocturnal-leg-cramps"   # stable; equals the file name
    kind = "cause"                # see KINDS
    title = "Idiopathic nocturnal leg cramps"
    synonyms = ["night cramps", "charley horse"]
    summary = "One or two sentences."
    body = '''Paragraphs separated by blank lines.'''
    clues = ["What a practitioner can notice."]
    related = ["other-slug"]
    evidence = "How strong the evidence is, said plainly."
    last_reviewed = 2026-11-24
    version = 1                   # bump when the text changes
    [refer]
    urgency = "none"              # see URGENCIES
    advice = "When and where to refer."
    [[sources]]
    citation = "Author. Title. Journal Year;Vol:pages."
    url = "https://…"
    quality = "systematic-review" # see QUALITIES
    [medication]                  # optional; only for kind = "medication"
    generics = ["indapamide"]
    brands = ["Natrilix"]
    association = "strong"        # see ASSOCIATIONS
"""

from __future__ import annotations

import datetime as dt
import functools
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from practitioner.content.errors import ContentError
from practitioner.paths import resources_dir

KINDS = (
    "cause", "condition", "medication", "red-flag", "self-care", "tcm", "tcm-pattern",
    "evidence",
)
URGENCIES = ("none", "routine", "soon", "urgent", "emergency")
QUALITIES = (
    "guideline", "systematic-review", "trial", "observational", "regulator", "textbook",
    "traditional-text", "expert-opinion",
)
ASSOCIATIONS = ("strong", "moderate", "weak", "list-only")

_TOP_KEYS = {
    "slug", "kind", "title", "synonyms", "summary", "body", "clues", "related", "evidence",
    "last_reviewed", "version", "refer", "sources",
}
_OPTIONAL_KEYS = {"medication"}


@dataclass(frozen=True)
class Source:
    """Where a statement comes from, and what kind of evidence that is."""

    citation: str
    url: str
    quality: str


@dataclass(frozen=True)
class Referral:
    """When to refer, and how urgently."""

    urgency: str
    advice: str


@dataclass(frozen=True)
class MedicationNames:
    """The names a medication class goes by, and how strongly it is tied to cramps."""

    generics: tuple[str, ...]
    brands: tuple[str, ...]
    association: str


@dataclass(frozen=True)
class Entry:
    """One topic of the reference library."""

    slug: str
    kind: str
    title: str
    synonyms: tuple[str, ...]
    summary: str
    body: str
    clues: tuple[str, ...]
    related: tuple[str, ...]
    evidence: str
    last_reviewed: dt.date
    version: int
    refer: Referral
    sources: tuple[Source, ...]
    medication: MedicationNames | None = None

    @property
    def paragraphs(self) -> tuple[str, ...]:
        """The body split at blank lines."""
        return tuple(p.strip() for p in self.body.split("\n\n") if p.strip())


def _fail(path: Path, message: str) -> ContentError:
    return ContentError(f"{path.name}: {message}")


def _strings(path: Path, raw: Any, key: str) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(s, str) and s.strip() for s in raw):
        raise _fail(path, f"“{key}” must be a list of non-empty strings.")
    return tuple(s.strip() for s in raw)


def _text(path: Path, raw: Mapping[str, Any], key: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise _fail(path, f"“{key}” must be a non-empty string.")
    return value.strip()


def _exact_keys(path: Path, raw: Mapping[str, Any], required: set[str],
                optional: frozenset[str] | set[str] = frozenset(), where: str = "") -> None:
    keys = set(raw)
    unknown, missing = keys - required - optional, required - keys
    place = f" in [{where}]" if where else ""
    if unknown:
        raise _fail(path, f"unknown key(s){place}: {', '.join(sorted(unknown))}.")
    if missing:
        raise _fail(path, f"missing key(s){place}: {', '.join(sorted(missing))}.")


def parse_entry(path: Path, raw: Mapping[str, Any]) -> Entry:
    """One entry from its parsed TOML; raises ContentError naming the file."""
    _exact_keys(path, raw, _TOP_KEYS, _OPTIONAL_KEYS)
    slug = _text(path, raw, "slug")
    if slug != path.stem:
        raise _fail(path, f"slug “{slug}” must equal the file name.")
    kind = _text(path, raw, "kind")
    if kind not in KINDS:
        raise _fail(path, f"kind “{kind}” is not one of {', '.join(KINDS)}.")
    refer = raw["refer"]
    if not isinstance(refer, dict):
        raise _fail(path, "[refer] must be a table.")
    _exact_keys(path, refer, {"urgency", "advice"}, where="refer")
    if refer["urgency"] not in URGENCIES:
        raise _fail(path, f"refer.urgency must be one of {', '.join(URGENCIES)}.")
    sources_raw = raw["sources"]
    if not isinstance(sources_raw, list) or not sources_raw:
        raise _fail(path, "an entry needs at least one [[sources]].")
    sources = []
    for index, source in enumerate(sources_raw):
        _exact_keys(path, source, {"citation", "url", "quality"}, where=f"sources {index + 1}")
        if source["quality"] not in QUALITIES:
            raise _fail(path, f"sources {index + 1}: quality must be one of "
                              f"{', '.join(QUALITIES)}.")
        sources.append(Source(_text(path, source, "citation"), str(source["url"]).strip(),
                              source["quality"]))
    medication = None
    if "medication" in raw:
        if kind != "medication":
            raise _fail(path, "only medication entries have a [medication] table.")
        names = raw["medication"]
        _exact_keys(path, names, {"generics", "brands", "association"}, where="medication")
        if names["association"] not in ASSOCIATIONS:
            raise _fail(path, f"medication.association must be one of "
                              f"{', '.join(ASSOCIATIONS)}.")
        medication = MedicationNames(_strings(path, names["generics"], "generics"),
                                     tuple(names["brands"]) if names["brands"] else (),
                                     names["association"])
    elif kind == "medication":
        raise _fail(path, "a medication entry needs a [medication] table.")
    reviewed = raw["last_reviewed"]
    if not isinstance(reviewed, dt.date) or isinstance(reviewed, dt.datetime):
        raise _fail(path, "last_reviewed must be a date such as 2026-11-24.")
    version = raw["version"]
    if not isinstance(version, int) or version < 1:
        raise _fail(path, "version must be a whole number from 1.")
    return Entry(
        slug=slug, kind=kind, title=_text(path, raw, "title"),
        synonyms=_strings(path, raw["synonyms"], "synonyms") if raw["synonyms"] else (),
        summary=_text(path, raw, "summary"), body=_text(path, raw, "body"),
        clues=_strings(path, raw["clues"], "clues") if raw["clues"] else (),
        related=_strings(path, raw["related"], "related") if raw["related"] else (),
        evidence=_text(path, raw, "evidence"), last_reviewed=reviewed, version=version,
        refer=Referral(refer["urgency"], str(refer["advice"]).strip()),
        sources=tuple(sources), medication=medication,
    )


def check_links(entries: Iterable[Entry]) -> None:
    """Raise ContentError when an entry links to a slug that does not exist."""
    entries = list(entries)
    slugs = {e.slug for e in entries}
    for entry in entries:
        broken = [s for s in entry.related if s not in slugs]
        if broken:
            raise ContentError(f"{entry.slug}.toml: related entries do not exist: "
                               f"{', '.join(broken)}.")


def load_reference(folder: Path | None = None) -> tuple[Entry, ...]:
    """Every entry under `folder` (default: the shipped library), links checked."""
    if folder is None:
        return _shipped()
    entries = []
    for path in sorted(folder.rglob("*.toml")):
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise _fail(path, f"cannot be read: {exc}") from exc
        entries.append(parse_entry(path, raw))
    seen: dict[str, Path] = {}
    for entry in entries:
        if entry.slug in seen:
            raise ContentError(f"slug “{entry.slug}” is used twice.")
        seen[entry.slug] = Path(entry.slug)
    check_links(entries)
    return tuple(entries)


@functools.lru_cache(maxsize=1)
def _shipped() -> tuple[Entry, ...]:
    return load_reference(resources_dir() / "content" / "reference")
