"""Realistic, deterministic synthetic treatment sessions for demo patients.

Each patient gets one working diagnosis (a main TCM pattern, sometimes with a second one)
drawn from their cramp profile; every visit's tongue, pulse, principles and points follow
from it, so the record reads as one practitioner's consistent assessment. Most patients
improve over the course of treatment. The vocabulary follows common textbook usage and
makes no biomedical claim; no real person or practice is described.

Most patients improve; some stay about the same and a few get worse (`Trajectory`).
`demo_course` also gives the cramp figures behind each visit, from which
`practitioner.domain.demo_outcomes` draws the visit's measures and the patient's diary.
"""

from __future__ import annotations

import datetime as dt
import enum
import random
from dataclasses import dataclass

from practitioner.domain.patient import (
    Condition,
    CrampSite,
    CrampTiming,
    MuscleGroup,
    PatientInput,
    Side,
    Trigger,
    WorkPosture,
)
from practitioner.domain.session import (
    HomeAdvice,
    Modality,
    NeedledPoint,
    NeedleSide,
    Pattern,
    Pulse,
    PulseHand,
    PulsePosition,
    PulseQuality,
    SessionInput,
    Technique,
    Tongue,
    TongueBodyColour,
    TongueCoatingColour,
    TongueCoatingThickness,
    TongueMoisture,
    TongueShape,
    TreatmentPrinciple,
)

DEMO_PRACTITIONER = "Demo Practitioner"

#: Every point the demo needles (canonical WHO 2008 codes), in the order they are listed:
#: head and hand, back, then down the leg to the foot.
DEMO_POINTS: tuple[str, ...] = (
    "GB20", "LI4", "BL17", "BL18", "BL20", "BL23", "BL40", "BL57", "GB34", "LR8", "SP10",
    "ST36", "SP6", "GB39", "KI3", "LR3", "KI1",
)  # fmt: skip

# Points traditionally avoided in pregnancy, among those the demo uses.
_AVOID_IN_PREGNANCY = frozenset({"LI4", "SP6", "BL23"})

# Days between visits: weekly, with the odd shifted or missed appointment.
_GAPS = (7, 7, 7, 7, 7, 6, 8, 9, 14)

# Shares of patients whose cramps improve, stay about the same, and get worse.
_IMPROVING_SHARE, _FLAT_SHARE = 0.75, 0.15
# Per-visit rise of the cramp rate for a worsening patient, and its ceiling (per week).
_WORSENING_FACTOR = (1.05, 1.25)
_MAX_PER_WEEK = 60.0


class Trajectory(enum.Enum):
    """How a demo patient's cramps go over the course of treatment."""

    IMPROVING = "improving"
    FLAT = "flat"
    WORSENING = "worsening"


@dataclass(frozen=True)
class VisitFigures:
    """The cramps behind one demo visit, as its course text reports them.

    `cramps_per_week` is the underlying rate; `weekly_cramps` the whole number the patient
    would report for the last seven days (0 when the text says there were none).
    """

    cramps_per_week: float
    worst_severity: int
    weekly_cramps: int


@dataclass(frozen=True)
class DemoCourse:
    """A demo patient's visits, oldest first, with the figures behind each one."""

    trajectory: Trajectory
    sessions: tuple[SessionInput, ...] = ()
    figures: tuple[VisitFigures, ...] = ()
    baseline_per_week: float = 0.0


_Q = PulseQuality
_PositionReading = tuple[PulseHand, PulsePosition, frozenset[PulseQuality]]


@dataclass(frozen=True)
class _Picture:
    """What a pattern looks like on the tongue and pulse, and how it is treated."""

    bodies: tuple[TongueBodyColour, ...]
    coatings: tuple[tuple[TongueCoatingColour, TongueCoatingThickness], ...]
    shapes: tuple[TongueShape, ...]
    moistures: tuple[TongueMoisture | None, ...]
    tongue_notes: tuple[str, ...]
    pulses: tuple[frozenset[PulseQuality], ...]
    positions: tuple[_PositionReading, ...]
    key_quality: PulseQuality  # What the pattern adds to the pulse when it is the second one.
    principle: TreatmentPrinciple
    points: tuple[tuple[str, Technique], ...]
    modalities: tuple[Modality, ...]
    formulas: tuple[str, ...]
    seconds: tuple[Pattern, ...]  # Patterns that plausibly accompany this one.


def _reading(hand: PulseHand, position: PulsePosition, *qualities: PulseQuality) -> (
    _PositionReading
):
    return (hand, position, frozenset(qualities))


