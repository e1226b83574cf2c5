"""The headless composition root: the command line with the Qt PDF renderer wired in.

`practitioner.cli` may not reach `practitioner.ui` or Qt, not even indirectly (the
import-linter contracts "only app imports ui" and "... never import Qt"), so its `report`
command takes the renderer as an argument and this module, like `app` for the GUI, does
the wiring. `python -m practitioner` runs `cli_main`. Qt is imported only when a report is
actually written, and the services only once the command line parsed, so `--help` and the
other commands start fast.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING

from practitioner import cli_grammar
from practitioner.errors import ErrorKind, KnownError

if TYPE_CHECKING:
    from practitioner.domain.report_content import ReportData


def write_report_pdf(data: ReportData, path: Path) -> bytes:
    """Render `data` as an A4 PDF at `path`, atomically, and return its bytes. Raises
    KnownError (CANNOT_OPEN) when the file cannot be written."""
    if sys.platform.startswith("linux") and not (
        os.environ.get("QT_QPA_PLATFORM")
        or os.environ.get("DISPLAY")
        or os.environ.get("WAYLAND_DISPLAY")
    ):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtGui import QGuiApplication

    from practitioner.ui.pdf import PdfWriteError, write_pdf

    app = QGuiApplication.instance() or QGuiApplication([])
    try:
        return write_pdf(data, path)
    except PdfWriteError as exc:
        raise KnownError(ErrorKind.CANNOT_OPEN, str(exc)) from exc
    finally:
        del app


def run_bench(size: str, seed: int, as_json: bool) -> str:
    """`bench`: measure the performance figures (Qt and the GUI loaded only now)."""
    if sys.platform == "win32":
        raise KnownError(ErrorKind.NOT_ALLOWED, "The benchmarks use POSIX process accounting "
                         "(wait4, getrusage): run them on Linux or macOS.")
    from practitioner.bench.runner import run_bench as measure

    return measure(size, seed, as_json)


def cli_main(argv: Sequence[str] | None = None, prog: str = cli_grammar.PROGRAM) -> int:
    """Run one command-line command, with PDF reports and benchmarks available and the
    records file locked against a second instance while a command writes to it.
    `--help` and usage errors answer before the services are loaded."""
    args = cli_grammar.parsed(argv, prog)
    if isinstance(args, int):
        return args
    from practitioner import cli

    return cli.run(args, pdf_writer=write_report_pdf, lock=hold_instance_lock, bench=run_bench)


def hold_instance_lock(records: Path) -> AbstractContextManager[object]:
    """The one-instance lock on `records`, imported only when needed."""
    from practitioner import instance_lock

    return instance_lock.held(records)
