"""Sessions as JSON-ready dictionaries and back: for export and for kept revisions."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from practitioner.domain.moments import as_wall_clock, local_text, utc_text
from practitioner.domain.outcomes import SessionMeasures
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
    Session,
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

E = TypeVar("E", bound=LabelledEnum)


def _codes(members: frozenset[Any]) -> list[str]:
    return sorted(m.value for m in members)


def _code(member: LabelledEnum | None) -> str | None:
    return None if member is None else str(member.value)


def point_to_dict(point: NeedledPoint) -> dict[str, Any]:
    """One needled point."""
    return {
        "code": point.code,
        "side": point.side.value,
        "technique": point.technique.value,
        "retention_minutes": point.retention_minutes,
        "electro_hz": point.electro_hz,
        "custom": point.custom,
    }


def point_from_dict(raw: dict[str, Any]) -> NeedledPoint:
    """Inverse of `point_to_dict`."""
    return NeedledPoint(
        code=str(raw["code"]),
        side=NeedleSide(raw["side"]),
        technique=Technique(raw["technique"]),
        retention_minutes=raw["retention_minutes"],
        electro_hz=raw["electro_hz"],
        custom=bool(raw["custom"]),
    )


def session_input_to_dict(data: SessionInput) -> dict[str, Any]:
    """Every recorded field of a visit, with codes and ISO dates."""
    tongue, pulse = data.tongue, data.pulse
    return {
        "started_at": data.started_at.isoformat(),
        "duration_minutes": data.duration_minutes,
        "practitioner": data.practitioner,
        "course_since_last": data.course_since_last,
        "patient_report": data.patient_report,
        "tongue": {
            "body_colour": _code(tongue.body_colour),
            "coating_colour": _code(tongue.coating_colour),
            "coating_thickness": _code(tongue.coating_thickness),
            "shapes": _codes(tongue.shapes),
            "moisture": _code(tongue.moisture),
            "notes": tongue.notes,
        },
        "pulse": {
            "qualities": _codes(pulse.qualities),
            "positions": [
                {"hand": hand.value, "position": position.value, "qualities": _codes(qualities)}
                for hand, position, qualities in pulse.positions
            ],
            "notes": pulse.notes,
        },
        "patterns": _codes(data.patterns),
        "pattern_other": data.pattern_other,
        "principles": _codes(data.principles),
        "principle_notes": data.principle_notes,
        "points": [point_to_dict(p) for p in data.points],
        "modalities": _codes(data.modalities),
        "herbal_formula": data.herbal_formula,
        "advice": _codes(data.advice),
        "advice_notes": data.advice_notes,
        "plan": data.plan,
        "next_visit": data.next_visit.isoformat() if data.next_visit else None,
        "notes": data.notes,
        "measures": {
            "values": {code: value for code, value in data.measures.values},
            "psfs": {str(activity): rating for activity, rating in data.measures.psfs},
        },
    }


def _member(kind: type[E], code: str | None) -> E | None:
    return None if code is None else kind(code)


def _members(kind: type[E], codes: list[str]) -> frozenset[E]:
    return frozenset(kind(code) for code in codes)


def session_input_from_dict(raw: dict[str, Any]) -> SessionInput:
    """Inverse of `session_input_to_dict`; raises KeyError/ValueError on malformed input."""
    tongue, pulse = raw["tongue"], raw["pulse"]
    return SessionInput(
        started_at=as_wall_clock(raw["started_at"]),
        duration_minutes=raw["duration_minutes"],
        practitioner=raw["practitioner"],
        course_since_last=raw["course_since_last"],
        patient_report=raw["patient_report"],
        tongue=Tongue(
            body_colour=_member(TongueBodyColour, tongue["body_colour"]),
            coating_colour=_member(TongueCoatingColour, tongue["coating_colour"]),
            coating_thickness=_member(TongueCoatingThickness, tongue["coating_thickness"]),
            shapes=_members(TongueShape, tongue["shapes"]),
            moisture=_member(TongueMoisture, tongue["moisture"]),
            notes=tongue["notes"],
        ),
        pulse=Pulse(
            qualities=_members(PulseQuality, pulse["qualities"]),
            positions=tuple(
                (
                    PulseHand(p["hand"]),
                    PulsePosition(p["position"]),
                    _members(PulseQuality, p["qualities"]),
                )
                for p in pulse["positions"]
            ),
            notes=pulse["notes"],
        ),
        patterns=_members(Pattern, raw["patterns"]),
        pattern_other=raw["pattern_other"],
        principles=_members(TreatmentPrinciple, raw["principles"]),
        principle_notes=raw["principle_notes"],
        points=tuple(point_from_dict(p) for p in raw["points"]),
        modalities=_members(Modality, raw["modalities"]),
        herbal_formula=raw["herbal_formula"],
        advice=_members(HomeAdvice, raw["advice"]),
        advice_notes=raw["advice_notes"],
        plan=raw["plan"],
        next_visit=dt.date.fromisoformat(raw["next_visit"]) if raw["next_visit"] else None,
        notes=raw["notes"],
        measures=_measures_from_dict(raw.get("measures")),
    )


def _measures_from_dict(raw: dict[str, Any] | None) -> SessionMeasures:
    # Revisions kept before measures existed have none.
    if not raw:
        return SessionMeasures()
    return SessionMeasures(
        values=tuple(sorted((str(c), float(v)) for c, v in raw["values"].items())),
        psfs=tuple(sorted((int(a), float(r)) for a, r in raw["psfs"].items())),
    )


def _exported_input(data: SessionInput) -> dict[str, Any]:
    return {**session_input_to_dict(data), "started_at": local_text(data.started_at)}


def session_to_dict(session: Session) -> dict[str, Any]:
    """A stored session for export: the visit plus status, signature and revisions, every
    moment with its UTC offset."""
    return {
        "id": session.id,
        **_exported_input(session.data),
        "status": session.status.value,
        "finalised_at": utc_text(session.finalised_at) if session.finalised_at else None,
        "finalised_by": session.finalised_by,
        "revisions": [
            {
                "number": r.number,
                "recorded_at": utc_text(r.recorded_at),
                "recorded_by": r.recorded_by,
                "replaced_at": utc_text(r.replaced_at),
                "replaced_by": r.replaced_by,
                "reason": r.reason,
                "session": _exported_input(r.data),
            }
            for r in session.revisions
        ],
        "version": session.version,
    }