_L, _R = PulseHand.LEFT, PulseHand.RIGHT
_CUN, _GUAN, _CHI = PulsePosition.CUN, PulsePosition.GUAN, PulsePosition.CHI
_WHITE_THIN = (TongueCoatingColour.WHITE, TongueCoatingThickness.THIN)
_TONIFY, _REDUCE, _EVEN = Technique.TONIFY, Technique.REDUCE, Technique.EVEN

_PICTURES: dict[Pattern, _Picture] = {
    Pattern.LIVER_BLOOD_DEFICIENCY: _Picture(
        bodies=(TongueBodyColour.PALE,),
        coatings=(_WHITE_THIN,),
        shapes=(TongueShape.THIN,),
        moistures=(TongueMoisture.NORMAL, TongueMoisture.DRY, None),
        tongue_notes=("Pale sides.", ""),
        pulses=(frozenset({_Q.WIRY, _Q.THREADY}), frozenset({_Q.THREADY})),
        positions=(
            _reading(_L, _GUAN, _Q.WIRY, _Q.THREADY),
            _reading(_L, _CHI, _Q.THREADY, _Q.WEAK),
            _reading(_L, _CUN, _Q.THREADY),
        ),
        key_quality=_Q.THREADY,
        principle=TreatmentPrinciple.NOURISH_LIVER_BLOOD,
        points=(("LR8", _TONIFY), ("SP6", _TONIFY), ("ST36", _TONIFY), ("BL17", _TONIFY),
                ("BL18", _TONIFY), ("BL20", _TONIFY)),
        modalities=(Modality.MOXIBUSTION, Modality.TUINA),
        formulas=("Shao Yao Gan Cao Tang (Peony and Licorice Decoction)",
                  "Si Wu Tang (Four Substances Decoction)"),
        seconds=(Pattern.LIVER_QI_STAGNATION, Pattern.COLD_IN_LIVER_CHANNEL,
                 Pattern.BLOOD_STASIS),
    ),
    Pattern.LIVER_YIN_DEFICIENCY: _Picture(
        bodies=(TongueBodyColour.RED,),
        coatings=(_WHITE_THIN,),
        shapes=(TongueShape.CRACKED, TongueShape.THIN),
        moistures=(TongueMoisture.DRY,),
        tongue_notes=("Coating partly peeled at the centre.", ""),
        pulses=(frozenset({_Q.THREADY, _Q.RAPID}), frozenset({_Q.WIRY, _Q.THREADY, _Q.RAPID})),
        positions=(
            _reading(_L, _GUAN, _Q.WIRY, _Q.THREADY),
            _reading(_L, _CHI, _Q.THREADY, _Q.WEAK),
        ),
        key_quality=_Q.THREADY,
        principle=TreatmentPrinciple.NOURISH_LIVER_YIN,
        points=(("KI3", _TONIFY), ("LR8", _TONIFY), ("SP6", _TONIFY), ("BL23", _TONIFY),
                ("BL18", _TONIFY), ("LR3", _EVEN)),
        modalities=(Modality.TUINA,),
        formulas=("Shao Yao Gan Cao Tang (Peony and Licorice Decoction)",
                  "Yi Guan Jian (One Linking Decoction)"),
        seconds=(Pattern.LIVER_QI_STAGNATION,),
    ),
    Pattern.LIVER_QI_STAGNATION: _Picture(
        bodies=(TongueBodyColour.PALE_RED,),
        coatings=(_WHITE_THIN,),
        shapes=(),
        moistures=(TongueMoisture.NORMAL, None),
        tongue_notes=("Slightly red sides.", ""),
        pulses=(frozenset({_Q.WIRY}),),
        positions=(_reading(_L, _GUAN, _Q.WIRY), _reading(_R, _GUAN, _Q.WIRY)),
        key_quality=_Q.WIRY,
        principle=TreatmentPrinciple.SMOOTH_LIVER_QI,
        points=(("LR3", _REDUCE), ("LI4", _REDUCE), ("BL18", _EVEN), ("GB20", _EVEN)),
        modalities=(Modality.CUPPING, Modality.TUINA),
        formulas=("Xiao Yao San (Free and Easy Wanderer)",),
        seconds=(Pattern.LIVER_BLOOD_DEFICIENCY,),
    ),
    Pattern.COLD_IN_LIVER_CHANNEL: _Picture(
        bodies=(TongueBodyColour.PALE,),
        coatings=(_WHITE_THIN, (TongueCoatingColour.WHITE, TongueCoatingThickness.THICK)),
        shapes=(),
        moistures=(TongueMoisture.WET,),
        tongue_notes=("",),
        pulses=(frozenset({_Q.DEEP, _Q.SLOW, _Q.TIGHT}),
                frozenset({_Q.DEEP, _Q.SLOW, _Q.TIGHT, _Q.WIRY})),
        positions=(_reading(_L, _GUAN, _Q.DEEP, _Q.TIGHT), _reading(_L, _CHI, _Q.DEEP, _Q.WEAK)),
        key_quality=_Q.TIGHT,
        principle=TreatmentPrinciple.WARM_CHANNEL,
        points=(("LR3", _EVEN), ("BL23", _TONIFY), ("KI3", _TONIFY), ("ST36", _TONIFY)),
        modalities=(Modality.MOXIBUSTION,),
        formulas=("Nuan Gan Jian (Warm the Liver Decoction)",),
        seconds=(Pattern.LIVER_BLOOD_DEFICIENCY, Pattern.BLOOD_STASIS),
    ),
    Pattern.BLOOD_STASIS: _Picture(
        bodies=(TongueBodyColour.PURPLE, TongueBodyColour.BLUISH_PURPLE),
        coatings=(_WHITE_THIN,),
        shapes=(),
        moistures=(TongueMoisture.NORMAL, None),
        tongue_notes=("Distended sublingual veins.", "Purple spots on the sides.", ""),
        pulses=(frozenset({_Q.CHOPPY}), frozenset({_Q.CHOPPY, _Q.WIRY})),
        positions=(_reading(_L, _GUAN, _Q.CHOPPY, _Q.WIRY), _reading(_L, _CUN, _Q.CHOPPY)),
        key_quality=_Q.CHOPPY,
        principle=TreatmentPrinciple.MOVE_BLOOD,
        points=(("SP10", _REDUCE), ("BL17", _EVEN), ("BL40", _REDUCE), ("LI4", _REDUCE),
                ("LR3", _REDUCE), ("SP6", _EVEN)),
        modalities=(Modality.CUPPING, Modality.TUINA),
        formulas=("Shen Tong Zhu Yu Tang (Drive Out Stasis from a Painful Body Decoction)",),
        seconds=(Pattern.LIVER_QI_STAGNATION, Pattern.LIVER_BLOOD_DEFICIENCY),
    ),
    Pattern.QI_AND_BLOOD_DEFICIENCY: _Picture(
        bodies=(TongueBodyColour.PALE,),
        coatings=(_WHITE_THIN,),
        shapes=(TongueShape.SWOLLEN, TongueShape.TOOTH_MARKED),
        moistures=(TongueMoisture.WET, TongueMoisture.NORMAL),
        tongue_notes=("",),
        pulses=(frozenset({_Q.WEAK, _Q.THREADY}), frozenset({_Q.WEAK})),
        positions=(_reading(_R, _GUAN, _Q.WEAK), _reading(_L, _GUAN, _Q.THREADY)),
        key_quality=_Q.WEAK,
        principle=TreatmentPrinciple.TONIFY_QI_BLOOD,
        points=(("ST36", _TONIFY), ("SP6", _TONIFY), ("BL20", _TONIFY), ("BL17", _TONIFY),
                ("BL23", _TONIFY), ("GB39", _EVEN)),
        modalities=(Modality.MOXIBUSTION, Modality.TUINA),
        formulas=("Ba Zhen Tang (Eight Treasure Decoction)",),
        seconds=(Pattern.LIVER_BLOOD_DEFICIENCY,),
    ),
    Pattern.LIVER_GB_DAMP_HEAT: _Picture(
        bodies=(TongueBodyColour.RED,),
        coatings=((TongueCoatingColour.YELLOW, TongueCoatingThickness.THICK),),
        shapes=(TongueShape.SWOLLEN,),
        moistures=(TongueMoisture.NORMAL, None),
        tongue_notes=("Sticky coating, thicker at the root.", ""),
        pulses=(frozenset({_Q.SLIPPERY, _Q.WIRY, _Q.RAPID}), frozenset({_Q.SLIPPERY, _Q.RAPID})),
        positions=(_reading(_L, _GUAN, _Q.SLIPPERY, _Q.WIRY),),
        key_quality=_Q.SLIPPERY,
        principle=TreatmentPrinciple.CLEAR_DAMP_HEAT,
        points=(("LR3", _REDUCE), ("SP6", _EVEN), ("LI4", _REDUCE), ("BL18", _REDUCE)),
        modalities=(Modality.CUPPING,),
        formulas=("Long Dan Xie Gan Tang (Gentiana Drain the Liver Decoction)",),
        seconds=(Pattern.LIVER_QI_STAGNATION,),
    ),
}

