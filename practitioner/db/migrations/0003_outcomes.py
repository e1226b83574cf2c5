"""Outcome tracking: measures recorded at each session, PSFS activities and their ratings,
practitioner-defined measures, and the patient's daily cramp diary.

The ranges of the standard measures are the ones `practitioner.domain.outcomes` states,
frozen here as literals: a later change to the domain needs a migration of its own.
"""

from __future__ import annotations

from typing import Any

from peewee import (
    AutoField,
    BooleanField,
    CharField,
    Check,
    DateField,
    DateTimeField,
    FloatField,
    ForeignKeyField,
    IntegerField,
    Model,
    SqliteDatabase,
    TextField,
)

# A REAL that is a number and not ±infinity (SQLite stores NaN as NULL, and text compares
# above every number, so both fail this too).
FINITE = "{column} BETWEEN -1e308 AND 1e308"

# code: (low, high, whole numbers only), as in the domain's STANDARD_MEASURES.
STANDARD_RANGES: dict[str, tuple[int, int, bool]] = {
    "cramps_per_week": (0, 500, True),
    "worst_severity": (0, 10, True),
    "duration_minutes": (0, 1440, False),
    "disturbed_nights": (0, 7, True),
    "sleep_disturbance": (0, 10, True),
    "pgic": (1, 7, True),
}


def _standard_checks() -> list[Check]:
    checks = []
    for code, (low, high, whole) in STANDARD_RANGES.items():
        rule = f"value BETWEEN {low} AND {high}"
        if whole:
            rule += " AND value = round(value)"
        checks.append(Check(f"code <> '{code}' OR ({rule})"))
    return checks


def up(migrator: Any, db: Any) -> None:
    sqlite = isinstance(db, SqliteDatabase)

    def flag(column: str) -> list[Check]:
        # SQLite stores booleans as integers and takes any; other engines have BOOLEAN.
        return [Check(f'"{column}" IN (0, 1)')] if sqlite else []

    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Patient(Base):
        class Meta:
            table_name = "patient"

    class TreatmentSession(Base):
        class Meta:
            table_name = "treatment_session"

    known_codes = ", ".join(f"'{code}'" for code in STANDARD_RANGES)
    code_rule = f"code IN ({known_codes})"
    if sqlite:
        code_rule += " OR (code GLOB 'custom:[1-9]*' AND substr(code, 8) NOT GLOB '*[^0-9]*')"
    else:
        code_rule += " OR code ~ '^custom:[1-9][0-9]*$'"

    class SessionMeasure(Base):
        session = ForeignKeyField(TreatmentSession, on_delete="CASCADE")
        code = CharField(max_length=32)
        value = FloatField()

        class Meta:
            table_name = "session_measure"
            indexes = ((("session", "code"), True),)
            constraints = [Check(code_rule), Check(FINITE.format(column="value")),
                           *_standard_checks()]

    class PsfsActivity(Base):
        id = AutoField()
        patient = ForeignKeyField(Patient, on_delete="CASCADE")
        position = IntegerField(constraints=[Check("position BETWEEN 0 AND 4")])
        wording = TextField(constraints=[Check("length(trim(wording)) > 0")])

        class Meta:
            table_name = "psfs_activity"
            indexes = ((("patient", "position"), True),)

    class SessionPsfs(Base):
        session = ForeignKeyField(TreatmentSession, on_delete="CASCADE")
        activity = ForeignKeyField(PsfsActivity, on_delete="CASCADE")
        rating = IntegerField(constraints=[Check("rating BETWEEN 0 AND 10")])

        class Meta:
            table_name = "session_psfs"
            indexes = ((("session", "activity"), True),)

    class CustomMeasure(Base):
        id = AutoField()
        name = TextField(unique=True, constraints=[Check("length(trim(name)) > 0")])
        unit = TextField(default="")
        low = FloatField(constraints=[Check(FINITE.format(column="low"))])
        high = FloatField(constraints=[Check(FINITE.format(column="high"))])
        integer = BooleanField(default=True, constraints=flag("integer"))
        lower_is_better = BooleanField(default=True, constraints=flag("lower_is_better"))
        minimal_important_change = FloatField(
            null=True,
            constraints=[Check("minimal_important_change IS NULL OR "
                               "minimal_important_change BETWEEN 0 AND 1e308")],
        )
        created_at = DateTimeField()
        updated_at = DateTimeField()

        class Meta:
            table_name = "custom_measure"
            constraints = [Check("low < high")]

    class DiaryEntry(Base):
        patient = ForeignKeyField(Patient, on_delete="CASCADE")
        # The '+0 days' makes SQLite normalise the day, so 2025-02-30 (which a bare
        # date() passes through) no longer reads back as itself.
        day = DateField(constraints=[Check("date(day, '+0 days') IS day")] if sqlite else [])
        cramps = IntegerField(constraints=[Check("cramps BETWEEN 0 AND 200")])
        worst_severity = IntegerField(
            null=True, constraints=[Check("worst_severity BETWEEN 0 AND 10")]
        )
        total_minutes = FloatField(
            null=True, constraints=[Check("total_minutes BETWEEN 0 AND 1440")]
        )
        sleep_disturbed = BooleanField(default=False, constraints=flag("sleep_disturbed"))
        notes = TextField(default="")

        class Meta:
            table_name = "diary_entry"
            indexes = ((("patient", "day"), True),)

    db.create_tables([SessionMeasure, PsfsActivity, SessionPsfs, CustomMeasure, DiaryEntry])
    if sqlite:
        for statement in _sqlite_triggers():
            db.execute_sql(statement)
    else:
        for statement in _postgres_triggers():
            db.execute_sql(statement)


