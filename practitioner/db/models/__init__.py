"""Live peewee models, one module per aggregate. `MODELS` lists them in dependency order."""

from practitioner.db.models.outcomes import (
    CustomMeasureRow,
    DiaryEntryRow,
    PsfsActivityRow,
    SessionMeasureRow,
    SessionPsfsRow,
)
from practitioner.db.models.patient import CrampSiteRow, MedicationRow, PatientCodeRow, PatientRow
from practitioner.db.models.session import (
    DraftRow,
    ProtocolPointRow,
    ProtocolRow,
    SessionCodeRow,
    SessionPointRow,
    SessionRevisionRow,
    SessionRow,
)

MODELS = (
    PatientRow,
    CrampSiteRow,
    PatientCodeRow,
    MedicationRow,
    SessionRow,
    SessionCodeRow,
    SessionPointRow,
    SessionRevisionRow,
    ProtocolRow,
    ProtocolPointRow,
    DraftRow,
    SessionMeasureRow,
    PsfsActivityRow,
    SessionPsfsRow,
    CustomMeasureRow,
    DiaryEntryRow,
)

__all__ = [
    "MODELS",
    "CrampSiteRow",
    "CustomMeasureRow",
    "DiaryEntryRow",
    "DraftRow",
    "MedicationRow",
    "PatientCodeRow",
    "PatientRow",
    "ProtocolPointRow",
    "ProtocolRow",
    "PsfsActivityRow",
    "SessionCodeRow",
    "SessionMeasureRow",
    "SessionPointRow",
    "SessionPsfsRow",
    "SessionRevisionRow",
    "SessionRow",
]
