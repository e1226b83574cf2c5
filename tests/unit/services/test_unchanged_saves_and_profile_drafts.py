"""An update that changes nothing writes nothing; a profile draft has its own slot, is
offered like a session note's, survives a trip through the local store and is removed by
the save that takes it in."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from practitioner.db.base import database
from practitioner.domain.outcomes import CUSTOM_PREFIX
from practitioner.domain.patient import CrampProfile, PatientInput
from practitioner.domain.session import Draft, DraftForm
from practitioner.services.drafts import DraftService, LocalDrafts
from practitioner.services.outcomes import OutcomeService
from practitioner.services.patients import PatientService
from practitioner.services.sessions import SessionService
from tests.helpers.db_fixtures import FakeClock
from tests.helpers.session_inputs import full_session

ANN = PatientInput(name="Ann Lee", date_of_birth=dt.date(1970, 1, 1),
                   profile=CrampProfile(frequency_per_week=1.2345678))


def _audit_rows() -> int:
    return int(database.execute_sql("SELECT count(*) FROM audit_log").fetchone()[0])


def test_an_unchanged_patient_update_writes_nothing(
    patients: PatientService, clock: FakeClock
) -> None:
    ann = patients.create(ANN)
    clock.advance(minutes=5)
    audited = _audit_rows()
    assert patients.update(ann.id, ANN, ann.version) == ann
    assert patients.get(ann.id) == ann
    assert _audit_rows() == audited
    # What reads back the same (one-line texts are trimmed) is no change either.
    assert patients.update(ann.id, PatientInput(**{**vars(ANN), "name": " Ann Lee "}),
                           ann.version).version == ann.version


def test_an_unchanged_session_update_writes_nothing_not_even_a_revision(
    patients: PatientService, clock: FakeClock
) -> None:
    ann = patients.create(ANN)
    sessions = SessionService(clock=clock, user=lambda: "Dr Lee")
    visit = full_session(dt.datetime(2025, 1, 14, 10, 15, 42))
    final = sessions.create(ann.id, visit, finalise=True)
    clock.advance(minutes=5)
    audited = _audit_rows()
    assert not SessionService.changes(final, visit)
    assert sessions.update(final.id, visit, final.version) == final
    assert sessions.get(final.id) == final
    assert _audit_rows() == audited
    # Finalising an unchanged draft, or making it private, is a change.
    draft = sessions.create(ann.id, visit)
    assert sessions.update(draft.id, visit, draft.version, finalise=True).final


def test_a_profile_draft_has_its_own_slot_and_is_offered_as_a_profile(
    patients: PatientService, clock: FakeClock, db_path: Path
) -> None:
    ann = patients.create(ANN)
    drafts = DraftService(clock=clock)
    drafts.save(ann.id, None, {"f_notes": "new visit"})
    drafts.save(ann.id, None, {"conditions_notes": "intake"}, DraftForm.PROFILE)
    profile = drafts.get(ann.id, None, DraftForm.PROFILE)
    assert profile is not None and profile.payload == {"conditions_notes": "intake"}
    assert profile.form is DraftForm.PROFILE
    assert drafts.get(ann.id, None) is not None
    assert sorted(d.form.value for d in drafts.summaries()) == ["profile", "session"]

    patients.update(ann.id, PatientInput(**{**vars(ANN), "conditions_notes": "intake"}),
                    ann.version)
    assert drafts.get(ann.id, None, DraftForm.PROFILE) is None, "the save removed it"
    assert drafts.get(ann.id, None) is not None, "the session note's draft is its own"


def test_a_profile_draft_kept_on_this_computer_goes_back_as_a_profile_draft(
    patients: PatientService, clock: FakeClock, tmp_path: Path
) -> None:
    ann = patients.create(ANN)
    local = LocalDrafts(tmp_path / "drafts")
    drafts = DraftService(clock=clock, local=local)


    local.save(Draft(ann.id, None, {"frequency": "4,5x"}, clock().replace(tzinfo=dt.UTC),
                     DraftForm.PROFILE))
    [kept] = drafts.local_drafts()
    assert kept.form is DraftForm.PROFILE
    [moved] = drafts.restore_local()
    assert moved.form is DraftForm.PROFILE
    restored = drafts.get(ann.id, None, DraftForm.PROFILE)
    assert restored is not None and restored.payload == {"frequency": "4,5x"}
    assert drafts.get(ann.id, None) is None
    assert drafts.local_drafts() == []


def test_an_unchanged_custom_measure_save_writes_nothing(
    patients: PatientService, clock: FakeClock
) -> None:
    outcomes = OutcomeService(clock=clock)
    grip = outcomes.save_custom_measure("Grip", "kg", 0, 80.5, False, False, 2.25)
    measure_id = int(grip.code.removeprefix(CUSTOM_PREFIX))
    version = outcomes.custom_measure_version(measure_id)
    clock.advance(minutes=5)
    audited = _audit_rows()
    again = outcomes.save_custom_measure(" Grip ", "kg", 0, 80.5, False, False, 2.25,
                                         measure_id, version)
    assert again == grip
    assert outcomes.custom_measure_version(measure_id) == version
    assert _audit_rows() == audited
