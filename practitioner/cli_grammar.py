"""The command line's grammar: subcommands, their options, and how each uses the records.

Kept apart from `practitioner.cli` so that `--help`, `--version` and usage errors answer
without loading the database layer, the services or Qt: this module imports only the
standard library and the light `errors`, `exit_codes` and `paths` modules.
"""

from __future__ import annotations

import argparse
import enum
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path

from practitioner import __version__
from practitioner.exit_codes import ExitCode
from practitioner.paths import default_database_path
from practitioner.terminal import escaped_output

PROGRAM = "cramp-practitioner-cli"  # the installed entry point; `python -m` passes its own
PASSPHRASE_VARIABLE = "CRAMP_PRACTITIONER_PASSPHRASE"  # = db.cipher.PASSPHRASE_ENV (a test)
SIZES = ("S", "M", "L")  # = domain.demo_scale.Size names (a test holds them equal)
SQLITE_MAX_INTEGER = 2**63 - 1


class Records(enum.Enum):
    """How a subcommand uses the records file at --db (each subcommand declares one)."""

    MAKES = "makes"  # may create it when there is none (and removes it again on failure)
    EXISTING = "existing"  # needs one: "there is no records file" otherwise
    # The reference library: a throwaway file when there is none, unless it is asked
    # about a patient (--patient), who can only be in the records.
    OPTIONAL = "optional"
    NONE = "none"  # does not open the records (bench)


def _number(low: int, high: int, what: str) -> Callable[[str], int]:
    """An argparse type: a whole number from `low` to `high`."""

    def parse(text: str) -> int:
        try:
            value = int(text.strip(), 10) if text.strip().isascii() else None
        except ValueError:
            value = None
        if value is None or not low <= value <= high:
            raise argparse.ArgumentTypeError(
                f"{text!r} is not {what}: a whole number from {low:,} to {high:,}")
        return value

    return parse


_patient = _number(1, SQLITE_MAX_INTEGER, "a patient number")
_session = _number(1, SQLITE_MAX_INTEGER, "a session number")
_seed = _number(0, SQLITE_MAX_INTEGER, "a seed")


def _text(text: str) -> str:
    """An argparse type: text that can name a file or a server (not empty, no NUL)."""
    if not text.strip() or "\0" in text:
        raise argparse.ArgumentTypeError("must not be empty" if "\0" not in text
                                         else "must not contain a NUL character")
    return text


