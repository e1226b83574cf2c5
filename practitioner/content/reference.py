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
    [[history]]                   # optional; the entry's review log, oldest first
    date = 2026-11-24
    change = "What was written or changed."
    checked = ["Sources checked for this review."]
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from practitioner.content.errors import ContentError
from practitioner.paths import shipped

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
_OPTIONAL_KEYS = {"medication", "history"}
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


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
class Review:
    """One review of an entry: when, what changed, and which sources were checked."""

    date: dt.date
    change: str
    checked: tuple[str, ...]


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
    history: tuple[Review, ...] = ()

    @property
    def paragraphs(self) -> tuple[str, ...]:
        """The body split at blank lines."""
        return tuple(p.strip() for p in self.body.split("\n\n") if p.strip())


def _fail(path: Path, message: str) -> ContentError:
    return ContentError(f"{path.name}: {message}")


def _strings(path: Path, raw: Any, key: str, *, required: bool = False) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(s, str) and s.strip() for s in raw):
        raise _fail(path, f"“{key}” must be a list of non-empty strings.")
    if required and not raw:
        raise _fail(path, f"“{key}” must name at least one.")
    return tuple(s.strip() for s in raw)


def _table(path: Path, raw: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(raw, dict):
        raise _fail(path, f"[{where}] must be a table.")
    return raw


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


def _date(path: Path, raw: Any, where: str) -> dt.date:
    if isinstance(raw, str):
        with contextlib.suppress(ValueError):  # JSON copies carry ISO text
            raw = dt.date.fromisoformat(raw)
    if not isinstance(raw, dt.date) or isinstance(raw, dt.datetime):
        raise _fail(path, f"{where} must be a date such as 2026-11-24.")
    return raw


def _history(path: Path, raw: Any) -> tuple[Review, ...]:
    if not isinstance(raw, list):
        raise _fail(path, "“history” must be a list of [[history]] tables.")
    reviews = []
    for index, item in enumerate(raw):
        where = f"history {index + 1}"
        item = _table(path, item, where)
        _exact_keys(path, item, {"date", "change", "checked"}, where=where)
        reviews.append(Review(_date(path, item["date"], f"{where}: date"),
                              _text(path, item, "change"),
                              _strings(path, item["checked"], "checked", required=True)))
    if [r.date for r in reviews] != sorted(r.date for r in reviews):
        raise _fail(path, "history must be oldest first.")
    return tuple(reviews)


def parse_entry(path: Path, raw: Mapping[str, Any]) -> Entry:
    """One entry from its parsed TOML; raises ContentError naming the file."""
    _exact_keys(path, raw, _TOP_KEYS, _OPTIONAL_KEYS)
    slug = _text(path, raw, "slug")
    if not _SLUG.fullmatch(slug):
        raise _fail(path, f"slug “{slug}” must be lower-case words joined by hyphens.")
    if slug != path.stem:
        raise _fail(path, f"slug “{slug}” must equal the file name.")
    kind = _text(path, raw, "kind")
    if kind not in KINDS:
        raise _fail(path, f"kind “{kind}” is not one of {', '.join(KINDS)}.")
    refer = _table(path, raw["refer"], "refer")
    _exact_keys(path, refer, {"urgency", "advice"}, where="refer")
    if refer["urgency"] not in URGENCIES:
        raise _fail(path, f"refer.urgency must be one of {', '.join(URGENCIES)}.")
    sources_raw = raw["sources"]
    if not isinstance(sources_raw, list) or not sources_raw:
        raise _fail(path, "an entry needs at least one [[sources]].")
    sources = []
    for index, source in enumerate(sources_raw):
        where = f"sources {index + 1}"
        source = _table(path, source, where)
        _exact_keys(path, source, {"citation", "url", "quality"}, where=where)
        if source["quality"] not in QUALITIES:
            raise _fail(path, f"{where}: quality must be one of {', '.join(QUALITIES)}.")
        url = source["url"]
        if not isinstance(url, str) or not url.strip().startswith(("https://", "http://")):
            raise _fail(path, f"{where}: url must be a web address (https://…).")
        sources.append(Source(_text(path, source, "citation"), url.strip(), source["quality"]))
    medication = None
    if "medication" in raw:
        if kind != "medication":
            raise _fail(path, "only medication entries have a [medication] table.")
        names = _table(path, raw["medication"], "medication")
        _exact_keys(path, names, {"generics", "brands", "association"}, where="medication")
        if names["association"] not in ASSOCIATIONS:
            raise _fail(path, f"medication.association must be one of "
                              f"{', '.join(ASSOCIATIONS)}.")
        medication = MedicationNames(_strings(path, names["generics"], "generics",
                                              required=True),
                                     _strings(path, names["brands"], "brands"),
                                     names["association"])
    elif kind == "medication":
        raise _fail(path, "a medication entry needs a [medication] table.")
    reviewed = _date(path, raw["last_reviewed"], "last_reviewed")
    history = _history(path, raw.get("history", []))
    if history and history[-1].date != reviewed:
        raise _fail(path, "last_reviewed must be the date of the latest [[history]] review.")
    version = raw["version"]
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise _fail(path, "version must be a whole number from 1.")
    related = _strings(path, raw["related"], "related")
    if slug in related:
        raise _fail(path, "an entry cannot be related to itself.")
    return Entry(
        slug=slug, kind=kind, title=_text(path, raw, "title"),
        synonyms=_strings(path, raw["synonyms"], "synonyms"),
        summary=_text(path, raw, "summary"), body=_text(path, raw, "body"),
        clues=_strings(path, raw["clues"], "clues"),
        related=related,
        evidence=_text(path, raw, "evidence"), last_reviewed=reviewed, version=version,
        refer=Referral(refer["urgency"], _text(path, refer, "advice")),
        sources=tuple(sources), medication=medication, history=history,
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
    if not folder.is_dir():
        raise ContentError(f"The reference library folder {folder} does not exist.")
    entries = []
    seen: dict[str, Path] = {}
    for path in sorted(folder.rglob("*.toml")):
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise _fail(path, f"cannot be read: {' '.join(str(exc).split())}") from exc
        entry = parse_entry(path, raw)
        if entry.slug in seen:
            raise ContentError(f"{path.relative_to(folder)}: slug “{entry.slug}” is already "
                               f"used by {seen[entry.slug].relative_to(folder)}.")
        seen[entry.slug] = path
        entries.append(entry)
    check_links(entries)
    return tuple(entries)


def entry_to_raw(entry: Entry) -> dict[str, Any]:
    """`entry` in the shape of its file, JSON-ready (the date as ISO text)."""
    raw: dict[str, Any] = {
        "slug": entry.slug, "kind": entry.kind, "title": entry.title,
        "synonyms": list(entry.synonyms), "summary": entry.summary, "body": entry.body,
        "clues": list(entry.clues), "related": list(entry.related),
        "evidence": entry.evidence, "last_reviewed": entry.last_reviewed.isoformat(),
        "version": entry.version,
        "refer": {"urgency": entry.refer.urgency, "advice": entry.refer.advice},
        "sources": [{"citation": s.citation, "url": s.url, "quality": s.quality}
                    for s in entry.sources],
    }
    if entry.medication is not None:
        raw["medication"] = {"generics": list(entry.medication.generics),
                             "brands": list(entry.medication.brands),
                             "association": entry.medication.association}
    if entry.history:
        raw["history"] = [{"date": r.date.isoformat(), "change": r.change,
                           "checked": list(r.checked)} for r in entry.history]
    return raw


def entry_from_raw(raw: Mapping[str, Any]) -> Entry:
    """The entry `entry_to_raw` gave, checked by the same rules as a file.

    Raises ContentError naming the entry when `raw` breaks them.
    """
    return parse_entry(Path(f"{raw.get('slug', 'unknown')}.toml"), raw)


@functools.lru_cache(maxsize=1)
def _shipped() -> tuple[Entry, ...]:
    return load_reference(shipped("resources", "content", "reference"))
