"""British and American spellings (and a few other name variants) of the words a
practitioner searches the reference library for or types as a medication.

A small, explicit map rather than a general rule set: each pair is a British fragment and
its American counterpart, and where in a word it may stand. `variants` gives every form a
typed word (or the start of one, while typing) may take, for search; `canonical` turns a
whole word into one agreed form, for comparing names.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Literal

Where = Literal["anywhere", "start", "end", "word"]


@dataclass(frozen=True)
class Variant:
    """A British fragment, its American counterpart, and where in a word it may stand.

    `anywhere`: inside any word (colour → color in discoloured);
    `start`: at the start of a word only (oedema, oesophagus — not "toe" or "shoe");
    `end`: at the end of a word only (the start of "anaemia" being typed);
    `word`: the whole word only (different names of one drug).
    `both_ways` False: British to American only, where the reverse would be a guess.
    """

    british: str
    american: str
    where: Where
    both_ways: bool = True


VARIANTS: tuple[Variant, ...] = (
    # The Greek haima and its kin: anaemia, haem, haemoglobin, ischaemia, hypoglycaemia,
    # hyperkalaemia, hyponatraemia, uraemia, leukaemia, septicaemia. "aem" appears in
    # hardly any other English word, so British to American can stand anywhere; the way
    # back only where an American "em" is one of these (…emia, hem…, or "anem" typed).
    Variant("aem", "em", "anywhere", both_ways=False),
    Variant("aemia", "emia", "anywhere"),
    Variant("aemic", "emic", "anywhere"),
    Variant("haem", "hem", "start"),
    Variant("aem", "em", "end"),
    Variant("aemi", "emi", "end"),
    Variant("oedem", "edem", "start"),
    Variant("oesophag", "esophag", "start"),
    Variant("oestr", "estr", "start"),
    Variant("foet", "fet", "start"),
    Variant("paed", "ped", "start"),
    Variant("orthopaed", "orthoped", "start"),
    Variant("anaesth", "anesth", "start"),
    Variant("gynaec", "gynec", "start"),
    Variant("aetiol", "etiol", "start"),
    Variant("faec", "fec", "start"),
    Variant("diarrhoea", "diarrhea", "start"),
    Variant("dyspnoea", "dyspnea", "start"),
    Variant("neurone", "neuron", "anywhere"),
    Variant("colour", "color", "anywhere"),
    Variant("behaviour", "behavior", "anywhere"),
    Variant("tumour", "tumor", "anywhere"),
    Variant("labour", "labor", "anywhere"),
    Variant("odour", "odor", "anywhere"),
    Variant("favour", "favor", "anywhere"),
    Variant("centre", "center", "start"),
    Variant("fibre", "fiber", "start"),
    Variant("litre", "liter", "anywhere"),
    Variant("metre", "meter", "anywhere"),
    Variant("sulph", "sulf", "anywhere"),
    Variant("aluminium", "aluminum", "start"),
    Variant("ageing", "aging", "word"),
    Variant("grey", "gray", "word"),
    Variant("dialyse", "dialyze", "start"),
    # Drug and herb names that differ between British (BAN) and American (USAN) use.
    Variant("liquor", "licor", "start"),
    Variant("frusem", "furosem", "start"),
    Variant("chlortal", "chlorthal", "start"),
    Variant("bendrofluazide", "bendroflumethiazide", "word"),
    Variant("salbutamol", "albuterol", "word"),
    Variant("paracetamol", "acetaminophen", "word"),
    Variant("adrenaline", "epinephrine", "word"),
    # Lay spellings of the same thing.
    Variant("charlie", "charley", "word"),
)

MAX_VARIANTS = 8

_LIGATURES = {"æ": "ae", "œ": "oe", "Æ": "ae", "Œ": "oe", "ß": "ss"}


def fold(text: str) -> str:
    """Lower case, ligatures spelled out, accents dropped: "Anæmia" → "anaemia"."""
    for ligature, letters in _LIGATURES.items():
        text = text.replace(ligature, letters)
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _common_suffix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n]:
        n += 1
    return n


def _inside(word: str, form: str, begin: int, end: int) -> bool:
    """Whether word[begin:end] lies within an occurrence of `form` (the "em" of "aem")."""
    j = word.find(form)
    while j != -1 and j <= begin:
        if end <= j + len(form):
            return True
        j = word.find(form, j + 1)
    return False


def _apply(word: str, source: str, target: str, where: Where) -> set[str]:
    """`word` with `source` turned into `target` where the rule allows, also for a word
    still being typed (the start of `source`, as far as it differs from `target`)."""
    found: set[str] = set()
    if where == "word":
        if word == source or (len(word) >= 5 and source.startswith(word)):
            found.add(target)
        return found
    if where == "end":
        if word.endswith(source) and not _inside(word, target, len(word) - len(source),
                                                 len(word)):
            found.add(word[: len(word) - len(source)] + target)
        return found
    if where == "start":
        if word.startswith(source) and not word.startswith(target):
            found.add(target + word[len(source):])
        elif source.startswith(word):
            # "esoph" while typing "esophagus": its British form starts "oesoph".
            same = _common_suffix(source, target)
            source_head = len(source) - same
            if len(word) > source_head:
                found.add(target[: len(target) - same] + word[source_head:])
        return found
    start = word.find(source)
    while start != -1:
        if not _inside(word, target, start, start + len(source)):
            found.add(word[:start] + target + word[start + len(source):])
        start = word.find(source, start + 1)
    if len(found) > 1:
        found.add(word.replace(source, target))
    return found


def variants(word: str) -> tuple[str, ...]:
    """Every spelling of `word` (folded) the map knows, itself first; at most MAX_VARIANTS.

    Works for a whole word and for the start of one being typed: "anem" gives "anaem",
    "esoph" gives "oesoph", "haemoglobin" gives "hemoglobin".
    """
    first = fold(word)
    found = [first]
    for form in found:  # grows while iterating: forms of forms, capped below
        for rule in VARIANTS:
            ways = [(rule.british, rule.american)]
            if rule.both_ways:
                ways.append((rule.american, rule.british))
            for source, target in ways:
                for new in sorted(_apply(form, source, target, rule.where)):
                    if new and new not in found:
                        found.append(new)
                        if len(found) >= MAX_VARIANTS:
                            return tuple(found)
    return tuple(found)


def canonical(word: str) -> str:
    """One agreed spelling of a whole word (the American one), for comparing names:
    canonical("Frusemide") == canonical("furosemide")."""
    form = fold(word)
    for rule in VARIANTS:
        if rule.where == "word":
            if form == rule.british:
                form = rule.american
        elif rule.where == "start":
            if form.startswith(rule.british):
                form = rule.american + form[len(rule.british):]
        elif rule.where == "end":
            if form.endswith(rule.british):
                form = form[: len(form) - len(rule.british)] + rule.american
        else:
            form = form.replace(rule.british, rule.american)
    return form
