"""Search-as-you-type over patients: by name (accent- and case-blind) or by date of birth."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from practitioner.domain.validation import parse_date

_APOSTROPHES = re.compile(r"['\u2019\u02bc]")
_PUNCTUATION = re.compile(r"[^\w\s]")
_YEAR_OR_MONTH = re.compile(r"^\s*(\d{4})(?:-(\d{1,2}))?\s*$")


def name_key(name: str) -> str:
    """The form of a name that search compares: no accents or apostrophes, case-folded,
    other punctuation as spaces, single-spaced (`Chloé O'Brien-Ng` → `chloe obrien ng`)."""
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    bare = _APOSTROPHES.sub("", bare.casefold())
    return " ".join(_PUNCTUATION.sub(" ", bare).split())


def family_key(name: str) -> str:
    """The name key with its last word (the family name) first, for the list's family-name
    order (`Chloé O'Brien-Ng` → `ng chloe obrien`)."""
    words = name_key(name).split()
    return " ".join(words[-1:] + words[:-1])


@dataclass(frozen=True)
class PatientQuery:
    """What the search box asks for: a name fragment, or the start of an ISO birth date."""

    name_fragment: str = ""
    birth_date_prefix: str = ""


def parse_query(text: str) -> PatientQuery:
    """Read the search box: `1975`, `1975-03`, `1975-03-14` or `14.03.1975` search dates."""
    match = _YEAR_OR_MONTH.match(text)
    if match:
        year, month = match.groups()
        return PatientQuery(birth_date_prefix=year if month is None else f"{year}-{int(month):02d}")
    try:
        date = parse_date(text)
    except ValueError:
        date = None
    if date is not None:
        return PatientQuery(birth_date_prefix=date.isoformat())
    return PatientQuery(name_fragment=name_key(text))