def _postgres_triggers() -> list[str]:
    # The rules of `_sqlite_triggers` that look at other rows, as plpgsql. (Whole numbers
    # need no trigger here: the columns are real INTEGERs.)
    rules = {
        "session_measure_custom": (
            "session_measure", "INSERT OR UPDATE",
            "starts_with(NEW.code, 'custom:') AND NOT EXISTS (SELECT 1 FROM custom_measure "
            "AS c WHERE 'custom:' || c.id = NEW.code AND NEW.value BETWEEN c.low AND c.high "
            "AND (NOT c.\"integer\" OR NEW.value = round(NEW.value)))",
            "CHECK: value outside its custom measure", "NEW"),
        "session_psfs_patient": (
            "session_psfs", "INSERT OR UPDATE",
            "(SELECT patient_id FROM psfs_activity WHERE id = NEW.activity_id) IS DISTINCT "
            "FROM (SELECT patient_id FROM treatment_session WHERE id = NEW.session_id)",
            "CHECK: PSFS activity of another patient", "NEW"),
        "custom_measure_keeps_values": (
            "custom_measure", "UPDATE",
            "NEW.id IS DISTINCT FROM OLD.id OR EXISTS (SELECT 1 FROM session_measure AS m "
            "WHERE m.code = 'custom:' || OLD.id AND (m.value NOT BETWEEN NEW.low AND NEW.high "
            "OR (NEW.\"integer\" AND m.value <> round(m.value))))",
            "CHECK: recorded values outside the new range", "NEW"),
        "custom_measure_in_use": (
            "custom_measure", "DELETE",
            "EXISTS (SELECT 1 FROM session_measure WHERE code = 'custom:' || OLD.id)",
            "CHECK: custom measure has recorded values", "OLD"),
    }
    statements = []
    for name, (table, events, condition, message, row) in rules.items():
        statements += [
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF {condition} THEN RAISE EXCEPTION '{message}' "
            f"USING ERRCODE = 'check_violation'; END IF; RETURN {row}; END $$",
            f"CREATE TRIGGER {name} BEFORE {events} ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {name}()",
        ]
    return statements


def _sqlite_triggers() -> list[str]:
    # Rules a CHECK cannot state because they look at other rows: a custom measure's
    # value must fit that measure; a PSFS rating must be of the session's own patient's
    # activity; a custom measure cannot be narrowed or removed under recorded values.
    # And SQLite keeps whatever type it is given in a column: counts stay whole numbers only
    # if a trigger says so (other engines have real INTEGER columns).
    custom_fits = (
        "EXISTS (SELECT 1 FROM custom_measure AS c WHERE 'custom:' || c.id = NEW.code "
        "AND NEW.value BETWEEN c.low AND c.high "
        "AND (c.\"integer\" = 0 OR NEW.value = round(NEW.value)))"
    )
    own_activity = (
        "(SELECT patient_id FROM psfs_activity WHERE id = NEW.activity_id) IS "
        "(SELECT patient_id FROM treatment_session WHERE id = NEW.session_id)"
    )
    whole_number = "typeof({column}) = 'integer'"
    statements = []
    for event in ("INSERT", "UPDATE"):
        lower = event.lower()
        statements += [
            f"CREATE TRIGGER session_measure_custom_{lower} BEFORE {event} ON session_measure "
            f"WHEN NEW.code GLOB 'custom:*' AND NOT {custom_fits} "
            "BEGIN SELECT RAISE(ABORT, 'CHECK: value outside its custom measure'); END",
            f"CREATE TRIGGER session_psfs_patient_{lower} BEFORE {event} ON session_psfs "
            f"WHEN NOT ({own_activity}) "
            "BEGIN SELECT RAISE(ABORT, 'CHECK: PSFS activity of another patient'); END",
            f"CREATE TRIGGER session_psfs_whole_{lower} BEFORE {event} ON session_psfs "
            f"WHEN NOT {whole_number.format(column='NEW.rating')} "
            "BEGIN SELECT RAISE(ABORT, 'CHECK: PSFS ratings are whole numbers'); END",
            f"CREATE TRIGGER diary_entry_whole_{lower} BEFORE {event} ON diary_entry "
            f"WHEN NOT {whole_number.format(column='NEW.cramps')} OR NOT "
            f"(NEW.worst_severity IS NULL OR "
            f"{whole_number.format(column='NEW.worst_severity')}) "
            "BEGIN SELECT RAISE(ABORT, 'CHECK: diary counts are whole numbers'); END",
        ]
    recorded_outside = (
        "EXISTS (SELECT 1 FROM session_measure AS m WHERE m.code = 'custom:' || OLD.id "
        "AND (m.value NOT BETWEEN NEW.low AND NEW.high "
        "OR (NEW.\"integer\" <> 0 AND m.value <> round(m.value))))"
    )
    statements += [
        "CREATE TRIGGER custom_measure_keeps_values BEFORE UPDATE ON custom_measure "
        f"WHEN NEW.id IS NOT OLD.id OR {recorded_outside} "
        "BEGIN SELECT RAISE(ABORT, 'CHECK: recorded values outside the new range'); END",
        "CREATE TRIGGER custom_measure_in_use BEFORE DELETE ON custom_measure "
        "WHEN EXISTS (SELECT 1 FROM session_measure WHERE code = 'custom:' || OLD.id) "
        "BEGIN SELECT RAISE(ABORT, 'CHECK: custom measure has recorded values'); END",
    ]
    return statements
