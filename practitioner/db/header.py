"""What a file on disk is, read from its size and first bytes before any driver opens it.

Every way into a records file (the window, each command, backup, restore) asks
`recognise` first and, for a plain SQLite file, `header_damage`: SQLite itself accepts a
file cut short by less than a page, or a header field it does not check until a query
needs it (a text encoding of 7 only shows up as "no such table"), so these are checked
here against the file format (https://sqlite.org/fileformat2.html#the_database_header).
"""

from __future__ import annotations

import enum
import math
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from practitioner.domain.backup_policy import BACKUP_FOLDER, parse_backup_name

PLAIN_HEADER = b"SQLite format 3\x00"
HEADER_SIZE = 100
# The smallest SQLite page; an encrypted (SQLCipher) file is a whole number of pages.
MIN_PAGE = 512
# Bits per byte above which the start of a file reads as ciphertext (random bytes score
# about 7.6 over 512 bytes and 7.95 over 4096; text and SQLite pages score far lower).
_CIPHER_ENTROPY = 7.0
_ENTROPY_SAMPLE = 4096

# Magic numbers of the files most likely to be chosen by mistake.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a ZIP archive (or an Office document)"),
    (b"PK\x05\x06", "an empty ZIP archive"),
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ", "an xz archive"),
    (b"\x28\xb5\x2f\xfd", "a zstd archive"),
    (b"\xd0\xcf\x11\xe0", "an old Office document"),
    (b"\x7fELF", "a program"),
    (b"MZ", "a program"),
)


class FileKind(enum.Enum):
    """What the size and first bytes of a file say it is."""

    NEW = "new"  # missing or empty (and no backups beside it): records are made there
    PLAIN = "plain"
    ENCRYPTED = "encrypted"
    NOT_A_DATABASE = "not_a_database"
    # Empty or cut short while backups of it lie beside it: a records file that was lost.
    DAMAGED = "damaged"


@dataclass(frozen=True)
class Recognised:
    """`recognise`'s verdict, with what the file looks like when it is not ours."""

    kind: FileKind
    looks_like: str = ""


def has_backups(path: Path) -> bool:
    """Whether backups of the records file `path` lie in the backup folder beside it."""
    folder = path.parent / BACKUP_FOLDER
    try:
        with os.scandir(folder) as entries:
            return any(parse_backup_name(path.stem, entry.name) is not None
                       for entry in entries if entry.is_file())
    except OSError:
        return False


def _entropy(data: bytes) -> float:
    counts = Counter(data)
    total = len(data)
    return -sum(n / total * math.log2(n / total) for n in counts.values())


def _looks_like_text(data: bytes) -> bool:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(data) - 4:  # not just a character cut at the sample's end
            return False
        text = data[: exc.start].decode("utf-8")
    printable = sum(ch.isprintable() or ch in "\t\r\n" for ch in text)
    return bool(text) and printable >= 0.95 * len(text)


def recognise(path: Path) -> Recognised:
    """Which driver `path` needs, or what it is instead, from its size and first bytes.

    Only a file that is a whole number of pages, matches no known format and reads as
    random bytes is taken for an encrypted records file.
    """
    try:
        size = path.stat().st_size
    except (FileNotFoundError, NotADirectoryError):
        return Recognised(FileKind.NEW)  # Opening it reports a missing or blocked folder.
    except OSError:
        return Recognised(FileKind.PLAIN)  # Unreachable: the driver's own open says why.
    if path.is_dir():
        return Recognised(FileKind.NOT_A_DATABASE, "a folder")

    def unless_lost(kind: FileKind) -> FileKind:
        """A file neither sound nor anything else is a lost records file when backups
        of it lie beside it."""
        return FileKind.DAMAGED if has_backups(path) else kind

    if size == 0:
        return Recognised(unless_lost(FileKind.NEW), "an empty file")
    try:
        with path.open("rb") as handle:
            start = handle.read(_ENTROPY_SAMPLE)
    except OSError:
        return Recognised(FileKind.PLAIN)  # Unreadable: the driver's own open says why.
    if start.startswith(PLAIN_HEADER):
        return Recognised(FileKind.PLAIN)
    for magic, name in _MAGIC:
        if start.startswith(magic):
            return Recognised(FileKind.NOT_A_DATABASE, name)
    if not start.strip(b"\x00"):
        return Recognised(unless_lost(FileKind.NOT_A_DATABASE), "a file of zero bytes only")
    if _looks_like_text(start):
        return Recognised(FileKind.NOT_A_DATABASE, "a text file")
    if size >= MIN_PAGE and size % MIN_PAGE == 0 and _entropy(start) >= _CIPHER_ENTROPY:
        return Recognised(FileKind.ENCRYPTED)
    return Recognised(unless_lost(FileKind.NOT_A_DATABASE))


