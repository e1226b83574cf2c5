"""The set of services the GUI is given by the composition root."""

from __future__ import annotations

from dataclasses import dataclass, field

from practitioner.services.audit import AuditService
from practitioner.services.changes import ChangeService
from practitioner.services.drafts import DraftService
from practitioner.services.letters import LetterService
from practitioner.services.outcomes import OutcomeService
from practitioner.services.patients import PatientService
from practitioner.services.protocols import ProtocolService
from practitioner.services.reference import ReferenceService
from practitioner.services.security import SecurityService
from practitioner.services.sessions import SessionService


@dataclass(frozen=True)
class Services:
    """One of each service, sharing the open records file."""

    patients: PatientService = field(default_factory=PatientService)
    sessions: SessionService = field(default_factory=SessionService)
    drafts: DraftService = field(default_factory=DraftService)
    protocols: ProtocolService = field(default_factory=ProtocolService)
    outcomes: OutcomeService = field(default_factory=OutcomeService)
    reference: ReferenceService = field(default_factory=ReferenceService)
    letters: LetterService = field(default_factory=LetterService)
    audit: AuditService = field(default_factory=AuditService)
    security: SecurityService = field(default_factory=SecurityService)
    changes: ChangeService = field(default_factory=ChangeService)