#: Tongue, pulse and treatment each demo pattern is drawn with (`Pattern.OTHER` has none).
DEMO_PATTERNS: tuple[Pattern, ...] = tuple(_PICTURES)

# Points near (or classically used for) each cramping muscle group.
_LOCAL_POINTS: dict[MuscleGroup, tuple[str, ...]] = {
    MuscleGroup.CALF_GASTROCNEMIUS: ("BL57", "GB34"),
    MuscleGroup.SOLEUS: ("BL57", "KI3"),
    MuscleGroup.FOOT_PLANTAR: ("KI1", "LR3"),
    MuscleGroup.TOES: ("LR3", "KI1"),
    MuscleGroup.HAMSTRING: ("BL40", "BL57"),
    MuscleGroup.QUADRICEPS: ("ST36", "GB34"),
    MuscleGroup.HAND: ("LI4",),
    MuscleGroup.OTHER: ("BL57",),
}

_MUSCLE_WORDS: dict[MuscleGroup, str] = {
    MuscleGroup.CALF_GASTROCNEMIUS: "calf",
    MuscleGroup.SOLEUS: "lower calf",
    MuscleGroup.FOOT_PLANTAR: "sole of the foot",
    MuscleGroup.TOES: "toes",
    MuscleGroup.HAMSTRING: "hamstring",
    MuscleGroup.QUADRICEPS: "thigh",
    MuscleGroup.HAND: "hand",
    MuscleGroup.OTHER: "leg",
}

