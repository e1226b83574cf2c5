"""Measure every figure of issue 8 on a cached synthetic dataset.

Start-up and its memory are timed as real subprocesses against a bare PySide6 window
showing one label (the floor), alternating the two so machine load hits both alike. The
other figures drive the real main window in this process.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

if sys.platform == "win32":  # wait4, getrusage: `reporting.run_bench` refuses before this
    raise ImportError("the benchmarks run on Linux and macOS")

import resource

from practitioner.bench.figures import Figure, summary, table, time_ms
from practitioner.paths import data_dir
from practitioner.services.datasets import GENERATOR_VERSION

STARTUP_RUNS = 7
SEARCH_ROUNDS = 5
#: What a practitioner types, one keystroke at a time: names, a surname, a birth year.
TYPED = ("margaret", "okafor", "ken", "smith", "1975", "chen wei", "zh", "o'b")
REFERENCE_QUERIES = (
    "cramp", "cramps at night", "charley horse", "claudication", "claud", "anaemia",
    "hypogly", "magnesium", "low potassium", "thyroid", "dialysis", "pregnancy",
    "indapamide", "statin dark urine", "GB34", "stretching", "restless legs", "diab",
)
# Reports its label's first paint on the monotonic clock, as the app reports its window's
# (`main.py --quit-after-startup`), and quits.
FLOOR_SCRIPT = (
    "import sys, time\n"
    "from PySide6.QtCore import QEvent, QObject, QTimer\n"
    "from PySide6.QtWidgets import QApplication, QLabel\n"
    "class Painted(QObject):\n"
    "    def eventFilter(self, watched, event):\n"
    "        if event.type() == QEvent.Type.Paint:\n"
    "            ms = time.monotonic() * 1000\n"
    "            sys.stderr.write(f'startup: first-paint {ms:.1f}\\n')\n"
    "            watched.removeEventFilter(self)\n"
    "            QTimer.singleShot(0, app.quit)\n"
    "        return False\n"
    "app = QApplication(sys.argv[:1])\n"
    "label = QLabel('Cramp Practitioner')\n"
    "watcher = Painted()\n"
    "label.installEventFilter(watcher)\n"
    "label.show()\n"
    "app.exec()\n"
)
MIB = 1024 * 1024
# A forked child's rusage peak starts at its parent's size, so each child reports the
# high-water mark of its own (post-exec) memory instead.
REPORT_PEAK = (
    "import atexit, sys\n"
    "atexit.register(lambda: sys.stderr.write(next(\n"
    "    l for l in open('/proc/self/status') if l.startswith('VmHWM'))))\n"
) if sys.platform.startswith("linux") else ""  # elsewhere the rusage peak stands for it


def dataset(size: str, seed: int, progress: bool = True) -> Path:
    """The cached dataset file of `size` and `seed`, generated on first use in a child
    process (so its memory never counts in this one's peak)."""
    folder = data_dir() / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"dataset-{size}-seed{seed}-v{GENERATOR_VERSION}.db"
    if not path.exists():
        if progress:
            print(f"generating dataset {size} into {path}", file=sys.stderr)
        done = subprocess.run(
            [sys.executable, "-m", "practitioner", "--db", str(path), "demo", "--size",
             size, "--seed", str(seed)],
            stdout=subprocess.DEVNULL, stderr=None if progress else subprocess.DEVNULL,
            check=False,
        )
        if done.returncode != 0 or not path.exists():
            raise RuntimeError(f"generating dataset {size} failed")
    return path


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    if sys.platform.startswith("linux") and not (env.get("DISPLAY")
                                                 or env.get("WAYLAND_DISPLAY")):
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
    return env


@dataclasses.dataclass(frozen=True)
class ChildRun:
    """One start of the app or the floor: when it painted first, when its records were
    shown (the app only), both in ms from the spawn; its whole run's peak RSS (MiB)."""

    first_paint: float
    ready: float
    peak_rss: float


def _monotonic_ms() -> float:
    return time.monotonic() * 1000


def _run_child(args: list[str]) -> ChildRun:
    """Start one child process and read what it reported of its start-up."""
    spawned = _monotonic_ms()
    start = time.perf_counter()
    child = subprocess.Popen(args, env=_child_env(), stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = (time.perf_counter() - start) * 1000
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        error = child.stderr.read().decode(errors="replace") if child.stderr else ""
        raise RuntimeError(f"{args[1:]} exited {child.returncode}: {error[-500:]}")
    text = child.stderr.read().decode(errors="replace") if child.stderr else ""
    if child.stderr:
        child.stderr.close()
    peaks = [line.split()[1] for line in text.splitlines() if line.startswith("VmHWM")]
    peak = int(peaks[-1]) / 1024 if peaks else usage.ru_maxrss / 1024
    times = [line.split() for line in text.splitlines() if line.startswith("startup:")]
    if not times:  # no clock report: the whole run's wall time stands for both
        return ChildRun(elapsed, elapsed, peak)
    words = times[-1]
    first_paint = float(words[2]) - spawned
    ready = float(words[4]) - spawned if len(words) > 4 and words[3] == "ready" else first_paint
    return ChildRun(first_paint, ready, peak)


def compile_bytecode() -> None:
    """Compile the app's modules as installing it does (pip writes the bytecode), so a
    start is timed as on a practitioner's computer even where PYTHONDONTWRITEBYTECODE is
    set for development."""
    import compileall

    compileall.compile_dir(str(Path(__file__).resolve().parents[1]), quiet=1)


def startup_figures(path: Path) -> tuple[list[Figure], float]:
    """Start-up to first paint, to the records shown, and its peak memory, against the
    floor; returns them and the floor's median peak RSS (MiB).

    Both processes report their first paint on the monotonic clock; the time from the
    spawn to it is the figure. The app's peak memory covers its whole start, records
    shown and the page check after it included."""
    main_py = Path(__file__).resolve().parents[2] / "main.py"
    app = [sys.executable, "-c", REPORT_PEAK + "import runpy\n"
           f"sys.argv = [{str(main_py)!r}, '--db', {str(path)!r}, '--quit-after-startup']\n"
           f"runpy.run_path({str(main_py)!r}, run_name='__main__')\n"]
    floor = [sys.executable, "-c", REPORT_PEAK + FLOOR_SCRIPT]
    compile_bytecode()
    _run_child(app)  # warm the file cache and let the first start seed the library
    _run_child(floor)
    app_runs, floor_runs = [], []
    for _ in range(STARTUP_RUNS):
        app_runs.append(_run_child(app))
        floor_runs.append(_run_child(floor))
    floor_ms, _ = summary([r.first_paint for r in floor_runs])
    floor_rss, _ = summary([r.peak_rss for r in floor_runs])
    app_ms = summary([r.first_paint for r in app_runs])
    ready_ms = summary([r.ready for r in app_runs])
    app_rss = summary([r.peak_rss for r in app_runs])
    return [
        Figure("start-up to first paint", *app_ms, 1.5 * floor_ms, "ms", "median",
               f"floor (bare PySide6 window, one label): median {floor_ms:.0f} ms; the "
               "window's frame, menus and 'Opening the records…'"),
        Figure("start-up to records shown", *ready_ms, None, "ms", "median",
               "reported, no target: the patient list filled and the window usable "
               f"({ready_ms[0] / floor_ms:.1f} x the floor); the page check of the "
               "records follows on a worker thread"),
        Figure("start-up peak memory", *app_rss, floor_rss + 80, "MiB", "median",
               f"floor peak RSS {floor_rss:.0f} MiB; target floor + 80 MiB"),
    ], floor_rss


def gui_figures(path: Path, floor_rss: float) -> list[Figure]:
    """Search, reference search, open a big record, save, scrolling and memory, driven
    through the real main window over `path`."""
    os.environ.update({k: v for k, v in _child_env().items() if k == "QT_QPA_PLATFORM"})
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from practitioner.app import build_window
    from practitioner.db.base import database
    from practitioner.db.connection import close_database
    from practitioner.ui.messages import Messages

    app = QApplication.instance() or QApplication(sys.argv[:1])
    settings = QSettings(str(data_dir() / "bench-settings.ini"), QSettings.Format.IniFormat)
    window = build_window(path, Messages(), settings)
    try:
        window.show()
        app.processEvents()
        panel = window.patient_list
        figures = []

        def keystroke(text: str) -> None:
            panel.search.setText(text)
            panel.flush_search()

        times = [time_ms(lambda t=word[:n]: keystroke(t))  # type: ignore[misc]
                 for _ in range(SEARCH_ROUNDS) for word in TYPED
                 for n in range(1, len(word) + 1)]
        figures.append(Figure("patient search, keystroke to list", *summary(times), 16.0,
                              "ms", note=f"{len(times)} keystrokes"))
        keystroke("")

        reference = window._services.reference
        ref_times = [time_ms(lambda q=q: reference.search(q))  # type: ignore[misc]
                     for _ in range(10) for q in REFERENCE_QUERIES]
        figures.append(Figure("reference search", *summary(ref_times), 5.0, "ms"))

        heavy = int(database.execute_sql("SELECT max(id) FROM patient").fetchone()[0])
        other = int(database.execute_sql("SELECT min(id) FROM patient").fetchone()[0])
        window.workspace.tabs.setCurrentIndex(2)  # outcomes: the chart is drawn on open
        window.workspace.open_patient(other)
        app.processEvents()
        open_times = []
        for _ in range(7):
            window.workspace.open_patient(other)
            app.processEvents()
            open_times.append(time_ms(lambda: (window.workspace.open_patient(heavy),
                                               app.processEvents())))
        figures.append(Figure("open patient (150 visits, 3 y diary) + chart",
                              *summary(open_times), 100.0, "ms", "median"))

        sessions = window._services.sessions
        data, _ = sessions.from_last_visit(heavy)
        made = []
        save_times = []
        for n in range(20):
            visit = dataclasses.replace(
                data, started_at=dt.datetime.now().replace(microsecond=0)
                - dt.timedelta(minutes=n))
            save_times.append(time_ms(lambda v=visit: made.append(  # type: ignore[misc]
                sessions.create(heavy, v).id)))
        database.execute_sql(
            f"DELETE FROM treatment_session WHERE id IN ({','.join('?' * len(made))})", made)
        sync = database.pragma("synchronous")
        figures.append(Figure("save a session with measures", *summary(save_times), 25.0,
                              "ms", note=f"PRAGMA synchronous={sync} (2 = FULL)"))

        model, table_view = panel.model, panel.table
        total = int(database.execute_sql(
            "SELECT count(*) FROM patient WHERE archived_at IS NULL").fetchone()[0])
        scroll_times = []

        def scroll_to_bottom() -> None:
            table_view.scrollToBottom()
            app.processEvents()

        for _ in range(10):
            scroll_times.append(time_ms(scroll_to_bottom))
        loaded = model.rowCount()
        figures.append(Figure("scroll patient list, one page", *summary(scroll_times), 16.0,
                              "ms", note=f"{loaded} of {total} rows loaded after 10 scrolls "
                              "to the bottom (pages fetched on demand)"))
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        figures.append(Figure("peak memory with the records open", peak, peak,
                              floor_rss + 150, "MiB", "median",
                              f"this process, after every figure above; floor {floor_rss:.0f}"
                              " MiB + 150"))
        if loaded >= total and total > 1000:
            raise RuntimeError("the patient list loaded every row")
        return figures
    finally:
        window.close()
        window.deleteLater()
        close_database()


def run_bench(size: str, seed: int, as_json: bool) -> str:
    """Measure every figure on the `size` dataset; the table, or a JSON list."""
    path = dataset(size, seed)
    figures, floor_rss = startup_figures(path)
    figures += gui_figures(path, floor_rss)
    if as_json:
        return json.dumps([f.as_dict() for f in figures], indent=2)
    cpu = _cpu_model()
    return f"dataset {size} (seed {seed}) at {path}\nmachine: {cpu}, {os.cpu_count()} " \
        f"cores\n" + table(figures)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines() \
                if sys.platform.startswith("linux") else ():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"
