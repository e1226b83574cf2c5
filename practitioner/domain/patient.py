"""The patient cramp record: identity, cramp profile, medical background and lifestyle.

Coded values are enums whose `.value` is the stable code stored in the database and
exported; `.label` is the English text shown to the practitioner.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field

from practitioner.domain.screen import RedFlagScreen


class LabelledEnum(enum.Enum):
    """An enum whose members carry a stable code (value) and a display label."""

    label: str

    def __new__(cls, code: str, label: str = "") -> LabelledEnum:
        member = object.__new__(cls)
        member._value_ = code
        member.label = label
        return member


class Sex(LabelledEnum):
    FEMALE = ("female", "Female")
    MALE = ("male", "Male")
    INTERSEX = ("intersex", "Intersex")
    UNKNOWN = ("unknown", "Not recorded")


class MuscleGroup(LabelledEnum):
    CALF_GASTROCNEMIUS = ("calf_gastrocnemius", "Calf (gastrocnemius)")
    SOLEUS = ("soleus", "Soleus")
    FOOT_PLANTAR = ("foot_plantar", "Foot (plantar)")
    TOES = ("toes", "Toes")
    HAMSTRING = ("hamstring", "Hamstring")
    QUADRICEPS = ("quadriceps", "Quadriceps")
    HAND = ("hand", "Hand")
    OTHER = ("other", "Other")


class Side(LabelledEnum):
    LEFT = ("left", "Left")
    RIGHT = ("right", "Right")
    BOTH = ("both", "Both sides")


class CrampTiming(LabelledEnum):
    NOCTURNAL = ("nocturnal", "At night / in sleep")
    DURING_EXERCISE = ("during_exercise", "During exercise")
    AFTER_EXERCISE = ("after_exercise", "After exercise")
    AT_REST = ("at_rest", "At rest")
    PROLONGED_POSTURE = ("prolonged_posture", "After prolonged sitting or standing")


class Trigger(LabelledEnum):
    OVERUSE = ("overuse", "Overuse / long exercise or physical labour")
    HOT_WEATHER = ("hot_weather", "Hot weather")
    DEHYDRATION = ("dehydration", "Dehydration")
    MUSCLE_STRAIN = ("muscle_strain", "Muscle strain")
    HELD_POSITION = ("held_position", "Holding a position for long")
    COLD = ("cold", "Cold")
    UNKNOWN = ("unknown", "Unknown")


class Relief(LabelledEnum):
    STRETCHING = ("stretching", "Stretching")
    MASSAGE = ("massage", "Massage")
    WARMTH = ("warmth", "Warmth")
    WALKING = ("walking", "Walking")
    NOTHING = ("nothing", "Nothing helps")


class Condition(LabelledEnum):
    PERIPHERAL_ARTERIAL_DISEASE = (
        "peripheral_arterial_disease",
        "Peripheral arterial disease / arteriosclerosis",
    )
    LUMBAR_SPINAL_STENOSIS = ("lumbar_spinal_stenosis", "Lumbar spinal stenosis")
    KIDNEY_DISEASE = ("kidney_disease", "Kidney disease or dialysis")
    THYROID_DISORDER = ("thyroid_disorder", "Thyroid disorder")
    PERIPHERAL_NEUROPATHY = ("peripheral_neuropathy", "Peripheral neuropathy / nerve disorder")
    HORMONE_DISORDER = ("hormone_disorder", "Hormone disorder")
    DIABETES = ("diabetes", "Diabetes")
    HYPOGLYCAEMIA = ("hypoglycaemia", "Hypoglycaemia episodes")
    ANAEMIA = ("anaemia", "Anaemia")
    PREGNANCY = ("pregnancy", "Pregnancy")
    LIVER_CIRRHOSIS = ("liver_cirrhosis", "Liver cirrhosis")


class WorkPosture(LabelledEnum):
    UNKNOWN = ("unknown", "Not recorded")
    MOSTLY_SITTING = ("mostly_sitting", "Mostly sitting")
    MOSTLY_STANDING = ("mostly_standing", "Mostly standing")
    MIXED = ("mixed", "Mixed sitting and standing")
    PHYSICAL_LABOUR = ("physical_labour", "Physical labour")


@dataclass(frozen=True)
class CrampSite:
    """Where the cramps strike: a muscle group on a side."""

    muscle: MuscleGroup
    side: Side

    def sort_key(self) -> tuple[int, int]:
        """Orders sites as the form lists them: by muscle group, then side."""
        return (list(MuscleGroup).index(self.muscle), list(Side).index(self.side))

    @property
    def label(self) -> str:
        return f"{self.muscle.label} – {self.side.label.lower()}"


@dataclass(frozen=True)
class Medication:
    """A current medication as the patient reports it."""

    name: str
    dose: str = ""
    since: dt.date | None = None


@dataclass(frozen=True)
class Lifestyle:
    """Habits that bear on cramps: exercise, fluids, alcohol and work posture."""

    exercise: str = ""
    exercise_hours_per_week: float | None = None
    fluid_litres_per_day: float | None = None
    alcohol_units_per_week: float | None = None
    work_posture: WorkPosture = WorkPosture.UNKNOWN


@dataclass(frozen=True)
class CrampProfile:
    """The patient's usual cramp pattern, as taken at intake and kept up to date."""

    sites: tuple[CrampSite, ...] = ()
    timings: frozenset[CrampTiming] = frozenset()
    onset_date: dt.date | None = None
    frequency_per_week: float | None = None
    duration_minutes: float | None = None
    worst_severity: int | None = None
    triggers: frozenset[Trigger] = frozenset()
    reliefs: frozenset[Relief] = frozenset()


@dataclass(frozen=True)
class PatientInput:
    """Everything the practitioner can edit on a patient record."""

    name: str
    date_of_birth: dt.date | None = None
    sex: Sex = Sex.UNKNOWN
    phone: str = ""
    email: str = ""
    address: str = ""
    notes: str = ""
    profile: CrampProfile = field(default_factory=CrampProfile)
    conditions: frozenset[Condition] = frozenset()
    conditions_notes: str = ""
    medications: tuple[Medication, ...] = ()
    lifestyle: Lifestyle = field(default_factory=Lifestyle)
    screen: RedFlagScreen = field(default_factory=RedFlagScreen)


@dataclass(frozen=True)
class Patient:
    """A stored patient record: the editable input plus identity and bookkeeping."""

    id: int
    data: PatientInput
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    archived_at: dt.datetime | None = None

    @property
    def archived(self) -> bool:
        return self.archived_at is not None


@dataclass(frozen=True)
class PatientSummary:
    """One row of the patient list."""

    id: int
    name: str
    date_of_birth: dt.date | None
    archived: bool