_TIMING_WORDS: dict[CrampTiming, str] = {
    CrampTiming.NOCTURNAL: "mostly at night",
    CrampTiming.DURING_EXERCISE: "mostly during exercise",
    CrampTiming.AFTER_EXERCISE: "mostly after exercise",
    CrampTiming.AT_REST: "mostly at rest",
    CrampTiming.PROLONGED_POSTURE: "mostly after long sitting or standing",
}

_STRETCH_NOTES: dict[MuscleGroup, str] = {
    MuscleGroup.CALF_GASTROCNEMIUS: "Calf stretch against a wall, 3 × 30 s, before bed.",
    MuscleGroup.SOLEUS: "Bent-knee calf stretch, 3 × 30 s, before bed.",
    MuscleGroup.FOOT_PLANTAR: "Roll the sole over a ball for two minutes each evening.",
    MuscleGroup.TOES: "Pull the toes back gently, 3 × 30 s, before bed.",
    MuscleGroup.HAMSTRING: "Hamstring stretch on a low step, 3 × 30 s, morning and evening.",
    MuscleGroup.QUADRICEPS: "Standing thigh stretch, 3 × 30 s, after exercise.",
    MuscleGroup.HAND: "Open and close the hands slowly; wrist stretches at work breaks.",
    MuscleGroup.OTHER: "Gentle stretches of the affected muscle, 3 × 30 s, before bed.",
}

_NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                 "ten", "eleven", "twelve")

_BETTER_REPORTS = (
    "Sleeping better; woke only once with a cramp.",
    "Has kept up the stretches most evenings.",
    "Feels the muscles are less tight in the mornings.",
    "Noticed the cramps ease faster with stretching now.",
    "Pleased with progress; less worried about going to bed.",
    "Felt relaxed for two days after the last treatment.",
)
_SAME_REPORTS = (
    "Busy week at work with long hours on their feet.",
    "Not much change; had a stressful week.",
    "Forgot the stretches a few evenings.",
    "Slept badly for other reasons; cramps about the same.",
)
_WORSE_REPORTS = (
    "More cramps this week; long shifts on their feet.",
    "Worse since the weather turned cold.",
    "Cramps waking them more often; worried about it.",
    "Started a new medication last week; cramps more frequent since.",
)
_ACTIVE_REPORTS = (
    "Ran further at the weekend without cramping.",
    "Managed a full training session; a twinge near the end only.",
    "Drinking more during exercise, as advised.",
)
_NOTES = (
    "Small bruise at one needle site after the last visit, gone in two days.",
    "Asked about magnesium; advised to discuss it with the GP.",
    "Keeps a cramp diary; brought it to this visit.",
    "",
    "",
    "",
    "",
)


def _words(count: int) -> str:
    return _NUMBER_WORDS[count] if count < len(_NUMBER_WORDS) else str(count)


def _age(patient: PatientInput, today: dt.date) -> int | None:
    born = patient.date_of_birth
    return None if born is None else (today - born).days // 365


