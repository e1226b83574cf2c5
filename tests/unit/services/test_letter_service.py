"""Referral letters kept in the record: stored as sent, listed newest first, never changed."""

from __future__ import annotations

import peewee
import pytest

from practitioner.db.base import database
from practitioner.db.dialect import portable
from practitioner.domain.patient import PatientInput
from practitioner.errors import ErrorKind, KnownError
from practitioner.services.audit import AuditService
from practitioner.services.letters import LetterService
from practitioner.services.patients import PatientService
from tests.helpers.db_fixtures import FakeClock

PDF = b"%PDF-1.7\n" + bytes(range(256)) * 40


def test_a_kept_letter_is_read_back_exactly(patients: PatientService, clock: FakeClock) -> None:
    patient = patients.create(PatientInput(name="Ana Lima"))
    letters = LetterService(clock=clock, user=lambda: "Dr Test")
    first = letters.keep(patient.id, "Dr One", "First", PDF)
    clock.advance(minutes=5)
    second = letters.keep(patient.id, "Dr Two", "Second", PDF + b"2")
    assert letters.letters(patient.id) == [second, first]
    assert first.pdf == PDF and first.written_by == "Dr Test"
    assert first.written_at.tzinfo is not None
    assert "Dr One" in first.summary


def test_only_pdfs_for_known_patients_are_kept(patients: PatientService) -> None:
    patient = patients.create(PatientInput(name="Ana Lima"))
    with pytest.raises(ValueError):
        LetterService().keep(patient.id, "Dr", "Text", b"<html>")
    with pytest.raises(KnownError) as caught:
        LetterService().keep(patient.id + 1, "Dr", "Text", PDF)
    assert caught.value.kind is ErrorKind.NOT_FOUND
    assert LetterService().letters(patient.id) == []


def test_a_kept_letter_cannot_be_rewritten(patients: PatientService) -> None:
    patient = patients.create(PatientInput(name="Ana Lima"))
    kept = LetterService().keep(patient.id, "Dr", "As sent", PDF)
    with pytest.raises(peewee.IntegrityError, match="cannot be changed"):
        database.execute_sql(
            portable("UPDATE referral_letter SET body = 'rewritten' WHERE id = ?"), (kept.id,))
    assert LetterService().letters(patient.id)[0].body == "As sent"


def test_keeping_a_letter_is_audited_by_id_only(patients: PatientService) -> None:
    patient = patients.create(PatientInput(name="Ana Lima"))
    audit = AuditService(user=lambda: "Dr Test")
    kept = LetterService(user=lambda: "Dr Test", audit=audit).keep(
        patient.id, "Dr Marker", "Marker text", PDF)
    [entry] = [e for e in audit.trail(patient.id) if e.fields.entity == "referral_letter"]
    assert (entry.fields.action, entry.fields.entity_id) == ("create", kept.id)
    assert "Marker" not in repr(entry.fields)
