"""Timing helpers and the one record every figure is reported as."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    """One measured figure: median and 95th percentile against a target.

    `unit` is "ms" or "MiB"; `target` is the bound the figure must stay within (already
    worked out from the floor when it depends on one), None for a figure reported
    without one.
    """

    name: str
    median: float
    p95: float
    target: float | None
    unit: str
    held_by: str = "p95"  # which statistic the target bounds: "p95" or "median"
    note: str = ""

    @property
    def met(self) -> bool:
        if self.target is None:
            return True
        value = self.p95 if self.held_by == "p95" else self.median
        return value <= self.target

    def as_dict(self) -> dict[str, object]:
        target = None if self.target is None else round(self.target, 3)
        return {"name": self.name, "median": round(self.median, 3), "p95": round(self.p95, 3),
                "target": target, "unit": self.unit, "held_by": self.held_by,
                "met": self.met, "note": self.note}


def p95(values: list[float]) -> float:
    """The 95th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def summary(values: list[float]) -> tuple[float, float]:
    return statistics.median(values), p95(values)


def time_ms(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def table(figures: list[Figure]) -> str:
    """The figures as one plain-text table."""
    lines = [f"{'figure':<44} {'median':>10} {'p95':>10} {'target':>12}  met"]
    for f in figures:
        bound = (f"{f.held_by[:3]}≤{f.target:>7.1f}{f.unit}" if f.target is not None
                 else f"{'(none)':>13}")
        lines.append(f"{f.name:<44} {f.median:>8.2f}{f.unit:>2} {f.p95:>8.2f}{f.unit:>2} "
                     f"{bound}  {'yes' if f.met else 'NO'}")
        if f.note:
            lines.append(f"    {f.note}")
    return "\n".join(lines)
