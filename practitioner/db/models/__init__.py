"""Live peewee models, one module per aggregate. `MODELS` lists them in dependency order."""

from practitioner.db.models.accounts import AccountRow
from practitioner.db.models.audit import AuditRow
from practitioner.db.models.letters import ReferralLetterRow
from practitioner.db.models.outcomes import (
    CustomMeasureRow,
    DiaryEntryRow,
    PsfsActivityRow,
    SessionMeasureRow,
    SessionPsfsRow,
)
from practitioner.db.models.patient import (
    CrampSiteRow,
    MedicationRow,
    PatientCodeRow,
    PatientNameWordRow,
    PatientRow,
    PatientScreenRow,
)
from practitioner.db.models.reference import (
    RedFlagReviewRow,
    ReferenceEntryRow,
    ReferenceNoteRow,
    SessionReferenceRow,
)
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
    AccountRow,
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
    PatientScreenRow,
    ReferenceEntryRow,
    ReferenceNoteRow,
    SessionReferenceRow,
    RedFlagReviewRow,
    ReferralLetterRow,
    AuditRow,
    PatientNameWordRow,
)

__all__ = [
    "MODELS",
    "AccountRow",
    "AuditRow",
    "CrampSiteRow",
    "CustomMeasureRow",
    "DiaryEntryRow",
    "DraftRow",
    "MedicationRow",
    "PatientCodeRow",
    "PatientNameWordRow",
    "PatientRow",
    "PatientScreenRow",
    "ProtocolPointRow",
    "ProtocolRow",
    "PsfsActivityRow",
    "RedFlagReviewRow",
    "ReferenceEntryRow",
    "ReferenceNoteRow",
    "ReferralLetterRow",
    "SessionCodeRow",
    "SessionMeasureRow",
    "SessionPointRow",
    "SessionPsfsRow",
    "SessionReferenceRow",
    "SessionRevisionRow",
    "SessionRow",
]
