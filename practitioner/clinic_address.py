"""Where the clinic server is: its address in the settings (never its password), and
whether the app starts on it. Light on purpose: a solo start reads it before its first
paint without loading clinic mode (`practitioner.clinic`)."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from practitioner.domain.server_address import ServerAddress, is_server_url

ACTIVE_KEY = "clinic/active"
_ADDRESS_KEYS = ("host", "port", "database", "user", "sslmode")


def saved_address(settings: QSettings) -> ServerAddress | None:
    """The clinic server last connected to (the settings hold no password)."""
    host = str(settings.value("clinic/host", "") or "")
    if not host:
        return None
    try:
        port = int(str(settings.value("clinic/port", 5432)))
    except ValueError:
        port = 5432
    return ServerAddress(host=host, port=port,
                         database=str(settings.value("clinic/database", "") or ""),
                         user=str(settings.value("clinic/user", "") or ""),
                         sslmode=str(settings.value("clinic/sslmode", "require") or "require"))


def save_address(settings: QSettings, address: ServerAddress, *, active: bool) -> None:
    """Keep `address` (never a password) and whether the app starts on it."""
    for key in _ADDRESS_KEYS:
        settings.setValue(f"clinic/{key}", getattr(address, key))
    settings.setValue(ACTIVE_KEY, active)
    settings.sync()


def server_to_open(db_argument: str | None, settings: QSettings, *, demo: bool = False
                   ) -> str | None:
    """The server URL the app starts on: `--db postgresql://…`, or without `--db` the
    saved clinic server when "Connect to clinic server…" made it the active one."""
    if db_argument is not None:
        return db_argument if is_server_url(db_argument) else None
    if demo or str(settings.value(ACTIVE_KEY, "false")).lower() != "true":
        return None
    address = saved_address(settings)
    return address.url() if address is not None else None
