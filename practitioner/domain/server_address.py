"""Where a clinic's PostgreSQL server is: host, port, database, user and SSL mode, as
typed in "Connect to clinic server…" or given as `--db postgresql://…`.

The address is kept in the settings; the password never is (it comes from a prompt or the
OS keyring), so it is not part of an address at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, quote, unquote, urlsplit

DEFAULT_PORT = 5432
#: libpq's SSL modes, safest first.
SSL_MODES = ("require", "verify-ca", "verify-full", "prefer", "allow", "disable")
#: The modes that never send records unencrypted.
ENCRYPTED_SSL_MODES = frozenset({"require", "verify-ca", "verify-full"})
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", ""})
_SCHEMES = ("postgresql", "postgres")


def is_server_url(text: str) -> bool:
    """Whether a `--db` value names a PostgreSQL server rather than a records file."""
    return text.split("://", 1)[0].lower() in _SCHEMES and "://" in text


def is_local_host(host: str) -> bool:
    """This computer (loopback, or a Unix socket folder), where SSL is not needed."""
    return host.strip().lower() in _LOCAL_HOSTS or host.startswith("/")


@dataclass(frozen=True)
class ServerAddress:
    """A clinic server without its password."""

    host: str
    database: str
    user: str
    port: int = DEFAULT_PORT
    sslmode: str = "require"

    @property
    def is_local(self) -> bool:
        return is_local_host(self.host)

    def url(self) -> str:
        """The address as a `postgresql://` URL (never with a password)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        where = f"{host}:{self.port}" if host else ""  # No host: the local Unix socket.
        return (f"postgresql://{quote(self.user, safe='')}@{where}/"
                f"{quote(self.database, safe='')}?sslmode={self.sslmode}")

    def display(self) -> str:
        """How the address reads in a title or a prompt: user@host:port/database."""
        return f"{self.user}@{self.host}:{self.port}/{self.database}"

    def problem(self, *, require_host: bool = True) -> str | None:
        """Why the app will not connect to this address, or None. Without
        `require_host`, no host means this computer's Unix socket (as in a `--db` URL)."""
        if require_host and not self.host.strip():
            return "Enter the server's name or address."
        if not 1 <= self.port <= 65535:
            return "The port is a number from 1 to 65535."
        if not self.database.strip():
            return "Enter the name of the clinic's database."
        if not self.user.strip():
            return "Enter the database user name."
        if self.sslmode not in SSL_MODES:
            return f"Unknown SSL mode {self.sslmode!r}."
        if not self.is_local and self.sslmode not in ENCRYPTED_SSL_MODES:
            return ("A server on another computer must be reached over SSL: choose "
                    "require, verify-ca or verify-full.")
        return None


def parse_server_url(url: str) -> tuple[ServerAddress, str | None]:
    """The address in a `postgresql://user[:password]@host[:port]/db[?sslmode=…]` URL, and
    the password when the URL carries one. Without `sslmode`, a local server gets
    "prefer" and any other "require". Raises ValueError for a URL that is not one."""
    if not is_server_url(url):
        raise ValueError("not a postgresql:// address")
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    host = parts.hostname or query.get("host", [""])[0]
    try:
        port = parts.port or DEFAULT_PORT
    except ValueError as exc:
        raise ValueError("the port is not a number") from exc
    sslmode = query.get("sslmode", ["prefer" if is_local_host(host) else "require"])[0]
    address = ServerAddress(host=host, database=unquote(parts.path.lstrip("/")),
                            user=unquote(parts.username or ""), port=port, sslmode=sslmode)
    password = unquote(parts.password) if parts.password is not None else None
    return address, password