def _server_url(text: str) -> str:
    """An argparse type: a server address, which must be text (a name given as bytes
    that are not UTF-8 reaches Python as lone surrogates, which no server can be sent)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise argparse.ArgumentTypeError("must be text: it holds bytes that are not "
                                         "UTF-8") from None
    return _text(text)


def _path(text: str) -> Path:
    return Path(_text(text))


def _anchor(text: str) -> tuple[int, str]:
    seq, _, digest = text.partition(":")
    if not (seq.isascii() and seq.isdigit()) or len(digest) != 64 \
            or int(seq) > SQLITE_MAX_INTEGER:
        raise argparse.ArgumentTypeError("expected SEQ:HASH as printed by `audit verify`")
    return int(seq), digest.lower()


def _command(commands: argparse._SubParsersAction,  # type: ignore[type-arg]
             name: str, summary: str, records: Records,
             details: str = "") -> argparse.ArgumentParser:
    """Add the subcommand `name`: `summary` in the overview, `summary` and `details` in its
    own --help, and how it uses the records."""
    parser: argparse.ArgumentParser = commands.add_parser(
        name, help=summary,
        description=f"{summary[0].upper()}{summary[1:]}." + (f" {details}" if details else ""),
    )
    parser.set_defaults(records=records)
    return parser


def _exit_codes() -> str:
    return "exit codes:\n" + "\n".join(
        textwrap.fill(code.meaning, 79, initial_indent=f"  {int(code):>2}  ",
                      subsequent_indent=" " * 6) for code in ExitCode)


def build_parser(prog: str = PROGRAM) -> argparse.ArgumentParser:
    """The command-line grammar."""
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Cramp Practitioner records from the command line.",
        epilog=_exit_codes(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--verbose", action="store_true",
                        help="write debug lines to the log file and to stderr")
    parser.add_argument(
        "--db",
        type=_text,
        default=None,
        help=f"records file to use (default: {default_database_path()}), or a clinic "
        "server: postgresql://USER@HOST/DBNAME?sslmode=require (the password from "
        "$PGPASSWORD, else asked for)",
    )
    parser.add_argument(
        "--passphrase-file", type=_path, default=None, metavar="FILE",
        help="read the passphrase of an encrypted records file from FILE (its first line); "
        f"else ${PASSPHRASE_VARIABLE}, else it is asked for. A new file is created "
        "encrypted when a passphrase is given",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = _command(
        commands, "demo",
        "add deterministic synthetic patients, their treatment sessions and outcomes",
        Records.MAKES, "Makes the records file when there is none.",
    )
    demo.add_argument("--patients", type=_number(1, 10_000, "a number of patients"),
                      default=40, help="how many (default 40; --size for more)")
    demo.add_argument("--seed", type=_seed, default=1, help="random seed (default 1)")
    demo.add_argument("--size", choices=SIZES, default=None,
                      help="instead of --patients: build a whole synthetic dataset into a "
                      "new --db file: S 300 patients, M 3,000 (40,000 visits), "
                      "L 100,000 (1,000,000 visits)")

    bench = _command(
        commands, "bench",
        "measure start-up, search, open, save and memory against their targets",
        Records.NONE, "Works on generated datasets, never on your records.",
    )
    bench.add_argument("--size", choices=SIZES, default="M",
                       help="dataset size (default M; generated once, then cached)")
    bench.add_argument("--seed", type=_seed, default=1, help="dataset seed (default 1)")
    bench.add_argument("--json", action="store_true",
                       help="one JSON object per figure: name, median, p95, target, met")
    bench.add_argument("--clinic", metavar="URL", type=_server_url, default=None,
                       help="instead: the clinic load test — simulated workstations on the "
                       "PostgreSQL server at URL (a role that may create a scratch database, "
                       "dropped afterwards), checking for lost updates and errors")
    bench.add_argument("--workstations", type=_number(1, 100, "a number of workstations"),
                       default=10,
                       help="with --clinic: how many workstations (processes; default 10)")
    bench.add_argument("--seconds", type=_number(1, 86_400, "a number of seconds"),
                       default=60, help="with --clinic: how long they work (default 60)")
    bench.add_argument("--patients", type=_number(1, 100_000, "a number of patients"),
                       default=300,
                       help="with --clinic: how many patients to make first (default 300)")

    export = _command(
        commands, "export", "write patient records with their sessions, diary and progress",
        Records.EXISTING, "The file appears only once the export and its audit entry "
        "succeeded.",
    )
    export.add_argument(
        "--format", choices=["json", "csv"], required=True,
        help="json: one whole-record document; csv: spreadsheet-safe files beside --out, "
        "<stem>-sessions.csv (one row per visit, a column per measure and PSFS activity), "
        "<stem>-diary.csv (one row per diary day) and <stem>-dictionary.csv (each "
        "column's meaning, unit, range and source)",
    )
    export.add_argument("--patient", type=_patient, default=None,
                        help="only this patient number")
    export.add_argument("--out", type=_path, default=None,
                        help="file to write (default stdout; csv needs it)")

    report = _command(
        commands, "report", "write a patient's progress report, referral letter or "
        "take-home sheet as PDF", Records.EXISTING,
        "A referral letter or take-home sheet is also kept in the patient's record.",
    )
    report.add_argument("--patient", type=_patient, required=True, help="the patient number")
    report.add_argument("--out", type=_path, required=True, help="the PDF file to write")
    report.add_argument("--kind", choices=["progress", "referral", "take-home"],
                        default="progress", help="progress report (default), referral "
                        "letter, or the patient's take-home sheet for a visit")
    report.add_argument("--session", type=_session, default=None, metavar="N",
                        help="the visit a take-home sheet is for (default: the latest)")
    report.add_argument("--practice", default="", help="practice name for the header "
                        "(default: the one set in Preferences)")
    report.add_argument("--practitioner", default="", help="name for the signature block "
                        "(default: the one set in Preferences)")
    report.add_argument("--to", default="", metavar="NAME",
                        help="the physician a referral letter is addressed to")
    report.add_argument("--library", type=_path, default=None,
                        help="reference library folder to use instead of the shipped one")

    check = _command(
        commands, "check", "full check of the records file: every page and index "
        "(integrity_check), every link (foreign_key_check), schema", Records.EXISTING,
        "Reads only; exit 0 when healthy.",
    )
    check.add_argument("--json", action="store_true",
                       help="one JSON object: ok, path, message")

    backup = _command(
        commands, "backup", "make a verified backup of the records file (online backup API)",
        Records.EXISTING, "Safe while the app has the records open.",
    )
    backup.add_argument("--to", type=_path, default=None, metavar="DIR",
                        help="folder to write it to (default: backups/ beside the records, "
                        "with rotation)")
    backup.add_argument("--json", action="store_true",
                        help="one JSON object: ok, path, backup, message")

    restore = _command(
        commands, "restore", "replace the records file by a backup; the current file is "
        "kept as <name>.before-restore (or <name>.damaged)", Records.MAKES,
        "Makes the records file when it was lost.",
    )
    restore.add_argument("file", type=_path, metavar="FILE", help="the backup to restore")

    encrypt = _command(
        commands, "encrypt", "encrypt a plain records file under a new passphrase; its backups "
        "are re-encrypted under it, and the plain original and local drafts overwritten and "
        "deleted", Records.EXISTING,
    )
    encrypt.add_argument("--new-passphrase-file", type=_path, default=None, metavar="FILE",
                         help="read the new passphrase from FILE (its first line) instead "
                         "of asking twice")

    change = _command(
        commands, "change-passphrase",
        "re-encrypt an encrypted records file under a new passphrase, and its backups that "
        "the current passphrase opens", Records.EXISTING,
    )
    change.add_argument("--new-passphrase-file", type=_path, default=None, metavar="FILE",
                        help="read the new passphrase from FILE (its first line) instead of "
                        "asking twice")

    importing = _command(
        commands, "import", "add the patients of a JSON export (all of them, or none on "
        "error)", Records.MAKES, "Makes the records file when there is none.",
    )
    importing.add_argument("file", type=_path, metavar="FILE", help="a JSON export")
    importing.add_argument(
        "--on-duplicate", choices=["skip", "new"], default="skip",
        help="a patient with the same name and date of birth as one already here: "
        "skip it (default) or import it as a new patient",
    )

    library_help = "reference library folder to use instead of the shipped one"
    reference = _command(commands, "reference", "the reference library", Records.OPTIONAL,
                         "Works without a records file too.")
    actions = reference.add_subparsers(dest="action", required=True, metavar="ACTION")
    search = _command(actions, "search", "search titles, synonyms and texts", Records.OPTIONAL)
    search.add_argument("query", nargs="+", type=_text, metavar="QUERY",
                        help="words to look for")
    search.add_argument("--limit", type=_number(1, 1_000, "a number of entries"), default=20,
                        help="at most (default 20)")
    search.add_argument("--json", action="store_true", help="a JSON list, best first")
    search.add_argument("--library", type=_path, default=None, help=library_help)

    flags = _command(
        commands, "flags", "what the reference library flags for a patient, or for "
        "medications and conditions", Records.OPTIONAL,
        "Medications and conditions work without a records file too.",
    )
    flags.add_argument("--patient", type=_patient, default=None, help="a patient number")
    flags.add_argument("--medication", action="append", default=[], metavar="NAME",
                       help="a medication name, dose text allowed (repeatable)")
    flags.add_argument("--condition", action="append", default=[], metavar="NAME",
                       help="a condition code such as diabetes or pregnancy (repeatable)")
    flags.add_argument("--json", action="store_true", help="a JSON list, most urgent first")
    flags.add_argument("--library", type=_path, default=None, help=library_help)

    audit = _command(commands, "audit", "the audit trail: verify it, or show entries",
                     Records.EXISTING)
    audit_actions = audit.add_subparsers(dest="action", required=True, metavar="ACTION")
    verify = _command(
        audit_actions, "verify",
        "check every link of the hash chain; names the first tampered entry",
        Records.EXISTING, "Exit 0 when intact, 1 when broken.",
    )
    verify.add_argument("--anchor", type=_anchor, default=None, metavar="SEQ:HASH",
                        help="a head printed by an earlier verify, kept outside the records "
                        "file: also catches entries cut off the end and rewritten")
    verify.add_argument("--json", action="store_true",
                        help="one JSON object: ok, rows, head, broken_at, reason")
    show = _command(audit_actions, "show", "list entries, oldest first", Records.EXISTING)
    show.add_argument("--patient", type=_patient, default=None,
                      help="only this patient number")

    purge = _command(
        commands, "purge", "erase a patient permanently once the retention period is over",
        Records.EXISTING, "Without --force-after-retention it only says from when.",
    )
    purge.add_argument("--patient", type=_patient, required=True, help="the patient number")
    purge.add_argument("--force-after-retention", action="store_true",
                       help="really erase (without it, only say from when erasure is allowed)")
    return parser


def parse(argv: Sequence[str] | None, prog: str = PROGRAM) -> argparse.Namespace:
    """The parsed command line; a usage error exits with ExitCode.USAGE (argparse's 2)."""
    parser = build_parser(prog)
    args = parser.parse_args(argv)
    if args.command == "export" and args.format == "csv" and args.out is None:
        parser.error("export --format csv needs --out FILE")
    if args.command == "flags" and (args.patient is None) == (
        not args.medication and not args.condition
    ):
        parser.error("flags needs either --patient, or --medication and --condition names")
    return args


def parsed(argv: Sequence[str] | None, prog: str = PROGRAM) -> argparse.Namespace | int:
    """The parsed command line, or the exit code when parsing ended the run (`--help`,
    `--version`: 0; a usage error: 2, its message on stderr)."""
    with escaped_output():
        try:
            return parse(argv, prog)
        except SystemExit as exc:
            return exc.code if isinstance(exc.code, int) else int(ExitCode.USAGE)
