"""Headless commands over the same services as the GUI: demo, export, report, check,
reference search and flags, audit and purge.

Every failure ends in one line on stderr and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import getpass
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path

from practitioner import __version__, cli_privacy
from practitioner.content.errors import ContentError
from practitioner.content.reference import load_reference
from practitioner.db.backup import opened_file
from practitioner.db.cipher import PASSPHRASE_ENV, is_encrypted, passphrase_from_env
from practitioner.db.connection import (
    close_database,
    inspect_file,
    open_damaged_read_only,
    open_sqlite,
)
from practitioner.db.migrate import known_migrations
from practitioner.db.server import (
    SCHEMES,
    ClinicDatabase,
    connect_postgres,
    connection_settings,
    open_postgres,
    server_health,
)
from practitioner.domain.audit import AuditAction
from practitioner.domain.demo_scale import Size
from practitioner.domain.demo_sessions import DEMO_PRACTITIONER
from practitioner.domain.passphrase import MAX_PASSPHRASE_FILE_BYTES, passphrase_in_file
from practitioner.domain.patient import Condition
from practitioner.domain.reference_flags import CONDITION_ENTRIES, Flag
from practitioner.domain.report_content import ReportData, ReportKind, default_letter_body
from practitioner.domain.spelling import fold
from practitioner.errors import ErrorKind, KnownError
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
from practitioner.services.record_import import import_file
from practitioner.services.reference import ReferenceService, SearchHit
from practitioner.services.reports import ReportService
from practitioner.services.security import SecurityService
from practitioner.services.sessions import SessionService
from practitioner.services.settings_file import ini_setting

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_BUG = 70

PdfWriter = Callable[[ReportData, Path], bytes]  # writes the PDF, returns its bytes
# Holds the one-instance lock on a records file for a `with` block (practitioner.reporting
# passes practitioner.instance_lock.held; cli itself may not import Qt).
InstanceLock = Callable[[Path], AbstractContextManager[object]]
# Commands that write to the records file take the instance lock first.
# (`backup` only reads, through the online backup API, so it may run beside the app.)
WRITING_COMMANDS = frozenset({"demo", "import", "restore", "purge", "encrypt",
                              "change-passphrase"})
BenchRunner = Callable[[str, int, bool], str]  # (size, seed, json) → the text to print


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def _db_location(text: str) -> Path | str:
    """A records file's path, or a clinic server's URL (kept as text)."""
    if text.startswith(tuple(f"{scheme}://" for scheme in SCHEMES)):
        return text
    return Path(text)


def build_parser() -> argparse.ArgumentParser:
    """The command-line grammar."""
    parser = argparse.ArgumentParser(
        prog="python -m practitioner",
        description="Cramp Practitioner records from the command line.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--db",
        type=_db_location,
        default=None,
        help=f"records file to use (default: {default_database_path()}), or a clinic "
        "server: postgresql://USER@HOST/DBNAME?sslmode=require (the password from "
        "$PGPASSWORD, else asked for)",
    )
    parser.add_argument(
        "--passphrase-file", type=Path, default=None, metavar="FILE",
        help="read the passphrase of an encrypted records file from FILE (its first line); "
        f"else ${PASSPHRASE_ENV}, else it is asked for. A new file is created encrypted "
        "when a passphrase is given",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = commands.add_parser(
        "demo",
        help="add deterministic synthetic patients, their treatment sessions and outcomes",
    )
    demo.add_argument("--patients", type=_positive, default=40, help="how many (default 40)")
    demo.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    demo.add_argument("--size", choices=[s.name for s in Size], default=None,
                      help="instead of --patients: build a whole synthetic dataset into a "
                      "new --db file: S 300 patients, M 3,000 (40,000 visits), "
                      "L 100,000 (1,000,000 visits)")

    bench = commands.add_parser(
        "bench", help="measure start-up, search, open, save and memory against their targets"
    )
    bench.add_argument("--size", choices=[s.name for s in Size], default="M",
                       help="dataset size (default M; generated once, then cached)")
    bench.add_argument("--seed", type=int, default=1, help="dataset seed (default 1)")
    bench.add_argument("--json", action="store_true",
                       help="one JSON object per figure: name, median, p95, target, met")
    bench.add_argument("--clinic", metavar="URL", default=None,
                       help="instead: the clinic load test — simulated workstations on the "
                       "PostgreSQL server at URL (a role that may create a scratch database, "
                       "dropped afterwards), checking for lost updates and errors")
    bench.add_argument("--workstations", type=_positive, default=10,
                       help="with --clinic: how many workstations (processes; default 10)")
    bench.add_argument("--seconds", type=_positive, default=60,
                       help="with --clinic: how long they work (default 60)")
    bench.add_argument("--patients", type=_positive, default=300,
                       help="with --clinic: how many patients to make first (default 300)")

    export = commands.add_parser(
        "export", help="write patient records with their sessions, diary and progress"
    )
    export.add_argument(
        "--format", choices=["json", "csv"], required=True,
        help="json: one whole-record document; csv: spreadsheet-safe files beside --out, "
        "<stem>-sessions.csv (one row per visit, a column per measure and PSFS activity), "
        "<stem>-diary.csv (one row per diary day) and <stem>-dictionary.csv (each "
        "column's meaning, unit, range and source)",
    )
    export.add_argument("--patient", type=int, default=None, help="only this patient number")
    export.add_argument("--out", type=Path, default=None,
                        help="file to write (default stdout; csv needs it)")

    report = commands.add_parser(
        "report", help="write a patient's progress report or referral letter as PDF"
    )
    report.add_argument("--patient", type=int, required=True, help="the patient number")
    report.add_argument("--out", type=Path, required=True, help="the PDF file to write")
    report.add_argument("--kind", choices=["progress", "referral"], default="progress",
                        help="progress report (default) or referral letter")
    report.add_argument("--practice", default="", help="practice name for the header")
    report.add_argument("--practitioner", default="", help="name for the signature block")
    report.add_argument("--to", default="", metavar="NAME",
                        help="the physician a referral letter is addressed to")
    report.add_argument("--library", type=Path, default=None,
                        help="reference library folder to use instead of the shipped one")

    commands.add_parser("check", help="full check of the records file: every page and "
                        "index (integrity_check), every link (foreign_key_check), schema")

    backup = commands.add_parser(
        "backup", help="make a verified backup of the records file (online backup API)")
    backup.add_argument("--to", type=Path, default=None, metavar="DIR",
                        help="folder to write it to (default: backups/ beside the records, "
                        "with rotation)")

    restore = commands.add_parser(
        "restore", help="replace the records file by a backup; the current file is kept "
        "as <name>.before-restore (or <name>.damaged)")
    restore.add_argument("file", type=Path, metavar="FILE", help="the backup to restore")

    encrypt = commands.add_parser(
        "encrypt", help="encrypt a plain records file under a new passphrase; its backups "
        "are re-encrypted under it, and the plain original and local drafts overwritten and "
        "deleted"
    )
    encrypt.add_argument("--new-passphrase-file", type=Path, default=None, metavar="FILE",
                         help="read the new passphrase from FILE (its first line) instead "
                         "of asking twice")

    change = commands.add_parser(
        "change-passphrase", help="re-encrypt an encrypted records file under a new passphrase"
    )
    change.add_argument("--new-passphrase-file", type=Path, default=None, metavar="FILE",
                        help="read the new passphrase from FILE (its first line) instead of "
                        "asking twice")

    importing = commands.add_parser(
        "import", help="add the patients of a JSON export (all of them, or none on error)"
    )
    importing.add_argument("file", type=Path, metavar="FILE", help="a JSON export")
    importing.add_argument(
        "--on-duplicate", choices=["skip", "new"], default="skip",
        help="a patient with the same name and date of birth as one already here: "
        "skip it (default) or import it as a new patient",
    )

    library_help = "reference library folder to use instead of the shipped one"
    reference = commands.add_parser("reference", help="the reference library")
    actions = reference.add_subparsers(dest="action", required=True, metavar="ACTION")
    search = actions.add_parser("search", help="search titles, synonyms and texts")
    search.add_argument("query", nargs="+", metavar="QUERY", help="words to look for")
    search.add_argument("--limit", type=_positive, default=20, help="at most (default 20)")
    search.add_argument("--json", action="store_true", help="a JSON list, best first")
    search.add_argument("--library", type=Path, default=None, help=library_help)

    flags = commands.add_parser(
        "flags", help="what the reference library flags for a patient, or for medications "
        "and conditions"
    )
    flags.add_argument("--patient", type=int, default=None, help="a patient number")
    flags.add_argument("--medication", action="append", default=[], metavar="NAME",
                       help="a medication name, dose text allowed (repeatable)")
    flags.add_argument("--condition", action="append", default=[], metavar="NAME",
                       help="a condition code such as diabetes or pregnancy (repeatable)")
    flags.add_argument("--json", action="store_true", help="a JSON list, most urgent first")
    flags.add_argument("--library", type=Path, default=None, help=library_help)
    cli_privacy.add_commands(commands)
    return parser


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
    reference = None
    if kind is ReportKind.REFERRAL:
        reference = ReferenceService(patients=patients)
        reference.seed(load_reference(args.library))
    service = ReportService(patients, SessionService(), OutcomeService(), reference)
    data = service.build(args.patient, kind, practice=args.practice,
                         practitioner=args.practitioner, recipient=args.to)
    if pdf_writer is None:
        raise KnownError(ErrorKind.CANNOT_OPEN, "This build has no PDF renderer; run "
                         "“python -m practitioner report …” instead.")
    pdf = pdf_writer(data, args.out)
    audit.record_access(AuditAction.REPORT, [args.patient], f"{kind.value} pdf")
    if kind is not ReportKind.REFERRAL:
        return f"Wrote {args.out}."
    author = args.practitioner or getpass.getuser()
    LetterService(user=lambda: author, audit=audit).keep(
        args.patient, data.recipient, data.letter_body or default_letter_body(data), pdf)
    return f"Wrote {args.out} and kept the letter in patient {args.patient}'s record."


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
    state = inspect_file(path, full_check=True, passphrase=passphrase)
    if state.is_new:
        raise KnownError(ErrorKind.CANNOT_OPEN, f"There is no records file at {path}.")
    latest = max((m.idx for m in known_migrations()), default=0)
    note = "" if state.user_version == latest else "; it will be upgraded when next opened"
    return f"ok: {path}: integrity ok, schema version {state.user_version} of {latest}{note}"


def _demo_dataset(args: argparse.Namespace) -> str:
    if args.db is None:
        raise KnownError(ErrorKind.CANNOT_OPEN, "demo --size needs --db NEW_FILE.")
    made = generate_dataset(args.db, Size[args.size].value, args.seed,
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


def _backup(path: Path, folder: Path | None, passphrase: str | None) -> str:
    """Back up the records file without opening it for writing (no migration)."""
    state = inspect_file(path, passphrase=passphrase)
    if state.is_new:
        raise KnownError(ErrorKind.NOT_FOUND, f"There is no records file at {path}.")
    with opened_file(path, read_only=True, passphrase=passphrase) as source:
        made = BackupService(path, source=lambda: source,
                             passphrase=passphrase).back_up("manual", folder)
    return f"Backed up {path} to {made.path}."


def _restore(path: Path, backup: Path, passphrase: str | None) -> str:
    done = BackupService(path, passphrase=passphrase).restore(backup, reopen=False)
    kept = f"; the previous file was kept as {done.set_aside}" if done.set_aside else ""
    return f"Restored {path} from the backup taken on {done.restored.when_text}{kept}."


def _open_for(command: str, path: Path, passphrase: str | None) -> KnownError | None:
    """Open the records; export and report may read a damaged file read-only, and then
    get the damage back."""
    try:
        open_sqlite(path, passphrase=passphrase)
    except KnownError as exc:
        if command not in ("export", "report"):
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


def _run(args: argparse.Namespace, pdf_writer: PdfWriter | None = None,
         lock: InstanceLock | None = None, bench: BenchRunner | None = None) -> int:
    if args.command == "bench" and args.clinic:
        return _clinic_load(args)
    if isinstance(args.db, str):
        return _run_on_server(args, args.db, pdf_writer)
    path: Path = args.db or default_database_path()
    # "encrypt" opens the plain file as it is; the passphrase given is the new one.
    passphrase = None if args.command == "encrypt" else _passphrase(args, path)
    if args.command == "encrypt" and not path.is_file():
        raise KnownError(ErrorKind.CANNOT_OPEN, f"There is no records file at {path}.")
    if args.command == "check":
        print(_check(path, passphrase))
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
            print(_backup(path, args.to, passphrase))
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
    except KnownError as exc:
        if damage is None:
            raise
        raise KnownError(exc.kind, f"{damage.message} It was opened read-only, but the "
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
        written = export_csv(patients, args.out, args.patient, SessionService())
        _audit_export(audit, patients, args)
        print(f"Wrote {written[0]}, {written[1]} and the column descriptions {written[2]}.",
              file=sys.stderr)
    elif args.command == "export":
        text = export_json(patients, args.patient, SessionService())
        if args.out is None:
            sys.stdout.write(text)
        else:
            write_files_atomically([(args.out, text)])
        _audit_export(audit, patients, args)
        if args.out is not None:
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
         lock: InstanceLock | None = None, bench: BenchRunner | None = None) -> int:
    """Run one command; returns the process exit code.

    `pdf_writer` renders a report to a PDF file. The command line never imports Qt, so
    the caller wires one in (`practitioner.reporting.cli_main`, behind `python -m
    practitioner`); without it the `report` command fails with a one-line message.
    `lock` likewise holds the one-instance lock around the commands that write, and
    `bench` runs the benchmarks (which need Qt too).
    """
    protect_process()
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "export" and args.format == "csv" and args.out is None:
        parser.error("export --format csv needs --out FILE")
    if args.command == "flags" and (args.patient is None) == (
        not args.medication and not args.condition
    ):
        parser.error("flags needs either --patient, or --medication and --condition names")
    try:
        return _run(args, pdf_writer, lock, bench)
    except KnownError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return EXIT_FAILURE
    except ContentError as exc:
        print(f"error: the reference library cannot be loaded: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except OSError as exc:
        print(f"error: {exc.strerror or exc} ({exc.filename or 'file'})", file=sys.stderr)
        return EXIT_FAILURE
    except Exception as exc:
        log.exception("unexpected failure")
        print(f"error: unexpected failure ({type(exc).__name__}); please report it.",
              file=sys.stderr)
        return EXIT_BUG