def _main_pattern(rng: random.Random, patient: PatientInput, today: dt.date) -> Pattern:
    """A main pattern made likely by the patient's cramp profile and background."""
    weights: dict[Pattern, float] = {
        Pattern.LIVER_BLOOD_DEFICIENCY: 3.0,
        Pattern.LIVER_YIN_DEFICIENCY: 1.0,
        Pattern.LIVER_QI_STAGNATION: 1.5,
        Pattern.COLD_IN_LIVER_CHANNEL: 1.0,
        Pattern.BLOOD_STASIS: 1.0,
        Pattern.QI_AND_BLOOD_DEFICIENCY: 1.0,
        Pattern.LIVER_GB_DAMP_HEAT: 0.3,
    }
    profile, conditions = patient.profile, patient.conditions
    age = _age(patient, today)

    def more(pattern: Pattern, weight: float) -> None:
        weights[pattern] += weight

    if Trigger.COLD in profile.triggers:
        more(Pattern.COLD_IN_LIVER_CHANNEL, 3)
    if profile.triggers & {Trigger.HOT_WEATHER, Trigger.DEHYDRATION}:
        more(Pattern.LIVER_YIN_DEFICIENCY, 1.5)
    if Trigger.MUSCLE_STRAIN in profile.triggers:
        more(Pattern.BLOOD_STASIS, 2)
    if Trigger.HELD_POSITION in profile.triggers:
        more(Pattern.LIVER_QI_STAGNATION, 1)
    if CrampTiming.NOCTURNAL in profile.timings:
        more(Pattern.LIVER_BLOOD_DEFICIENCY, 1)  # Blood returns to the Liver at night.
    if profile.timings & {CrampTiming.DURING_EXERCISE, CrampTiming.AFTER_EXERCISE}:
        more(Pattern.LIVER_BLOOD_DEFICIENCY, 1)
        more(Pattern.QI_AND_BLOOD_DEFICIENCY, 0.5)
    if Condition.ANAEMIA in conditions:
        more(Pattern.QI_AND_BLOOD_DEFICIENCY, 3)
        more(Pattern.LIVER_BLOOD_DEFICIENCY, 1)
    if Condition.PERIPHERAL_ARTERIAL_DISEASE in conditions:
        more(Pattern.BLOOD_STASIS, 3)
    if conditions & {Condition.DIABETES, Condition.PERIPHERAL_NEUROPATHY}:
        more(Pattern.QI_AND_BLOOD_DEFICIENCY, 1)
        more(Pattern.BLOOD_STASIS, 0.5)
    if Condition.LIVER_CIRRHOSIS in conditions:
        more(Pattern.LIVER_GB_DAMP_HEAT, 1)
        more(Pattern.BLOOD_STASIS, 1)
    if age is not None and age >= 60:
        for pattern in (Pattern.LIVER_BLOOD_DEFICIENCY, Pattern.LIVER_YIN_DEFICIENCY,
                        Pattern.QI_AND_BLOOD_DEFICIENCY):
            more(pattern, 1)
    patterns = list(weights)
    return rng.choices(patterns, weights=[weights[p] for p in patterns])[0]


def _visit_dates(
    rng: random.Random, patient: PatientInput, today: dt.date, count: int
) -> list[dt.date]:
    """Up to `count` weekly-ish visit days, oldest first, the last one before `today`.

    Visits fall on or after the birth date and, where the record allows, after the
    cramps began; visits that would fall earlier are dropped rather than crowded together.
    """
    born, onset = patient.date_of_birth, patient.profile.onset_date
    last_possible = today - dt.timedelta(days=1)
    lower = born
    if onset is not None and (born is None or onset >= born) and onset <= last_possible:
        lower = onset
    gaps = [rng.choice(_GAPS) for _ in range(count - 1)]
    last = today - dt.timedelta(days=rng.randint(1, 10))
    if lower is not None and lower > last_possible:
        return []
    dates = [last]
    for gap in reversed(gaps):
        dates.append(dates[-1] - dt.timedelta(days=gap))
    dates.reverse()
    if lower is None:
        return dates
    return [d for d in dates if d >= lower] or [max(last, lower)]


def _side(sides: set[Side]) -> NeedleSide:
    if sides == {Side.LEFT}:
        return NeedleSide.LEFT
    if sides == {Side.RIGHT}:
        return NeedleSide.RIGHT
    return NeedleSide.BILATERAL


@dataclass(frozen=True)
class _Plan:
    """One patient's course of treatment: what is wrong, and what is done about it."""

    main: Pattern
    second: Pattern | None
    second_until: int  # Visits from this index on no longer list the second pattern.
    pulse: frozenset[PulseQuality]
    body: TongueBodyColour
    coating: tuple[TongueCoatingColour, TongueCoatingThickness]
    shapes: frozenset[TongueShape]
    tongue_note: str
    trajectory: Trajectory
    factor: float  # How much the cramp frequency falls per visit when improving.
    formula: str
    pregnant: bool
    sites: tuple[CrampSite, ...]

    @property
    def improving(self) -> bool:
        return self.trajectory is Trajectory.IMPROVING


