"""A treatment session (one visit): subjective report, TCM assessment, treatment, plan.

Coded values are `LabelledEnum`s as in the patient record. The TCM vocabulary follows
common textbook usage (e.g. Maciocia, *The Foundations of Chinese Medicine*); it records
the practitioner's traditional assessment and makes no biomedical claim.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field

from practitioner.domain.outcomes import SessionMeasures
from practitioner.domain.patient import LabelledEnum


class TongueBodyColour(LabelledEnum):
    PALE = ("pale", "Pale")
    PALE_RED = ("pale_red", "Pale red (normal)")
    RED = ("red", "Red")
    DARK_RED = ("dark_red", "Dark red")
    PURPLE = ("purple", "Purple")
    BLUISH_PURPLE = ("bluish_purple", "Bluish purple")


class TongueCoatingColour(LabelledEnum):
    WHITE = ("white", "White")
    YELLOW = ("yellow", "Yellow")
    GREY = ("grey", "Grey")
    BLACK = ("black", "Black")


class TongueCoatingThickness(LabelledEnum):
    ABSENT = ("absent", "Absent / peeled")
    THIN = ("thin", "Thin")
    THICK = ("thick", "Thick")


class TongueShape(LabelledEnum):
    SWOLLEN = ("swollen", "Swollen")
    THIN = ("thin", "Thin")
    CRACKED = ("cracked", "Cracked")
    TOOTH_MARKED = ("tooth_marked", "Tooth-marked")
    STIFF = ("stiff", "Stiff")
    DEVIATED = ("deviated", "Deviated")


class TongueMoisture(LabelledEnum):
    NORMAL = ("normal", "Normal")
    DRY = ("dry", "Dry")
    WET = ("wet", "Wet / slippery")


class PulseQuality(LabelledEnum):
    WIRY = ("wiry", "Wiry")
    THREADY = ("thready", "Thready / fine")
    CHOPPY = ("choppy", "Choppy")
    SLIPPERY = ("slippery", "Slippery")
    DEEP = ("deep", "Deep")
    FLOATING = ("floating", "Floating")
    RAPID = ("rapid", "Rapid")
    SLOW = ("slow", "Slow")
    WEAK = ("weak", "Weak / deficient")
    TIGHT = ("tight", "Tight")


class PulseHand(LabelledEnum):
    LEFT = ("left", "Left")
    RIGHT = ("right", "Right")


class PulsePosition(LabelledEnum):
    CUN = ("cun", "Cun")
    GUAN = ("guan", "Guan")
    CHI = ("chi", "Chi")


class Pattern(LabelledEnum):
    LIVER_BLOOD_DEFICIENCY = ("liver_blood_deficiency", "Liver Blood deficiency")
    LIVER_YIN_DEFICIENCY = ("liver_yin_deficiency", "Liver Yin deficiency")
    LIVER_QI_STAGNATION = ("liver_qi_stagnation", "Liver Qi stagnation")
    COLD_IN_LIVER_CHANNEL = ("cold_in_liver_channel", "Cold stagnating in the Liver channel")
    BLOOD_STASIS = ("blood_stasis", "Blood stasis")
    QI_AND_BLOOD_DEFICIENCY = ("qi_and_blood_deficiency", "Qi and Blood deficiency")
    LIVER_GB_DAMP_HEAT = ("liver_gb_damp_heat", "Liver/Gallbladder damp-heat")
    OTHER = ("other", "Other")


class TreatmentPrinciple(LabelledEnum):
    NOURISH_LIVER_BLOOD = ("nourish_liver_blood", "Nourish Liver Blood")
    NOURISH_LIVER_YIN = ("nourish_liver_yin", "Nourish Liver Yin")
    SMOOTH_LIVER_QI = ("smooth_liver_qi", "Restore the smooth flow of Liver qi")
    RELAX_SINEWS = ("relax_sinews", "Relax the sinews")
    WARM_CHANNEL = ("warm_channel", "Warm the channel and expel Cold")
    MOVE_BLOOD = ("move_blood", "Move Blood and remove stasis")
    TONIFY_QI_BLOOD = ("tonify_qi_blood", "Tonify Qi and Blood")
    CLEAR_DAMP_HEAT = ("clear_damp_heat", "Clear damp-heat")


class NeedleSide(LabelledEnum):
    BILATERAL = ("bilateral", "Bilateral")
    LEFT = ("left", "Left")
    RIGHT = ("right", "Right")


class Technique(LabelledEnum):
    EVEN = ("even", "Even")
    TONIFY = ("tonify", "Tonify")
    REDUCE = ("reduce", "Reduce")


class Modality(LabelledEnum):
    MOXIBUSTION = ("moxibustion", "Moxibustion")
    CUPPING = ("cupping", "Cupping")
    GUA_SHA = ("gua_sha", "Gua sha")
    TUINA = ("tuina", "Tuina / massage")
    HEAT_LAMP = ("heat_lamp", "Heat lamp")


class HomeAdvice(LabelledEnum):
    STRETCHING = ("stretching", "Stretching routine")
    HYDRATION = ("hydration", "Hydration")
    WARMTH = ("warmth", "Keep warm")
    POSTURE = ("posture", "Posture and breaks from long sitting/standing")


class SessionStatus(enum.Enum):
    """A session is open while being written and final once signed."""

    OPEN = "open"
    FINAL = "final"


RETENTION_RANGE = (0, 120)


@dataclass(frozen=True)
class Tongue:
    """Tongue inspection."""

    body_colour: TongueBodyColour | None = None
    coating_colour: TongueCoatingColour | None = None
    coating_thickness: TongueCoatingThickness | None = None
    shapes: frozenset[TongueShape] = frozenset()
    moisture: TongueMoisture | None = None
    notes: str = ""


@dataclass(frozen=True)
class Pulse:
    """Pulse palpation: overall qualities, optionally per hand and position."""

    qualities: frozenset[PulseQuality] = frozenset()
    positions: tuple[tuple[PulseHand, PulsePosition, frozenset[PulseQuality]], ...] = ()
    notes: str = ""


@dataclass(frozen=True)
class NeedledPoint:
    """One point needled in a session (or listed in a protocol)."""

    code: str
    side: NeedleSide = NeedleSide.BILATERAL
    technique: Technique = Technique.EVEN
    retention_minutes: int | None = None
    electro_hz: float | None = None
    custom: bool = False

    @property
    def label(self) -> str:
        parts = [self.code]
        if self.side is not NeedleSide.BILATERAL:
            parts.append(self.side.label.lower())
        if self.technique is not Technique.EVEN:
            parts.append(self.technique.label.lower())
        return " ".join(parts)


@dataclass(frozen=True)
class SessionInput:
    """Everything the practitioner records about one visit."""

    started_at: dt.datetime
    duration_minutes: int | None = None
    practitioner: str = ""
    course_since_last: str = ""
    patient_report: str = ""
    tongue: Tongue = field(default_factory=Tongue)
    pulse: Pulse = field(default_factory=Pulse)
    patterns: frozenset[Pattern] = frozenset()
    pattern_other: str = ""
    principles: frozenset[TreatmentPrinciple] = frozenset()
    principle_notes: str = ""
    points: tuple[NeedledPoint, ...] = ()
    modalities: frozenset[Modality] = frozenset()
    herbal_formula: str = ""
    advice: frozenset[HomeAdvice] = frozenset()
    advice_notes: str = ""
    plan: str = ""
    next_visit: dt.date | None = None
    notes: str = ""
    measures: SessionMeasures = field(default_factory=SessionMeasures)

    def is_empty(self) -> bool:
        """Whether nothing clinical was recorded (date and practitioner aside)."""
        blank = SessionInput(started_at=self.started_at,
                             duration_minutes=self.duration_minutes,
                             practitioner=self.practitioner)
        return self == blank


@dataclass(frozen=True)
class Revision:
    """A superseded version of a final session, kept when it was amended."""

    number: int
    data: SessionInput
    recorded_at: dt.datetime
    recorded_by: str
    replaced_at: dt.datetime
    replaced_by: str
    reason: str


@dataclass(frozen=True)
class Session:
    """A stored session."""

    id: int
    patient_id: int
    data: SessionInput
    status: SessionStatus
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    finalised_at: dt.datetime | None = None
    finalised_by: str = ""
    revisions: tuple[Revision, ...] = ()
    # Accounts (migration 0008): who wrote the visit, and whether its note is private;
    # `hidden` when the reader may not see the private text, which is then withheld.
    author_id: int | None = None
    private: bool = False
    hidden: bool = False

    @property
    def final(self) -> bool:
        return self.status is SessionStatus.FINAL


@dataclass(frozen=True)
class SessionSummary:
    """One line of the patient's session timeline."""

    id: int
    started_at: dt.datetime
    status: SessionStatus
    patterns: tuple[Pattern, ...]
    point_codes: tuple[str, ...]
    amended: bool
    # The headline outcome figures recorded at the visit, when they were.
    cramps_per_week: float | None = None
    worst_severity: float | None = None
    # A private note, and whether its text is withheld from the reader.
    private: bool = False
    hidden: bool = False


@dataclass(frozen=True)
class Protocol:
    """A named, reusable combination of points."""

    id: int
    name: str
    points: tuple[NeedledPoint, ...]
    notes: str = ""
    version: int = 1  # the stored row's version, named by a save that replaces it


class DraftForm(enum.Enum):
    """Which form a draft keeps: a session note, or the patient's profile (intake)."""

    SESSION = "session"
    PROFILE = "profile"


@dataclass(frozen=True)
class Draft:
    """Unsaved form content: the raw widget values, so even unparseable text survives.
    A profile draft has no `session_id`."""

    patient_id: int
    session_id: int | None
    payload: dict[str, object]
    updated_at: dt.datetime
    form: DraftForm = DraftForm.SESSION


@dataclass(frozen=True)
class DraftSummary:
    """A recovered draft as offered to the practitioner at start-up."""

    patient_id: int
    patient_name: str
    session_id: int | None
    updated_at: dt.datetime
    form: DraftForm = DraftForm.SESSION


@dataclass(frozen=True)
class SessionReference:
    """A paragraph of a reference entry that was inserted into a session's note."""

    id: int
    session_id: int
    slug: str
    version: int
    paragraph: int
    inserted_at: dt.datetime
