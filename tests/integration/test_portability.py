"""Correct on the platforms CI cannot run: no POSIX-only call outside a platform guard, and
what branches on the platform (file modes, private files, the records' volume) is run as
Linux, macOS and Windows."""

from __future__ import annotations

import ast
import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path, PurePath

import pytest

from practitioner.process_privacy import owner_only, protect_process
from practitioner.services.drafts import LocalDrafts

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "practitioner"

# Missing on Windows (os, signal) or POSIX-only modules and file-system paths.
POSIX_ONLY_ATTRIBUTES = {
    "os": {"fchmod", "lchmod", "fchown", "chown", "lchown", "getuid", "geteuid", "getgid",
           "getegid", "getgroups", "setuid", "setgid", "setsid", "getpgid", "killpg", "fork",
           "forkpty", "uname", "statvfs", "fstatvfs", "mkfifo", "mknod", "sync", "getloadavg",
           "sched_getaffinity", "O_NOFOLLOW", "O_DIRECTORY", "O_CLOEXEC", "WNOHANG", "wait3",
           "wait4", "getpgrp", "nice", "pipe2", "posix_fadvise", "fdatasync"},
    "time": {"clock_gettime", "clock_gettime_ns", "clock_settime", "CLOCK_MONOTONIC",
             "CLOCK_REALTIME", "CLOCK_BOOTTIME", "CLOCK_PROCESS_CPUTIME_ID", "tzset"},
    "signal": {"SIGKILL", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGALRM", "SIGCHLD",
               "SIGPIPE", "SIGSTOP", "SIGCONT", "alarm", "setitimer", "pause"},
}
POSIX_ONLY_MODULES = {"fcntl", "pwd", "grp", "termios", "tty", "pty", "resource", "posix",
                      "syslog", "crypt"}
POSIX_ONLY_PATHS = ("/proc/", "/sys/", "/dev/shm", "/etc/", "/var/run")
GUARD_NAMES = {"platform", "name", "hasattr", "system"}  # sys.platform, os.name, ...


def _is_guard(test: ast.expr) -> bool:
    """A condition on the platform: sys.platform, os.name, platform.system(), hasattr(os, ...)."""
    for node in ast.walk(test):
        if isinstance(node, ast.Attribute) and node.attr in {"platform", "name"} and \
                isinstance(node.value, ast.Name) and node.value.id in {"sys", "os"}:
            return True
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and \
                node.func.id == "hasattr":
            return True
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                node.func.attr == "system":
            return True
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and \
                node.func.id.startswith("_has_"):  # a named guard such as _has_mode_bits()
            return True
    return False


def _exits(body: list[ast.stmt]) -> bool:
    return bool(body) and isinstance(body[-1], ast.Return | ast.Raise | ast.Continue)


