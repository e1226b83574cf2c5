"""Unsaved session notes and profile edits kept in the database while being written.

When the database cannot take a draft (the clinic server went away, the records file
cannot be written) it is kept in a local draft store on this computer instead, and moved
back into the database once it can be written again.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import json
import logging
import os
import tempfile
import urllib.parse
from pathlib import Path

import peewee

from practitioner.db.base import database
from practitioner.db.errors import translated_errors
from practitioner.db.models import DraftRow, PatientRow, SessionRow
from practitioner.db.transactions import write_transaction
from practitioner.domain.session import Draft, DraftForm, DraftSummary
from practitioner.errors import KnownError
from practitioner.process_privacy import owner_only
from practitioner.services.changes import connection_errors_translated
from practitioner.services.clock import Clock, aware, utc_now
from practitioner.services.files import overwrite_and_delete

log = logging.getLogger(__name__)

LOCAL_FORMAT = 1


def draft_key(patient_id: int, session_id: int | None,
              form: DraftForm = DraftForm.SESSION) -> str:
    """The one draft slot for a patient's new session, for one existing session, or for
    the patient's profile."""
    if form is DraftForm.PROFILE:
        return f"profile:{patient_id}"
    return f"session:{patient_id}:{'new' if session_id is None else session_id}"


#: The key prefixes of drafts (not of versions kept aside), by form.
DRAFT_PREFIXES = {f"{form.value}:": form for form in DraftForm}


def kept_key(patient_id: int, session_id: int | None) -> str:
    """The slot for a version set aside when its author chose another's version in an edit
    conflict: one per session, and one for the patient's profile (`session_id` None)."""
    return f"kept:{patient_id}:{'profile' if session_id is None else session_id}"


class DraftPlace(enum.Enum):
    """Where a draft was kept."""

    RECORDS = "records"  # in the database, with the records
    LOCAL = "local"  # on this computer only, until the database can be written again


def database_identity() -> str:
    """Names the open database without any secret: the records file's full path, or the
    server's user@host:port/dbname (never its password)."""
    db = database.obj
    if isinstance(db, peewee.SqliteDatabase):
        name = str(db.database)
        if name.startswith("file:"):  # opened as a URI (read-only opens are)
            name = urllib.parse.unquote(urllib.parse.urlsplit(name).path)
        return "sqlite:" + str(Path(name).resolve())
    if db is None:
        return "none"
    params = getattr(db, "connect_params", {}) or {}
    user = params.get("user", "")
    host = params.get("host", "")
    port = params.get("port", "")
    return f"postgresql://{user}@{host}:{port}/{db.database}"


class LocalDrafts:
    """Drafts kept as files in a folder of this computer (the app-data folder's `drafts/`).

    One file per draft slot and database, readable by this user only (0600, the folder
    0700), written atomically (a temporary file, flushed to disk, then renamed into
    place). A file names its database by `database_identity()`, never by a password.
    """

    def __init__(self, folder: Path, identity: str | None = None) -> None:
        self.folder = folder
        self._identity = identity

    def identity(self) -> str:
        return self._identity or database_identity()

    def _path(self, key: str) -> Path:
        digest = hashlib.sha256(f"{self.identity()}\n{key}".encode()).hexdigest()[:32]
        return self.folder / f"draft-{digest}.json"

    def save(self, draft: Draft) -> Path:
        """Write `draft` to its file, replacing an earlier one. Raises OSError."""
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        owner_only(self.folder)
        key = draft_key(draft.patient_id, draft.session_id, draft.form)
        text = json.dumps({
            "format": LOCAL_FORMAT, "database": self.identity(), "key": key,
            "patient_id": draft.patient_id, "session_id": draft.session_id,
            "form": draft.form.value,
            "updated_at": draft.updated_at.replace(tzinfo=None).isoformat(),
            "payload": draft.payload,
        }, ensure_ascii=False, sort_keys=True)
        path = self._path(key)
        # mkstemp makes the file 0600 (and private by the folder's ACL on Windows).
        fd, temp = tempfile.mkstemp(prefix=".draft-", suffix=".tmp", dir=self.folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, path)
        finally:
            Path(temp).unlink(missing_ok=True)
        _sync_folder(self.folder)
        return path

    def drafts(self) -> list[Draft]:
        """This database's local drafts, oldest first; unreadable files are skipped."""
        found: list[Draft] = []
        if not self.folder.is_dir():
            return found
        identity = self.identity()
        for path in sorted(self.folder.glob("draft-*.json")):
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                if data.get("format") != LOCAL_FORMAT or data.get("database") != identity:
                    continue
                found.append(Draft(int(data["patient_id"]),
                                   None if data["session_id"] is None
                                   else int(data["session_id"]),
                                   dict(data["payload"]),
                                   aware(dt.datetime.fromisoformat(data["updated_at"])),
                                   DraftForm(data.get("form", DraftForm.SESSION.value))))
            except (OSError, ValueError, KeyError, TypeError) as exc:
                log.warning("local draft %s not readable: %s", path.name, type(exc).__name__)
        found.sort(key=lambda draft: draft.updated_at)
        return found

    def wipe(self) -> list[Path]:
        """Overwrite and delete this database's draft files, and the temporary files of
        drafts a crash interrupted (whose database cannot be told); returns them.
        Raises OSError."""
        doomed = self.files()
        if self.folder.is_dir():
            doomed += sorted(self.folder.glob(".draft-*.tmp"))
        for path in doomed:
            overwrite_and_delete(path)
        return doomed

    def files(self) -> list[Path]:
        """This database's draft files."""
        if not self.folder.is_dir():
            return []
        identity = self.identity()
        found: list[Path] = []
        for path in sorted(self.folder.glob("draft-*.json")):
            try:
                if json.loads(path.read_text(encoding="utf-8")).get("database") == identity:
                    found.append(path)
            except (OSError, ValueError, AttributeError):
                continue  # not a draft this app can read: not this database's
        return found

    def remove(self, patient_id: int, session_id: int | None,
               form: DraftForm = DraftForm.SESSION) -> None:
        """Overwrite and delete the local draft of this slot, if any."""
        path = self._path(draft_key(patient_id, session_id, form))
        if path.is_file():
            overwrite_and_delete(path)


