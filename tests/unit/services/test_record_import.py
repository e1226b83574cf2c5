"""Whole-record JSON import: the format check, the round trip, and all-or-nothing on
hostile or damaged documents (hypothesis)."""

from __future__ import annotations

import copy
import dataclasses
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from practitioner.db.base import database
from practitioner.db.connection import close_database, open_sqlite
from practitioner.domain.demo_sessions import DEMO_PRACTITIONER
from practitioner.domain.record_schema import (
    DocumentError,
    json_schema,
    parse_document,
    validate_document,
)
from practitioner.domain.serialize import EXPORT_VERSION
from practitioner.services.demo import fill_demo
from practitioner.services.export import export_json
from practitioner.services.letters import LetterService
from practitioner.services.outcomes import OutcomeService
from practitioner.services.patients import PatientService
from practitioner.services.record_import import import_document
from practitioner.services.reference import ReferenceService
from practitioner.services.sessions import SessionService

SCHEMA_FILE = (Path(__file__).parents[3] / "resources" / "schemas"
               / f"export-v{EXPORT_VERSION}.schema.json")
PDF = b"%PDF-1.4\n% a letter as sent\n%%EOF\n"

#: Fields that differ between two exports of the same records (documented in the schema).
VOLATILE = ("id", "created_at", "updated_at")


def _export() -> dict[str, Any]:
    return json.loads(export_json(PatientService(), None, SessionService()))


def add_letter_citation_and_custom_measure() -> None:
    """What the demo does not make: a kept letter, a cited reference paragraph and a
    custom measure recorded at a visit, on the first patient with sessions."""
    sessions = SessionService(user=lambda: DEMO_PRACTITIONER)
    patient = next(p for p in PatientService().all_patients() if sessions.latest(p.id))
    latest = sessions.latest(patient.id)
    assert latest is not None
    grip = OutcomeService().save_custom_measure("Grip strength", "kg", 0, 80, True, False, 5)
    measures = dataclasses.replace(latest.data.measures,
                                   values=(*latest.data.measures.values, (grip.code, 31.0)))
    data = dataclasses.replace(latest.data, measures=measures)
    session = sessions.update(latest.id, data, latest.version, reason="grip measured")
    ReferenceService().record_reference(session.id, "nocturnal-leg-cramps", 2, 1)
    LetterService(user=lambda: DEMO_PRACTITIONER).keep(patient.id, "Dr Example",
                                                       "Dear Dr Example,\n…", PDF)


def _demo_export(template: Path, folder: Path, count: int) -> dict[str, Any]:
    path = folder / "demo.db"
    shutil.copyfile(template, path)
    open_sqlite(path)
    try:
        fill_demo(PatientService(), count, 1,
                  sessions=SessionService(user=lambda: DEMO_PRACTITIONER))
        add_letter_citation_and_custom_measure()
        return _export()
    finally:
        close_database()


def normalised(document: dict[str, Any]) -> dict[str, Any]:
    """The export without its volatile fields; PSFS ratings keyed by activity position."""
    document = copy.deepcopy(document)
    document.pop("exported_at")
    for patient in document["patients"]:
        positions = {str(a["id"]): str(a["position"]) for a in patient["psfs_activities"]}
        for key in VOLATILE:
            patient.pop(key)
        for activity in patient["psfs_activities"]:
            activity.pop("id")
        for session in patient["sessions"]:
            session.pop("id")
            for part in (session, *(r["session"] for r in session["revisions"])):
                measures = part["measures"]
                measures["psfs"] = {positions[k]: v for k, v in measures["psfs"].items()}
    return document


def logical_dump() -> list[tuple[str, list[tuple[Any, ...]]]]:
    """Every row of every table, in a fixed order."""
    tables = sorted(database.get_tables())
    return [(t, sorted(database.execute_sql(f'SELECT * FROM "{t}"').fetchall(), key=repr))
            for t in tables]


