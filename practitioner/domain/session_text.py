"""A session written out as plain text, for history views and letters."""

from __future__ import annotations

from collections.abc import Iterable

from practitioner.domain.patient import LabelledEnum
from practitioner.domain.session import SessionInput


def _labels(members: Iterable[LabelledEnum]) -> str:
    return ", ".join(sorted(m.label for m in members))


def describe_session(data: SessionInput) -> str:
    """The visit as labelled lines, skipping what was not recorded."""
    tongue, pulse = data.tongue, data.pulse
    tongue_parts = [
        part
        for part in (
            tongue.body_colour.label + " body" if tongue.body_colour else "",
            " ".join(
                m.label.lower()
                for m in (tongue.coating_thickness, tongue.coating_colour)
                if m is not None
            )
            + (" coating" if tongue.coating_colour or tongue.coating_thickness else ""),
            _labels(tongue.shapes),
            tongue.moisture.label.lower() if tongue.moisture else "",
            tongue.notes,
        )
        if part
    ]
    pulse_parts = [_labels(pulse.qualities)] if pulse.qualities else []
    pulse_parts += [
        f"{hand.label} {position.label}: {_labels(qualities)}"
        for hand, position, qualities in pulse.positions
    ]
    if pulse.notes:
        pulse_parts.append(pulse.notes)
    points = "; ".join(
        p.label
        + (f", {p.retention_minutes} min" if p.retention_minutes is not None else "")
        + (f", EA {p.electro_hz:g} Hz" if p.electro_hz is not None else "")
        + (" (custom)" if p.custom else "")
        for p in data.points
    )
    lines = [
        ("Date", data.started_at.strftime("%Y-%m-%d %H:%M")),
        ("Duration", f"{data.duration_minutes} min" if data.duration_minutes else ""),
        ("Practitioner", data.practitioner),
        ("Course since last visit", data.course_since_last),
        ("Patient's report", data.patient_report),
        ("Tongue", "; ".join(tongue_parts)),
        ("Pulse", "; ".join(pulse_parts)),
        ("Pattern", ", ".join(p for p in (_labels(data.patterns), data.pattern_other) if p)),
        ("Principle", ", ".join(p for p in (_labels(data.principles), data.principle_notes) if p)),
        ("Points", points),
        ("Other modalities", _labels(data.modalities)),
        ("Herbal formula", data.herbal_formula),
        ("Home advice", ", ".join(p for p in (_labels(data.advice), data.advice_notes) if p)),
        ("Plan", data.plan),
        ("Next visit", data.next_visit.isoformat() if data.next_visit else ""),
        ("Notes", data.notes),
    ]
    return "\n".join(f"{label}: {value}" for label, value in lines if value)
