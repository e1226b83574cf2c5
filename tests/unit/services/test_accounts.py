"""Practitioner accounts: the first account, who may manage accounts, passwords, login
failures and the growing pause, and the solo app's implicit account."""

from __future__ import annotations

from pathlib import Path

import pytest
from argon2 import PasswordHasher

from practitioner.db.models import AccountRow
from practitioner.domain.accounts import (
    FREE_ATTEMPTS,
    LOGIN_FAILED,
    MIN_PASSWORD_LENGTH,
    Identity,
    Role,
    pause_after,
)
from practitioner.domain.audit import AuditAction
from practitioner.domain.validation import ValidationError
from practitioner.errors import ErrorKind, KnownError
from practitioner.services.accounts import AccountService
from practitioner.services.audit import AuditService
from practitioner.services.identity import SignedIn
from tests.helpers.db_fixtures import FakeClock

#: argon2id with small costs: the tests check rules, not the production costs.
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
PASSWORD = "correct horse battery"
OTHER_PASSWORD = "staple paper clip 42"


@pytest.fixture
def signed_in() -> SignedIn:
    return SignedIn(Identity(None, "nobody yet", Role.PRACTITIONER))


@pytest.fixture
def accounts(db_path: Path, clock: FakeClock, signed_in: SignedIn) -> AccountService:
    return AccountService(user=signed_in, clock=clock, hasher=FAST_HASHER)


@pytest.fixture
def admin(accounts: AccountService, signed_in: SignedIn) -> Identity:
    """The database's first account, signed in."""
    identity = accounts.create("Dr Admin", PASSWORD).identity
    signed_in.switch(identity)
    return identity


def _login_error(accounts: AccountService, name: str, password: str) -> KnownError:
    with pytest.raises(KnownError) as caught:
        accounts.login(name, password)
    assert caught.value.kind is ErrorKind.LOGIN
    return caught.value


def test_the_first_account_is_an_administrator_whoever_creates_it(
    accounts: AccountService,
) -> None:
    first = accounts.create("Dr Admin", PASSWORD, Role.PRACTITIONER)
    assert first.role is Role.ADMINISTRATOR and first.active


def test_only_an_administrator_adds_accounts(
    accounts: AccountService, admin: Identity, signed_in: SignedIn,
) -> None:
    lee = accounts.create("Dr Lee", PASSWORD)
    assert lee.role is Role.PRACTITIONER

    signed_in.switch(lee.identity)
    with pytest.raises(KnownError) as caught:
        accounts.create("Dr Mallory", PASSWORD, Role.ADMINISTRATOR)
    assert caught.value.kind is ErrorKind.NOT_ALLOWED
    assert "administrator" in caught.value.message
    assert [a.name for a in accounts.list_accounts()] == ["Dr Admin", "Dr Lee"]


def test_a_deactivated_administrator_loses_the_right_at_once(
    accounts: AccountService, admin: Identity, signed_in: SignedIn,
) -> None:
    second = accounts.create("Dr Second", PASSWORD, Role.ADMINISTRATOR)
    accounts.deactivate(admin.id or 0)
    signed_in.switch(admin)  # The window still holds the old identity.
    with pytest.raises(KnownError) as caught:
        accounts.create("Dr Third", PASSWORD)
    assert caught.value.kind is ErrorKind.NOT_ALLOWED
    assert accounts.get(second.id).active


def test_names_are_unique_ignoring_case_and_spacing(
    accounts: AccountService, admin: Identity,
) -> None:
    with pytest.raises(ValidationError) as caught:
        accounts.create("  dr   ADMIN ", PASSWORD)
    assert [(e.field, e.message) for e in caught.value.errors] == [
        ("name", "There is already an account with that name.")]


def test_a_short_password_is_refused_with_its_minimum(accounts: AccountService) -> None:
    with pytest.raises(ValidationError) as caught:
        accounts.create("Dr Admin", "short")
    [error] = caught.value.errors
    assert error.field == "password"
    assert error.message == f"A password needs at least {MIN_PASSWORD_LENGTH} characters."
    assert accounts.count() == 0


def test_passwords_are_kept_as_argon2id_hashes_only(
    accounts: AccountService, admin: Identity,
) -> None:
    stored = AccountRow.get_by_id(admin.id).password_hash
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


def test_login_returns_the_account_and_is_audited(
    accounts: AccountService, admin: Identity,
) -> None:
    account = accounts.login("DR ADMIN", PASSWORD)
    assert account.identity == admin
    last = AuditService().trail()[-1].fields
    assert (last.action, last.practitioner, last.author_id) == (
        AuditAction.LOGIN, "Dr Admin", admin.id)


def test_a_failed_login_never_says_which_part_was_wrong(
    accounts: AccountService, admin: Identity,
) -> None:
    lee = accounts.create("Dr Lee", PASSWORD)
    accounts.deactivate(lee.id)
    wrong_password = _login_error(accounts, "Dr Admin", "not the password")
    unknown_name = _login_error(accounts, "Dr Nobody", PASSWORD)
    deactivated = _login_error(accounts, "Dr Lee", PASSWORD)
    empty = _login_error(accounts, "", "")
    assert {wrong_password.message, unknown_name.message, deactivated.message,
            empty.message} == {LOGIN_FAILED}


