"""Headless commands over the same services as the GUI: demo, export, report, check,
reference search and flags, audit and purge.

Every failure ends in one line on stderr and an exit code from `practitioner.exit_codes`,
never a traceback; everything printed passes through `practitioner.terminal`. The grammar,
and how each subcommand uses the records file, is `practitioner.cli_grammar`.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import getpass
import json
import logging
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path

from practitioner import __version__, cli_privacy
from practitioner.cli_grammar import PROGRAM, Records, parsed
from practitioner.content.errors import ContentError
from practitioner.content.reference import load_reference
from practitioner.db.backup import opened_file
from practitioner.db.cipher import (
    DATABASE_ERRORS,
    PASSPHRASE_ENV,
    is_encrypted,
    passphrase_from_env,
)
from practitioner.db.connection import (
    close_database,
    inspect_file,
    open_damaged_read_only,
    open_read_only,
    open_sqlite,
)
from practitioner.db.errors import known_error
from practitioner.db.header import has_backups
from practitioner.db.migrate import known_migrations
from practitioner.db.server import (
    SCHEMES,
    ClinicDatabase,
    connect_postgres,
    connection_settings,
    open_postgres,
    server_health,
)
from practitioner.disk_space import disk_full_error, no_space_errno
from practitioner.domain.audit import AuditAction
from practitioner.domain.demo_scale import Size
from practitioner.domain.demo_sessions import DEMO_PRACTITIONER
from practitioner.domain.passphrase import MAX_PASSPHRASE_FILE_BYTES, passphrase_in_file
from practitioner.domain.patient import Condition
from practitioner.domain.reference_flags import CONDITION_ENTRIES, Flag
from practitioner.domain.report_content import ReportData, ReportKind, default_letter_body
from practitioner.domain.spelling import fold
from practitioner.errors import ErrorKind, KnownError
from practitioner.exit_codes import ExitCode, exit_code_for
from practitioner.logs import current_log_file, setup_logging
from practitioner.paths import data_dir, default_database_path
from practitioner.process_privacy import protect_process
from practitioner.services.audit import AuditService, os_user
from practitioner.services.backups import BackupService
from practitioner.services.csv_export import export_csv
from practitioner.services.datasets import generate_dataset
from practitioner.services.demo import fill_demo
from practitioner.services.drafts import DraftService, LocalDrafts
from practitioner.services.export import export_json
from practitioner.services.files import write_files_atomically
from practitioner.services.letters import LetterService
from practitioner.services.outcomes import OutcomeService
from practitioner.services.patients import PatientService
from practitioner.services.preferences import saved_preferences
from practitioner.services.record_import import import_file
from practitioner.services.reference import ReferenceService, SearchHit
from practitioner.services.reports import ReportService
from practitioner.services.security import SecurityService
from practitioner.services.sessions import SessionService
from practitioner.services.settings_file import ini_setting
from practitioner.terminal import escaped_output, one_line

log = logging.getLogger(__name__)

EXIT_OK = ExitCode.OK
EXIT_FAILURE = ExitCode.FAILED
EXIT_BUG = ExitCode.BUG

PdfWriter = Callable[[ReportData, Path], bytes]  # writes the PDF, returns its bytes
# Holds the one-instance lock on a records file for a `with` block (practitioner.reporting
# passes practitioner.instance_lock.held; cli itself may not import Qt).
InstanceLock = Callable[[Path], AbstractContextManager[object]]
# Commands that write to the records file take the instance lock first.
# (`backup` only reads, through the online backup API, so it may run beside the app.)
WRITING_COMMANDS = frozenset({"demo", "import", "restore", "purge", "encrypt",
                              "change-passphrase"})
SIDE_FILES = ("-wal", "-shm", "-journal")  # SQLite's companions of a records file
BenchRunner = Callable[[str, int, bool], str]  # (size, seed, json) → the text to print


def _db_location(text: str) -> Path | str:
    """A records file's path, or a clinic server's URL (kept as text)."""
    if text.startswith(tuple(f"{scheme}://" for scheme in SCHEMES)):
        return text
    return Path(text)


def condition_named(name: str) -> Condition:
    """The condition a typed name stands for: its code, its entry's slug or its label
    ("liver_cirrhosis", "liver-cirrhosis", "Liver cirrhosis"). Raises KnownError."""
    wanted = "_".join(fold(name).replace("-", " ").replace("/", " ").split())
    for condition in Condition:
        names = {
            condition.value,
            CONDITION_ENTRIES[condition].replace("-", "_"),
            "_".join(fold(condition.label).replace("/", " ").split()),
        }
        if wanted in names:
            return condition
    known = ", ".join(c.value for c in Condition)
    raise KnownError(ErrorKind.NOT_FOUND, f"There is no condition “{name}”; use one of: {known}.")


def _hit_dict(rank: int, hit: SearchHit) -> dict[str, object]:
    return {"rank": rank, "slug": hit.slug, "title": hit.title, "kind": hit.kind,
            "snippet": hit.snippet}


def _flag_dict(flag: Flag) -> dict[str, object]:
    return {"entry": flag.entry, "title": flag.title, "level": flag.level,
            "reason": flag.reason, "key": flag.key}


def _reference(args: argparse.Namespace) -> str:
    """Seed the library into the open records file, then answer a reference command."""
    library = ReferenceService()
    library.seed(load_reference(args.library))
    if args.command == "reference":
        query = " ".join(args.query)
        hits = library.search(query, limit=args.limit)
        if args.json:
            return json.dumps([_hit_dict(n, h) for n, h in enumerate(hits, 1)],
                              ensure_ascii=False, indent=2)
        if not hits:
            return f"No entries match “{query}”."
        return "\n".join(f"{h.slug}  {h.title} ({h.kind})\n    {h.snippet}" for h in hits)
    if args.patient is not None:
        found = library.flags_for_patient(args.patient)
    else:
        conditions = [condition_named(name) for name in args.condition]
        found = library.flags_for(args.medication, conditions)
    if args.json:
        return json.dumps([_flag_dict(f) for f in found], ensure_ascii=False, indent=2)
    if not found:
        return "No flags."
    return "\n".join(f"[{f.level.upper()}] {f.title} ({f.entry}): {f.reason}" for f in found)


def _report(args: argparse.Namespace, patients: PatientService,
            pdf_writer: PdfWriter | None, audit: AuditService) -> str:
    """Write the report PDF; returns the line to print."""
    kind = ReportKind(args.kind)
    # A progress report names the library's entry on judging a treatment, when it is there.
    reference = ReferenceService(patients=patients)
    if kind is ReportKind.REFERRAL:
        reference.seed(load_reference(args.library))
    service = ReportService(patients, SessionService(), OutcomeService(), reference)
    prefs = saved_preferences(data_dir() / "settings.ini")  # the letterhead, as the window's
    practice = args.practice or prefs.practice_name
    practitioner = args.practitioner or prefs.signature()
    if kind is ReportKind.TAKE_HOME:
        data = service.build_take_home(args.patient, args.session, practice=practice,
                                       practitioner=practitioner,
                                       letterhead=prefs.letterhead_lines())
    else:
        data = service.build(args.patient, kind, practice=practice,
                             practitioner=practitioner, letterhead=prefs.letterhead_lines(),
                             recipient=args.to)
    if pdf_writer is None:
        raise KnownError(ErrorKind.CANNOT_OPEN, "This build has no PDF renderer; run "
                         "“python -m practitioner report …” instead.")
    pdf = pdf_writer(data, args.out)
    audit.record_access(AuditAction.REPORT, [args.patient], f"{kind.value} pdf")
    if not kind.kept_as:
        return f"Wrote {args.out}."
    author = args.practitioner or prefs.practitioner_name or getpass.getuser()
    LetterService(user=lambda: author, audit=audit).keep(
        args.patient, data.recipient, data.letter_body or default_letter_body(data), pdf,
        entity=kind.kept_as)
    what = "sheet" if kind is ReportKind.TAKE_HOME else "letter"
    return f"Wrote {args.out} and kept the {what} in patient {args.patient}'s record."


def _import(args: argparse.Namespace, audit: AuditService,
            backups: BackupService | None) -> str:
    """Import the export `args.file` (a records file is backed up first, once the export
    is known to be valid; a clinic server is the administrator's to back up); returns the
    line to print. Raises KnownError with one line naming what is wrong: JSON line and
    column, or the offending element's path."""
    made: list[Path] = []
    before = (lambda: made.append(backups.before("import").path)) if backups is not None \
        else (lambda: None)
    result = import_file(args.file, args.on_duplicate, audit=audit, before_write=before)
    backed_up = f" Backed up first to {made[0]}." if made else ""
    return f"Imported {result.imported} patients from {args.file}; skipped " \
        f"{result.skipped} already present.{backed_up}"


def _first_line(file: Path) -> str:
    """The passphrase in `file` (its first line). Raises KnownError(PASSPHRASE) naming
    the file when it holds none that can be used."""
    with file.open("rb") as handle:
        text, problem = passphrase_in_file(handle.read(MAX_PASSPHRASE_FILE_BYTES + 1))
    if problem:
        raise KnownError(ErrorKind.PASSPHRASE, f"The passphrase file {file} cannot be used: "
                         f"{problem}. Put the passphrase alone on its first line.")
    return text


def _ask_hidden(prompt: str, path: Path) -> str:
    """A passphrase typed at the terminal; never echoed, never read from a pipe."""
    if not sys.stdin.isatty():
        raise KnownError(ErrorKind.PASSPHRASE,
                         f"{path} is encrypted: give its passphrase with --passphrase-file "
                         f"FILE or ${PASSPHRASE_ENV}.")
    return getpass.getpass(prompt)


def _passphrase(args: argparse.Namespace, path: Path) -> str | None:
    """The passphrase for `path`: from --passphrase-file, the environment, or the
    terminal when the file is encrypted. Never from a settings file."""
    if args.passphrase_file is not None:
        return _first_line(args.passphrase_file)
    given = passphrase_from_env()
    if given is not None or not is_encrypted(path):
        return given
    return _ask_hidden(f"Passphrase for {path}: ", path)


def _new_passphrase(args: argparse.Namespace, path: Path) -> tuple[str, str]:
    """The new passphrase and its confirmation, from --new-passphrase-file or typed."""
    if args.new_passphrase_file is not None:
        new = _first_line(args.new_passphrase_file)
        return new, new
    return (_ask_hidden("New passphrase: ", path),
            _ask_hidden("New passphrase again: ", path))


def _change_passphrase(args: argparse.Namespace, path: Path, current: str | None) -> str:
    if current is None or not is_encrypted(path):
        raise KnownError(ErrorKind.PASSPHRASE, f"{path} is not encrypted; use “encrypt”.")
    done = SecurityService().change_passphrase(current, *_new_passphrase(args, path))
    return "\n".join(filter(None, [f"Changed the passphrase of {path}.", done.report()]))


def _encrypt(args: argparse.Namespace, path: Path) -> str:
    drafts = DraftService(local=LocalDrafts(data_dir() / "drafts"))
    return SecurityService(drafts).encrypt(*_new_passphrase(args, path)).report()


def _check(path: Path, passphrase: str | None) -> str:
    """Every page, index and link, the schema, then the audit trail: all read-only."""
    state = inspect_file(path, full_check=True, passphrase=passphrase)
    latest = max((m.idx for m in known_migrations()), default=0)
    if state.user_version != latest:
        return f"ok: {path}: integrity ok, schema version {state.user_version} of " \
            f"{latest}; it will be upgraded (and its audit trail verified) when next opened"
    open_read_only(path, passphrase=passphrase)
    try:
        trail = AuditService().verify()
    finally:
        close_database()
    if trail.broken is not None:
        raise KnownError(ErrorKind.AUDIT_BROKEN, f"{path}: every page is whole, but the audit "
                         f"trail is broken at row {trail.broken.seq}: {trail.broken.reason}.")
    return f"ok: {path}: integrity ok, audit trail intact ({trail.rows} entries), " \
        f"schema version {state.user_version} of {latest}"


def _demo_dataset(args: argparse.Namespace) -> str:
    if args.db is None:
        raise KnownError(ErrorKind.CANNOT_OPEN, "demo --size needs --db NEW_FILE.")
    made = generate_dataset(Path(args.db), Size[args.size].value, args.seed,
                            progress=lambda text: print(text, file=sys.stderr))
    return f"Built dataset {made.size} in {made.path}: {made.patients} patients, " \
        f"{made.sessions} treatment sessions, {made.diary_days} diary days."


def _audit_export(audit: AuditService, patients: PatientService,
                  args: argparse.Namespace) -> None:
    """One audit entry per exported patient, once the export was written."""
    ids = [args.patient] if args.patient is not None else [
        p.id for p in patients.list_patients(include_archived=True)
    ]
    audit.record_access(AuditAction.EXPORT, ids, f"{args.format} via command line")


def _backup(path: Path, folder: Path | None, passphrase: str | None) -> Path:
    """Back up the records file without opening it for writing (no migration); returns
    the backup made."""
    inspect_file(path, passphrase=passphrase)
    with opened_file(path, read_only=True, passphrase=passphrase) as source:
        backups = BackupService(path, source=lambda: source, passphrase=passphrase)
        backups.configure(saved_preferences(data_dir() / "settings.ini"))  # as the window
        made = backups.back_up("manual", folder)
    return made.path


def _restore(path: Path, backup: Path, passphrase: str | None) -> str:
    done = BackupService(path, passphrase=passphrase).restore(backup, reopen=False)
    kept = f"; the previous file was kept as {done.set_aside}" if done.set_aside else ""
    return f"Restored {path} from the backup taken on {done.restored.when_text}{kept}."


def _restore_hint(args: argparse.Namespace, exc: KnownError) -> str:
    """For damaged records: the newest verified backup, and the command restoring it."""
    path = default_database_path() if args.db is None else _db_location(args.db)
    if exc.kind is not ErrorKind.DAMAGED or isinstance(path, str) or args.command == "restore":
        return ""
    try:
        newest = BackupService(path, passphrase=passphrase_from_env()).newest_verified()
    except (KnownError, OSError):
        return ""
    if newest is None:
        return ""
    return f" The newest verified backup is {newest.path} (taken on {newest.when_text}): " \
        f"restore it with “restore {newest.path}”."


# Commands that can do their work on records opened read-only (what they add to them, an
# audit entry or a kept letter, is then left out and said so).
_READ_ONLY_CAPABLE = ("export", "report")


def _open_for(command: str, path: Path, passphrase: str | None) -> KnownError | None:
    """Open the records; export and report may read a damaged file, or records whose
    audit trail was tampered with, read-only, and then get the problem back. Nothing is
    written to either (`audit` reads the trail itself: that is what it is for)."""
    try:
        open_sqlite(path, passphrase=passphrase)
        if command != "audit":
            AuditService().refuse_if_broken(path.name)
    except KnownError as exc:
        close_database()
        if command not in _READ_ONLY_CAPABLE:
            raise
        open_damaged_read_only(path, exc)
        return exc
    return None


def _clinic_load(args: argparse.Namespace) -> int:
    """`bench --clinic URL`: the load test; exit 1 unless every check passed."""
    from practitioner.bench.clinic_load import run_clinic_load

    result = run_clinic_load(args.clinic, workstations=args.workstations,
                             seconds=float(args.seconds), seed=args.seed,
                             patients=args.patients)
    if args.json:
        print(json.dumps({**dataclasses.asdict(result), "passed": result.passed}))
    else:
        print(result.table())
    return EXIT_OK if result.passed else EXIT_FAILURE


# What a clinic server does otherwise: backups with pg_dump, no file to encrypt.
_NOT_ON_A_SERVER = {
    "backup": "back up a clinic server with pg_dump -Fc (README, Clinic mode)",
    "restore": "restore a clinic server with pg_restore (README, Clinic mode)",
    "encrypt": "a clinic server's connection is encrypted with sslmode; its disks are the "
    "server administrator's to encrypt",
    "change-passphrase": "a clinic server has no passphrase; its roles have passwords",
    "bench": "the benchmarks run on a records file",
}


def _server_password(url: str, attempt: Callable[[str | None], object]) -> None:
    """Run `attempt` with the password from $PGPASSWORD (or none: the server may trust
    this computer, or libpq finds it in ~/.pgpass); when the server asks for one and a
    terminal is there, ask for it, unechoed. Never from a settings file."""
    given = os.environ.get("PGPASSWORD") or None
    try:
        attempt(given)
    except KnownError as exc:
        if exc.kind is not ErrorKind.AUTH_FAILED or given is not None \
                or not sys.stdin.isatty():
            raise
        shown, _ = connection_settings(url)
        attempt(getpass.getpass(f"Password for {shown}: "))


def _check_server(url: str) -> int:
    """`check` on a clinic server: its durability settings, schema and audit protection."""
    opened: list[ClinicDatabase] = []
    _server_password(url, lambda password: opened.append(connect_postgres(url, password)))
    db = opened[0]
    try:
        health = server_health(db)
    finally:
        db.close()
    for note in health.notes:
        print(f"note: {note}", file=sys.stderr)
    if health.warnings:
        for warning in health.warnings:
            print(f"warning: {warning}", file=sys.stderr)
        return EXIT_FAILURE
    settings = ", ".join(f"{name} {value}" for name, value in health.settings.items())
    print(f"ok: {health.safe_url}: durability settings on ({settings}), audit trail "
          f"protected, schema version {health.schema_version} of {health.latest}")
    return EXIT_OK


def _run_on_server(args: argparse.Namespace, url: str,
                   pdf_writer: PdfWriter | None) -> int:
    """A command against the clinic server at `url` (the instance lock is for files: a
    server is shared on purpose)."""
    if args.command == "check":
        return _check_server(url)
    refused = _NOT_ON_A_SERVER.get(args.command)
    if args.command == "demo" and args.size is not None:
        refused = "demo --size builds a new records file"
    if args.command == "purge" and args.force_after_retention:
        refused = "erasing a patient is not yet supported on a clinic server"
    if refused is not None:
        raise KnownError(ErrorKind.CANNOT_OPEN, f"“{args.command}” is for a records file: "
                         f"{refused}.")
    _server_password(url, lambda password: open_postgres(url, password))
    try:
        return _on_open_records(args, connection_settings(url)[0], pdf_writer, None)
    finally:
        close_database()


def _has_records(path: Path) -> bool:
    """Whether something is at `path` that a command should open rather than make (an
    empty file is where a new one may be made, unless backups of it lie beside it: then
    it is records that were emptied, and opening says they are damaged)."""
    if not path.exists():
        return False
    return not (path.is_file() and path.stat().st_size == 0) or has_backups(path)


def _removed_unless_done(path: Path, command: Callable[[], int]) -> int:
    """Run `command`, which may make the records file at `path`: if it made it (and maybe
    its folders and backups/) but then failed, remove what it made."""
    if _has_records(path):
        return command()
    folders = [folder for folder in (path.parent, *path.parent.parents) if not folder.exists()]
    backups = path.parent / "backups"
    had_backups, was_empty_file = backups.exists(), path.is_file()
    code: int = ExitCode.BUG
    try:
        code = command()
        return code
    finally:
        if code != ExitCode.OK:
            close_database()
            for made in (path, *(path.with_name(path.name + side) for side in SIDE_FILES)):
                with contextlib.suppress(OSError):
                    if made == path and was_empty_file:
                        os.truncate(path, 0)
                    else:
                        made.unlink(missing_ok=True)
            if not had_backups and backups.is_dir():
                shutil.rmtree(backups, ignore_errors=True)
            for folder in folders:
                with contextlib.suppress(OSError):
                    folder.rmdir()


def _run(args: argparse.Namespace, pdf_writer: PdfWriter | None = None,
         lock: InstanceLock | None = None, bench: BenchRunner | None = None) -> int:
    if args.command == "bench" and args.clinic:
        return _clinic_load(args)
    location = default_database_path() if args.db is None else _db_location(args.db)
    if isinstance(location, str):
        return _run_on_server(args, location, pdf_writer)
    _refuse_devices(args, location)
    if location.is_dir():
        raise KnownError(ErrorKind.CANNOT_OPEN, f"{location} is a folder, not a records "
                         "file: give the records file's own path with --db.")
    needed = args.records is Records.EXISTING or (
        args.records is Records.OPTIONAL and getattr(args, "patient", None) is not None)
    if args.records is Records.OPTIONAL and not needed and not _has_records(location):
        # The reference library needs a database to search in, not the practitioner's.
        with tempfile.TemporaryDirectory(prefix="cramp-reference-") as scratch:
            return _run_on_file(args, Path(scratch) / "reference.db", pdf_writer, lock, bench)
    if needed and not _has_records(location):
        empty = " (the file there is empty)" if location.is_file() else ""
        raise KnownError(ErrorKind.MISSING, f"There is no records file at {location}{empty}.")
    if args.records is Records.MAKES:
        path = location
        return _removed_unless_done(
            path, lambda: _run_on_file(args, path, pdf_writer, lock, bench))
    return _run_on_file(args, location, pdf_writer, lock, bench)


def _refuse_devices(args: argparse.Namespace, records: Path) -> None:
    """Refuse a device (`/dev/zero`, a terminal) given as the records or any file, and
    anything but a plain file as --out: reading one never ends, and writing the export
    beside it and renaming would replace the device itself."""
    for name, value in (("db", records), *vars(args).items()):
        if not isinstance(value, Path):
            continue
        try:
            mode = value.stat().st_mode
        except (OSError, ValueError):
            continue  # missing or unreadable: the command says so itself
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) or (
                name == "out" and not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))):
            raise KnownError(ErrorKind.CANNOT_OPEN, f"{value} is a device or pipe, not a "
                             "file. Nothing was changed.")