def _trajectory(draw: float) -> Trajectory:
    if draw < _IMPROVING_SHARE:
        return Trajectory.IMPROVING
    if draw < _IMPROVING_SHARE + _FLAT_SHARE:
        return Trajectory.FLAT
    return Trajectory.WORSENING


def _make_plan(
    rng: random.Random, patient: PatientInput, today: dt.date, visits: int
) -> _Plan:
    main = _main_pattern(rng, patient, today)
    picture = _PICTURES[main]
    second = rng.choice(picture.seconds) if rng.random() < 0.45 else None
    trajectory = _trajectory(rng.random())
    improving = trajectory is Trajectory.IMPROVING
    shapes = frozenset(rng.sample(picture.shapes, rng.randint(0, len(picture.shapes))))
    sites = patient.profile.sites or (CrampSite(MuscleGroup.CALF_GASTROCNEMIUS, Side.BOTH),)
    pregnant = Condition.PREGNANCY in patient.conditions
    return _Plan(
        main=main,
        second=second,
        second_until=rng.randint(max(1, visits // 2), visits) if improving else visits,
        pulse=rng.choice(picture.pulses),
        body=rng.choice(picture.bodies),
        coating=rng.choice(picture.coatings),
        shapes=shapes,
        tongue_note=rng.choice(picture.tongue_notes),
        trajectory=trajectory,
        factor=rng.uniform(0.55, 0.85),
        formula=rng.choice(picture.formulas) if rng.random() < 0.2 and not pregnant else "",
        pregnant=pregnant,
        sites=sites,
    )


def _points(rng: random.Random, plan: _Plan, patterns: list[Pattern], index: int) -> (
    tuple[NeedledPoint, ...]
):
    """4–8 points: GB34 for the sinews, local points on the cramping side, the pattern's."""
    def allowed(code: str) -> bool:
        return not (plan.pregnant and code in _AVOID_IN_PREGNANCY)

    sides: dict[str, set[Side]] = {"GB34": {site.side for site in plan.sites}}
    for site in plan.sites:
        for code in _LOCAL_POINTS[site.muscle]:
            sides.setdefault(code, set()).add(site.side)
    wanted = rng.randint(4, 8)
    local = [code for code in sides if allowed(code)][:wanted]
    techniques = dict.fromkeys(local, Technique.EVEN)
    pool: dict[str, Technique] = {}
    for pattern in patterns:
        for code, technique in _PICTURES[pattern].points:
            if allowed(code) and code not in techniques:
                pool.setdefault(code, technique)
    for code in rng.sample(sorted(pool), min(len(pool), wanted - len(techniques))):
        techniques[code] = pool[code]
    for code in ("ST36", "SP6", "LR3", "GB39", "KI3"):
        if len(techniques) >= 4:
            break
        if allowed(code):
            techniques.setdefault(code, Technique.EVEN)
    chosen = sorted(techniques, key=DEMO_POINTS.index)
    retention = rng.choice((15, 20, 20, 20, 25, 30))
    electro: set[str] = set()
    if index > 0 and not plan.pregnant and rng.random() < 0.3:
        electro = set([c for c in ("GB34", "BL57", "BL40", "ST36") if c in techniques][:2])
    hz = float(rng.choice((2, 2, 2.5, 4, 5, 10)))
    return tuple(
        NeedledPoint(
            code=code,
            side=_side(sides[code]) if code in sides else NeedleSide.BILATERAL,
            technique=techniques[code],
            retention_minutes=retention,
            electro_hz=hz if code in electro else None,
        )
        for code in chosen
    )


def _tongue(rng: random.Random, plan: _Plan, index: int) -> Tongue:
    colour, thickness = plan.coating
    if plan.improving and index >= 2 and thickness is TongueCoatingThickness.THICK:
        thickness = TongueCoatingThickness.THIN  # The coating clears as the Cold/Damp goes.
    return Tongue(
        body_colour=plan.body,
        coating_colour=colour,
        coating_thickness=thickness,
        shapes=plan.shapes,
        moisture=rng.choice(_PICTURES[plan.main].moistures),
        notes=plan.tongue_note,
    )


def _pulse(rng: random.Random, plan: _Plan, patterns: list[Pattern]) -> Pulse:
    qualities = set(plan.pulse)
    if rng.random() < 0.25:
        qualities = set(rng.choice(_PICTURES[plan.main].pulses))
    for pattern in patterns[1:]:
        qualities.add(_PICTURES[pattern].key_quality)
    positions: tuple[_PositionReading, ...] = ()
    if rng.random() < 0.4:
        found = _PICTURES[plan.main].positions
        picked = rng.sample(found, rng.randint(1, min(2, len(found))))
        positions = tuple(sorted(picked, key=lambda p: (list(PulseHand).index(p[0]),
                                                        list(PulsePosition).index(p[1]))))
    return Pulse(qualities=frozenset(qualities), positions=positions)


def _cramps_phrase(count: int, gap_days: int) -> str:
    since = "since the last visit" if gap_days <= 9 else (
        f"in the {gap_days} days since the last visit"
    )
    if count == 0:
        return f"No cramps {since}"
    if count == 1:
        return f"One cramp {since}"
    return f"{_words(count).capitalize()} cramps {since}"


def _site_words(plan: _Plan) -> str:
    site = plan.sites[0]
    muscle = _MUSCLE_WORDS[site.muscle]
    return f"{muscle} on both sides" if site.side is Side.BOTH else (
        f"{site.side.label.lower()} {muscle}"
    )


def _course(
    plan: _Plan, patient: PatientInput, index: int, per_week: float, previous: float,
    gap_days: int, severity: int,
) -> str:
    timing = next(
        (_TIMING_WORDS[t] for t in CrampTiming if t in patient.profile.timings), ""
    )
    where = _site_words(plan) + (f", {timing}" if timing else "")
    if index == 0:
        usual = max(1, round(per_week))
        often = "once a week" if usual == 1 else f"about {_words(usual)} times a week"
        return f"First visit. Cramps {often} ({where}), worst {severity}/10."
    count = round(per_week * gap_days / 7)
    if count == 0:
        return f"{_cramps_phrase(0, gap_days)}."
    if per_week < previous * 0.85:
        trend = "fewer than before"
    elif per_week > previous * 1.15:
        trend = "more than before"
    else:
        trend = "about the same as before"
    return f"{_cramps_phrase(count, gap_days)}, {trend} ({where}); worst {severity}/10."


def _advice(
    rng: random.Random, patient: PatientInput, plan: _Plan
) -> tuple[frozenset[HomeAdvice], str]:
    profile, lifestyle = patient.profile, patient.lifestyle
    advice: set[HomeAdvice] = set()
    notes: list[str] = []
    if rng.random() < 0.9:
        advice.add(HomeAdvice.STRETCHING)
        notes.append(_STRETCH_NOTES[plan.sites[0].muscle])
    if (profile.triggers & {Trigger.DEHYDRATION, Trigger.HOT_WEATHER}
            or profile.timings & {CrampTiming.DURING_EXERCISE, CrampTiming.AFTER_EXERCISE}
            or (lifestyle.fluid_litres_per_day or 2.0) < 1.5):
        advice.add(HomeAdvice.HYDRATION)
        notes.append("Sip water through the day and during exercise.")
    if Trigger.COLD in profile.triggers or plan.main is Pattern.COLD_IN_LIVER_CHANNEL:
        advice.add(HomeAdvice.WARMTH)
        notes.append("Bed socks and a warm foot soak before bed.")
    if (Trigger.HELD_POSITION in profile.triggers
            or lifestyle.work_posture in (WorkPosture.MOSTLY_SITTING,
                                          WorkPosture.MOSTLY_STANDING)):
        advice.add(HomeAdvice.POSTURE)
        notes.append("Get up and walk for a few minutes every hour at work.")
    if not advice:
        advice.add(HomeAdvice.STRETCHING)
        notes.append(_STRETCH_NOTES[plan.sites[0].muscle])
    return frozenset(advice), " ".join(notes[:2])


def _modalities(rng: random.Random, plan: _Plan, patterns: list[Pattern]) -> (
    frozenset[Modality]
):
    """Sometimes moxibustion, cupping or tuina; moxibustion usually when there is Cold."""
    cold = Pattern.COLD_IN_LIVER_CHANNEL in patterns
    chosen = {
        modality
        for modality in dict.fromkeys(m for p in patterns for m in _PICTURES[p].modalities)
        if rng.random() < (0.8 if cold and modality is Modality.MOXIBUSTION else 0.3)
    }
    if plan.pregnant:
        chosen.discard(Modality.MOXIBUSTION)
    return frozenset(chosen)


def _report(rng: random.Random, patient: PatientInput, plan: _Plan, index: int) -> str:
    timings = patient.profile.timings
    if index == 0:
        if CrampTiming.NOCTURNAL in timings:
            return "Wants to sleep through the night again."
        return "Wants to get back to normal activity."
    if plan.trajectory is Trajectory.WORSENING:
        return rng.choice(_WORSE_REPORTS)
    if not plan.improving:
        return rng.choice(_SAME_REPORTS)
    athletic = bool(timings & {CrampTiming.DURING_EXERCISE, CrampTiming.AFTER_EXERCISE})
    return rng.choice(_BETTER_REPORTS + (_ACTIVE_REPORTS if athletic else ()))


def _plan_text(index: int, last: bool, per_week: float, trajectory: Trajectory) -> (
    tuple[str, int]
):
    """What happens next, and in how many days."""
    improving = trajectory is Trajectory.IMPROVING
    if index == 0:
        return "Weekly treatment for four to six weeks, then review with the cramp diary.", 7
    if trajectory is Trajectory.WORSENING:
        return ("Continue weekly; review the diagnosis, and suggest a check with the GP if "
                "the cramps keep increasing."), 7
    if improving and per_week < 0.5:
        if last:
            return "Cramps settled: review in a month, sooner if they come back.", 28
        return "Space treatment to a fortnight if the cramps stay away.", 14
    if improving:
        return "Continue weekly; keep up the home exercises.", 7
    return "Continue weekly; review the diagnosis if no change in two visits.", 7


def demo_sessions(
    rng: random.Random, patient: PatientInput, today: dt.date, count: int
) -> list[SessionInput]:
    """Up to `count` visits of `patient`, oldest first, every one before `today`.

    Fewer visits come back when the patient was born (or the cramps began) too recently
    for weekly treatment; none when the birth date is today or later. The same `rng`
    state, patient and day always give the same visits.
    """
    return list(demo_course(rng, patient, today, count).sessions)


def demo_course(
    rng: random.Random, patient: PatientInput, today: dt.date, count: int
) -> DemoCourse:
    """`demo_sessions`' visits (drawn the same way) with the course they follow."""
    if count < 1:
        return DemoCourse(Trajectory.FLAT)
    dates = _visit_dates(rng, patient, today, count)
    if not dates:
        return DemoCourse(Trajectory.FLAT)
    plan = _make_plan(rng, patient, today, len(dates))
    base = patient.profile.frequency_per_week or float(rng.choice((2, 3, 4, 5)))
    base = max(base, 0.5)
    base_severity = patient.profile.worst_severity or rng.randint(4, 8)
    sessions: list[SessionInput] = []
    figures: list[VisitFigures] = []
    previous = base
    for index, day in enumerate(dates):
        last = index == len(dates) - 1
        if index == 0:
            per_week = base
        elif plan.improving:
            per_week = previous * plan.factor
        elif plan.trajectory is Trajectory.WORSENING:
            ceiling = max(_MAX_PER_WEEK, base)
            per_week = min(ceiling, previous * rng.uniform(*_WORSENING_FACTOR))
        else:
            per_week = base * rng.uniform(0.8, 1.15)
        ratio = per_week / base
        severity = max(1, min(10, round(base_severity * ratio ** 0.5)))
        gap = (day - dates[index - 1]).days if index else 7
        patterns = [plan.main]
        if plan.second is not None and index < plan.second_until:
            patterns.append(plan.second)
        principles = {_PICTURES[p].principle for p in patterns}
        principles.add(TreatmentPrinciple.RELAX_SINEWS)
        advice, advice_notes = _advice(rng, patient, plan)
        plan_text, next_in = _plan_text(index, last, per_week, plan.trajectory)
        started = dt.time(rng.randint(8, 16), rng.choice((0, 15, 30, 45)))
        notes = rng.choice(_NOTES)
        if plan.pregnant:
            notes = "Pregnant: LI4, SP6 and BL23 avoided; no moxibustion or EA."
        sessions.append(
            SessionInput(
                started_at=dt.datetime.combine(day, started),
                duration_minutes=rng.choice((45, 60, 60, 75) if index == 0
                                            else (30, 45, 45, 60)),
                practitioner=DEMO_PRACTITIONER,
                course_since_last=_course(plan, patient, index, per_week, previous, gap,
                                          severity),
                patient_report=_report(rng, patient, plan, index),
                tongue=_tongue(rng, plan, index),
                pulse=_pulse(rng, plan, patterns),
                patterns=frozenset(patterns),
                principles=frozenset(principles),
                points=_points(rng, plan, patterns, index),
                modalities=_modalities(rng, plan, patterns),
                herbal_formula=plan.formula,
                advice=advice,
                advice_notes=advice_notes,
                plan=plan_text,
                next_visit=day + dt.timedelta(days=next_in),
                notes=notes,
            )
        )
        reported = max(1, round(per_week))
        if index and round(per_week * gap / 7) == 0:
            reported = 0  # "No cramps since the last visit."
        figures.append(VisitFigures(per_week, severity, reported))
        previous = per_week
    return DemoCourse(plan.trajectory, tuple(sessions), tuple(figures), base)