def _guarded(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """Inside `if <platform>:` (either branch), or after `if <platform>: return` earlier in
    the same block."""
    child, parent = node, parents.get(node)
    while parent is not None:
        if isinstance(parent, ast.If) and child is not parent.test and _is_guard(parent.test):
            return True
        for field in ("body", "orelse", "finalbody"):
            block = getattr(parent, field, None)
            if isinstance(block, list) and child in block:
                earlier = block[:block.index(child)]
                if any(isinstance(s, ast.If) and _is_guard(s.test) and _exits(s.body)
                       for s in earlier):
                    return True
        child, parent = parent, parents.get(parent)
    return False


def posix_only_uses(source: str) -> Iterator[tuple[int, str]]:
    """(line, what) of every POSIX-only use in `source` outside a platform guard."""
    tree = ast.parse(source)
    parents = {child: parent for parent in ast.walk(tree)
               for child in ast.iter_child_nodes(parent)}
    for node in ast.walk(tree):
        found = None
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and \
                node.attr in POSIX_ONLY_ATTRIBUTES.get(node.value.id, ()):
            found = f"{node.value.id}.{node.attr}"
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else \
                [a.name for a in node.names]
            found = next((n for n in names if n.split(".")[0] in POSIX_ONLY_MODULES), None)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and \
                node.value.startswith(POSIX_ONLY_PATHS):
            found = repr(node.value)
        if found and not _guarded(node, parents):
            yield node.lineno, found


def test_no_posix_only_call_outside_a_platform_guard() -> None:
    offenders = [f"{path.relative_to(ROOT)}:{line}: {what}"
                 for path in sorted(PACKAGE.rglob("*.py"))
                 for line, what in posix_only_uses(path.read_text(encoding="utf-8"))]
    assert offenders == []


@pytest.mark.parametrize(("source", "flagged"), [
    ("import os\nos.fchmod(3, 0o600)\n", True),
    ("import fcntl\n", True),
    ("from pwd import getpwuid\n", True),
    ("open('/proc/mounts')\n", True),
    ("import signal, os\nos.kill(1, signal.SIGKILL)\n", True),
    ("import time\ntime.clock_gettime(time.CLOCK_MONOTONIC)\n", True),
    ("import os, sys\nif sys.platform != 'win32':\n    os.fchmod(3, 0o600)\n", False),
    ("import os\nif hasattr(os, 'fchmod'):\n    os.fchmod(3, 0o600)\n", False),
    ("import os\nif os.name == 'nt':\n    pass\nelse:\n    os.getuid()\n", False),
    ("import os, sys\ndef f():\n    if sys.platform == 'win32':\n        return\n"
     "    os.getuid()\n", False),
    ("import os, sys\ndef f():\n    if sys.platform == 'win32':\n        print()\n"
     "    os.getuid()\n", True),
])
def test_the_scan_finds_unguarded_calls_and_accepts_guards(source: str, flagged: bool) -> None:
    assert bool(list(posix_only_uses(source))) is flagged


PLATFORMS = ["linux", "darwin", "win32"]


@pytest.fixture(params=PLATFORMS)
def platform(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run the test as if on each platform the app ships for (sys.platform only)."""
    monkeypatch.setattr(sys, "platform", request.param)
    return str(request.param)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.skipif(os.name != "posix", reason="reads POSIX mode bits to check the result")
def test_owner_only_makes_files_private_where_there_are_mode_bits(
        platform: str, tmp_path: Path) -> None:
    folder, file = tmp_path / "folder", tmp_path / "file"
    folder.mkdir()
    folder.chmod(0o755)  # whatever umask an earlier test's app start left
    file.write_text("x")
    file.chmod(0o644)
    owner_only(folder)
    owner_only(file)
    expected = (0o755, 0o644) if platform == "win32" else (0o700, 0o600)
    assert (_mode(folder), _mode(file)) == expected


@pytest.mark.skipif(os.name != "posix", reason="reads POSIX mode bits to check the result")
def test_protect_process_sets_the_umask_only_where_there_are_mode_bits(platform: str) -> None:
    before = os.umask(0o022)
    try:
        protect_process()
        after = os.umask(0o022)
    finally:
        os.umask(before)
    assert after == (0o022 if platform == "win32" else 0o077)


def test_a_local_draft_is_saved_and_private_on_every_platform(
        platform: str, tmp_path: Path) -> None:
    """The draft fallback runs exactly when the records cannot be written: it must not
    crash on a platform without os.fchmod (Windows before Python 3.13)."""
    import datetime as dt

    from practitioner.domain.session import Draft

    drafts = LocalDrafts(tmp_path / "drafts", identity="records-1")
    draft = Draft(patient_id=1, session_id=None, payload={"note": "kept"},
                  updated_at=dt.datetime(2026, 1, 2, 3, 4, tzinfo=dt.UTC))
    path = drafts.save(draft)
    assert [d.payload for d in drafts.drafts()] == [{"note": "kept"}]
    if os.name == "posix":
        assert _mode(path) == 0o600
        if platform != "win32":
            assert _mode(tmp_path / "drafts") == 0o700


def test_the_app_finds_the_volume_of_a_new_records_file(qapp: object, tmp_path: Path) -> None:
    from practitioner.app import volume_of
    from practitioner.domain.storage_location import storage_warning

    volume = volume_of(tmp_path / "not yet" / "records.db")
    assert volume is not None and volume.fs_type
    assert volume.root == PurePath(tmp_path) or volume.root in tmp_path.parents
    assert storage_warning(tmp_path / "records.db", volume) is None


def test_the_benchmarks_refuse_clearly_on_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    """They need wait4 and getrusage; elsewhere they run (tests/benchmarks)."""
    from practitioner.errors import KnownError
    from practitioner.reporting import run_bench

    monkeypatch.setattr(sys, "platform", "win32")
    with pytest.raises(KnownError, match="run them on Linux or macOS"):
        run_bench("S", 1, as_json=False)
