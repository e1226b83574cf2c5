"""Practitioner accounts: create, list, set passwords, deactivate, and log in.

Passwords are kept only as argon2id hashes. A failed login says the same thing whether the
name or the password was wrong; after a few failures in a row each further attempt must
wait, longer each time (`domain.accounts.pause_after`), per name, for known names in the
database (so restarting the app does not reset it) and for unknown names in memory.

Only administrators create accounts, reset others' passwords and deactivate accounts;
the very first account of a database is made an administrator by whoever creates it.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging

import peewee
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from practitioner.db.errors import translated_errors
from practitioner.db.models import AccountRow
from practitioner.db.transactions import write_transaction
from practitioner.domain.accounts import (
    LOGIN_FAILED,
    Account,
    Identity,
    Role,
    name_key,
    name_problem,
    password_problem,
    pause_after,
)
from practitioner.domain.audit import AuditAction
from practitioner.domain.validation import FieldError, ValidationError
from practitioner.errors import ErrorKind, KnownError
from practitioner.services.audit import AuditService
from practitioner.services.clock import Clock, aware, utc_now
from practitioner.services.identity import UserSource, current

log = logging.getLogger(__name__)

_HASHER = PasswordHasher()  # argon2id with the library's recommended costs


@functools.cache
def _dummy_hash() -> str:
    """Checked against when the name is unknown, so both failures take as long (made on
    first use: hashing costs tens of milliseconds the app's start should not pay)."""
    return _HASHER.hash("not a password of anyone's")

_UNKNOWN = Identity(None, "unknown account", Role.PRACTITIONER)


def _account(row: AccountRow) -> Account:
    return Account(id=row.id, name=row.name, role=Role(row.role), active=bool(row.active),
                   created_at=aware(row.created_at), has_password=bool(row.password_hash))


def _refused(message: str) -> KnownError:
    return KnownError(ErrorKind.NOT_ALLOWED, message)


class AccountService:
    """Accounts of the open database, managed as the current identity (`user`)."""

    def __init__(self, user: UserSource = lambda: "", clock: Clock = utc_now,
                 audit: AuditService | None = None,
                 hasher: PasswordHasher | None = None) -> None:
        self._user = user
        self._clock = clock
        self._audit = audit or AuditService(user=user, clock=clock)
        self._hasher = hasher or _HASHER
        # Failed logins for names with no account: name key -> (failures, last failure).
        self._unknown_failures: dict[str, tuple[int, dt.datetime]] = {}

    # -- reading ------------------------------------------------------------------------

    def count(self) -> int:
        """How many accounts there are, deactivated ones included."""
        with translated_errors():
            total: int = AccountRow.select().count()
            return total

    def list_accounts(self) -> list[Account]:
        """Every account, by name."""
        with translated_errors():
            return [_account(r) for r in AccountRow.select().order_by(AccountRow.name_key)]

    def get(self, account_id: int) -> Account:
        """One account. Raises KnownError(NOT_FOUND)."""
        with translated_errors():
            return _account(self._row(account_id))

    # -- changing -----------------------------------------------------------------------

    def create(self, name: str, password: str, role: Role = Role.PRACTITIONER,
               confirmation: str | None = None) -> Account:
        """Add an account. Only an administrator may, except for a database's very first
        account, which anyone may create and which is always an administrator.

        Raises ValidationError (fields `name`, `password`) for an unacceptable or taken
        name or a weak password, KnownError(NOT_ALLOWED) for a non-administrator.
        """
        errors = self._name_errors(name)
        problem = password_problem(password, confirmation)
        if problem:
            errors.append(FieldError("password", problem))
        if errors:
            raise ValidationError(errors)
        return self._insert(name, self._hasher.hash(password), role)

    def solo_identity(self, name: str) -> Identity:
        """The identity of the solo app's one local practitioner, `name`: the account of
        that name, made on first use (an administrator without a password, as the solo
        app asks for none). A file that cannot be written gives a name-only identity."""
        clean = " ".join(name.split()) or "Practitioner"
        found = self.existing_identity(clean)
        if found is not None:
            return found
        try:
            return self._insert(clean, "", Role.ADMINISTRATOR, solo=True).identity
        except KnownError as exc:
            if exc.kind is not ErrorKind.READ_ONLY:
                raise
            log.warning("no account made for the solo practitioner: the file is read-only")
            return Identity(None, clean, Role.ADMINISTRATOR)

    def existing_identity(self, name: str) -> Identity | None:
        """The identity of the account named `name`, if there is one; writes nothing."""
        with translated_errors():
            row = AccountRow.get_or_none(AccountRow.name_key == name_key(" ".join(name.split())))
        return None if row is None else _account(row).identity

    def set_password(self, account_id: int, new: str, confirmation: str | None = None,
                     *, current_password: str | None = None) -> None:
        """Set an account's password: one's own, given the current one (unless it has
        none yet), or anyone's as an administrator (a reset).

        Raises ValidationError (field `password`, or `current_password` when it is
        wrong) and KnownError(NOT_ALLOWED).
        """
        me = current(self._user)
        problem = password_problem(new, confirmation)
        if problem:
            raise ValidationError([FieldError("password", problem)])
        with translated_errors(), write_transaction():
            row = self._row(account_id)
            own = me.id == row.id
            if not self._is_admin(me):
                if not own:
                    raise _refused("Only an administrator can set another "
                                   "practitioner's password.")
                if row.password_hash and not self._matches(row.password_hash,
                                                            current_password or ""):
                    raise ValidationError([FieldError("current_password",
                                                      "The current password is not right.")])
            row.password_hash = self._hasher.hash(new)
            row.failed_logins = 0
            row.last_failed_at = None
            row.save()
            self._audit.record(AuditAction.ACCOUNT_PASSWORD, entity="account",
                               entity_id=row.id, detail="own" if own else "reset")

    def deactivate(self, account_id: int) -> Account:
        """Stop an account from signing in (administrators only); its authorship stays.
        The last active administrator cannot be deactivated."""
        me = current(self._user)
        with translated_errors(), write_transaction():
            if not self._is_admin(me):
                raise _refused("Only an administrator can deactivate an account.")
            row = self._row(account_id)
            if row.active and row.role == Role.ADMINISTRATOR.value and AccountRow.select().where(
                AccountRow.active & (AccountRow.role == Role.ADMINISTRATOR.value)
            ).count() == 1:
                raise _refused(f"{row.name} is the only active administrator; make another "
                               "administrator first.")
            row.active = False
            row.save()
            self._audit.record(AuditAction.ACCOUNT_DEACTIVATE, entity="account",
                               entity_id=row.id)
            return _account(row)

    # -- signing in ---------------------------------------------------------------------

    def login(self, name: str, password: str) -> Account:
        """The active account `name` when `password` is its password.

        Raises KnownError(LOGIN) with one message for any wrong name or password (and
        for a deactivated account or one without a password), or asking to wait when
        too many attempts failed in a row.
        """
        key = name_key(name)
        now = self._clock()
        with translated_errors():
            row = AccountRow.get_or_none(AccountRow.name_key == key) if key else None
        if row is not None:
            failures, last = row.failed_logins, row.last_failed_at
        else:
            failures, last = self._unknown_failures.get(key, (0, None))
        wait = self._wait(failures, last, now)
        if wait:
            raise KnownError(ErrorKind.LOGIN, f"Too many failed attempts. Wait {wait} "
                             f"second{'s' if wait != 1 else ''} and try again.")
        if row is None:
            self._matches(_dummy_hash(), password)
            self._unknown_failures[key] = (failures + 1, now)
            self._note_login(AuditAction.LOGIN_FAILED, _UNKNOWN)
            raise KnownError(ErrorKind.LOGIN, LOGIN_FAILED)
        ok = bool(row.password_hash) and self._matches(row.password_hash, password)
        account = _account(row)
        if not (ok and row.active):
            self._count_failure(row.id, now)
            self._note_login(AuditAction.LOGIN_FAILED, account.identity)
            raise KnownError(ErrorKind.LOGIN, LOGIN_FAILED)
        self._note_login(AuditAction.LOGIN, account.identity, reset=row.id)
        return account

    # -- helpers ------------------------------------------------------------------------

    def _insert(self, name: str, password_hash: str, role: Role, *, solo: bool = False
                ) -> Account:
        clean = " ".join(name.split())
        with translated_errors(), write_transaction():
            first = AccountRow.select().count() == 0
            if not first and not solo and not self._is_admin(current(self._user)):
                raise _refused("Only an administrator can add practitioner accounts.")
            errors = self._name_errors(clean)
            if errors:
                raise ValidationError(errors)
            try:
                with write_transaction():  # A savepoint: a racing insert of the same name.
                    row = AccountRow.create(
                        name=clean, name_key=name_key(clean),
                        role=(Role.ADMINISTRATOR if first else role).value,
                        password_hash=password_hash, active=True, created_at=self._clock(),
                    )
            except peewee.IntegrityError as exc:
                raise ValidationError([FieldError("name", "There is already an account "
                                                  "with that name.")]) from exc
            account = _account(row)
            author = account.identity if first or solo else None
            self._audit.record(AuditAction.ACCOUNT_CREATE, entity="account",
                               entity_id=row.id, detail=account.role.value, author=author)
            return account

    @staticmethod
    def _name_errors(name: str) -> list[FieldError]:
        problem = name_problem(name)
        if problem:
            return [FieldError("name", problem)]
        taken = AccountRow.select().where(AccountRow.name_key == name_key(name)).exists()
        return [FieldError("name", "There is already an account with that name.")] \
            if taken else []

    @staticmethod
    def _row(account_id: int) -> AccountRow:
        row = AccountRow.get_or_none(AccountRow.id == account_id)
        if row is None:
            raise KnownError(ErrorKind.NOT_FOUND, f"There is no account number {account_id}.")
        return row

    @staticmethod
    def _is_admin(who: Identity) -> bool:
        """Whether `who` is an administrator now (the stored account, not the identity's
        memory of it: a deactivated or demoted account loses its rights at once)."""
        if who.id is None:
            return who.is_administrator
        row = AccountRow.get_or_none(AccountRow.id == who.id)
        return row is not None and bool(row.active) and row.role == Role.ADMINISTRATOR.value

    def _matches(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    @staticmethod
    def _wait(failures: int, last: dt.datetime | None, now: dt.datetime) -> int:
        pause = pause_after(failures)
        if not pause or last is None:
            return 0
        left = (last.replace(tzinfo=None) + dt.timedelta(seconds=pause)
                - now.replace(tzinfo=None)).total_seconds()
        return max(0, int(left + 0.999))

    def _count_failure(self, account_id: int, now: dt.datetime) -> None:
        try:
            with translated_errors(), write_transaction():
                AccountRow.update(failed_logins=AccountRow.failed_logins + 1,
                                  last_failed_at=now).where(
                    AccountRow.id == account_id).execute()
        except KnownError as exc:
            if exc.kind is not ErrorKind.READ_ONLY:
                raise

    def _note_login(self, action: str, who: Identity, reset: int | None = None) -> None:
        """Audit a login or a failed one (and clear the failure count on success); a
        read-only file takes no entry, which must not stop anyone signing in."""
        try:
            with translated_errors(), write_transaction():
                if reset is not None:
                    AccountRow.update(failed_logins=0, last_failed_at=None).where(
                        AccountRow.id == reset).execute()
                self._audit.record(action, entity="account", entity_id=who.id, author=who)
        except KnownError as exc:
            if exc.kind is not ErrorKind.READ_ONLY:
                raise
            log.warning("%s not audited: the records file is read-only", action)
