"""Headless commands over the same services as the GUI: demo, export, report, check,
reference search and flags.

Every failure ends in one line on stderr and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path

from practitioner import __version__
from practitioner.content.errors import ContentError
from practitioner.content.reference import load_reference
from practitioner.db.backup import opened_file
from practitioner.db.connection import (
    close_database,
    inspect_file,
    open_damaged_read_only,
    open_sqlite,
)
from practitioner.db.migrate import known_migrations
from practitioner.domain.demo_sessions import DEMO_PRACTITIONER
from practitioner.domain.patient import Condition
from practitioner.domain.record_schema import DocumentError, parse_document
from practitioner.domain.reference_flags import CONDITION_ENTRIES, Flag
from practitioner.domain.report_content import ReportData, ReportKind
from practitioner.domain.spelling import fold
from practitioner.errors import ErrorKind, KnownError
from practitioner.paths import default_database_path
from practitioner.services.backups import BackupService
from practitioner.services.csv_export import export_csv
from practitioner.services.demo import fill_demo
from practitioner.services.export import export_json
from practitioner.services.outcomes import OutcomeService
from practitioner.services.patients import PatientService
from practitioner.services.record_import import import_document
from practitioner.services.reference import ReferenceService, SearchHit
from practitioner.services.reports import ReportService
from practitioner.services.sessions import SessionService

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_BUG = 70

PdfWriter = Callable[[ReportData, Path], None]
# Holds the one-instance lock on a records file for a `with` block (practitioner.reporting
# passes practitioner.instance_lock.held; cli itself may not import Qt).
InstanceLock = Callable[[Path], AbstractContextManager[object]]
# Commands that write to the records file take the instance lock first.
# (`backup` only reads, through the online backup API, so it may run beside the app.)
WRITING_COMMANDS = frozenset({"demo", "import", "restore"})


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The command-line grammar."""
    parser = argparse.ArgumentParser(
        prog="python -m practitioner",
        description="Cramp Practitioner records from the command line.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--db",
        type=Path,
        default=None,
        help=f"records file to use (default: {default_database_path()})",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = commands.add_parser(
        "demo",
        help="add deterministic synthetic patients, their treatment sessions and outcomes",
    )
    demo.add_argument("--patients", type=_positive, default=40, help="how many (default 40)")
    demo.add_argument("--seed", type=int, default=1, help="random seed (default 1)")

    export = commands.add_parser(
        "export", help="write patient records with their sessions, diary and progress"
    )
    export.add_argument(
        "--format", choices=["json", "csv"], required=True,
        help="json: one whole-record document; csv: two spreadsheet-safe files, "
        "<stem>-sessions.csv (one row per visit, a column per measure) and "
        "<stem>-diary.csv (one row per diary day), both beside --out",
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


def _write_atomically(path: Path, text: str) -> None:
    """Write `text` to `path` via a temporary file, so a failure never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _report(args: argparse.Namespace, patients: PatientService,
            pdf_writer: PdfWriter | None) -> str:
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
    pdf_writer(data, args.out)
    return f"Wrote {args.out}."


def _import(args: argparse.Namespace, backups: BackupService) -> str:
    """Import the export `args.file`; returns the line to print. Raises KnownError with
    one line naming what is wrong: JSON line and column, or the offending element's path."""
    name = args.file
    try:
        text = args.file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise KnownError(ErrorKind.FOREIGN, f"{name} is not UTF-8 text.") from None
    try:
        document = parse_document(text)
    except json.JSONDecodeError as exc:
        raise KnownError(ErrorKind.FOREIGN, f"{name} is not valid JSON (line {exc.lineno}, "
                         f"column {exc.colno}: {exc.msg}); nothing was imported.") from None
    except (ValueError, RecursionError) as exc:
        raise KnownError(ErrorKind.FOREIGN, f"{name} is not valid JSON ({exc}); nothing "
                         "was imported.") from None
    try:
        made: list[Path] = []
        result = import_document(document, args.on_duplicate,
                                 lambda: made.append(backups.before("import").path))
    except DocumentError as exc:
        kind = ErrorKind.TOO_NEW if exc.path == "$.format_version" else ErrorKind.FOREIGN
        raise KnownError(kind, f"{name} was refused at {exc.path}: {exc.reason}; nothing "
                         "was imported.") from None
    return f"Imported {result.imported} patients from {name}; skipped {result.skipped} " \
        f"already present. Backed up first to {made[0]}."


def _check(path: Path) -> str:
    state = inspect_file(path, full_check=True)
    if state.is_new:
        raise KnownError(ErrorKind.CANNOT_OPEN, f"There is no records file at {path}.")
    latest = max((m.idx for m in known_migrations()), default=0)
    note = "" if state.user_version == latest else "; it will be upgraded when next opened"
    return f"ok: {path}: integrity ok, schema version {state.user_version} of {latest}{note}"


def _backup(path: Path, folder: Path | None) -> str:
    """Back up the records file without opening it for writing (no migration)."""
    state = inspect_file(path)
    if state.is_new:
        raise KnownError(ErrorKind.NOT_FOUND, f"There is no records file at {path}.")
    with opened_file(path, read_only=True) as source:
        made = BackupService(path, source=lambda: source).back_up("manual", folder)
    return f"Backed up {path} to {made.path}."


def _restore(path: Path, backup: Path) -> str:
    done = BackupService(path).restore(backup, reopen=False)
    kept = f"; the previous file was kept as {done.set_aside}" if done.set_aside else ""
    return f"Restored {path} from the backup taken on {done.restored.when_text}{kept}."


def _open_for(command: str, path: Path) -> KnownError | None:
    """Open the records; export and report may read a damaged file read-only, and then
    get the damage back."""
    try:
        open_sqlite(path)
    except KnownError as exc:
        if command not in ("export", "report"):
            raise
        open_damaged_read_only(path, exc)
        return exc
    return None


def _run(args: argparse.Namespace, pdf_writer: PdfWriter | None = None,
         lock: InstanceLock | None = None) -> int:
    path: Path = args.db or default_database_path()
    if args.command == "check":
        print(_check(path))
        return EXIT_OK
    holding = lock(path) if lock is not None and args.command in WRITING_COMMANDS \
        else contextlib.nullcontext()
    with holding:
        if args.command == "backup":
            print(_backup(path, args.to))
            return EXIT_OK
        if args.command == "restore":
            print(_restore(path, args.file))
            return EXIT_OK
        return _run_on_open_records(args, path, pdf_writer)


def _run_on_open_records(args: argparse.Namespace, path: Path,
                         pdf_writer: PdfWriter | None) -> int:
    damage = _open_for(args.command, path)
    try:
        _on_open_records(args, path, pdf_writer)
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
    return EXIT_OK


def _on_open_records(args: argparse.Namespace, path: Path,
                     pdf_writer: PdfWriter | None) -> None:
    """Run a command that needs the records open (they are)."""
    patients = PatientService()
    if args.command == "demo":
        # Demo visits are signed by the demo practitioner who recorded them.
        sessions = SessionService(user=lambda: DEMO_PRACTITIONER)
        added = fill_demo(patients, args.patients, args.seed, sessions=sessions)
        print(f"Added {added.patients} demo patients with {added.sessions} treatment "
              f"sessions to {path}.")
    elif args.command == "export" and args.format == "csv":
        written = export_csv(patients, args.out, args.patient, SessionService())
        print(f"Wrote {written[0]} and {written[1]}.", file=sys.stderr)
    elif args.command == "export":
        text = export_json(patients, args.patient, SessionService())
        if args.out is None:
            sys.stdout.write(text)
        else:
            _write_atomically(args.out, text)
            print(f"Wrote {args.out}.", file=sys.stderr)
    elif args.command == "import":
        print(_import(args, BackupService(path)), file=sys.stderr)
    elif args.command == "report":
        print(_report(args, patients, pdf_writer), file=sys.stderr)
    elif args.command in ("reference", "flags"):
        print(_reference(args))


def main(argv: Sequence[str] | None = None, *, pdf_writer: PdfWriter | None = None,
         lock: InstanceLock | None = None) -> int:
    """Run one command; returns the process exit code.

    `pdf_writer` renders a report to a PDF file. The command line never imports Qt, so
    the caller wires one in (`practitioner.reporting.cli_main`, behind `python -m
    practitioner`); without it the `report` command fails with a one-line message.
    `lock` likewise holds the one-instance lock around the commands that write.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "export" and args.format == "csv" and args.out is None:
        parser.error("export --format csv needs --out FILE")
    if args.command == "flags" and (args.patient is None) == (
        not args.medication and not args.condition
    ):
        parser.error("flags needs either --patient, or --medication and --condition names")
    try:
        return _run(args, pdf_writer, lock)
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
