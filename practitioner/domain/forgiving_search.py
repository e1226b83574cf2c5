"""Search that forgives how people type: lay words and synonyms, typos against the
library's own vocabulary, point codes in any notation, and medicine brand names.

`Forgiver` is built once per library (its vocabulary and lookup tables precomputed) and
turns what was typed into a `FullTextQuery` whose word groups are widened, plus the
brands the text names. Typos are matched with rapidfuzz's normalised Levenshtein ratio
against the library's words of similar length: a vocabulary of a few thousand words
answers in well under a millisecond, and a library word is only ever suggested when no
library word starts with what was typed (so a word still being typed is left alone).
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from practitioner.domain.points import named_point_code, normalize_point_code
from practitioner.domain.reference_query import (
    MAX_SCAN,
    MAX_WORD_LENGTH,
    MAX_WORDS,
    FullTextQuery,
    light_stem,
    word_forms,
)
from practitioner.domain.search import name_key
from practitioner.domain.spelling import fold

_WORD = re.compile(r"[^\W_]+")
# A typo is corrected only in a word at least this long, to at most this many words.
MIN_TYPO_LENGTH = 4
MAX_CORRECTIONS = 2


@dataclass(frozen=True)
class BrandName:
    """A medicine's brand and generic name. `note` and `see` are set for a brand the
    library does not link to cramps: what it is, said plainly, and the entry to read."""

    brand: str
    generic: str
    note: str = ""
    see: str = ""

    @property
    def linked(self) -> bool:
        return not self.note

    @property
    def label(self) -> str:
        """`Ventolin (salbutamol): a short-acting reliever …` or `Evista (raloxifene)`."""
        named = f"{self.brand} ({self.generic})"
        return f"{named}: {self.note}" if self.note else named


@dataclass(frozen=True)
class SearchTerms:
    """The search vocabulary kept as content: stopwords, synonym groups, brand names."""

    stopwords: frozenset[str] = frozenset()
    synonyms: tuple[tuple[str, ...], ...] = ()
    brands: tuple[BrandName, ...] = ()

    def generic_of(self) -> dict[str, str]:
        """Brand (as written) → generic, for naming a brand in a flag."""
        return {b.brand: b.generic for b in self.brands}


@dataclass(frozen=True)
class ForgivingQuery:
    """What was typed, widened: the query (None when no word was searchable), the brands
    the text names, and each group's forms for the words typed (and their typo
    corrections, not their synonyms), to tell whether the text names an entry."""

    query: FullTextQuery | None
    brands: tuple[BrandName, ...] = ()
    typed: tuple[tuple[str, ...], ...] = field(default=())


def _tokens(text: str) -> list[str]:
    head = unicodedata.normalize("NFKC", text[:MAX_SCAN])
    return [w[:MAX_WORD_LENGTH] for w in _WORD.findall(fold(head))]


def _minimal(forms: Iterable[str]) -> tuple[str, ...]:
    """The forms with none that another form is a prefix of (that one finds it)."""
    unique = set(forms)
    return tuple(sorted(f for f in unique if not any(g != f and f.startswith(g)
                                                     for g in unique)))


class Forgiver:
    """Widens typed queries for one library: built once, then cheap per keystroke.

    `texts` are the library's searchable texts (titles, synonyms, bodies …), whose words
    are the vocabulary typos are corrected to; `point_names` maps a WHO code to the
    pinyin the library may write beside it (`"LR3"` → `"Taichong"`).
    """

    def __init__(self, terms: SearchTerms, texts: Iterable[str],
                 point_names: Mapping[str, str] | None = None) -> None:
        self._stopwords = terms.stopwords
        # Word (and its light stem) → its synonym group. Synonyms are searched as whole
        # words (the group lists their inflections): as prefixes "red" would find
        # "reduced", and whole words are cheaper for the index to look up.
        self._groups: dict[str, tuple[str, ...]] = {}
        for group in terms.synonyms:
            folded = tuple(fold(word) for word in group)
            for word in folded:
                self._groups.setdefault(word, folded)
                self._groups.setdefault(light_stem(word), folded)
        self._forms: dict[str, tuple[str, ...]] = {}
        self._brands: dict[str, BrandName] = {name_key(b.brand): b for b in terms.brands}
        self._brand_words = max((len(k.split()) for k in self._brands), default=1)
        vocabulary: set[str] = set()
        for text in texts:
            vocabulary.update(w for w in _WORD.findall(fold(text)) if len(w) > 2)
        vocabulary.update(w for group in terms.synonyms for w in map(fold, group))
        vocabulary.update(k for k in self._brands if " " not in k)
        self._sorted = sorted(vocabulary)
        self._by_length: dict[int, list[str]] = {}
        for word in self._sorted:
            self._by_length.setdefault(len(word), []).append(word)
        self._point_names = {code: fold(name) for code, name in (point_names or {}).items()}

    def _word_forms(self, word: str) -> tuple[str, ...]:
        """`word_forms`, remembered (a bounded cache: typing repeats words)."""
        forms = self._forms.get(word)
        if forms is None:
            if len(self._forms) > 4096:
                self._forms.clear()
            forms = self._forms[word] = word_forms(word)
        return forms

    def _known(self, forms: Iterable[str]) -> bool:
        """Whether some library word starts with one of `forms`."""
        for form in forms:
            at = bisect.bisect_left(self._sorted, form)
            if at < len(self._sorted) and self._sorted[at].startswith(form):
                return True
        return False

    def corrections(self, word: str) -> list[str]:
        """Library words a typo most likely stands for, best first (none for a word the
        library knows, a short word, or one with digits)."""
        if (len(word) < MIN_TYPO_LENGTH or not word.isalpha()
                or self._known(self._word_forms(word))):
            return []
        pool = [w for n in range(len(word) - 2, len(word) + 3) for w in self._by_length.get(n, ())]
        cutoff = 80.0 if len(word) < 7 else 75.0
        found = process.extract(word, pool, scorer=fuzz.ratio, score_cutoff=cutoff,
                                limit=MAX_CORRECTIONS)
        # A second guess only when it is about as close as the best one.
        return [match for match, score, _ in found if score >= found[0][1] - 3]

    def _code_at(self, tokens: list[str], i: int) -> tuple[str, int] | None:
        """A point code starting at token `i` ("liver 3", "gall bladder 34", "lv3") and
        how many tokens it takes."""
        for size in (3, 2):
            part = tokens[i:i + size]
            if len(part) == size and part[-1].isdigit():
                phrase = " ".join(part)
                code = named_point_code(phrase) or normalize_point_code(phrase)
                if code is not None:
                    return code, size
        token = tokens[i]
        if any(ch.isdigit() for ch in token) and any(ch.isalpha() for ch in token):
            code = normalize_point_code(token) or named_point_code(token)
            if code is not None:
                return code, 1
        return None

    def _brands_in(self, tokens: list[str]) -> list[BrandName]:
        found: list[BrandName] = []
        for size in range(self._brand_words, 0, -1):
            for i in range(len(tokens) - size + 1):
                brand = self._brands.get(" ".join(tokens[i:i + size]))
                if brand is not None and brand not in found:
                    found.append(brand)
        return found

    def expand(self, text: str) -> ForgivingQuery:
        """The widened query for what was typed."""
        tokens = _tokens(text)
        groups: list[tuple[str, ...]] = []
        exact: list[tuple[str, ...]] = []
        typed: list[tuple[str, ...]] = []
        words: list[str] = []
        i = 0
        while i < len(tokens):
            code = self._code_at(tokens, i)
            if code is not None:
                forms = [code[0].lower()]
                if code[0] in self._point_names:
                    forms.append(self._point_names[code[0]])
                groups.append(_minimal(forms))
                exact.append(())
                typed.append(groups[-1])
                i += code[1]
                continue
            words.append(tokens[i])
            i += 1
        brands = self._brands_in(tokens)
        longer = [w for w in words if len(w) > 1]
        words = longer or words
        content = [w for w in words if w not in self._stopwords]
        words = (content or words)[:MAX_WORDS]
        for word in words:
            own = self._word_forms(word)
            if not own:
                continue
            forms = list(own)
            group = self._groups.get(word) or self._groups.get(light_stem(word))
            fixes = self.corrections(word)
            for fixed in fixes:
                forms += self._word_forms(fixed)
                group = group or self._groups.get(fixed)
                brand = self._brands.get(fixed)
                if brand is not None and brand not in brands:
                    brands.append(brand)
            prefixes = _minimal(forms)
            groups.append(prefixes)
            exact.append(tuple(sorted({w for w in group or () if not w.startswith(prefixes)})))
            # A corrected word is what was meant: it counts as typed.
            typed.append(prefixes if fixes else own)
        query = (FullTextQuery(tuple(groups[:MAX_WORDS]), tuple(exact[:MAX_WORDS]))
                 if groups else None)
        return ForgivingQuery(query, tuple(brands), tuple(typed))
