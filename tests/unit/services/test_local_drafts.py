"""Drafts kept on this computer when the records cannot take them, and moved back later."""

from __future__ import annotations

import datetime as dt
import json
import stat
from pathlib import Path

import peewee
import pytest

from practitioner.db.base import database
from practitioner.domain.patient import PatientInput
from practitioner.errors import KnownError
from practitioner.services.drafts import (
    DraftPlace,
    DraftService,
    LocalDrafts,
    database_identity,
)
from practitioner.services.patients import PatientService
from tests.helpers.db_fixtures import FakeClock
from tests.helpers.faults import FAULTS, LONG_TEXT, Fault
from tests.helpers.server_faults import LockedTable, ReadOnlyServer

NOTE = {"f_notes": "Left calf cramps at night; magnesium tried. " + LONG_TEXT}


@pytest.fixture
def local(tmp_path: Path) -> LocalDrafts:
    return LocalDrafts(tmp_path / "appdata" / "drafts")


@pytest.fixture
def drafts(db_path: Path, clock: FakeClock, local: LocalDrafts) -> DraftService:
    return DraftService(clock=clock, local=local)


@pytest.fixture
def ann_id(patients: PatientService) -> int:
    return patients.create(PatientInput(name="Ann Lee", date_of_birth=dt.date(1970, 1, 1))).id


def _fault(name: str, db_path: Path) -> Fault:
    """The named fault on the records open now; on a server, the server's counterpart."""
    fault: Fault
    if isinstance(database.obj, peewee.PostgresqlDatabase):
        if name == "locked":
            url = str(getattr(database.obj, "safe_url", ""))
            fault = LockedTable(db_path, url=url)
        else:
            fault = ReadOnlyServer(db_path)
    else:
        fault = FAULTS[name](db_path)
    fault.apply()
    return fault


@pytest.mark.parametrize("name", ["disk-full", "locked", "read-only"])
def test_a_draft_the_records_cannot_take_is_kept_on_this_computer(
    drafts: DraftService, local: LocalDrafts, db_path: Path, ann_id: int, name: str,
    engine: str,
) -> None:
    if engine == "postgres" and name == "disk-full":
        pytest.skip("a full disk is not made on the shared test server")
    fault = _fault(name, db_path)
    try:
        assert drafts.save(ann_id, None, NOTE) is DraftPlace.LOCAL
    finally:
        fault.remove()

    [kept] = drafts.local_drafts()
    assert (kept.patient_id, kept.session_id, kept.payload) == (ann_id, None, NOTE)
    [path] = local.folder.iterdir()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(local.folder.stat().st_mode) == 0o700
    kept_for = json.loads(path.read_text(encoding="utf-8"))["database"]
    assert kept_for.startswith("postgresql://" if engine == "postgres" else "sqlite:")
    assert drafts.get(ann_id, None) is None, "nothing reached the records"


def test_kept_drafts_move_back_into_the_records_once_they_can_be_written(
    drafts: DraftService, db_path: Path, ann_id: int, clock: FakeClock,
) -> None:
    fault = _fault("read-only", db_path)
    clock.advance(minutes=1)
    assert drafts.save(ann_id, None, NOTE) is DraftPlace.LOCAL
    fault.remove()

    moved = drafts.restore_local()

    assert [d.payload for d in moved] == [NOTE]
    stored = drafts.get(ann_id, None)
    assert stored is not None and stored.payload == NOTE
    assert drafts.local_drafts() == []
    assert drafts.restore_local() == []


def test_a_newer_draft_in_the_records_wins_over_an_older_local_one(
    drafts: DraftService, local: LocalDrafts, ann_id: int, clock: FakeClock,
) -> None:
    from practitioner.domain.session import Draft

    local.save(Draft(ann_id, None, {"f_notes": "older"}, clock().replace(tzinfo=dt.UTC)))
    clock.advance(minutes=5)
    drafts.save(ann_id, None, {"f_notes": "newer"})
    assert drafts.local_drafts() == [], "a draft stored in the records replaces its local copy"

    local.save(Draft(ann_id, None, {"f_notes": "older"},
                     (clock() - dt.timedelta(minutes=5)).replace(tzinfo=dt.UTC)))
    assert drafts.restore_local() == []
    stored = drafts.get(ann_id, None)
    assert stored is not None and stored.payload == {"f_notes": "newer"}
    assert drafts.local_drafts() == []


def test_a_failed_move_back_keeps_the_local_draft(
    drafts: DraftService, db_path: Path, ann_id: int,
) -> None:
    fault = _fault("locked", db_path)
    try:
        assert drafts.save(ann_id, None, NOTE) is DraftPlace.LOCAL
        with pytest.raises(KnownError):
            drafts.restore_local()
    finally:
        fault.remove()
    assert len(drafts.local_drafts()) == 1
    assert len(drafts.restore_local()) == 1


def test_discarding_or_saving_the_note_drops_its_local_copy(
    drafts: DraftService, db_path: Path, ann_id: int,
) -> None:
    fault = _fault("read-only", db_path)
    drafts.save(ann_id, None, NOTE)
    fault.remove()
    drafts.discard(ann_id, None)
    assert drafts.local_drafts() == []

    fault = _fault("read-only", db_path)
    drafts.save(ann_id, None, NOTE)
    fault.remove()
    drafts.forget_local(ann_id, None)
    assert drafts.local_drafts() == []


def test_without_a_local_store_the_failure_is_reported_as_before(
    db_path: Path, clock: FakeClock, ann_id: int,
) -> None:
    fault = _fault("read-only", db_path)
    try:
        with pytest.raises(KnownError):
            DraftService(clock=clock).save(ann_id, None, NOTE)
    finally:
        fault.remove()


def test_a_local_store_that_cannot_be_written_reports_the_records_failure(
    drafts: DraftService, local: LocalDrafts, db_path: Path, ann_id: int,
) -> None:
    local.folder.parent.mkdir(parents=True)
    local.folder.write_text("not a folder")  # the drafts folder cannot be made
    fault = _fault("read-only", db_path)
    try:
        with pytest.raises(KnownError) as raised:
            drafts.save(ann_id, None, NOTE)
        assert raised.value.kind is fault.kind, "the records' failure, not the folder's"
    finally:
        fault.remove()


def test_drafts_of_another_records_file_are_left_alone(
    drafts: DraftService, local: LocalDrafts, ann_id: int, clock: FakeClock,
) -> None:
    from practitioner.domain.session import Draft

    LocalDrafts(local.folder, identity="sqlite:/elsewhere/records.db").save(
        Draft(ann_id, None, NOTE, clock().replace(tzinfo=dt.UTC)))

    assert drafts.local_drafts() == []
    assert drafts.restore_local() == []
    assert len(list(local.folder.iterdir())) == 1


@pytest.mark.sqlite_only
def test_a_server_is_named_without_its_password(db_path: Path) -> None:
    saved = database.obj
    server = peewee.PostgresqlDatabase("clinic", user="amy", password="s3cret-pw",
                                       host="db.clinic.example", port=5433)
    database.initialize(server)
    try:
        identity = database_identity()
    finally:
        database.initialize(saved)
    assert identity == "postgresql://amy@db.clinic.example:5433/clinic"
    assert "s3cret" not in identity
