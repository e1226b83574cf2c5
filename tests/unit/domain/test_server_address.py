"""Clinic server addresses: parsing `--db postgresql://…`, SSL rules, no password kept."""

from __future__ import annotations

import pytest

from practitioner.domain.server_address import (
    ServerAddress,
    is_local_host,
    is_server_url,
    parse_server_url,
)


def test_a_server_url_is_told_from_a_records_file() -> None:
    assert is_server_url("postgresql://u@h/db") and is_server_url("postgres://u@h/db")
    assert not is_server_url("/home/me/records.db")
    assert not is_server_url("postgresql.db")


def test_parsing_keeps_the_password_apart_from_the_address() -> None:
    address, password = parse_server_url("postgresql://lee:s%40cret@db.clinic:6543/cramp")
    assert address == ServerAddress("db.clinic", "cramp", "lee", 6543, "require")
    assert password == "s@cret"
    assert "s@cret" not in address.url() and "cret" not in address.display()
    assert parse_server_url(address.url()) == (address, None)


def test_a_local_server_defaults_to_prefer_and_may_go_without_ssl() -> None:
    address, _ = parse_server_url("postgresql://postgres@127.0.0.1:5432/test")
    assert address.sslmode == "prefer" and address.problem() is None
    assert ServerAddress("localhost", "db", "u", sslmode="disable").problem() is None
    assert is_local_host("::1") and is_local_host("/var/run/postgresql")


@pytest.mark.parametrize("mode", ["disable", "allow", "prefer"])
def test_another_computer_must_be_reached_over_ssl(mode: str) -> None:
    problem = ServerAddress("db.clinic", "cramp", "lee", sslmode=mode).problem()
    assert problem is not None and "SSL" in problem


@pytest.mark.parametrize(("address", "words"), [
    (ServerAddress("", "cramp", "lee"), "server"),
    (ServerAddress("h", "", "lee"), "database"),
    (ServerAddress("h", "cramp", ""), "user"),
    (ServerAddress("h", "cramp", "lee", port=0), "port"),
])
def test_missing_parts_are_named(address: ServerAddress, words: str) -> None:
    problem = address.problem()
    assert problem is not None and words in problem


def test_a_unix_socket_address_has_no_host_in_its_url() -> None:
    address, _ = parse_server_url("postgresql://lee@/cramp")
    assert address.is_local and address.problem(require_host=False) is None
    assert address.problem() is not None  # The dialog asks for a server name.
    assert address.url() == "postgresql://lee@/cramp?sslmode=prefer"
    assert parse_server_url(address.url())[0] == address
