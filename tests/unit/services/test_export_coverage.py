"""Every table that refers to a patient is exported, or deliberately left out."""

from __future__ import annotations

from typing import Any

from peewee import ForeignKeyField

from practitioner.db.models import MODELS, PatientRow
from practitioner.services.export import EXCLUDED_TABLES, EXPORTED_TABLES


def _refers_to_patient(model: Any, seen: frozenset[Any] = frozenset()) -> bool:
    if model is PatientRow or "patient_id" in model._meta.fields:
        # A plain patient number counts too: the audit trail keeps one, not a foreign key.
        return True
    fields = [f for f in model._meta.fields.values() if isinstance(f, ForeignKeyField)]
    return any(
        f.rel_model not in seen and _refers_to_patient(f.rel_model, seen | {model})
        for f in fields
    )


def patient_tables() -> set[str]:
    return {m._meta.table_name for m in MODELS if _refers_to_patient(m)}


def test_every_patient_table_is_exported_or_excluded() -> None:
    forgotten = patient_tables() - EXPORTED_TABLES.keys() - EXCLUDED_TABLES.keys()
    assert not forgotten, f"export these tables or list them in EXCLUDED_TABLES: {forgotten}"


def test_the_lists_name_only_real_patient_tables_once() -> None:
    assert not EXPORTED_TABLES.keys() & EXCLUDED_TABLES.keys()
    assert EXPORTED_TABLES.keys() | EXCLUDED_TABLES.keys() <= patient_tables()


def test_the_introspection_follows_sessions() -> None:
    tables = patient_tables()
    assert {"session_point", "session_measure", "session_psfs", "session_reference"} <= tables
    assert "protocol" not in tables and "custom_measure" not in tables


def test_the_introspection_finds_plain_patient_numbers() -> None:
    assert "audit_log" in patient_tables()