def _refuse_writing_over(out: Path | None, records: Path) -> None:
    """Refuse an output file that is the records file or one of its companions: writing
    there would replace the records."""
    if out is None:
        return
    for kept in (records, *(records.with_name(records.name + side) for side in SIDE_FILES)):
        same = out.resolve() == kept.resolve() or (
            out.exists() and kept.exists() and os.path.samefile(out, kept))
        if same:
            raise KnownError(ErrorKind.CANNOT_OPEN, f"{out} is the records file {kept.name}; "
                             "write to another file. Nothing was changed.")


def _run_on_file(args: argparse.Namespace, path: Path, pdf_writer: PdfWriter | None,
                 lock: InstanceLock | None, bench: BenchRunner | None) -> int:
    """Run a command on the records file at `path`."""
    # "encrypt" opens the plain file as it is; the passphrase given is the new one.
    passphrase = None if args.command == "encrypt" or args.records is Records.NONE \
        else _passphrase(args, path)
    _refuse_writing_over(getattr(args, "out", None), path)
    if args.command == "check":
        line = _check(path, passphrase)
        print(json.dumps({"ok": True, "path": str(path), "message": line},
                         ensure_ascii=False) if args.json else line)
        return EXIT_OK
    if args.command == "demo" and args.size is not None:
        print(_demo_dataset(args))
        return EXIT_OK
    if args.command == "bench":
        if bench is None:
            raise KnownError(ErrorKind.CANNOT_OPEN, "This build has no benchmark runner; run "
                             "“python -m practitioner bench …” instead.")
        print(bench(args.size, args.seed, args.json))
        return EXIT_OK
    holding = lock(path) if lock is not None and args.command in WRITING_COMMANDS \
        else contextlib.nullcontext()
    with holding:
        if args.command == "backup":
            made = _backup(path, args.to, passphrase)
            line = f"Backed up {path} to {made}."
            print(json.dumps({"ok": True, "path": str(path), "backup": str(made),
                              "message": line}, ensure_ascii=False) if args.json else line)
            return EXIT_OK
        if args.command == "restore":
            print(_restore(path, args.file, passphrase))
            return EXIT_OK
        return _run_on_open_records(args, path, pdf_writer, passphrase)


