"""Text for a terminal: what a command prints can never steer it.

Names, keys and paths echoed from files or the command line may hold escape sequences
(`\\x1b[2J` clears the screen), bidirectional overrides, or lone surrogates (an
undecodable file name) that the stream cannot even encode. Every line the command line
prints passes through `escaped_output`, which writes them as visible escapes instead, as
it does characters the terminal's encoding lacks.
"""

from __future__ import annotations

import contextlib
import io
import re
import sys
from collections.abc import Iterator
from typing import TextIO

# C0 controls but tab and newline, DEL, C1 controls, bidirectional controls, surrogates.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e"
                     "\u2066-\u2069\ud800-\udfff]")
_LINE_BREAKS = re.compile("[\n\r\u2028\u2029\x85]")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"


def safe(text: str) -> str:
    """`text` with every character that could steer a terminal written as an escape."""
    return _UNSAFE.sub(_escape, text)


def one_line(text: str) -> str:
    """`safe(text)` with line breaks escaped too: a message stays on its one line."""
    return safe(_LINE_BREAKS.sub(_escape, text))


class _Escaping(io.TextIOBase):
    """A text stream that escapes what it is given, then passes it on."""

    def __init__(self, target: TextIO) -> None:
        super().__init__()
        self._target = target

    def write(self, text: str) -> int:
        shown = safe(text)
        try:
            self._target.write(shown)
        except UnicodeEncodeError:  # a terminal that cannot show “ or ü (LANG=C, a pipe)
            encoding = getattr(self._target, "encoding", None) or "ascii"
            self._target.write(shown.encode(encoding, "backslashreplace").decode(encoding))
        return len(text)

    def flush(self) -> None:
        self._target.flush()

    def isatty(self) -> bool:
        return self._target.isatty()

    def fileno(self) -> int:  # for faulthandler and child processes: the real stream
        return self._target.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self._target.encoding


@contextlib.contextmanager
def escaped_output() -> Iterator[None]:
    """For the `with` block, stdout and stderr escape what is written to them."""
    out, err = sys.stdout, sys.stderr
    if isinstance(out, _Escaping):  # already inside
        yield
        return
    sys.stdout, sys.stderr = _Escaping(out), _Escaping(err)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err
