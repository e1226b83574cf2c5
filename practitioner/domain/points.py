"""Acupuncture points: WHO codes as practitioners type them, and a catalogue to look them up.

Codes follow the WHO Standard Acupuncture Point Locations (2008): a channel prefix and a
number without leading zeros, `GB34`. Practitioners also type older prefixes (`LV3`, `SJ5`,
`Du20`, `Ren 12`) and separators (`GB-34`, `gb.34`); `normalize_point_code` reads them all.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from practitioner.domain.search import name_key

#: The WHO 2008 channel prefixes, in the standard's order.
CHANNELS: tuple[str, ...] = (
    "LU", "LI", "ST", "SP", "HT", "SI", "BL", "KI", "PC", "TE", "GB", "LR", "GV", "CV",
)  # fmt: skip

#: Every prefix a practitioner may type (upper case) → the WHO prefix it stands for.
CHANNEL_ALIASES: Mapping[str, str] = MappingProxyType(
    {
        **{channel: channel for channel in CHANNELS},
        "SJ": "TE",  # San Jiao
        "TB": "TE",  # Triple Burner
        "TW": "TE",  # Triple Warmer
        "TH": "TE",  # Triple Heater
        "LV": "LR",
        "LIV": "LR",
        "UB": "BL",  # Urinary Bladder
        "KID": "KI",
        "K": "KI",
        "HE": "HT",
        "H": "HT",
        "P": "PC",
        "DU": "GV",
        "REN": "CV",
    }
)

# One to three letters (dots allowed between them: `G.B.`, `L.I.`), separators, then at most
# three digits after any leading zeros, which also keeps int() off absurdly long numbers.
_PREFIX = r"[A-Za-z](?:\.?[A-Za-z]){0,2}\.?"
_CODE = re.compile(rf"({_PREFIX})[\s._-]*0*([0-9]{{1,3}})", re.ASCII)
_LETTERS = re.compile(_PREFIX, re.ASCII)
# Nobody types a point name longer than this; longer text is cut before fuzzy matching.
_QUERY_MAX = 64


#: The channel of the extra points (EX-HN3 Yintang …) and of ah-shi points.
EXTRA = "EX"
#: The code of the ah-shi ("that's it!") entry: any tender spot, no fixed place.
AH_SHI = "AH-SHI"
_EXTRA_CODE = re.compile(r"EX[\s._-]*(HN|CA|B|UE|LE)[\s._-]*0*([0-9]{1,2})", re.ASCII | re.I)

#: Channel names in English and pinyin (folded, no spaces) → the WHO prefix, so that
#: "liver 3", "Stomach 36" and "san jiao 5" read as codes.
CHANNEL_NAMES: Mapping[str, str] = MappingProxyType(
    {
        "lung": "LU", "lungs": "LU", "largeintestine": "LI", "colon": "LI",
        "stomach": "ST", "spleen": "SP", "heart": "HT", "smallintestine": "SI",
        "bladder": "BL", "urinarybladder": "BL", "kidney": "KI", "kidneys": "KI",
        "pericardium": "PC", "tripleenergizer": "TE", "tripleenergiser": "TE",
        "tripleburner": "TE", "triplewarmer": "TE", "tripleheater": "TE", "sanjiao": "TE",
        "gallbladder": "GB", "liver": "LR", "governingvessel": "GV", "governor": "GV",
        "dumai": "GV", "conceptionvessel": "CV", "renmai": "CV",
    }
)
_NAMED_CODE = re.compile(r"([a-z][a-z ]*?)\s*0*([0-9]{1,3})")


def extra_code(text: str) -> str | None:
    """The canonical code of a typed extra point (`"ex hn 3"` → `"EX-HN3"`), or None."""
    match = _EXTRA_CODE.fullmatch(_prepare(text))
    if match is None or int(match.group(2)) == 0:
        return None
    return f"EX-{match.group(1).upper()}{int(match.group(2))}"


def named_point_code(text: str) -> str | None:
    """The WHO code for a channel written out (`"liver 3"` → `"LR3"`), or None."""
    match = _NAMED_CODE.fullmatch(name_key(text))
    if match is None:
        return None
    channel = CHANNEL_NAMES.get(match.group(1).replace(" ", ""))
    number = int(match.group(2))
    return None if channel is None or number == 0 else f"{channel}{number}"


def compact_name(text: str) -> str:
    """A pinyin or alias as compared: folded, no spaces or punctuation (`"Zú Sān Lǐ"` →
    `"zusanli"`)."""
    return name_key(text).replace(" ", "")


@dataclass(frozen=True)
class AcupuncturePoint:
    """One point of the catalogue: its code, names, where it is, and what to watch for.

    `pinyin` is plain ASCII, `pinyin_tones` the same with tone marks; `caution` is about
    depth, angle and what lies beneath; `pregnancy` is a traditional contraindication
    when there is one; `aliases` are other names or codes it is typed as (GV29, Luozhen).
    """

    code: str
    pinyin: str
    english: str
    channel: str
    note: str = ""
    pinyin_tones: str = ""
    hanzi: str = ""
    location: str = ""
    caution: str = ""
    pregnancy: str = ""
    aliases: tuple[str, ...] = ()

    @property
    def details(self) -> str:
        """Where the point is and what to watch for, one line each (for a tooltip)."""
        names = " ".join(n for n in (self.pinyin_tones, self.hanzi) if n)
        lines = [f"{self.code} {names or self.pinyin} ({self.english})"]
        lines += [text for text in (self.location, self.caution, self.pregnancy) if text]
        return "\n".join(lines)

    @property
    def label(self) -> str:
        """How the point reads in lists: `GB34 Yanglingquan (Yang Mound Spring)`."""
        return f"{self.code} {self.pinyin} ({self.english})"


def _check_code(point: AcupuncturePoint) -> tuple[str, int]:
    """The channel and number of a point's code; ValueError when the code is not in
    canonical form or its channel is not the point's."""
    if point.code == AH_SHI or point.code.startswith("EX-"):
        if point.code != AH_SHI and extra_code(point.code) != point.code:
            raise ValueError(f"{point.code!r} is not a canonical extra point code")
        if point.channel != EXTRA:
            raise ValueError(f"{point.code}: channel {point.channel!r} is not {EXTRA!r}")
        digits = "".join(ch for ch in point.code if ch.isdigit())
        return EXTRA, int(digits or 0)
    parsed = parse_point_code(point.code)
    if parsed is None or f"{parsed[0]}{parsed[1]}" != point.code:
        raise ValueError(f"{point.code!r} is not a canonical WHO point code")
    if parsed[0] != point.channel:
        raise ValueError(f"{point.code}: channel {point.channel!r} is not {parsed[0]!r}")
    return parsed