def _sync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (where the platform can open folders)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class DraftService:
    """Stores, finds and discards drafts; each call is one short transaction.

    With `local` set, a draft the database cannot take is kept there instead (and
    `restore_local` moves such drafts back into the database).
    """

    def __init__(self, clock: Clock = utc_now, local: LocalDrafts | None = None) -> None:
        self._clock = clock
        self.local = local

    def save(self, patient_id: int, session_id: int | None,
             payload: dict[str, object], form: DraftForm = DraftForm.SESSION) -> DraftPlace:
        """Keep `payload` as the draft for this slot, replacing any earlier one.

        Returns where it was kept. Raises the database's KnownError when it cannot be
        kept there and there is no local store, or the local store fails too.
        """
        now = self._clock()
        try:
            self._save_in_records(draft_key(patient_id, session_id, form), patient_id,
                                  session_id, payload, now)
        except KnownError as exc:
            if self.local is None:
                raise
            try:
                self.local.save(Draft(patient_id, session_id, payload, aware(now), form))
            except OSError as local_exc:
                log.warning("local draft not written: %s", type(local_exc).__name__)
                raise exc from local_exc
            log.warning("draft kept on this computer: %s", exc.kind.value)
            return DraftPlace.LOCAL
        if self.local is not None:
            self._forget_local(patient_id, session_id, form)
        return DraftPlace.RECORDS

    def _save_in_records(self, key: str, patient_id: int, session_id: int | None,
                         payload: dict[str, object], now: dt.datetime) -> None:
        text = json.dumps(payload, ensure_ascii=False, sort_keys=True)
        with connection_errors_translated(), translated_errors(), write_transaction():
            (
                DraftRow.insert(
                    key=key,
                    patient=patient_id,
                    session=session_id,
                    payload=text,
                    updated_at=now,
                )
                .on_conflict(
                    conflict_target=[DraftRow.key],
                    update={DraftRow.payload: text, DraftRow.updated_at: now},
                )
                .execute()
            )

    def get(self, patient_id: int, session_id: int | None,
            form: DraftForm = DraftForm.SESSION) -> Draft | None:
        """The draft in this slot, if any."""
        with translated_errors():
            row = DraftRow.get_or_none(DraftRow.key == draft_key(patient_id, session_id, form))
        if row is None:
            return None
        return Draft(row.patient_id, row.session_id, json.loads(row.payload),
                     aware(row.updated_at), form)

    def discard(self, patient_id: int, session_id: int | None,
                form: DraftForm = DraftForm.SESSION) -> None:
        """Throw the draft in this slot away (its local copy too)."""
        with translated_errors(), write_transaction():
            self.delete_in_transaction(patient_id, session_id, form)
        self._forget_local(patient_id, session_id, form)

    def forget_local(self, patient_id: int, session_id: int | None,
                     form: DraftForm = DraftForm.SESSION) -> None:
        """The form of this slot was saved: its local draft is not needed any more."""
        self._forget_local(patient_id, session_id, form)

    def _forget_local(self, patient_id: int, session_id: int | None,
                      form: DraftForm = DraftForm.SESSION) -> None:
        if self.local is None:
            return
        try:
            self.local.remove(patient_id, session_id, form)
        except OSError as exc:
            log.warning("local draft not removed: %s", type(exc).__name__)

    def local_drafts(self) -> list[Draft]:
        """The drafts waiting on this computer for the database to be writable again."""
        return [] if self.local is None else self.local.drafts()

    def restore_local(self) -> list[Draft]:
        """Move the local drafts into the database; returns those moved.

        A local draft replaces the database's draft of its slot unless that one is newer
        (then the local one is dropped). A draft whose patient or session is gone stays
        on this computer. Raises KnownError when the database still cannot be written;
        the drafts not yet moved stay where they are.
        """
        moved: list[Draft] = []
        for draft in self.local_drafts():
            key = draft_key(draft.patient_id, draft.session_id, draft.form)
            text = json.dumps(draft.payload, ensure_ascii=False, sort_keys=True)
            stamp = draft.updated_at.replace(tzinfo=None)
            with translated_errors(), write_transaction():
                if PatientRow.get_or_none(PatientRow.id == draft.patient_id) is None or (
                    draft.session_id is not None
                    and SessionRow.get_or_none(SessionRow.id == draft.session_id) is None
                ):
                    log.warning("a local draft's record is not in the database; kept locally")
                    continue
                current = DraftRow.get_or_none(DraftRow.key == key)
                if current is None or aware(current.updated_at) <= draft.updated_at:
                    DraftRow.insert(key=key, patient=draft.patient_id,
                                    session=draft.session_id, payload=text,
                                    updated_at=stamp).on_conflict(
                        conflict_target=[DraftRow.key],
                        update={DraftRow.payload: text, DraftRow.updated_at: stamp},
                    ).execute()
                    moved.append(draft)
            self._forget_local(draft.patient_id, draft.session_id, draft.form)
        return moved

    def keep_aside(self, patient_id: int, session_id: int | None,
                   payload: dict[str, object]) -> None:
        """Keep a version its author set aside in an edit conflict ("keep theirs"), until
        they dismiss it. A session's save does not remove it (only its draft)."""
        text = json.dumps(payload, ensure_ascii=False, sort_keys=True)
        now = self._clock()
        with translated_errors(), write_transaction():
            (
                DraftRow.insert(key=kept_key(patient_id, session_id), patient=patient_id,
                                session=session_id, payload=text, updated_at=now)
                .on_conflict(conflict_target=[DraftRow.key],
                             update={DraftRow.payload: text, DraftRow.updated_at: now})
                .execute()
            )

    def kept_aside(self, patient_id: int, session_id: int | None) -> Draft | None:
        """The version set aside for this session (or profile), if any."""
        with translated_errors():
            row = DraftRow.get_or_none(DraftRow.key == kept_key(patient_id, session_id))
        if row is None:
            return None
        return Draft(row.patient_id, row.session_id, json.loads(row.payload),
                     aware(row.updated_at))

    def dismiss_kept(self, patient_id: int, session_id: int | None) -> None:
        """Throw away the version set aside for this session (or profile)."""
        with translated_errors(), write_transaction():
            DraftRow.delete().where(DraftRow.key == kept_key(patient_id, session_id)).execute()

    def summaries(self) -> list[DraftSummary]:
        """Every kept draft with its patient's name, newest first (versions set aside in
        a conflict are not drafts: their record shows them)."""
        query = (
            DraftRow.select(DraftRow.key, DraftRow.session, DraftRow.updated_at, PatientRow.id,
                            PatientRow.name)
            .join(PatientRow)
            .where(DraftRow.key.startswith("session:") | DraftRow.key.startswith("profile:"))
            .order_by(DraftRow.updated_at.desc(), DraftRow.id.desc())
        )
        with translated_errors():
            # The joined patient's own columns are read: a selected foreign-key column is
            # shadowed by the joined row in peewee's results.
            return [
                DraftSummary(row.patient.id, row.patient.name, row.session_id,
                             aware(row.updated_at), _form_of(row.key))
                for row in query
            ]

    @staticmethod
    def delete_in_transaction(patient_id: int, session_id: int | None,
                              form: DraftForm = DraftForm.SESSION) -> None:
        """Drop a draft as part of the caller's transaction (a saved form's own)."""
        DraftRow.delete().where(
            DraftRow.key == draft_key(patient_id, session_id, form)).execute()


def _form_of(key: str) -> DraftForm:
    return next(form for prefix, form in DRAFT_PREFIXES.items() if key.startswith(prefix))

