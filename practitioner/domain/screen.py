"""Red-flag screening questions asked at intake: signs that call for referral, not treatment.

Each question is a yes/no field of `RedFlagScreen`; a "yes" raises a red flag linked to
its reference entry (see `practitioner.domain.reference_flags`). The field names are the
stable codes stored in the database and exported.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class RedFlagScreen:
    """The answers to the intake red-flag questions; True means the patient said yes."""

    calf_swelling_warmth: bool = False
    pain_on_walking_relieved_by_rest: bool = False
    sudden_cold_pale_limb: bool = False
    severe_pain_after_injury_or_exercise: bool = False
    progressive_weakness_or_wasting: bool = False
    dark_urine: bool = False
    tingling_around_mouth_or_spasm: bool = False
    saddle_numbness_or_bladder_change: bool = False
    confusion_or_large_water_intake: bool = False

    @property
    def positive(self) -> tuple[str, ...]:
        """The codes of the questions answered yes, in question order."""
        return tuple(q.code for q in SCREEN_QUESTIONS if getattr(self, q.code))

    @classmethod
    def from_codes(cls, codes: Iterable[str]) -> RedFlagScreen:
        """A screen with the questions named in `codes` answered yes.

        Raises ValueError naming any code that is not a screening question.
        """
        wanted = set(codes)
        unknown = sorted(wanted - set(SCREEN_CODES))
        if unknown:
            raise ValueError(f"unknown screening question(s): {', '.join(unknown)}")
        return dataclasses.replace(cls(), **{code: True for code in wanted})


@dataclass(frozen=True)
class ScreenQuestion:
    """One screening question: its code, the question as asked, and what a yes may mean."""

    code: str
    question: str
    entry: str
    meaning: str


SCREEN_QUESTIONS: tuple[ScreenQuestion, ...] = (
    ScreenQuestion(
        "calf_swelling_warmth",
        "Pain in one calf or thigh with swelling, warmth or redness?",
        "red-flag-dvt",
        "possible deep-vein thrombosis",
    ),
    ScreenQuestion(
        "pain_on_walking_relieved_by_rest",
        "Leg pain that comes on when walking and eases with rest?",
        "red-flag-claudication",
        "possible claudication (narrowed leg arteries or spinal stenosis)",
    ),
    ScreenQuestion(
        "sudden_cold_pale_limb",
        "A leg or foot that suddenly became painful, cold, pale or numb?",
        "red-flag-acute-limb-ischaemia",
        "possible acute limb ischaemia",
    ),
    ScreenQuestion(
        "severe_pain_after_injury_or_exercise",
        "Severe, worsening pain or tightness in a limb after an injury or hard exercise?",
        "red-flag-compartment-syndrome",
        "possible compartment syndrome",
    ),
    ScreenQuestion(
        "progressive_weakness_or_wasting",
        "Weakness, muscle wasting or twitching that is getting worse?",
        "red-flag-progressive-weakness",
        "possible nerve or muscle disease",
    ),
    ScreenQuestion(
        "dark_urine",
        "Dark (cola- or tea-coloured) urine after exertion or a new medicine?",
        "red-flag-dark-urine",
        "possible muscle breakdown (rhabdomyolysis)",
    ),
    ScreenQuestion(
        "tingling_around_mouth_or_spasm",
        "Tingling around the mouth or in the fingers, or spasms of the hands or feet?",
        "red-flag-tetany",
        "possible tetany (low calcium or magnesium)",
    ),
    ScreenQuestion(
        "saddle_numbness_or_bladder_change",
        "Numbness between the legs or new trouble passing urine or controlling the bowels?",
        "red-flag-cauda-equina",
        "possible cauda equina syndrome",
    ),
    ScreenQuestion(
        "confusion_or_large_water_intake",
        "Confusion with exercise cramps, or cramps after drinking large amounts of water?",
        "red-flag-hyponatraemia",
        "possible low blood sodium (hyponatraemia)",
    ),
)

SCREEN_CODES: tuple[str, ...] = tuple(q.code for q in SCREEN_QUESTIONS)

# Every field of the screen has its question, and no question lacks a field.
assert tuple(f.name for f in dataclasses.fields(RedFlagScreen)) == SCREEN_CODES