def _prepare(text: str) -> str:
    """Full-width and other compatibility forms as plain ASCII where they have one."""
    return unicodedata.normalize("NFKC", text).strip()


def parse_point_code(text: str) -> tuple[str, int] | None:
    """The WHO channel and point number of a typed code (`"lv 03"` → `("LR", 3)`), or None."""
    match = _CODE.fullmatch(_prepare(text))
    if match is None:
        return None
    channel = CHANNEL_ALIASES.get(match.group(1).replace(".", "").upper())
    number = int(match.group(2))
    if channel is None or number == 0:
        return None
    return channel, number


def normalize_point_code(text: str) -> str | None:
    """The canonical WHO code for what a practitioner typed (`"Ren 12"` → `"CV12"`).

    Returns None when the text is not shaped like a point code (`"hello"`, `"34"`, `"GB"`).
    Whether the point exists is the catalogue's business, not this function's.
    """
    parsed = parse_point_code(text)
    if parsed is None:
        return None
    channel, number = parsed
    return f"{channel}{number}"


def _channel_only(text: str) -> str | None:
    """The WHO channel when the text is just a prefix (`"gb"`, `"Liv"`), else None."""
    prepared = _prepare(text)
    if _LETTERS.fullmatch(prepared) is None:
        return None
    return CHANNEL_ALIASES.get(prepared.replace(".", "").upper())


def _name_rank(query: str, names: tuple[str, ...]) -> int | None:
    """How well a folded query matches folded names: 0 prefix, 1 word start, 2 anywhere."""
    compact_query = query.replace(" ", "")
    best: int | None = None
    for name in names:
        compact_name = name.replace(" ", "")
        if name.startswith(query) or compact_name.startswith(compact_query):
            return 0
        if f" {query}" in f" {name}":
            best = 1
        elif (query in name or compact_query in compact_name) and best is None:
            best = 2
    return best


