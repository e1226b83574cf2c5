"""The rules typed preferences must meet, each problem named by its field."""

from __future__ import annotations

import pytest

from practitioner.domain.outcomes import Thresholds
from practitioner.domain.preferences import Preferences, as_texts, read_preferences


def _read(**texts: str) -> tuple[Preferences | None, dict[str, str]]:
    return read_preferences({"practitioner_name": "Dr Jane Doe", **texts})


def test_the_defaults_with_a_name_are_valid_and_round_trip_through_text() -> None:
    prefs, problems = _read()
    assert problems == {} and prefs == Preferences(practitioner_name="Dr Jane Doe")
    assert read_preferences(as_texts(prefs)) == (prefs, {})


@pytest.mark.parametrize(("field", "text", "says"), [
    ("practitioner_name", "   ", "Enter the name"),
    ("practitioner_name", "Dr\tJane", "One line"),
    ("credentials", "x" * 121, "At most 120"),
    ("practice_address", "\n".join(["line"] * 7), "At most 6 lines"),
    ("letterhead", "ok\n" + "y" * 200, "Line 2"),
    ("responder_percent", "150", "percentage from 0.1 to 100"),
    ("severity_points", "nan", "points"),
    ("psfs_points", "-1", "points"),
    ("severity_percent", "", "percentage"),
    ("lock_after_minutes", "5.5", "whole number of minutes"),
    ("lock_after_minutes", "241", "0 to 240"),
    ("backups_to_keep", "0", "whole number of backups"),
    ("backup_folder", "relative/folder", "full folder path"),
    ("clinic_port", "70000", "1 to 65535"),
    ("clinic_host", "my server", "no spaces"),
])
def test_a_bad_field_is_refused_with_a_message_for_that_field_only(
    field: str, text: str, says: str,
) -> None:
    server = {"clinic_database": "records", "clinic_user": "ann"} if field == "clinic_host" \
        else {}
    prefs, problems = _read(**{field: text}, **server)
    assert prefs is None
    assert list(problems) == [field]
    assert says in problems[field]


def test_a_clinic_server_needs_its_database_and_user() -> None:
    _, problems = _read(clinic_host="db.clinic.lan")
    assert set(problems) == {"clinic_database", "clinic_user"}
    prefs, problems = _read(clinic_host="db.clinic.lan", clinic_database="records",
                            clinic_user="ann")
    assert problems == {} and prefs is not None
    address = prefs.clinic_address()
    assert address is not None and address.problem() is None


def test_the_name_may_be_empty_only_where_it_is_not_required() -> None:
    assert read_preferences({}, name_required=False)[1] == {}
    assert set(read_preferences({})[1]) == {"practitioner_name"}


def test_letters_and_thresholds_come_from_the_preferences() -> None:
    prefs, _ = _read(credentials="MBAcC", practice_address="1 Quay St\n\n Harbourtown ",
                     letterhead="Tel 01234 567890", responder_percent="70,5")
    assert prefs is not None
    assert prefs.signature() == "Dr Jane Doe, MBAcC"
    assert prefs.letterhead_lines() == ("1 Quay St", "Harbourtown", "Tel 01234 567890")
    thresholds = prefs.thresholds()
    assert thresholds.responder_percent == 70.5
    assert "responder_percent = 70.5" in thresholds.sources[-1]
    assert Preferences().thresholds() == Thresholds()


@pytest.mark.parametrize(("field", "text"), [
    ("clinic_port", "5432²"), ("clinic_port", "٥٤٣٢"), ("backups_to_keep", "1e3"),
    ("lock_after_minutes", "+5"), ("backup_folder", "/tmp/a\x00b"),
    ("practitioner_name", "Dr\u2028Jane"), ("responder_percent", "1e309"),
])
def test_odd_input_is_a_message_never_an_exception(field: str, text: str) -> None:
    prefs, problems = _read(**{field: text})
    assert prefs is None and list(problems) == [field]


def test_a_name_with_an_emoji_sequence_is_a_name() -> None:
    prefs, problems = _read(practitioner_name="Dr Jo 👩\u200d⚕️")
    assert problems == {} and prefs is not None
