"""Clinic load test: simulated workstations (processes) on one PostgreSQL server.

Each workstation is its own process with its own connection, running for a fixed time a
mix of what a practitioner does between patients: searching the patient list, opening a
record (the record, its visit timeline and a visit), and saving — a session note or a
patient profile, loaded, edited after a short pause, saved with the version it was loaded
at. Saves go to a small set of "hot" records, so workstations really do collide; a
refused save is settled the way a practitioner would in the conflict dialog: mostly
merge by hand (their text plus my line), sometimes keep theirs (my line set aside, not
saved), sometimes keep mine (an audited override).

Every save appends a unique line ("token") to the note. At the end the stored notes are
read back and checked:

- **lost updates**: an acknowledged token missing from the final text with no audited
  override saved after it (an override deliberately replaces text; anything else missing
  was lost);
- **version chains**: per record, the acknowledged saves' versions run 2, 3, … with no
  gap or repeat (each save started from the version the one before produced);
- **errors**: every exception that was not an edit conflict, by kind (deadlocks, lock
  timeouts and anything unexpected), and how many of them were deadlocks.

The records live in a database created for the run under a unique name and dropped at
the end. `run_clinic_load` is what `python -m practitioner bench --clinic URL` and
`tests/benchmarks/test_clinic_load_benchmark.py` call.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import platform
import random
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from statistics import median
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from practitioner.bench.figures import p95

WORKSTATIONS = 10
SECONDS = 60.0
PATIENTS = 300
HOT_RECORDS = 12  # sessions and profiles that saves go to
SAVE_P95_TARGET_MS = 50.0
# The mix of one workstation's actions, as weights.
MIX = (("search", 50), ("open", 30), ("save_session", 14), ("save_profile", 6))
# How a practitioner settles a refused save, as weights.
SETTLE = (("merge", 70), ("keep_theirs", 20), ("keep_mine", 10))


def _seconds(name: str, default: float) -> float:
    return float(os.environ.get(name, str(default)))


# A practitioner's pace, busy: a pause between actions, and time to type between loading a
# form and saving it (during which another workstation may save the same record). Set the
# environment variables to 0 for a stress run that saturates the machine instead.
PAUSE_SECONDS = (_seconds("CRAMP_CLINIC_PAUSE_MIN", 0.3), _seconds("CRAMP_CLINIC_PAUSE_MAX", 1.0))
THINK_SECONDS = (_seconds("CRAMP_CLINIC_THINK_MIN", 0.2), _seconds("CRAMP_CLINIC_THINK_MAX", 2.0))
_TYPED = ("an", "mar", "jo", "li", "ha", "e", "sm", "wil", "ch", "ro", "1970", "19")


@dataclass
class WorkstationReport:
    """What one workstation did, measured, and which saves were acknowledged."""

    name: str
    searches_ms: list[float] = field(default_factory=list)
    opens_ms: list[float] = field(default_factory=list)
    saves_ms: list[float] = field(default_factory=list)
    conflicts: int = 0
    settled: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    deadlocks: int = 0
    # (kind, record id, version saved as, token, resolution)
    acknowledged: list[tuple[str, int, int, str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class LoadResult:
    """The whole run's figures and checks."""

    machine: str
    workstations: int
    seconds: float
    searches: int
    opens: int
    saves: int
    conflicts: int
    settled: dict[str, int]
    lost_updates: int
    chain_breaks: int
    errors: dict[str, int]
    deadlocks_unhandled: int
    search_p95_ms: float
    open_p95_ms: float
    save_median_ms: float
    save_p95_ms: float
    save_p99_ms: float
    overrides_audited: int
    overrides_acknowledged: int

    @property
    def passed(self) -> bool:
        """No lost update, no broken chain, no error, save p95 within the target."""
        return (self.lost_updates == 0 and self.chain_breaks == 0 and not self.errors
                and self.deadlocks_unhandled == 0 and self.save_p95_ms <= SAVE_P95_TARGET_MS
                and self.overrides_audited == self.overrides_acknowledged)

    def table(self) -> str:
        """The figures as lines of text."""
        rows = [
            ("machine", self.machine),
            ("workstations × seconds", f"{self.workstations} × {self.seconds:g}"),
            ("searches / opens / saves", f"{self.searches} / {self.opens} / {self.saves}"),
            ("edit conflicts (refused saves)", str(self.conflicts)),
            ("settled as", ", ".join(f"{k} {v}" for k, v in sorted(self.settled.items()))),
            ("lost updates", str(self.lost_updates)),
            ("broken version chains", str(self.chain_breaks)),
            ("errors that were not conflicts", str(sum(self.errors.values()))
             + (f" ({self.errors})" if self.errors else "")),
            ("deadlocks left unhandled", str(self.deadlocks_unhandled)),
            ("overrides audited / acknowledged",
             f"{self.overrides_audited} / {self.overrides_acknowledged}"),
            ("search p95", f"{self.search_p95_ms:.1f} ms"),
            ("open record p95", f"{self.open_p95_ms:.1f} ms"),
            ("save median / p95 / p99",
             f"{self.save_median_ms:.1f} / {self.save_p95_ms:.1f} / {self.save_p99_ms:.1f} ms "
             f"(target p95 ≤ {SAVE_P95_TARGET_MS:g} ms)"),
            ("result", "PASS" if self.passed else "FAIL"),
        ]
        width = max(len(name) for name, _ in rows)
        return "\n".join(f"{name:<{width}}  {value}" for name, value in rows)