@pytest.fixture(scope="module")
def demo_document(migrated_template: Path,
                  tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return _demo_export(migrated_template, tmp_path_factory.mktemp("demo5"), 5)


@pytest.fixture(scope="module")
def small_document(migrated_template: Path,
                   tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return _demo_export(migrated_template, tmp_path_factory.mktemp("demo2"), 2)


# --- the format ----------------------------------------------------------------------


def test_the_demo_export_is_valid(demo_document: dict[str, Any]) -> None:
    validate_document(demo_document)


def test_the_schema_file_is_json_naming_every_patient_key(
    demo_document: dict[str, Any],
) -> None:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert schema == json.loads(json.dumps(json_schema())), "regenerate the schema file"
    patient = schema["properties"]["patients"]["items"]
    written = set(demo_document["patients"][0])
    assert written <= set(patient["properties"])
    assert written <= set(patient["required"])
    assert set(schema["properties"]) == set(demo_document)
    for word in ("exported_at", "created_at", "updated_at", "id"):
        assert word in schema["description"]


def _error(document: Any) -> DocumentError:
    with pytest.raises(DocumentError) as caught:
        validate_document(document)
    return caught.value


def test_the_first_offending_element_is_named_by_its_path(
    demo_document: dict[str, Any],
) -> None:
    doc = copy.deepcopy(demo_document)
    patient = next(p for p in doc["patients"] if len(p["sessions"]) > 0)
    index = doc["patients"].index(patient)
    patient["sessions"][0]["points"][0]["code"] = 7
    assert _error(doc).path == f"$.patients[{index}].sessions[0].points[0].code"
    doc = copy.deepcopy(demo_document)
    del doc["patients"][1]["contact"]["email"]
    assert _error(doc).path == "$.patients[1].contact.email"
    doc["patients"][1]["contact"]["email"] = "x" * 200_000
    assert "longer" in _error(doc).reason


def test_a_newer_format_version_is_refused_clearly(demo_document: dict[str, Any]) -> None:
    error = _error({**demo_document, "format_version": EXPORT_VERSION + 1})
    assert error.path == "$.format_version"
    assert "newer" in error.reason and str(EXPORT_VERSION + 1) in error.reason


def test_repeated_ids_and_keys_are_refused(small_document: dict[str, Any]) -> None:
    doc = copy.deepcopy(small_document)
    doc["patients"][1]["id"] = doc["patients"][0]["id"]
    assert _error(doc).path == "$.patients[1].id"
    with pytest.raises(ValueError, match="twice"):
        parse_document('{"format": 1, "format": 2}')
    with pytest.raises(ValueError):
        parse_document('{"x": NaN}')


def test_a_truncated_file_is_refused_with_line_and_column(
    small_document: dict[str, Any],
) -> None:
    text = json.dumps(small_document, indent=2)
    with pytest.raises(json.JSONDecodeError) as caught:
        parse_document(text[: len(text) // 2])
    assert caught.value.lineno > 1


# --- importing -----------------------------------------------------------------------


@pytest.fixture
def empty_db(db_path: Path) -> Path:
    """Empty migrated records (on either engine) to import into."""
    return db_path


def test_round_trip_of_the_demo_database(
    demo_document: dict[str, Any], empty_db: Path
) -> None:
    result = import_document(demo_document)
    assert (result.imported, result.skipped) == (5, 0)
    assert normalised(_export()) == normalised(demo_document)


def _with_extras(document: dict[str, Any]) -> tuple[int, int]:
    """The patient and session that carry the letter, the citation and the grip value."""
    for p, patient in enumerate(document["patients"]):
        for s, session in enumerate(patient["sessions"]):
            if session["references"]:
                return p, s
    raise AssertionError("the fixture lost its extras")


def test_letters_citations_and_custom_measures_make_the_round_trip(
    demo_document: dict[str, Any], empty_db: Path
) -> None:
    p, s = _with_extras(demo_document)
    patient = demo_document["patients"][p]
    assert [letter["recipient"] for letter in patient["referral_letters"]] == ["Dr Example"]
    assert patient["sessions"][s]["references"][0]["slug"] == "nocturnal-leg-cramps"
    import_document(demo_document)
    [kept] = LetterService().letters_for_patients([PatientService().all_patients()[p].id])[
        PatientService().all_patients()[p].id]
    assert kept.pdf == PDF and kept.written_by == DEMO_PRACTITIONER
    [grip] = [d for d in OutcomeService().definitions() if d.name == "Grip strength"]
    exported = _export()["patients"][p]["sessions"][s]
    assert exported["measures"]["values"][grip.code] == 31.0
    assert exported["references"] == patient["sessions"][s]["references"]


def test_a_custom_measure_is_matched_by_name_or_refused_when_defined_differently(
    demo_document: dict[str, Any], empty_db: Path
) -> None:
    OutcomeService().save_custom_measure("Other", "", 0, 5, True, True, None)
    same = OutcomeService().save_custom_measure("Grip strength", "kg", 0, 80, True, False, 5)
    import_document(demo_document)
    assert [d.code for d in OutcomeService().definitions() if d.name == "Grip strength"] == [
        same.code]
    p, s = _with_extras(demo_document)
    assert _export()["patients"][p]["sessions"][s]["measures"]["values"][same.code] == 31.0


def test_a_custom_measure_defined_differently_here_is_refused(
    demo_document: dict[str, Any], empty_db: Path
) -> None:
    OutcomeService().save_custom_measure("Grip strength", "kg", 0, 100, True, False, 5)
    before = logical_dump()
    with pytest.raises(DocumentError) as caught:
        import_document(demo_document)
    assert caught.value.path.startswith("$.measure_definitions[")
    assert "defined differently" in caught.value.reason
    assert logical_dump() == before


def _session_with_measures(document: dict[str, Any]) -> tuple[int, int]:
    """A patient's last session, which records a severity."""
    for p, patient in enumerate(document["patients"]):
        last = len(patient["sessions"]) - 1
        if last >= 1 and "worst_severity" in patient["sessions"][last]["measures"]["values"]:
            return p, last
    raise AssertionError("no session with a severity")


@pytest.mark.parametrize("break_rule, path_end, words", [
    (lambda d, p, s: d["patients"][p].update(date_of_birth="2999-01-01"),
     "].date_of_birth", "future"),
    (lambda d, p, s: d["patients"][p]["cramp_profile"].update(worst_severity=11),
     "].cramp_profile.worst_severity", "0 to 10"),
    (lambda d, p, s: d["patients"][p]["sessions"][s].update(started_at="2999-01-01T09:00:00"),
     "].sessions[{s}].started_at", "future"),
    (lambda d, p, s: d["patients"][p]["sessions"][s]["measures"]["values"].update(
        worst_severity=12), "].sessions[{s}].measures.values.worst_severity", "0 to 10"),
    (lambda d, p, s: d["patients"][p]["sessions"][s]["measures"]["values"].update(
        {"custom:99": 1}), "$.measure_definitions", "does not define"),
    (lambda d, p, s: d["patients"][p]["diary"].append(
        {"day": "2024-12-01", "cramps": 900, "worst_severity": None, "total_minutes": None,
         "sleep_disturbed": False, "notes": ""}), "].diary[", "not plausible"),
])
def test_an_implausible_record_is_refused_at_its_path(
    demo_document: dict[str, Any], empty_db: Path, break_rule: Any, path_end: str,
    words: str,
) -> None:
    doc = copy.deepcopy(demo_document)
    p, s = _session_with_measures(doc)
    doc["patients"][p]["diary"] = [d for d in doc["patients"][p]["diary"]
                                   if d["day"] != "2024-12-01"]
    break_rule(doc, p, s)
    validate_document(doc)  # the shape is fine: only the clinical rules catch it
    before = logical_dump()
    with pytest.raises(DocumentError) as caught:
        import_document(doc)
    assert path_end.replace("{s}", str(s)) in caught.value.path
    assert caught.value.path.startswith("$.measure_definitions") or caught.value.path.startswith(
        f"$.patients[{p}]")
    assert words in caught.value.reason
    assert logical_dump() == before


def test_a_letter_that_is_not_a_pdf_is_refused(demo_document: dict[str, Any]) -> None:
    doc = copy.deepcopy(demo_document)
    p, _ = _with_extras(doc)
    doc["patients"][p]["referral_letters"][0]["pdf"] = "bm90IGEgcGRm"  # "not a pdf"
    assert _error(doc).path == f"$.patients[{p}].referral_letters[0].pdf"
    doc["patients"][p]["referral_letters"][0]["pdf"] = "%%%"
    assert _error(doc).reason == "not base64"


def test_an_existing_patient_is_skipped_or_imported_anew(
    small_document: dict[str, Any], empty_db: Path
) -> None:
    import_document(small_document)
    again = import_document(small_document)
    assert (again.imported, again.skipped) == (0, 2)
    assert PatientService().count() == 2
    anew = import_document(small_document, on_duplicate="new")
    assert (anew.imported, anew.skipped) == (2, 0)
    assert PatientService().count() == 4


def test_a_rejected_document_changes_nothing(
    small_document: dict[str, Any], empty_db: Path
) -> None:
    doc = copy.deepcopy(small_document)
    doc["patients"][1]["diary"].append({"bad": True})
    before = logical_dump()
    with pytest.raises(DocumentError):
        import_document(doc)
    assert logical_dump() == before


# --- text and moments that cannot be kept ------------------------------------------

#: Moments at the edge of the calendar: converting them to UTC (or showing them in a zone
#: up to a day away) leaves the years 1 to 9999.
EXTREME_MOMENTS = (
    "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00",
    "9999-12-31T23:59:59.999999", "0001-01-01T23:59:59+23:59", "9999-12-31T00:00:00-23:59",
    "0001-01-01T00:00:00Z",
)
EXTREME_DAYS = ("0001-01-01", "9999-12-31")
LONE_SURROGATES = ("\ud800", "\udfff", "\udc80")


def _leaves(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    for path in _paths(value, prefix):
        leaf: Any = value
        for step in path:
            leaf = leaf[step]
        if isinstance(leaf, str):
            yield path, leaf


def _json_path(path: tuple[Any, ...]) -> str:
    return "$" + "".join(f"[{step}]" if isinstance(step, int) else f".{step}" for step in path)


def _set(document: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    doc = copy.deepcopy(document)
    *parents, last = path
    holder: Any = doc
    for step in parents:
        holder = holder[step]
    holder[last] = value
    return doc


def _moment_paths(document: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [path for path, text in _leaves(document)
            if len(text) >= 19 and text[10] == "T" and text[:4].isdigit()]


def test_every_text_field_refuses_a_lone_surrogate_or_nul_at_its_path(
    small_document: dict[str, Any],
) -> None:
    unkeepable = (*LONE_SURROGATES, "\x00")  # no UTF-8 text; PostgreSQL keeps no NUL
    checked = 0
    for path, text in _leaves(small_document):
        if "progress" in path:
            continue  # computed on export, never read back
        doc = _set(small_document, path, text + unkeepable[checked % len(unkeepable)])
        error = _error(doc)
        assert error.path == _json_path(path), (path, error)
        assert error.reason.startswith("not valid text") or error.path == "$.format"
        str(error).encode("utf-8")  # printable: the surrogate is escaped, not echoed
        checked += 1
    assert checked > 100


def test_keys_with_lone_surrogates_or_controls_are_refused_and_escaped(
    small_document: dict[str, Any],
) -> None:
    doc = copy.deepcopy(small_document)
    doc["patients"][0]["contact"]["\x1b[2J\ud800"] = ""
    error = _error(doc)
    assert error.path == "$.patients[0].contact.\\x1b[2J\\ud800"
    assert str(error).isprintable()
    p, s = next((p, s) for p, patient in enumerate(doc["patients"])
                for s, session in enumerate(patient["sessions"]))
    doc = copy.deepcopy(small_document)
    doc["patients"][p]["sessions"][s]["measures"]["values"]["custom:\ud800"] = 1
    assert _error(doc).reason == "not an allowed key"


def test_every_moment_at_the_edge_of_the_calendar_is_refused_at_its_path(
    small_document: dict[str, Any],
) -> None:
    paths = _moment_paths(small_document)
    assert len(paths) > 20
    for index, path in enumerate(paths):
        moment = EXTREME_MOMENTS[index % len(EXTREME_MOMENTS)]
        error = _error(_set(small_document, path, moment))
        assert error.path == _json_path(path)
        assert "outside the supported dates" in error.reason


#: Whole numbers JSON allows and a float cannot hold (`math.isfinite` overflows on them).
HUGE_NUMBERS = (10**400, -(10**400), 10**309)


def test_every_number_field_refuses_a_whole_number_too_large_for_a_float(
    small_document: dict[str, Any],
) -> None:
    paths = [path for path in _paths(small_document) if path and "progress" not in path
             and isinstance(_at(small_document, path), int | float)
             and not isinstance(_at(small_document, path), bool)]
    assert len(paths) > 50
    for index, path in enumerate(paths):
        error = _error(_set(small_document, path, HUGE_NUMBERS[index % len(HUGE_NUMBERS)]))
        assert error.path == _json_path(path), (path, error)


def _at(document: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        document = document[step]
    return document


@pytest.mark.parametrize("where", ["created_at", "updated_at"])
@pytest.mark.parametrize("moment", EXTREME_MOMENTS[:2])
def test_the_reported_edge_moments_are_refused_naming_the_field(
    small_document: dict[str, Any], empty_db: Path, where: str, moment: str
) -> None:
    before = logical_dump()
    with pytest.raises(DocumentError) as caught:
        import_document(_set(small_document, ("patients", 1, where), moment))
    assert caught.value.path == f"$.patients[1].{where}"
    assert logical_dump() == before


def test_a_custom_measure_named_with_a_lone_surrogate_is_refused_as_invalid_text(
    demo_document: dict[str, Any], empty_db: Path
) -> None:
    doc = parse_document(json.dumps(demo_document).replace(
        '"Grip strength"', '"Grip \\ud800"'))
    with pytest.raises(DocumentError) as caught:
        import_document(doc)
    assert caught.value.path.startswith("$.measure_definitions[")
    assert caught.value.path.endswith("].name")
    assert "not valid text" in caught.value.reason


# --- fuzzing -------------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.sampled_from(HUGE_NUMBERS)
    | st.floats(allow_nan=False)
    | st.text(max_size=20) | st.sampled_from(EXTREME_MOMENTS),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*prefix, index))


@st.composite
def mutated(draw: st.DrawFn, document: dict[str, Any]) -> Any:
    doc = copy.deepcopy(document)
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(doc) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        *parents, last = path
        holder: Any = doc
        for step in parents:
            holder = holder[step]
        action = draw(st.sampled_from(["drop", "replace", "huge", "duplicate", "keep",
                                       "surrogate", "moment", "key"]))
        if action == "surrogate" and isinstance(holder[last], str):
            text = holder[last]
            at = draw(st.integers(0, len(text)))
            lone = draw(st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
                        | st.just("\x00"))
            holder[last] = text[:at] + lone + text[at:]
        elif action == "moment":
            holder[last] = draw(st.sampled_from((*EXTREME_MOMENTS, *EXTREME_DAYS)))
        elif action == "key" and isinstance(holder, dict):
            holder[draw(st.sampled_from(list(LONE_SURROGATES)))] = holder.pop(last)
        elif action == "drop":
            del holder[last]
        elif action == "replace":
            holder[last] = draw(JSON_VALUES)
        elif action == "huge":
            holder[last] = "x" * draw(st.sampled_from([1_000, 100_001, 300_000]))
        elif action == "duplicate" and isinstance(holder, list):
            holder.append(copy.deepcopy(holder[last]))
    return doc


def _counts() -> tuple[int, int]:
    def count(table: str) -> int:
        return int(database.execute_sql(f'SELECT count(*) FROM "{table}"').fetchone()[0])

    return count("patient"), count("treatment_session")


def _whole_or_nothing(document: Any) -> None:
    before = logical_dump()
    patients, sessions = _counts()
    try:
        result = import_document(document, on_duplicate="new")
    except DocumentError:
        assert logical_dump() == before
        return
    assert result.imported == len(document["patients"])
    exported = parse_document(export_json(PatientService(), None, SessionService()))
    validate_document(exported)  # what was kept can be shown and exported again
    assert _counts() == (
        patients + result.imported,
        sessions + sum(len(p.get("sessions", [])) for p in document["patients"]),
    )


FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow, HealthCheck.data_too_large])


@FUZZ
@given(data=st.data())
def test_mutated_exports_are_imported_whole_or_rejected_whole(
    small_document: dict[str, Any], empty_db: Path, data: st.DataObject
) -> None:
    _whole_or_nothing(data.draw(mutated(small_document)))


@FUZZ
@given(document=JSON_VALUES)
def test_random_json_is_rejected_whole(empty_db: Path, document: Any) -> None:
    _whole_or_nothing(document)