@dataclass(frozen=True)
class HeaderDamage:
    """What is wrong with a plain SQLite file's header or length.

    `readable` is True when the pages that are there can still be read (the file was cut
    short); False when the header itself is wrong, so nothing read from it can be trusted.
    `newer_format` marks a file version SQLite does not know (written by something newer).
    """

    problem: str
    readable: bool = False
    newer_format: bool = False


def _hot_wal(path: Path) -> bool:
    """A non-empty -wal (or rollback -journal) beside the file: until it is replayed,
    the file's length and header page count are not final."""
    for suffix in ("-wal", "-journal"):
        try:
            if os.stat(path.with_name(path.name + suffix)).st_size > 0:
                return True
        except OSError:
            continue
    return False


def header_damage(path: Path) -> HeaderDamage | None:
    """What is wrong with the header and length of the plain SQLite file `path`, or None."""
    try:
        with path.open("rb") as handle:
            header = handle.read(HEADER_SIZE)
        size = path.stat().st_size
    except OSError:
        return None  # Unreadable: the driver's own open says why.
    if len(header) < HEADER_SIZE:
        return HeaderDamage(f"it is cut short: {size} bytes, less than its header")
    field = int.from_bytes
    raw_page = field(header[16:18], "big")
    page_size = 65536 if raw_page == 1 else raw_page
    write_version, read_version = header[18], header[19]
    problems = []
    if page_size < MIN_PAGE or page_size > 65536 or page_size & (page_size - 1):
        problems.append(f"page size {raw_page} in its header")
    if write_version == 0 or read_version == 0:
        problems.append("file format version 0 in its header")
    if page_size - header[20] < 480:
        problems.append(f"{header[20]} reserved bytes per page in its header")
    if header[21:24] != b"\x40\x20\x20":
        problems.append("wrong payload fractions in its header")
    if field(header[44:48], "big") > 4:
        problems.append(f"schema format {field(header[44:48], 'big')} in its header")
    if field(header[56:60], "big") > 3:
        problems.append(f"text encoding {field(header[56:60], 'big')} in its header")
    if field(header[64:68], "big") > 1:
        problems.append("an unknown vacuum mode in its header")
    if any(header[72:92]):
        problems.append("non-zero reserved bytes in its header")
    if problems:
        return HeaderDamage("; ".join(problems))
    if write_version > 2 or read_version > 2:  # the rest is sound: a format to come
        return HeaderDamage(f"file format version {max(write_version, read_version)}",
                            newer_format=True)
    if _hot_wal(path):
        return None
    pages = field(header[28:32], "big")
    counted = pages > 0 and header[24:28] == header[92:96]
    if size % page_size:
        return HeaderDamage(f"it is cut short: {size} bytes is not a whole number of "
                            f"{page_size}-byte pages", readable=True)
    if counted and pages * page_size > size:
        return HeaderDamage(f"it is cut short: its header counts {pages} pages, the file "
                            f"holds {size // page_size}", readable=True)
    if counted and field(header[36:40], "big") > pages:
        return HeaderDamage("its header counts more free pages than pages")
    return None


def cut_short(path: Path, page_count: int, page_size: int) -> str:
    """For any open file (an encrypted one too): why it is shorter than the pages the
    driver counts, or "" when it is whole (or a -wal still holds pages)."""
    try:
        size = path.stat().st_size
    except OSError:
        return ""
    if _hot_wal(path) or page_count * page_size <= size:
        return ""
    return f"it is cut short: {page_count} pages are counted, the file holds {size // page_size}"