def _run_on_open_records(args: argparse.Namespace, path: Path,
                         pdf_writer: PdfWriter | None, passphrase: str | None) -> int:
    damage = _open_for(args.command, path, passphrase)
    try:
        code = _on_open_records(args, path, pdf_writer, passphrase)
    except Exception as exc:
        # On damaged records anything read may be garbage (a date that is text, a row
        # missing from its index): whatever fails, that part cannot be read.
        if damage is None:
            raise
        kind = exc.kind if isinstance(exc, KnownError) else damage.kind
        raise KnownError(kind, f"{damage.message} It was opened read-only, but the "
                         "part this command needs cannot be read.") from exc
    finally:
        close_database()
    if damage is not None:
        print(f"warning: {damage.message} It was read read-only; what was written is "
              "what could be read.", file=sys.stderr)
    return code


def _on_open_records(args: argparse.Namespace, path: Path | str,
                     pdf_writer: PdfWriter | None, passphrase: str | None) -> int:
    """Run a command that needs the records open (they are); returns the exit code.
    `path` is the records file, or the clinic server's URL (no password in it)."""
    # Entries name the same practitioner as the window does (settings.ini), else the
    # computer's user.
    name = ini_setting(data_dir() / "settings.ini", "practitioner/name")
    audit = AuditService(user=lambda: name or os_user())
    patients = PatientService(audit=audit)
    if args.command in cli_privacy.COMMANDS:
        code, text = cli_privacy.run(args, audit)
        print(text, file=sys.stdout if code == EXIT_OK else sys.stderr)
        return code
    if args.command == "demo":
        # Demo visits are signed by the demo practitioner who recorded them.
        sessions = SessionService(user=lambda: DEMO_PRACTITIONER)
        added = fill_demo(patients, args.patients, args.seed, sessions=sessions)
        print(f"Added {added.patients} demo patients with {added.sessions} treatment "
              f"sessions to {path}.")
    elif args.command == "export" and args.format == "csv":
        # The files take their names only once the audit entry is written.
        written = export_csv(patients, args.out, args.patient, SessionService(),
                             before_replace=lambda: _audit_export(audit, patients, args))
        print(f"Wrote {written[0]}, {written[1]} and the column descriptions {written[2]}.",
              file=sys.stderr)
    elif args.command == "export":
        text = export_json(patients, args.patient, SessionService())
        if args.out is None:
            _audit_export(audit, patients, args)
            sys.stdout.write(text)
        else:
            write_files_atomically([(args.out, text)],
                                   lambda: _audit_export(audit, patients, args))
            print(f"Wrote {args.out}.", file=sys.stderr)
    elif args.command == "import":
        backups = BackupService(path, passphrase=passphrase) if isinstance(path, Path) \
            else None
        print(_import(args, audit, backups), file=sys.stderr)
    elif args.command == "encrypt" and isinstance(path, Path):
        print(_encrypt(args, path), file=sys.stderr)
    elif args.command == "change-passphrase" and isinstance(path, Path):
        print(_change_passphrase(args, path, passphrase), file=sys.stderr)
    elif args.command == "report":
        print(_report(args, patients, pdf_writer, audit), file=sys.stderr)
    elif args.command in ("reference", "flags"):
        print(_reference(args))
    return EXIT_OK


