"""Reading a passphrase from a file's first bytes: any bytes give a passphrase or a reason,
never an exception; and the one rule for a new passphrase."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from practitioner.domain.passphrase import (
    MAX_PASSPHRASE_FILE_BYTES,
    passphrase_in_file,
    passphrase_problem,
)


@given(st.binary(max_size=200) | st.text(max_size=60).map(str.encode))
def test_any_bytes_give_a_passphrase_or_a_reason(data: bytes) -> None:
    text, problem = passphrase_in_file(data)
    assert (text == "") == bool(problem)
    assert "\n" not in text and "\x00" not in text and not text.endswith("\r")


@pytest.mark.parametrize(("data", "reason"), [
    (b"", "it is empty"),
    (b"\n\n", "it is empty"),
    (b"\nsecond line\n", "first line is empty"),
    (b"\xff\xfepassphrase\n", "not UTF-8"),
    (b"pass\x00phrase", "NUL"),
    (b"x" * (MAX_PASSPHRASE_FILE_BYTES + 1), "longer than"),
])
def test_what_is_wrong_is_named(data: bytes, reason: str) -> None:
    assert reason in passphrase_in_file(data)[1]


def test_the_first_line_without_bom_or_cr() -> None:
    assert passphrase_in_file("\ufeffsecret ü 'x'\r\nnext".encode()) == ("secret ü 'x'", "")


@pytest.mark.parametrize("weak", ["", "abc", "123456789", " ten chars!", "ten chars! "])
def test_a_new_passphrase_has_ten_characters_and_no_outer_space(weak: str) -> None:
    assert passphrase_problem(weak, weak)
    assert passphrase_problem("ten chars!", "ten chars!") == ""
