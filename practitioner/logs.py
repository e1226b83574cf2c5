"""The log file and the crash file, for support, without patient text.

The GUI and the command line write to one rotating log in `<data folder>/logs/`. What is
logged never includes an exception's message (a database error or a KnownError may quote
what was typed): tracebacks keep only exception types and code locations
(`PrivateFormatter`). Other libraries' lines are written from WARNING up only: peewee's
debug lines carry the SQL parameters, which are patient text (`process_privacy` quiets
peewee too). Native crashes (`faulthandler`) go to
`crash.log`; the next start takes it aside (`take_last_crash`) so it is offered once.
"""

from __future__ import annotations

import datetime as dt
import faulthandler
import logging
import sys
import traceback
from pathlib import Path
from types import TracebackType
from typing import IO

from practitioner.paths import data_dir

LOG_NAME = "practitioner.log"
CRASH_NAME = "crash.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5
_OURS = "practitioner"
_MARK = "_practitioner_handler"
_crash_file: IO[str] | None = None

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


def log_folder() -> Path:
    """Where the log and crash files are kept."""
    return data_dir() / "logs"


def describe_exception(kind: type[BaseException], value: BaseException,
                       tb: TracebackType | None) -> str:
    """A traceback without messages: each exception's type (the chain included) and the
    code it passed through, so support sees where, never what was typed."""
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = value
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        frames = traceback.extract_tb(current.__traceback__ if current is not value else tb)
        where = "".join(f"  {f.filename}:{f.lineno} in {f.name}\n" for f in frames)
        parts.append(f"{type(current).__module__}.{type(current).__qualname__}\n{where}")
        current = current.__cause__ or current.__context__
    return "caused by: ".join(parts).rstrip()


class PrivateFormatter(logging.Formatter):
    """Formats tracebacks with `describe_exception`: types and places, no messages."""

    def format(self, record: logging.LogRecord) -> str:
        # Never the traceback text another handler's formatter cached on the record.
        cached, record.exc_text = record.exc_text, None
        try:
            # A path with undecodable bytes holds lone surrogates, which no encoding
            # writes: they are written escaped (\udcff) rather than failing the line.
            return super().format(record).encode("utf-8", "backslashreplace").decode()
        finally:
            record.exc_text = cached

    def formatException(self, ei: ExcInfo | tuple[None, None, None]) -> str:
        kind, value, tb = ei
        if kind is None or value is None:
            return ""
        return describe_exception(kind, value, tb)


class _Stderr(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever `sys.stderr` is at the time (tests swap it)."""

    @property
    def stream(self) -> IO[str]:
        return sys.stderr

    @stream.setter
    def stream(self, _value: object) -> None:
        pass


class _OursOrWarnings(logging.Filter):
    """Debug and info lines from this app only; other libraries' from WARNING up."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING or record.name.split(".")[0] == _OURS


def setup_logging(*, verbose: bool = False, stderr_format: str = "%(message)s",
                  folder: Path | None = None, warnings_to_stderr: bool = True) -> Path | None:
    """Log to the rotating file (INFO and up, DEBUG with `verbose`) and warnings to
    stderr (all lines with `verbose`; none without it when not `warnings_to_stderr`, as
    the CLI, whose failures are said in one line of their own). Returns the log file, or
    None when its folder cannot be written. Calling it again replaces an earlier call's."""
    # A line that cannot be written (a full disk) is lost quietly: logging would print
    # "--- Logging error ---" and a traceback to the user's terminal.
    logging.raiseExceptions = False
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, _MARK, False)]:
        root.removeHandler(handler)
        handler.close()
    level = logging.DEBUG if verbose else logging.INFO
    root.setLevel(level)
    stream = _Stderr()
    stream.setLevel(logging.DEBUG if verbose else logging.WARNING)
    stream.setFormatter(PrivateFormatter(stderr_format))
    stream.addFilter(_OursOrWarnings())
    handlers: list[logging.Handler] = [stream] if verbose or warnings_to_stderr else []
    path: Path | None = (folder or log_folder()) / LOG_NAME
    assert path is not None
    from logging.handlers import RotatingFileHandler  # not before the first paint (~8 ms)

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        file = RotatingFileHandler(path, maxBytes=MAX_BYTES,
                                                    backupCount=BACKUP_COUNT, encoding="utf-8")
    except OSError:
        path = None
    else:
        file.setLevel(level)
        file.setFormatter(PrivateFormatter(
            "%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"))
        file.addFilter(_OursOrWarnings())
        handlers.append(file)
    for handler in handlers:
        setattr(handler, _MARK, True)
        root.addHandler(handler)
    return path


def take_last_crash(folder: Path | None = None) -> Path | None:
    """The crash file a native crash left last time, moved aside (so it is offered once)
    as `crash-<when>.log`; None when the last run did not crash."""
    crash = (folder or log_folder()) / CRASH_NAME
    try:
        if crash.stat().st_size == 0:
            return None
        when = dt.datetime.fromtimestamp(crash.stat().st_mtime).strftime("%Y%m%d-%H%M%S")
        kept = crash.with_name(f"crash-{when}.log")
        number = 1
        while kept.exists():  # two crashes in one second: keep both
            number += 1
            kept = crash.with_name(f"crash-{when}-{number}.log")
        crash.replace(kept)
    except OSError:
        return None
    return kept


def enable_crash_file(folder: Path | None = None) -> Path | None:
    """Write native crashes (segfaults, aborts) of this run to `crash.log`; returns it, or
    None when it cannot be written. Take the last run's aside first (`take_last_crash`)."""
    global _crash_file
    crash = (folder or log_folder()) / CRASH_NAME
    try:
        crash.parent.mkdir(parents=True, exist_ok=True)
        handle = crash.open("w", encoding="utf-8")
    except OSError:
        return None
    faulthandler.enable(file=handle, all_threads=True)
    if _crash_file is not None:
        _crash_file.close()
    _crash_file = handle  # kept open: faulthandler writes to its descriptor when it dies
    return crash


def current_log_file() -> Path | None:
    """The log file `setup_logging` writes to, or None when there is none."""
    for handler in logging.getLogger().handlers:
        name = getattr(handler, "baseFilename", None)
        if getattr(handler, _MARK, False) and name is not None:
            return Path(name)
    return None
