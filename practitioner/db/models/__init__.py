"""Live peewee models, one module per aggregate. `MODELS` lists them in dependency order."""

from practitioner.db.models.patient import CrampSiteRow, MedicationRow, PatientCodeRow, PatientRow

MODELS = (PatientRow, CrampSiteRow, PatientCodeRow, MedicationRow)

__all__ = ["MODELS", "CrampSiteRow", "MedicationRow", "PatientCodeRow", "PatientRow"]