class PointCatalogue:
    """The points a practitioner can choose from, looked up by whatever code they type."""

    def __init__(self, points: Iterable[AcupuncturePoint]) -> None:
        """Raises ValueError for a duplicate code, a code not in canonical WHO form, or a
        channel that is not the code's prefix."""
        self._points: tuple[AcupuncturePoint, ...] = tuple(points)
        self._by_code: dict[str, AcupuncturePoint] = {}
        self._numbers: dict[str, int] = {}
        for point in self._points:
            _, number = _check_code(point)
            if point.code in self._by_code:
                raise ValueError(f"duplicate point code {point.code!r}")
            self._by_code[point.code] = point
            self._numbers[point.code] = number
        self._names: dict[str, tuple[str, ...]] = {
            point.code: (name_key(point.pinyin), name_key(point.english),
                         *(name_key(alias) for alias in point.aliases))
            for point in self._points
        }
        self._by_compact_pinyin: dict[str, list[AcupuncturePoint]] = {}
        self._by_name: dict[str, list[AcupuncturePoint]] = {}
        for point in self._points:
            key = self._names[point.code][0].replace(" ", "")
            self._by_compact_pinyin.setdefault(key, []).append(point)
            names = {key, *(compact_name(a) for a in point.aliases), point.hanzi}
            for name in names - {""}:
                self._by_name.setdefault(name, []).append(point)
            for alias in point.aliases:
                code = normalize_point_code(alias) or extra_code(alias)
                if code is not None:
                    self._by_name.setdefault(code, []).append(point)

    def lookup(self, text: str) -> AcupuncturePoint | None:
        """The point for what was typed, or None if unknown or ambiguous: a code in any
        notation (`"lv3"`, `"Liv-3"`, `"liver 3"`, `"EX-HN3"`), a pinyin name with or
        without tones and spaces (`"Zusanli"`, `"zu san li"`), hanzi, or an alias
        (`"GV29"`, `"ah shi"`). A pinyin two points share (Zhongdu) needs its tones or
        code."""
        text = text[:_QUERY_MAX]
        code = normalize_point_code(text) or extra_code(text) or named_point_code(text)
        if code is not None and code in self._by_code:
            return self._by_code[code]
        if code is not None and len(self._by_name.get(code, ())) == 1:
            return self._by_name[code][0]
        found = self._by_name.get(compact_name(text)) or self._by_name.get(_prepare(text), [])
        if len(found) > 1:  # the same pinyin: tone marks tell them apart
            toned = _prepare(text).replace(" ", "").casefold()
            found = [p for p in found if p.pinyin_tones.replace(" ", "").casefold() == toned]
        return found[0] if len(found) == 1 else None

    def __contains__(self, item: object) -> bool:
        if isinstance(item, AcupuncturePoint):
            return self._by_code.get(item.code) == item
        if isinstance(item, str):
            return self.lookup(item) is not None
        return False

    def __len__(self) -> int:
        return len(self._points)

    def __iter__(self) -> Iterator[AcupuncturePoint]:
        return iter(self._points)

    def suggest(self, text: str, limit: int = 5) -> list[AcupuncturePoint]:
        """The points closest to a typo or unknown entry, best first, at most `limit`.

        A code (`GB35`) brings the same channel's points by nearest number; a bare prefix
        (`GB`) that channel's points; other text matches pinyin and English names by prefix,
        word start or substring, ignoring case and accents; fuzzy matches on codes and pinyin
        come last. Never raises.
        """
        if limit <= 0:
            return []
        chosen: dict[str, AcupuncturePoint] = {}
        for point in self._candidates(text[:_QUERY_MAX], limit):
            chosen.setdefault(point.code, point)
            if len(chosen) >= limit:
                break
        return list(chosen.values())

    def _candidates(self, text: str, limit: int) -> Iterator[AcupuncturePoint]:
        """Every suggestion in order of preference; duplicates are dropped by the caller."""
        parsed = parse_point_code(text) or parse_point_code(named_point_code(text) or "")
        if parsed is not None:
            channel, number = parsed
            same_channel = [point for point in self._points if point.channel == channel]
            yield from sorted(
                same_channel,
                key=lambda point: (
                    abs(self._numbers[point.code] - number),
                    self._numbers[point.code],
                ),
            )
        prefix_channel = _channel_only(text)
        if prefix_channel is not None:
            yield from (point for point in self._points if point.channel == prefix_channel)

        query = name_key(text)
        if not query:
            return
        ranked: list[tuple[int, int, AcupuncturePoint]] = []
        for index, point in enumerate(self._points):
            rank = _name_rank(query, self._names[point.code])
            if rank is not None:
                ranked.append((rank, index, point))
        ranked.sort(key=lambda entry: (entry[0], entry[1]))
        yield from (point for _, _, point in ranked)

        code_like = re.sub(r"[^0-9A-Z]", "", query.upper())
        for code in difflib.get_close_matches(code_like, list(self._by_code), n=limit):
            yield self._by_code[code]
        compact = query.replace(" ", "")
        pinyin_keys = list(self._by_compact_pinyin)
        for key in difflib.get_close_matches(compact, pinyin_keys, n=limit, cutoff=0.75):
            yield from self._by_compact_pinyin[key]
