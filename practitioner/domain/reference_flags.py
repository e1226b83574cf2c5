"""What the reference library says about one patient: flags raised by their medications,
conditions, cramp profile and red-flag screening answers.

Pure rules over the patient record and the library's entries. The library is read through
the small `LibraryEntry` protocol (the content layer's `Entry` satisfies it), so this module
needs neither the database nor the content loader. A flag whose entry is not in the library
is dropped: the library may be incomplete while it is being written.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from practitioner.domain.patient import Condition, CrampTiming, PatientInput, Trigger
from practitioner.domain.screen import SCREEN_QUESTIONS
from practitioner.domain.spelling import canonical, fold

Level = Literal["info", "caution", "refer"]
LEVELS: tuple[Level, ...] = ("refer", "caution", "info")  # most urgent first

ReviewAction = Literal["referred", "discussed", "not_applicable"]
REVIEW_ACTIONS: tuple[ReviewAction, ...] = ("referred", "discussed", "not_applicable")


class MedicationNamesLike(Protocol):
    """The names a medication class goes by, and how strongly it is tied to cramps."""

    @property
    def generics(self) -> Sequence[str]: ...

    @property
    def brands(self) -> Sequence[str]: ...

    @property
    def association(self) -> str: ...


class LibraryEntry(Protocol):
    """What the flag rules need of a reference entry."""

    @property
    def slug(self) -> str: ...

    @property
    def kind(self) -> str: ...

    @property
    def title(self) -> str: ...

    @property
    def medication(self) -> MedicationNamesLike | None: ...


@dataclass(frozen=True)
class Flag:
    """Something the library says about this patient, why, and how much it matters.

    `entry` is the slug of the entry to read; `key` identifies the flag for a review
    (a red flag's key is its entry's slug); `title` is the entry's title.
    """

    entry: str
    reason: str
    level: Level
    key: str
    title: str = ""


@dataclass(frozen=True)
class RedFlagReview:
    """What the practitioner did about a red flag: referred, discussed or not applicable."""

    patient_id: int
    key: str
    action: ReviewAction
    note: str
    recorded_at: dt.datetime
    recorded_by: str


# --- medications ----------------------------------------------------------------------------

STRENGTH: dict[str, str] = {
    "strong": "strong evidence of an association with cramps",
    "moderate": "moderate evidence of an association with cramps",
    "weak": "weak evidence of an association with cramps",
    "list-only": "listed as a possible cause of cramps, without good evidence",
}
_LEVEL_BY_ASSOCIATION: dict[str, Level] = {
    "strong": "caution", "moderate": "caution", "weak": "info", "list-only": "info",
}
# A level that does not follow from the association: quinine is flagged for its own harms.
_LEVEL_OVERRIDES: dict[str, Level] = {"quinine-and-tonic-water": "caution"}
# What replaces the strength text where the association is not a cause: quinine is taken
# for cramps, so its link with them is its use, not a harm.
ASSOCIATION_TEXT: dict[str, str] = {
    "quinine-and-tonic-water": (
        "it is taken to treat cramps, not a cause of them, and it has serious harms; "
        "tonic water holds far too little to treat cramps"
    ),
}

# What a practitioner should know beyond the strength of the association, per entry.
MEDICATION_NOTES: dict[str, str] = {
    "proton-pump-inhibitors": (
        "The association runs through low magnesium (hypomagnesaemia), mostly after more "
        "than a year of use; magnesium can be checked before and during long-term use."
    ),
    "diuretics-thiazide": (
        "Thiazide and thiazide-like diuretics (such as indapamide) can lower potassium, "
        "magnesium and sodium."
    ),
    "diuretics-potassium-sparing": (
        "Potassium-sparing diuretics were tied to starting cramp treatment in a large "
        "prescription study, although they do not lower potassium."
    ),
    "long-acting-beta-agonists": (
        "Long-acting beta-agonists, alone or in combination inhalers, had the strongest "
        "link with starting cramp treatment in a large prescription study."
    ),
    "statins": (
        "Ordinary cramps are only weakly linked; muscle pain with weakness or dark urine is "
        "different and needs urgent medical review."
    ),
    "quinine-and-tonic-water": (
        "Quinine is not advised for routine cramp treatment because of rare but serious "
        "harms (blood disorders, heart rhythm problems); unexplained bruising or bleeding "
        "needs urgent review."
    ),
    "calcium-potassium-lowering-medicines": (
        "These medicines can lower calcium or potassium, and low calcium or potassium can "
        "itself cause cramps or tetany; the prescriber monitors the levels."
    ),
    "liquorice-gan-cao": (
        "Liquorice (Gan Cao, e.g. in Shao Yao Gan Cao Tang) can lower potassium, which can "
        "itself cause cramps; diuretics add to the risk."
    ),
}

_TOKEN = re.compile(r"[^\W_]+")


def name_tokens(text: str) -> tuple[str, ...]:
    """The words of a medication name, folded and in one spelling: "Frusemide 40mg" →
    ("furosemide", "40mg")."""
    return tuple(canonical(token) for token in _TOKEN.findall(fold(text)))


def _contains(typed: Sequence[str], name: Sequence[str]) -> bool:
    """Whether the words of `name` stand together in `typed`, also when one of them writes
    them as one word ("co-amilozide" and "coamilozide")."""
    n = len(name)
    if not n or not typed:
        return False
    if any(tuple(typed[i : i + n]) == tuple(name) for i in range(len(typed) - n + 1)):
        return True
    joined = "".join(name)
    for start in range(len(typed)):
        run = ""
        for token in typed[start:]:
            run += token
            if run == joined:
                return True
            if not joined.startswith(run):
                break
    return False


@dataclass(frozen=True)
class _Match:
    name: str
    brand: bool


def _first_match(typed: Sequence[str], names: MedicationNamesLike) -> _Match | None:
    for generic in names.generics:
        if _contains(typed, name_tokens(generic)):
            return _Match(generic, brand=False)
    for brand in names.brands:
        if _contains(typed, name_tokens(brand)):
            return _Match(brand, brand=True)
    return None


def _medication_reason(typed: str, match: _Match, entry: LibraryEntry,
                       association: str, generics: Mapping[str, str]) -> str:
    what = "a brand listed under" if match.brand else "one of"
    generic = generics.get(match.name) if match.brand else None
    named = f"{match.name} ({generic})" if generic else match.name
    if fold(typed) == fold(match.name):
        start = f"{named} is {what} “{entry.title}”"
    else:
        start = f"“{typed}”: {named} is {what} “{entry.title}”"
    strength = ASSOCIATION_TEXT.get(entry.slug) or STRENGTH.get(
        association, f"association: {association}")
    note = MEDICATION_NOTES.get(entry.slug)
    return f"{start}; {strength}." + (f" {note}" if note else "")


def medication_flags(medication_names: Iterable[str],
                     entries: Iterable[LibraryEntry],
                     generics: Mapping[str, str] | None = None) -> list[Flag]:
    """A flag for each typed medication name that is a generic or brand of a medication
    entry; case-insensitive, tolerant of dose and form text ("Indapamide 2.5mg",
    "Symbicort 200/6 turbohaler") and of British and American drug names.

    The reason names the drug matched (a brand with its generic from `generics`,
    "Evista (raloxifene)"), its class and the strength of the association; strong and
    moderate associations are a caution, weak and list-only ones information.
    """
    classes = [e for e in entries if e.kind == "medication" and e.medication is not None]
    flags: list[Flag] = []
    for raw in medication_names:
        typed = " ".join(raw.split())
        tokens = name_tokens(typed)
        if not tokens:
            continue
        for entry in classes:
            names = entry.medication
            assert names is not None  # filtered above
            match = _first_match(tokens, names)
            if match is None:
                continue
            level = _LEVEL_OVERRIDES.get(
                entry.slug, _LEVEL_BY_ASSOCIATION.get(names.association, "info")
            )
            flags.append(Flag(
                entry=entry.slug,
                reason=_medication_reason(typed, match, entry, names.association,
                                          generics or {}),
                level=level,
                key=f"medication:{entry.slug}:{' '.join(tokens)}",
                title=entry.title,
            ))
    return ordered(flags)


# --- conditions, profile and screening ------------------------------------------------------

CONDITION_ENTRIES: dict[Condition, str] = {
    Condition.PERIPHERAL_ARTERIAL_DISEASE: "peripheral-arterial-disease",
    Condition.LUMBAR_SPINAL_STENOSIS: "lumbar-spinal-stenosis",
    Condition.KIDNEY_DISEASE: "kidney-disease-dialysis",
    Condition.THYROID_DISORDER: "thyroid-disorders",
    Condition.PERIPHERAL_NEUROPATHY: "peripheral-neuropathy",
    Condition.HORMONE_DISORDER: "hormone-disorders",
    Condition.DIABETES: "diabetes",
    Condition.HYPOGLYCAEMIA: "hypoglycaemia",
    Condition.ANAEMIA: "anaemia",
    Condition.PREGNANCY: "pregnancy-cramps",
    Condition.LIVER_CIRRHOSIS: "liver-cirrhosis",
}

TRIGGER_ENTRIES: dict[Trigger, str] = {
    Trigger.OVERUSE: "muscle-overuse",
    Trigger.HOT_WEATHER: "hot-weather",
    Trigger.DEHYDRATION: "dehydration",
    Trigger.MUSCLE_STRAIN: "muscle-strain",
    Trigger.HELD_POSITION: "prolonged-position",
    Trigger.UNKNOWN: "cause-unknown",
}

EXERCISE_TIMINGS = frozenset({CrampTiming.DURING_EXERCISE, CrampTiming.AFTER_EXERCISE})

# Entries that say which acupuncture points are traditionally avoided in pregnancy; the
# first one present in the library gets the caution.
PREGNANCY_POINT_ENTRIES: tuple[str, ...] = (
    "tcm-points", "tcm-points-for-cramps", "tcm-acupuncture-points", "tcm-common-points",
)


# Conditions that make the foot and lower leg an at-risk limb for needling and moxibustion.
AT_RISK_LIMB_CONDITIONS = frozenset({
    Condition.PERIPHERAL_ARTERIAL_DISEASE, Condition.PERIPHERAL_NEUROPATHY, Condition.DIABETES,
})


def condition_flags(conditions: Iterable[Condition]) -> list[Flag]:
    """An information flag per recorded condition, linked to its condition entry; for
    pregnancy also the cautions that go with it (quinine, traditionally avoided points); for
    poor circulation, neuropathy or diabetes the caution on needling and moxa in the foot."""
    flags: list[Flag] = []
    for condition in sorted(set(conditions), key=list(Condition).index):
        slug = CONDITION_ENTRIES[condition]
        flags.append(Flag(
            entry=slug, level="info", key=f"condition:{condition.value}",
            reason=f"Recorded condition: {condition.label}. It can cause or worsen cramps; "
                   "the entry says how to tell it apart and when to refer.",
        ))
        if condition in AT_RISK_LIMB_CONDITIONS:
            flags.append(Flag(
                entry="needling-in-the-at-risk-limb", level="caution", key="at-risk-limb",
                reason=f"{condition.label}: the feet and lower legs may heal poorly or not "
                       "feel injury. Check the skin, pulses and sensation before needling "
                       "there, and avoid moxa or heat on numb skin.",
            ))
        if condition is Condition.PREGNANCY:
            flags.append(Flag(
                entry="quinine-and-tonic-water", level="caution", key="pregnancy:quinine",
                reason="Pregnancy: quinine (including large amounts of tonic water) must not "
                       "be taken; it can harm the baby.",
            ))
            flags.extend(Flag(
                entry=slug, level="caution", key="pregnancy:points",
                reason="Pregnancy: some points (such as LI4, SP6, BL60, BL67 and GB21, and "
                       "points on the lower abdomen and sacrum) are traditionally avoided. Trials "
                       "have not shown harm, but follow your practice's policy.",
            ) for slug in PREGNANCY_POINT_ENTRIES)
            flags.append(Flag(
                entry="red-flag-dvt", level="caution", key="pregnancy:dvt",
                reason="Pregnancy raises the risk of deep-vein thrombosis: severe or "
                       "persistent calf pain, or pain with swelling, warmth or redness, "
                       "needs prompt medical review.",
            ))
    return flags


def profile_flags(patient: PatientInput) -> list[Flag]:
    """Information flags that the cramp profile points to: when the cramps come and what
    sets them off."""
    profile = patient.profile
    flags: list[Flag] = []
    if profile.timings and profile.timings <= EXERCISE_TIMINGS:
        flags.append(Flag(
            entry="exercise-associated-cramps", level="info", key="profile:exercise-only",
            reason="Cramps come only during or after exercise, the pattern of "
                   "exercise-associated muscle cramps.",
        ))
    if CrampTiming.NOCTURNAL in profile.timings:
        flags.append(Flag(
            entry="idiopathic-nocturnal-leg-cramps", level="info", key="profile:nocturnal",
            reason="Cramps come at night; once other causes are ruled out this fits "
                   "idiopathic nocturnal leg cramps.",
        ))
    if CrampTiming.PROLONGED_POSTURE in profile.timings:
        flags.append(Flag(
            entry="prolonged-position", level="info", key="profile:prolonged-posture",
            reason="Cramps follow prolonged sitting or standing.",
        ))
    for trigger in sorted(profile.triggers, key=list(Trigger).index):
        if trigger in TRIGGER_ENTRIES:
            flags.append(Flag(
                entry=TRIGGER_ENTRIES[trigger], level="info", key=f"trigger:{trigger.value}",
                reason=f"Recorded trigger: {trigger.label}.",
            ))
    return flags


def screen_flags(patient: PatientInput, on_statin: bool = False) -> list[Flag]:
    """A red flag ("refer") for each screening question the patient answered yes."""
    flags: list[Flag] = []
    for question in SCREEN_QUESTIONS:
        if not getattr(patient.screen, question.code):
            continue
        reason = (f"Screening answer yes — {question.question} This suggests "
                  f"{question.meaning}: refer rather than treat.")
        if question.code == "dark_urine" and on_statin:
            reason += " The patient takes a statin: it may need stopping; seek care today."
        if question.code == "tingling_around_mouth_or_spasm":
            reason += (" If it came only with over-breathing (anxiety, panic) and settled as "
                       "breathing slowed, it is most likely hyperventilation: the entry says "
                       "when no same-day referral is needed.")
        flags.append(Flag(entry=question.entry, level="refer", key=question.entry,
                          reason=reason))
    return flags


def patient_flags(patient: PatientInput, entries: Iterable[LibraryEntry],
                  generics: Mapping[str, str] | None = None) -> list[Flag]:
    """Everything the library flags for this patient, most urgent first: red-flag
    screening answers, medication cautions, conditions and the cramp profile.

    Flags whose entry is not in `entries` are dropped.
    """
    library = list(entries)
    meds = medication_flags((m.name for m in patient.medications), library, generics)
    on_statin = any(f.entry == "statins" for f in meds)
    flags = [*screen_flags(patient, on_statin), *meds, *condition_flags(patient.conditions),
             *profile_flags(patient)]
    flags.extend(potassium_interactions(meds))
    return ordered(flags, library)


# Medication entries whose class lowers potassium, as said in a combined caution. Every
# potassium-wasting class is here, so liquorice with any of them raises the caution.
POTASSIUM_LOWERING: dict[str, str] = {
    "diuretics-thiazide": "a thiazide or thiazide-like diuretic",
    "diuretics-loop": "a loop diuretic (such as furosemide or bumetanide)",
    "calcium-potassium-lowering-medicines": "a medicine that can lower potassium or calcium "
                                            "(such as a corticosteroid)",
}


# Diuretic classes that, with a proton pump inhibitor, add to the risk of low magnesium.
MAGNESIUM_LOWERING_DIURETICS = ("diuretics-thiazide", "diuretics-loop")


def potassium_interactions(meds: Iterable[Flag]) -> list[Flag]:
    """A caution when liquorice (Gan Cao) is taken with a medicine that lowers potassium,
    one per such class, since each adds to the liquorice's own potassium loss; and a note
    when a proton pump inhibitor is taken with a thiazide or loop diuretic (magnesium)."""
    entries = {f.entry for f in meds}
    flags = []
    if "proton-pump-inhibitors" in entries and any(
            slug in entries for slug in MAGNESIUM_LOWERING_DIURETICS):
        flags.append(Flag(
            entry="low-magnesium", level="info", key="interaction:ppi-diuretic",
            reason="A proton pump inhibitor with a thiazide or loop diuretic: both can lower "
                   "magnesium, and the UK regulator advises considering a magnesium check.",
        ))
    if "liquorice-gan-cao" not in entries:
        return flags
    return flags + [Flag(
        entry="liquorice-gan-cao", level="caution", key=f"interaction:liquorice:{slug}",
        reason=f"Liquorice (Gan Cao) with {what}: both lower potassium, and low potassium "
               "causes cramps and weakness; the prescriber may check potassium.",
    ) for slug, what in POTASSIUM_LOWERING.items() if slug in entries]


def ordered(flags: Iterable[Flag], library: Iterable[LibraryEntry] | None = None) -> list[Flag]:
    """`flags` most urgent first (keeping their order within a level), one per key, with
    entry titles filled in; when `library` is given, only flags whose entry is in it (and
    of several candidate entries for one key, the first present)."""
    titles = None if library is None else {e.slug: e.title for e in library}
    seen: set[str] = set()
    kept: list[Flag] = []
    for flag in flags:
        if flag.key in seen:
            continue
        if titles is not None:
            if flag.entry not in titles:
                continue
            flag = Flag(flag.entry, flag.reason, flag.level, flag.key, titles[flag.entry])
        seen.add(flag.key)
        kept.append(flag)
    return sorted(kept, key=lambda f: LEVELS.index(f.level))


def open_red_flags(flags: Iterable[Flag], reviewed_keys: Iterable[str]) -> list[Flag]:
    """The red flags ("refer") among `flags` that have no recorded review yet."""
    done = set(reviewed_keys)
    return [f for f in flags if f.level == "refer" and f.key not in done]