def machine() -> str:
    """A short description of this computer."""
    model = platform.processor() or platform.machine()
    try:
        if not sys.platform.startswith("linux"):
            raise OSError("no /proc on this platform")
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores, {platform.system()}"


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


@contextmanager
def scratch_database(admin_url: str) -> Iterator[str]:
    """A new database on the server of `admin_url`, uniquely named; dropped afterwards."""
    import psycopg

    from practitioner.errors import ErrorKind, KnownError

    name = f"clinic_load_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    try:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=10) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as exc:
        where = urlsplit(admin_url)._replace(netloc=urlsplit(admin_url).hostname or "")
        raise KnownError(ErrorKind.CANNOT_OPEN, "Cannot create the load test's database on "
                         f"{urlunsplit(where)}: {str(exc).strip().splitlines()[0]}") from exc
    try:
        yield _with_database(admin_url, name)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _services(name: str) -> tuple[Any, Any]:
    from practitioner.services.audit import AuditService
    from practitioner.services.patients import PatientService
    from practitioner.services.sessions import SessionService

    audit = AuditService(user=lambda: name)
    return PatientService(audit=audit), SessionService(user=lambda: name, audit=audit)


_FIRST = ("Ann", "Mary", "John", "Lisa", "Harry", "Emma", "Will", "Chloe", "Rosa", "Jo")
_LAST = ("Lee", "Martin", "Haddad", "Smith", "Wilson", "Chen", "Roberts", "Evans")


def _seed(url: str, seed: int, count: int) -> tuple[list[int], list[int], list[int]]:
    """Fill the new database with patients and visits: everyone, the hot profiles and the
    hot sessions."""
    import datetime as dt

    from practitioner.db.base import database
    from practitioner.db.server import open_postgres
    from practitioner.domain.patient import PatientInput
    from practitioner.domain.session import SessionInput

    open_postgres(url)
    try:
        patients, sessions = _services("Seeder")
        rng = random.Random(seed)
        everyone: list[int] = []
        session_ids: list[int] = []
        start = dt.datetime(2024, 1, 8, 9, 0)
        for number in range(count):
            born = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(20000))
            patient = patients.create(PatientInput(
                name=f"{rng.choice(_FIRST)} {rng.choice(_LAST)} {number}",
                date_of_birth=born, notes="Night cramps in the calves."))
            everyone.append(patient.id)
            for visit in range(rng.randint(1, 3)):
                session_ids.append(sessions.create(patient.id, SessionInput(
                    started_at=start + dt.timedelta(days=number % 300, weeks=visit),
                    notes="Calves tight; GB34, LR3.")).id)
        return everyone, rng.sample(everyone, HOT_RECORDS), rng.sample(session_ids,
                                                                        HOT_RECORDS)
    finally:
        database.close()


def _timed(call: Any, *args: Any, **kwargs: Any) -> tuple[Any, float]:
    start = time.perf_counter()
    result = call(*args, **kwargs)
    return result, (time.perf_counter() - start) * 1000


