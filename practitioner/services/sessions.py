"""Use cases on treatment sessions: timeline, record, carry forward, finalise, amend."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

from practitioner.db.errors import translated_errors
from practitioner.db.models import (
    PatientRow,
    SessionCodeRow,
    SessionMeasureRow,
    SessionPointRow,
    SessionRevisionRow,
    SessionRow,
)
from practitioner.db.transactions import write_transaction
from practitioner.domain.accounts import Identity, may_read_private, withheld
from practitioner.domain.audit import NO_CHANGE, AuditAction, changed_fields
from practitioner.domain.conflicts import ConflictChoice
from practitioner.domain.outcomes import CRAMPS_PER_WEEK, WORST_SEVERITY, SessionMeasures
from practitioner.domain.patient import LabelledEnum
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
    Revision,
    Session,
    SessionInput,
    SessionStatus,
    SessionSummary,
    Technique,
    Tongue,
    TongueBodyColour,
    TongueCoatingColour,
    TongueCoatingThickness,
    TongueMoisture,
    TongueShape,
    TreatmentPrinciple,
)
from practitioner.domain.session_rules import carry_forward, validate_session
from practitioner.domain.session_serialize import session_input_from_dict, session_input_to_dict
from practitioner.domain.validation import ValidationError
from practitioner.errors import ErrorKind, KnownError
from practitioner.services.audit import AuditService
from practitioner.services.clock import Clock, aware, local_now, utc_now
from practitioner.services.conflicts import (
    MERGE,
    OVERRIDE,
    claim,
    resolution_detail,
    stale_save,
)
from practitioner.services.drafts import DraftService
from practitioner.services.identity import UserSource, current
from practitioner.services.measures import (
    chunks,
    delete_measures,
    measure_errors,
    measures_for_sessions,
    normalised,
    tuples,
    write_measures,
)

# Which coded sets of a session live in session_code, under which category.
_CODED: dict[str, type[LabelledEnum]] = {
    "tongue_shape": TongueShape,
    "pulse": PulseQuality,
    "pattern": Pattern,
    "principle": TreatmentPrinciple,
    "modality": Modality,
    "advice": HomeAdvice,
}

# The outcome figures a timeline line shows.
_HEADLINE = (CRAMPS_PER_WEEK.code, WORST_SEVERITY.code)


def _member(kind: type[LabelledEnum], code: str | None) -> Any:
    return None if code is None else kind(code)


def points_rows(points: Iterable[NeedledPoint]) -> list[dict[str, Any]]:
    """Point rows for session_point / protocol_point, in order (owner column not set)."""
    return [
        {
            "position": position,
            "code": p.code,
            "side": p.side.value,
            "technique": p.technique.value,
            "retention_minutes": p.retention_minutes,
            "electro_hz": p.electro_hz,
            "custom": p.custom,
        }
        for position, p in enumerate(points)
    ]


def point_from_row(row: Any) -> NeedledPoint:
    """A needled point from a session_point or protocol_point row."""
    return NeedledPoint(
        code=row.code,
        side=NeedleSide(row.side),
        technique=Technique(row.technique),
        retention_minutes=row.retention_minutes,
        electro_hz=row.electro_hz,
        custom=bool(row.custom),
    )


class SessionService:
    """Reads and records sessions; every change is one transaction that also drops its draft.

    A session's outcome measures (values and PSFS ratings) are stored, validated and read
    with it. `user` is who is working: the author stamped on visits, signatures and
    amendments, and the reader a private note's text is withheld from unless they wrote
    it or are an administrator.
    """

    def __init__(
        self,
        clock: Clock = utc_now,
        local_clock: Clock = local_now,
        user: UserSource = lambda: "",
        audit: AuditService | None = None,
    ) -> None:
        self._clock = clock
        self._local_clock = local_clock
        self._user = user
        self._audit = audit or AuditService(user=user, clock=clock)

    # -- reading ------------------------------------------------------------------------

    def timeline(self, patient_id: int) -> list[SessionSummary]:
        """The patient's visits, newest first, with their headline outcome figures, in a
        fixed number of queries."""
        with translated_errors():
            rows = list(
                SessionRow.select(SessionRow.id, SessionRow.started_at, SessionRow.status,
                                  SessionRow.private, SessionRow.created_by)
                .where(SessionRow.patient == patient_id)
                .order_by(SessionRow.started_at.desc(), SessionRow.id.desc())
            )
            ids = [row.id for row in rows]
            patterns: dict[int, list[Pattern]] = {i: [] for i in ids}
            points: dict[int, list[str]] = {i: [] for i in ids}
            amended: set[int] = set()
            figures: dict[int, dict[str, float]] = {}
            if ids:
                for session_id, code in tuples(
                    SessionCodeRow.select(SessionCodeRow.session, SessionCodeRow.code).where(
                        SessionCodeRow.session.in_(ids) & (SessionCodeRow.category == "pattern")
                    )
                ):
                    patterns[session_id].append(Pattern(code))
                for session_id, code in tuples(
                    SessionPointRow.select(SessionPointRow.session, SessionPointRow.code)
                    .where(SessionPointRow.session.in_(ids))
                    .order_by(SessionPointRow.position)
                ):
                    points[session_id].append(code)
                amended = {
                    r.session_id
                    for r in SessionRevisionRow.select(SessionRevisionRow.session).where(
                        SessionRevisionRow.session.in_(ids)
                    )
                }
                headline = (
                    SessionMeasureRow.select(
                        SessionMeasureRow.session, SessionMeasureRow.code, SessionMeasureRow.value
                    )
                    .join(SessionRow)
                    .where(
                        (SessionRow.patient == patient_id)
                        & SessionMeasureRow.code.in_(_HEADLINE)
                    )
                )
                for session_id, code, value in tuples(headline):
                    figures.setdefault(session_id, {})[code] = value
        order = list(Pattern)
        reader = self._identity()
        return [
            SessionSummary(
                id=row.id,
                started_at=row.started_at,
                status=SessionStatus(row.status),
                patterns=tuple(sorted(patterns[row.id], key=order.index)),
                point_codes=tuple(points[row.id]),
                amended=row.id in amended,
                cramps_per_week=figures.get(row.id, {}).get(CRAMPS_PER_WEEK.code),
                worst_severity=figures.get(row.id, {}).get(WORST_SEVERITY.code),
                private=bool(row.private),
                hidden=bool(row.private) and not may_read_private(reader, row.created_by_id),
            )
            for row in rows
        ]

    def get(self, session_id: int) -> Session:
        """One whole session with its kept revisions."""
        with translated_errors():
            row = SessionRow.get_or_none(SessionRow.id == session_id)
            if row is None:
                raise KnownError(ErrorKind.NOT_FOUND, f"There is no session number {session_id}.")
            return self._to_session(row, self._identity())

    def latest(self, patient_id: int) -> Session | None:
        """The patient's most recent visit, if any."""
        with translated_errors():
            row = (
                SessionRow.select()
                .where(SessionRow.patient == patient_id)
                .order_by(SessionRow.started_at.desc(), SessionRow.id.desc())
                .first()
            )
            return None if row is None else self._to_session(row, self._identity())

    def for_patients(self, patient_ids: Iterable[int]) -> dict[int, list[Session]]:
        """Every whole session of each patient, oldest first, in a fixed number of queries.

        Each id asked for is a key, with an empty list when the patient has no sessions.
        """
        ids = list(dict.fromkeys(patient_ids))
        found: dict[int, list[Session]] = {i: [] for i in ids}
        with translated_errors():
            rows: list[SessionRow] = []
            for chunk in chunks(ids):
                rows.extend(
                    SessionRow.select()
                    .where(SessionRow.patient.in_(chunk))
                    .order_by(SessionRow.patient, SessionRow.started_at, SessionRow.id)
                )
            for session in self._load(rows, self._identity()):
                found[session.patient_id].append(session)
        return found

    def now(self) -> dt.datetime:
        """The local wall-clock time the service validates visit times against."""
        return self._local_clock()

    def blank(self) -> SessionInput:
        """A new visit starting now, by the current practitioner."""
        return SessionInput(started_at=self._local_clock(), practitioner=self._identity().name)

    def from_last_visit(self, patient_id: int) -> tuple[SessionInput, Session | None]:
        """A new visit pre-filled from the latest one, and that visit (None if first)."""
        previous = self.latest(patient_id)
        if previous is None:
            return self.blank(), None
        data = previous.data if not previous.hidden else withheld(previous.data)
        if previous.hidden:  # Nothing of a private note is carried into a new one.
            data = dataclasses.replace(data, notes="")
        return carry_forward(data, self._local_clock(), self._identity().name), previous

    # -- changing -----------------------------------------------------------------------

    def create(self, patient_id: int, data: SessionInput, *, finalise: bool = False,
               private: bool = False) -> Session:
        """Record a new visit with its measures (and drop the patient's new-session draft) in
        one transaction, authored by the current identity; `private` keeps its note's text
        to its author and administrators. Raises ValidationError, writing nothing, for a
        bad visit or bad measures (fields `measures.<code>`, `measures.psfs.<activity id>`)."""
        with translated_errors(), write_transaction():
            self._validate(patient_id, None, data, finalise)
            now = self._clock()
            author = self._identity().id
            row = SessionRow(patient=patient_id, created_at=now, updated_at=now, version=1,
                             created_by=author, updated_by=author, private=private)
            self._fill(row, data)
            if finalise:
                self._sign(row, now)
            row.save(force_insert=True)
            self._write_children(row.id, data)
            DraftService.delete_in_transaction(patient_id, None)
            self._record(AuditAction.CREATE, row.id, patient_id)
            if finalise:
                self._record(AuditAction.FINALISE, row.id, patient_id)
        return self.get(row.id)

    def update(
        self,
        session_id: int,
        data: SessionInput,
        expected_version: int,
        *,
        finalise: bool = False,
        reason: str = "",
        resolution: str = "",
        private: bool | None = None,
    ) -> Session:
        """Change a visit. A final visit is amended: its previous text is kept as a revision
        with who changed it, when and why.

        Raises `EditConflictError` (a KnownError of kind CONFLICT) carrying both versions,
        writing nothing, when the visit changed since `expected_version`. `resolution` (a
        `ConflictChoice`) says this save settles such a conflict, on the stored version:
        it is audited too. Raises KnownError(NOT_ALLOWED) for a private note (or making
        one private or not) by someone who may not read it. `private` None leaves the flag.
        """
        with translated_errors(), write_transaction():
            row = SessionRow.get_or_none(SessionRow.id == session_id)
            if row is None:
                raise KnownError(ErrorKind.NOT_FOUND, f"There is no session number {session_id}.")
            me = self._identity()
            if (row.private or private) and not may_read_private(me, row.created_by_id):
                raise KnownError(ErrorKind.NOT_ALLOWED, "This session's note is private: only "
                                 "its author or an administrator can change it.")
            if row.version != expected_version:
                raise self._conflict(session_id, data, expected_version)
            current = self._to_session(row, me)
            changed = changed_fields(current.data, self._as_stored(data))
            if (changed == NO_CHANGE and not resolution and not (finalise and not current.final)
                    and private in (None, bool(row.private))):
                # An unedited save changes nothing: no new version, revision or audit entry.
                DraftService.delete_in_transaction(row.patient_id, session_id)
                return current
            if not claim(SessionRow, SessionRow.id == session_id, expected_version):
                raise self._conflict(session_id, data, expected_version)
            self._validate(row.patient_id, session_id, data, finalise or current.final)
            now = self._clock()
            amended = current.final and changed != NO_CHANGE
            kept = (self._keep_revision(current, now, reason),) if amended else ()
            self._fill(row, data)
            if finalise and not current.final:
                self._sign(row, now)
            row.version = expected_version + 1
            row.updated_at = now
            row.updated_by_id = me.id
            if private is not None:
                row.private = private
            row.save()
            for model in (SessionCodeRow, SessionPointRow):
                model.delete().where(model.session == session_id).execute()
            delete_measures(session_id)
            self._write_children(session_id, data)
            DraftService.delete_in_transaction(row.patient_id, session_id)
            finalising = finalise and not current.final
            if not (finalising and changed == NO_CHANGE):
                action = AuditAction.AMEND if amended else AuditAction.UPDATE
                self._record(action, session_id, row.patient_id, changed)
            if finalising:
                self._record(AuditAction.FINALISE, session_id, row.patient_id)
            if resolution:
                self._record(MERGE if resolution == ConflictChoice.MERGE else OVERRIDE,
                             session_id, row.patient_id,
                             resolution_detail(resolution, expected_version))
        # What was just committed, without reading it all back (a save on a busy clinic
        # server is a round trip per query): the stored form of `data` on the row as
        # written. A test holds it equal to `get`.
        return dataclasses.replace(
            current, data=self._as_stored(data), status=SessionStatus(row.status),
            version=row.version, updated_at=aware(now),
            finalised_at=aware(row.finalised_at) if row.finalised_at else None,
            finalised_by=row.finalised_by, revisions=current.revisions + kept,
            private=bool(row.private))

    def _conflict(self, session_id: int, mine: SessionInput,
                  expected_version: int) -> KnownError:
        """Why an update found no row at `expected_version`: the visit is gone, or an
        `EditConflictError` with the stored version (read in the caller's transaction)."""
        row = SessionRow.get_or_none(SessionRow.id == session_id)
        if row is None:
            return KnownError(ErrorKind.NOT_FOUND, f"There is no session number {session_id}.")
        theirs = self._to_session(row, self._identity())
        return stale_save(
            "session", session_id, expected_version, mine, theirs.data,
            their_version=theirs.version, updated_at=theirs.updated_at,
            patient_id=row.patient_id, changed="This session was changed",
            kept="your text is still in the form")

    def finalise(self, session_id: int, expected_version: int) -> Session:
        """Sign a visit as final; later changes become amendments."""
        session = self.get(session_id)
        return self.update(session_id, session.data, expected_version, finalise=True)

    # -- helpers ------------------------------------------------------------------------

    def _validate(
        self, patient_id: int, session_id: int | None, data: SessionInput, finalising: bool
    ) -> None:
        patient = PatientRow.get_or_none(PatientRow.id == patient_id)
        if patient is None:
            raise KnownError(ErrorKind.NOT_FOUND, f"There is no patient number {patient_id}.")
        errors = validate_session(
            data, born=patient.date_of_birth, now=self._local_clock(), finalising=finalising
        )
        errors += measure_errors(patient_id, session_id, data)
        if errors:
            raise ValidationError(errors)

    def _record(self, action: str, session_id: int, patient_id: int, detail: str = "") -> None:
        self._audit.record(action, entity="session", entity_id=session_id,
                           patient_id=patient_id, detail=detail)

    def _sign(self, row: SessionRow, now: dt.datetime) -> None:
        row.status = SessionStatus.FINAL.value
        row.finalised_at = now
        row.finalised_by = self._identity().name

    def _keep_revision(self, current: Session, now: dt.datetime, reason: str) -> Revision:
        """Keep `current` as the next revision; returns it as it reads back."""
        last = current.revisions[-1] if current.revisions else None
        row = SessionRevisionRow.create(
            session=current.id,
            number=len(current.revisions) + 1,
            snapshot=json.dumps(session_input_to_dict(current.data), ensure_ascii=False),
            recorded_at=(last.replaced_at if last else current.finalised_at or now).replace(
                tzinfo=None
            ),
            recorded_by=last.replaced_by if last else current.finalised_by,
            replaced_at=now,
            replaced_by=self._identity().name,
            reason=reason.strip(),
            amended_by=self._identity().id,
        )
        return Revision(number=row.number, data=current.data,
                        recorded_at=aware(row.recorded_at), recorded_by=row.recorded_by,
                        replaced_at=aware(row.replaced_at), replaced_by=row.replaced_by,
                        reason=row.reason)

    @classmethod
    def changes(cls, session: Session, data: SessionInput) -> bool:
        """Whether saving `data` over the stored `session` would change its record (what
        reads back the same, e.g. measures in another order, is no change)."""
        return cls._as_stored(data) != session.data

    @staticmethod
    def _as_stored(data: SessionInput) -> SessionInput:
        """`data` as it reads back once stored: `_fill` drops microseconds and trims;
        measures come back in code order."""
        return dataclasses.replace(
            data,
            started_at=data.started_at.replace(microsecond=0),
            practitioner=data.practitioner.strip(),
            measures=normalised(data.measures),
        )

    @staticmethod
    def _fill(row: SessionRow, data: SessionInput) -> None:
        tongue, pulse = data.tongue, data.pulse
        row.started_at = data.started_at.replace(microsecond=0)
        row.duration_minutes = data.duration_minutes
        row.practitioner = data.practitioner.strip()
        row.course_since_last = data.course_since_last
        row.patient_report = data.patient_report
        row.tongue_body_colour = tongue.body_colour.value if tongue.body_colour else None
        row.tongue_coating_colour = tongue.coating_colour.value if tongue.coating_colour else None
        row.tongue_coating_thickness = (
            tongue.coating_thickness.value if tongue.coating_thickness else None
        )
        row.tongue_moisture = tongue.moisture.value if tongue.moisture else None
        row.tongue_notes = tongue.notes
        row.pulse_positions = json.dumps(session_input_to_dict(data)["pulse"]["positions"])
        row.pulse_notes = pulse.notes
        row.pattern_other = data.pattern_other
        row.principle_notes = data.principle_notes
        row.herbal_formula = data.herbal_formula
        row.advice_notes = data.advice_notes
        row.plan = data.plan
        row.next_visit = data.next_visit
        row.notes = data.notes

    @staticmethod
    def _write_children(session_id: int, data: SessionInput) -> None:
        coded: dict[str, frozenset[Any]] = {
            "tongue_shape": data.tongue.shapes,
            "pulse": data.pulse.qualities,
            "pattern": data.patterns,
            "principle": data.principles,
            "modality": data.modalities,
            "advice": data.advice,
        }
        codes = [
            {"session": session_id, "category": category, "code": member.value}
            for category, members in coded.items()
            for member in sorted(members, key=lambda m: str(m.value))
        ]
        if codes:
            SessionCodeRow.insert_many(codes).execute()
        points = [{"session": session_id, **row} for row in points_rows(data.points)]
        if points:
            SessionPointRow.insert_many(points).execute()
        write_measures(session_id, data.measures)

    def _identity(self) -> Identity:
        return current(self._user)

    @staticmethod
    def _to_session(row: SessionRow, reader: Identity | None = None) -> Session:
        return SessionService._load([row], reader)[0]

    @staticmethod
    def _load(rows: list[SessionRow], reader: Identity | None = None) -> list[Session]:
        """Whole sessions for `rows`, in their order, in a fixed number of queries; a
        private note's text is withheld unless `reader` may see it (None: no reader
        check, for the service's own bookkeeping)."""
        ids = [row.id for row in rows]
        codes: dict[int, dict[str, set[str]]] = {
            i: {category: set() for category in _CODED} for i in ids
        }
        points: dict[int, list[NeedledPoint]] = {i: [] for i in ids}
        revisions: dict[int, list[Revision]] = {i: [] for i in ids}
        measures = measures_for_sessions(ids)
        for chunk in chunks(ids):
            for code in SessionCodeRow.select().where(SessionCodeRow.session.in_(chunk)):
                codes[code.session_id][code.category].add(code.code)
            for point in (
                SessionPointRow.select()
                .where(SessionPointRow.session.in_(chunk))
                .order_by(SessionPointRow.session, SessionPointRow.position)
            ):
                points[point.session_id].append(point_from_row(point))
            for r in (
                SessionRevisionRow.select()
                .where(SessionRevisionRow.session.in_(chunk))
                .order_by(SessionRevisionRow.session, SessionRevisionRow.number)
            ):
                revisions[r.session_id].append(
                    Revision(
                        number=r.number,
                        data=session_input_from_dict(json.loads(r.snapshot)),
                        recorded_at=aware(r.recorded_at),
                        recorded_by=r.recorded_by,
                        replaced_at=aware(r.replaced_at),
                        replaced_by=r.replaced_by,
                        reason=r.reason,
                    )
                )
        sessions = [
            SessionService._from_row(
                row,
                codes[row.id],
                tuple(points[row.id]),
                tuple(revisions[row.id]),
                measures.get(row.id, SessionMeasures()),
            )
            for row in rows
        ]
        if reader is None:
            return sessions
        return [s if not s.private or may_read_private(reader, s.author_id) else dataclasses
                .replace(s, data=withheld(s.data), hidden=True, revisions=tuple(
                    dataclasses.replace(r, data=withheld(r.data)) for r in s.revisions))
                for s in sessions]

    @staticmethod
    def _from_row(
        row: SessionRow,
        codes: dict[str, set[str]],
        points: tuple[NeedledPoint, ...],
        revisions: tuple[Revision, ...],
        measures: SessionMeasures,
    ) -> Session:
        def members(category: str) -> frozenset[Any]:
            return frozenset(_CODED[category](c) for c in codes[category])

        positions = tuple(
            (
                PulseHand(p["hand"]),
                PulsePosition(p["position"]),
                frozenset(PulseQuality(q) for q in p["qualities"]),
            )
            for p in json.loads(row.pulse_positions)
        )
        data = SessionInput(
            started_at=row.started_at,
            duration_minutes=row.duration_minutes,
            practitioner=row.practitioner,
            course_since_last=row.course_since_last,
            patient_report=row.patient_report,
            tongue=Tongue(
                body_colour=_member(TongueBodyColour, row.tongue_body_colour),
                coating_colour=_member(TongueCoatingColour, row.tongue_coating_colour),
                coating_thickness=_member(TongueCoatingThickness, row.tongue_coating_thickness),
                shapes=members("tongue_shape"),
                moisture=_member(TongueMoisture, row.tongue_moisture),
                notes=row.tongue_notes,
            ),
            pulse=Pulse(qualities=members("pulse"), positions=positions, notes=row.pulse_notes),
            patterns=members("pattern"),
            pattern_other=row.pattern_other,
            principles=members("principle"),
            principle_notes=row.principle_notes,
            points=points,
            modalities=members("modality"),
            herbal_formula=row.herbal_formula,
            advice=members("advice"),
            advice_notes=row.advice_notes,
            plan=row.plan,
            next_visit=row.next_visit,
            notes=row.notes,
            measures=measures,
        )
        return Session(
            id=row.id,
            patient_id=row.patient_id,
            data=data,
            status=SessionStatus(row.status),
            version=row.version,
            created_at=aware(row.created_at),
            updated_at=aware(row.updated_at),
            finalised_at=aware(row.finalised_at) if row.finalised_at else None,
            finalised_by=row.finalised_by,
            revisions=revisions,
            author_id=row.created_by_id,
            private=bool(row.private),
        )