def main(argv: Sequence[str] | None = None, *, pdf_writer: PdfWriter | None = None,
         lock: InstanceLock | None = None, bench: BenchRunner | None = None,
         prog: str = PROGRAM) -> int:
    """Run one command; returns the process exit code (see practitioner.exit_codes).

    `pdf_writer` renders a report to a PDF file. The command line never imports Qt, so
    the caller wires one in (`practitioner.reporting.cli_main`, behind `python -m
    practitioner`); without it the `report` command fails with a one-line message.
    `lock` likewise holds the one-instance lock around the commands that write, and
    `bench` runs the benchmarks (which need Qt too).
    """
    args = parsed(argv, prog)
    if isinstance(args, int):
        return args
    return run(args, pdf_writer=pdf_writer, lock=lock, bench=bench)


def run(args: argparse.Namespace, *, pdf_writer: PdfWriter | None = None,
        lock: InstanceLock | None = None, bench: BenchRunner | None = None) -> int:
    """Run the parsed command (see `main`); every failure ends in one line on stderr and
    an exit code from practitioner.exit_codes, never in a traceback."""
    protect_process()
    setup_logging(verbose=args.verbose, warnings_to_stderr=False)
    log.info("command line %s: %s", __version__, args.command)
    if not logging.getLogger().handlers:
        # Log lines are for a log file (when one is set up), not the terminal: without a
        # handler, logging would print warnings and a bug's traceback to stderr.
        logging.getLogger().addHandler(logging.NullHandler())
    with escaped_output():
        try:
            return _run(args, pdf_writer, lock, bench)
        except KnownError as exc:
            return _failed(args, exc.message + _restore_hint(args, exc),
                           exit_code_for(exc.kind), exc.kind.value)
        except ContentError as exc:
            return _failed(args, f"the reference library cannot be loaded: {exc}",
                           ExitCode.FAILED, "content")
        except BrokenPipeError:
            _quiet_stdout()  # the reader stopped early (`… | head`): nothing to say
            return ExitCode.FAILED
        except OSError as exc:
            if no_space_errno(exc):
                full = Path(exc.filename) if isinstance(exc.filename, str) else Path.cwd()
                return _failed(args, disk_full_error(full, "write the file").message,
                               exit_code_for(ErrorKind.DISK_FULL), ErrorKind.DISK_FULL.value)
            return _failed(args, f"{exc.strerror or exc} ({exc.filename or 'file'})",
                           ExitCode.FAILED, "file")
        except DATABASE_ERRORS as exc:
            # A read that meets damage the open-time check could not see (text that is
            # not UTF-8 in a row): the driver's error names it. Any other is a bug.
            known = known_error(exc)
            if known is None:
                return _bug(args, exc)
            return _failed(args, known.message + _restore_hint(args, known),
                           exit_code_for(known.kind), known.kind.value)
        except Exception as exc:  # a bug: its details go to the log, never to the terminal
            return _bug(args, exc)


def _bug(args: argparse.Namespace, exc: Exception) -> int:
    """Say a bug stopped the command; its details go to the log, never to the terminal."""
    log.error("unexpected failure", exc_info=exc)  # types and places only (practitioner.logs)
    log_file = current_log_file()
    return _failed(args, f"unexpected failure ({type(exc).__name__}); please report it"
                   + (f" with the log file {log_file}." if log_file else "."),
                   ExitCode.BUG, "bug")


def _quiet_stdout() -> None:
    """Point stdout at nothing, so what is still buffered cannot fail again at exit."""
    if sys.__stdout__ is not None:
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.__stdout__.fileno())


def _failed(args: argparse.Namespace, message: str, code: ExitCode, kind: str) -> int:
    """Say why the command failed, on its one line (and as JSON under --json)."""
    if getattr(args, "json", False):
        print(json.dumps({"ok": False, "error": kind, "message": message},
                         ensure_ascii=False))
    print(f"error: {one_line(message)}", file=sys.stderr)
    return code