def _pick(rng: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([name for name, _ in weighted], [w for _, w in weighted])[0]


def workstation(url: str, index: int, seconds: float, everyone: list[int],
                hot_patients: list[int], hot_sessions: list[int],
                seed: int) -> WorkstationReport:
    """One workstation's run (in its own process): its actions until `seconds` pass."""
    from practitioner.db.base import database
    from practitioner.db.server import open_postgres
    from practitioner.domain.conflicts import ConflictChoice, EditConflictError
    from practitioner.errors import KnownError

    name = f"Workstation {index + 1}"
    report = WorkstationReport(name)
    rng = random.Random(seed * 1000 + index)
    open_postgres(url)
    patients, sessions = _services(name)
    deadline = time.monotonic() + seconds
    number = 0

    def save(kind: str) -> None:
        nonlocal number
        number += 1
        token = f"[{name} #{number}]"
        record = rng.choice(hot_sessions if kind == "session" else hot_patients)
        service = sessions if kind == "session" else patients
        loaded = service.get(record)
        time.sleep(rng.uniform(*THINK_SECONDS))  # the practitioner types
        data = dataclasses.replace(loaded.data, notes=f"{loaded.data.notes}\n{token}".strip())
        version, resolution = loaded.version, ""
        while True:
            try:
                start = time.perf_counter()
                saved = service.update(record, data, version, resolution=resolution)
                report.saves_ms.append((time.perf_counter() - start) * 1000)
                report.acknowledged.append((kind, record, saved.version, token, resolution))
                return
            except EditConflictError as exc:
                report.conflicts += 1
                conflict = exc.conflict
                choice = _pick(rng, SETTLE)
                report.settled[choice] += 1
                if choice == "keep_theirs":
                    return  # mine is set aside in the window, not saved
                version = conflict.their_version
                if choice == "merge":
                    resolution = ConflictChoice.MERGE
                    data = dataclasses.replace(
                        conflict.mine, notes=f"{conflict.theirs.notes}\n{token}".strip())
                else:
                    resolution = ConflictChoice.KEEP_MINE

    try:
        while time.monotonic() < deadline:
            action = _pick(rng, MIX)
            try:
                if action == "search":
                    _, ms = _timed(patients.page, rng.choice(_TYPED))
                    report.searches_ms.append(ms)
                elif action == "open":
                    patient_id = rng.choice(everyone)
                    start = time.perf_counter()
                    patients.open_record(patient_id)
                    timeline = sessions.timeline(patient_id)
                    if timeline:
                        sessions.get(timeline[0].id)
                    report.opens_ms.append((time.perf_counter() - start) * 1000)
                else:
                    save("session" if action == "save_session" else "profile")
            except KnownError as exc:
                report.errors[exc.kind.value] += 1
                if _is_deadlock(exc):
                    report.deadlocks += 1
            except Exception as exc:
                report.errors[type(exc).__name__] += 1
                if _is_deadlock(exc):
                    report.deadlocks += 1
            time.sleep(rng.uniform(*PAUSE_SECONDS))
    finally:
        database.close()
    return report


def _is_deadlock(exc: BaseException) -> bool:
    seen: set[int] = set()
    stack: list[BaseException | None] = [exc]
    while stack:
        link = stack.pop()
        if link is None or id(link) in seen:
            continue
        seen.add(id(link))
        if getattr(link, "sqlstate", None) == "40P01" or "deadlock" in str(link).lower():
            return True
        stack += [link.__cause__, link.__context__]
    return False


def _check(url: str, reports: list[WorkstationReport]) -> tuple[int, int, int]:
    """Lost updates, broken version chains and audited overrides, read back at the end."""
    from practitioner.db.base import database
    from practitioner.db.models import AuditRow
    from practitioner.db.server import open_postgres

    open_postgres(url)
    try:
        patients, sessions = _services("Checker")
        by_record: dict[tuple[str, int], list[tuple[int, str, str]]] = {}
        for report in reports:
            for kind, record, version, token, resolution in report.acknowledged:
                by_record.setdefault((kind, record), []).append((version, token, resolution))
        lost = breaks = 0
        for (kind, record), acks in by_record.items():
            acks.sort()
            stored = (sessions if kind == "session" else patients).get(record)
            if [v for v, _, _ in acks] != list(range(2, 2 + len(acks))) or \
                    stored.version != 1 + len(acks):
                breaks += 1
            for version, token, _ in acks:
                overridden = any(r == "keep_mine" and v > version for v, _, r in acks)
                if token not in stored.data.notes and not overridden:
                    lost += 1
        audited = AuditRow.select().where(AuditRow.action == "override").count()
        return lost, breaks, int(audited)
    finally:
        database.close()


def run_clinic_load(admin_url: str, *, workstations: int = WORKSTATIONS,
                    seconds: float = SECONDS, seed: int = 1,
                    patients: int = PATIENTS) -> LoadResult:
    """Run the load test against the server of `admin_url` (a role that may create
    databases) and return its figures; the database it makes is dropped afterwards."""
    with scratch_database(admin_url) as url:
        everyone, hot_patients, hot_sessions = _seed(url, seed, max(patients, HOT_RECORDS))
        context = multiprocessing.get_context("spawn")
        with context.Pool(workstations) as pool:
            reports: list[WorkstationReport] = pool.starmap(
                workstation,
                [(url, i, seconds, everyone, hot_patients, hot_sessions, seed)
                 for i in range(workstations)],
            )
        lost, breaks, audited = _check(url, reports)
    saves = [ms for r in reports for ms in r.saves_ms]
    errors: Counter[str] = Counter()
    settled: Counter[str] = Counter()
    for r in reports:
        errors.update(r.errors)
        settled.update(r.settled)
    overrides = sum(1 for r in reports for a in r.acknowledged if a[4] == "keep_mine")
    return LoadResult(
        machine=machine(), workstations=workstations, seconds=seconds,
        searches=sum(len(r.searches_ms) for r in reports),
        opens=sum(len(r.opens_ms) for r in reports), saves=len(saves),
        conflicts=sum(r.conflicts for r in reports), settled=dict(settled),
        lost_updates=lost, chain_breaks=breaks, errors=dict(errors),
        deadlocks_unhandled=sum(r.deadlocks for r in reports),
        search_p95_ms=p95([ms for r in reports for ms in r.searches_ms] or [0.0]),
        open_p95_ms=p95([ms for r in reports for ms in r.opens_ms] or [0.0]),
        save_median_ms=median(saves or [0.0]), save_p95_ms=p95(saves or [0.0]),
        save_p99_ms=_percentile(saves or [0.0], 0.99),
        overrides_audited=audited, overrides_acknowledged=overrides,
    )


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]
