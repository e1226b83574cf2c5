"""Turn what a practitioner types into the reference search into a safe full-text query.

Whatever is typed — quotes, FTS operators (AND, OR, NOT, NEAR), `*`, `^`, `:`, brackets,
emoji, ten thousand characters — is reduced to words, and each word becomes a set of quoted
prefix terms, so nothing typed is ever interpreted as query syntax:

    "Anaemia tired*"  →  ("anaem"* OR "anem"*) AND ("tire"*)

Each word is widened to its British and American spellings (`practitioner.domain.spelling`)
and to a light stem that is always a prefix of the word ("cramps" → "cramp", "arteries" →
"arter"), so that with an index of unstemmed words a prefix query finds every form of it,
including the start of a word still being typed. (SQLite's porter tokenizer stems the
prefix query terms too, so there about one typed prefix in ten — "claudica", "hypogly" —
found nothing.)
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from practitioner.domain.spelling import fold, variants

MAX_WORDS = 12
MAX_WORD_LENGTH = 40
# Scanning stops this far into the text: enough for any real query, and a 10,000
# character paste costs nothing.
MAX_SCAN = 400

_WORD = re.compile(r"[^\W_]+")
_PLURAL_KEEP = ("ss", "us", "is", "ys")


def light_stem(word: str) -> str:
    """A prefix of `word` shared by its common inflections: plural, -ing, -ed, -ion, -ic,
    -y and -e endings off ("stretching" → "stretch", "diuretics" → "diuret",
    "dehydration" → "dehydrat", "muscle" → "muscl"). Short words are left alone."""
    stem = word
    if stem.endswith("ies") and len(stem) >= 6:
        return stem[:-3]
    if stem.endswith(("ches", "shes", "sses", "xes", "zes")) and len(stem) >= 6:
        stem = stem[:-2]
    elif stem.endswith("s") and not stem.endswith(_PLURAL_KEEP) and len(stem) >= 4:
        stem = stem[:-1]
    for suffix in ("ing", "ions", "ion", "ed", "ic", "y", "e"):
        if stem.endswith(suffix) and len(stem) - len(suffix) >= 4:
            return stem[: -len(suffix)]
    return stem


def query_words(text: str) -> list[str]:
    """The searchable words of `text`, folded, at most MAX_WORDS of them.

    Single letters are dropped when there is anything longer, as they would match almost
    every entry ("vitamin d", "raynaud's").
    """
    head = unicodedata.normalize("NFKC", text[:MAX_SCAN])
    words = [w[:MAX_WORD_LENGTH] for w in _WORD.findall(fold(head))]
    longer = [w for w in words if len(w) > 1]
    return (longer or words)[:MAX_WORDS]


def word_forms(word: str) -> tuple[str, ...]:
    """Prefix terms that together find `word` in any spelling or inflection; none is a
    prefix of another (that one would already find it)."""
    forms: set[str] = set()
    for variant in variants(word):
        for form in (variant, light_stem(variant)):
            # The search index splits words exactly where this does, so a form is one term.
            forms.update(_WORD.findall(form))
    kept = [f for f in forms if not any(g != f and f.startswith(g) for g in forms)]
    return tuple(sorted(kept))


@dataclass(frozen=True)
class FullTextQuery:
    """A query ready for an FTS5 MATCH: every word required (`all_words`), or any of them
    (`any_word`, a fallback when no entry has them all).

    Each group is one word typed: `groups` holds its prefix forms, `exact` (when given,
    one tuple per group) whole words that also stand for it, such as its synonyms. A
    whole word is both cheaper to look up than a prefix and stricter ("red" must not
    find "reduced")."""

    groups: tuple[tuple[str, ...], ...]
    exact: tuple[tuple[str, ...], ...] = ()

    @property
    def all_words(self) -> str:
        return " AND ".join(self._group(g, e) for g, e in self._pairs())

    @property
    def any_word(self) -> str:
        return " OR ".join(self._group(g, e) for g, e in self._pairs())

    @property
    def terms(self) -> tuple[tuple[str, ...], ...]:
        """Each group's prefix forms and whole words together (for matching by prefix)."""
        return tuple(g + e for g, e in self._pairs())

    def _pairs(self) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
        exact = self.exact or tuple(() for _ in self.groups)
        return list(zip(self.groups, exact, strict=True))

    @staticmethod
    def _group(forms: tuple[str, ...], exact: tuple[str, ...] = ()) -> str:
        # Forms are runs of letters and digits only, so the double quotes cannot be broken
        # out of; quoted, even "AND" or "NEAR" is just a word.
        terms = [f'"{form}"*' for form in forms] + [f'"{word}"' for word in exact]
        return "(" + " OR ".join(terms) + ")"


def full_text_query(text: str) -> FullTextQuery | None:
    """The safe full-text query for what was typed, or None when nothing searchable was."""
    groups = tuple(forms for forms in (word_forms(w) for w in query_words(text)) if forms)
    return FullTextQuery(groups) if groups else None