def test_an_account_without_a_password_cannot_log_in(accounts: AccountService) -> None:
    solo = accounts.solo_identity("Dr Solo")
    assert _login_error(accounts, "Dr Solo", "").message == LOGIN_FAILED
    assert solo.role is Role.ADMINISTRATOR


def test_the_pause_after_failed_logins_grows(
    accounts: AccountService, admin: Identity, clock: FakeClock,
) -> None:
    for _ in range(FREE_ATTEMPTS):
        assert _login_error(accounts, "Dr Admin", "wrong").message == LOGIN_FAILED
    # Even the right password waits now, and it says how long.
    paused = _login_error(accounts, "Dr Admin", PASSWORD)
    assert paused.message == "Too many failed attempts. Wait 2 seconds and try again."
    clock.advance(seconds=2)
    _login_error(accounts, "Dr Admin", "wrong again")
    assert "Wait 4 seconds" in _login_error(accounts, "Dr Admin", PASSWORD).message
    # A new service (the app restarted) still knows: the count is kept in the database.
    restarted = AccountService(clock=clock, hasher=FAST_HASHER)
    assert "Wait 4 seconds" in _login_error(restarted, "Dr Admin", PASSWORD).message
    clock.advance(seconds=4)
    assert accounts.login("Dr Admin", PASSWORD).id == admin.id
    # Success clears the count.
    assert _login_error(accounts, "Dr Admin", "wrong").message == LOGIN_FAILED


def test_unknown_names_pause_alike_so_a_pause_does_not_reveal_a_name(
    accounts: AccountService, admin: Identity,
) -> None:
    for _ in range(FREE_ATTEMPTS):
        _login_error(accounts, "Dr Nobody", "wrong")
    assert "Wait 2 seconds" in _login_error(accounts, "dr nobody", "wrong").message


def test_pause_after_doubles_up_to_its_ceiling() -> None:
    assert [pause_after(n) for n in range(FREE_ATTEMPTS + 4)] == [0] * FREE_ATTEMPTS + [
        2, 4, 8, 16]
    assert pause_after(100) == 300


def test_changing_ones_own_password_needs_the_current_one(
    accounts: AccountService, admin: Identity, signed_in: SignedIn,
) -> None:
    lee = accounts.create("Dr Lee", PASSWORD)
    signed_in.switch(lee.identity)
    with pytest.raises(ValidationError) as caught:
        accounts.set_password(lee.id, OTHER_PASSWORD, OTHER_PASSWORD,
                              current_password="wrong")
    assert caught.value.errors[0].field == "current_password"
    with pytest.raises(ValidationError) as mismatch:
        accounts.set_password(lee.id, OTHER_PASSWORD, "something else entirely",
                              current_password=PASSWORD)
    assert mismatch.value.errors[0].message == "The two passwords are not the same."
    accounts.set_password(lee.id, OTHER_PASSWORD, OTHER_PASSWORD, current_password=PASSWORD)
    assert accounts.login("Dr Lee", OTHER_PASSWORD).id == lee.id
    with pytest.raises(KnownError) as refused:
        accounts.set_password(admin.id or 0, OTHER_PASSWORD)
    assert refused.value.kind is ErrorKind.NOT_ALLOWED


def test_an_administrator_resets_a_password_without_the_old_one(
    accounts: AccountService, admin: Identity,
) -> None:
    lee = accounts.create("Dr Lee", PASSWORD)
    accounts.set_password(lee.id, OTHER_PASSWORD)
    assert accounts.login("Dr Lee", OTHER_PASSWORD).id == lee.id
    _login_error(accounts, "Dr Lee", PASSWORD)


def test_deactivation_is_for_administrators_and_keeps_one_administrator(
    accounts: AccountService, admin: Identity, signed_in: SignedIn,
) -> None:
    lee = accounts.create("Dr Lee", PASSWORD)
    with pytest.raises(KnownError) as last_admin:
        accounts.deactivate(admin.id or 0)
    assert "only active administrator" in last_admin.value.message
    signed_in.switch(lee.identity)
    with pytest.raises(KnownError) as not_admin:
        accounts.deactivate(admin.id or 0)
    assert not_admin.value.kind is ErrorKind.NOT_ALLOWED
    signed_in.switch(admin)
    assert not accounts.deactivate(lee.id).active
    actions = [e.fields.action for e in AuditService().trail()]
    assert AuditAction.ACCOUNT_DEACTIVATE in actions


def test_the_solo_practitioner_is_one_administrator_account_made_once(
    accounts: AccountService,
) -> None:
    first = accounts.solo_identity("Dr  Solo")
    again = accounts.solo_identity("dr solo")
    assert first == again == Identity(first.id, "Dr Solo", Role.ADMINISTRATOR)
    assert first.id is not None and accounts.count() == 1
