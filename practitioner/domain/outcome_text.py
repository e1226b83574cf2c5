"""Outcome figures as a practitioner reads them: numbers with sensible decimals, signed
changes, words that say the clinical direction, and the caveat that seasons and regression
to the mean colour every before-and-after comparison.

Used by the Outcomes tab and the printed progress report alike, so both say the same.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from practitioner.domain.outcomes import (
    CRAMPS_PER_WEEK,
    DISTURBED_NIGHTS,
    DURATION,
    PSFS_AVERAGE,
    SLEEP_DISTURBANCE,
    WORST_SEVERITY,
    MeasureDefinition,
    MeasureProgress,
    Trend,
)

#: The reference library's entry on judging whether a treatment worked.
JUDGING_ENTRY = "judging-treatment-response"
MINUS = "\u2212"  # a true minus sign: "−5" reads as a number, "-5" as a dash
DOWN, UP, LEVEL = "▼", "▲", "●"

# What a fall and a rise of each measure mean, in a word or two.
_MOVES: dict[str, tuple[str, str]] = {
    CRAMPS_PER_WEEK.code: ("fewer cramps", "more cramps"),
    WORST_SEVERITY.code: ("milder", "more severe"),
    DURATION.code: ("shorter", "longer"),
    DISTURBED_NIGHTS.code: ("fewer nights", "more nights"),
    SLEEP_DISTURBANCE.code: ("less disturbed", "more disturbed"),
    PSFS_AVERAGE.code: ("less able", "more able"),
}
_VERDICTS = {Trend.BETTER: "improved", Trend.WORSE: "worse", Trend.SAME: "no change"}


def _places(value: float, definition: MeasureDefinition | None) -> int:
    """Decimals worth showing: none for whole values of a counted measure or large
    numbers, else one (a diary's weekly average, a PSFS mean)."""
    if abs(value) >= 100 or float(value).is_integer():
        return 0
    if definition is not None and definition.integer and abs(value) >= 20:
        return 0
    return 1


def _plain(value: float, places: int) -> str:
    """|value| to `places` decimals, halves rounded up as people do (24.5 → 25)."""
    exact = Decimal(repr(abs(value))).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    text = f"{exact:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def format_value(value: float, definition: MeasureDefinition | None = None) -> str:
    """A measure's value for people: "8", "3.7", "120" — never "3.66667"."""
    if not math.isfinite(value):
        return "—"
    text = _plain(value, _places(value, definition))
    return (MINUS + text) if value < 0 and text != "0" else text


def format_change(change: float, definition: MeasureDefinition | None = None) -> str:
    """A signed change: "+3.3", "−5", "0"."""
    if not math.isfinite(change):
        return "—"
    text = _plain(change, _places(change, definition))
    if text == "0":
        return "0"
    return ("+" if change > 0 else MINUS) + text


def format_percent(percent: float | None) -> str:
    """A signed whole percentage, "−62%"; "—" when there is none (a baseline of 0)."""
    if percent is None or not math.isfinite(percent):
        return "—"
    text = _plain(percent, 0)
    if text == "0":
        return "0%"
    return ("+" if percent > 0 else MINUS) + f"{text}%"


def direction(measure: MeasureProgress) -> str:
    """What the change means: the arrow follows the number, the word the patient's good.
    "fewer cramps ▼, improved"; "more able ▲, improved"; "no change ●"."""
    if measure.trend is Trend.SAME:
        return f"{_VERDICTS[Trend.SAME]} {LEVEL}"
    fall, rise = _MOVES.get(measure.definition.code, ("lower", "higher"))
    moved, arrow = (fall, DOWN) if measure.change < 0 else (rise, UP)
    return f"{moved} {arrow}, {_VERDICTS[measure.trend]}"


def unit_beyond_name(definition: MeasureDefinition) -> str:
    """The unit's words the name does not already say: "" for Cramps per week (cramps),
    "0–10" for Worst cramp severity."""
    named = set(definition.name.lower().replace("(", " ").replace(")", " ").split())
    return " ".join(word for word in definition.unit.split() if word.lower() not in named)


def axis_title(definition: MeasureDefinition) -> str:
    """The measure's name with its unit said once: "Cramps per week", not "Cramps per week
    (cramps)"; "Worst cramp severity (0–10)"."""
    rest = unit_beyond_name(definition)
    return f"{definition.name} ({rest})" if rest else definition.name


# -- the caveat ------------------------------------------------------------------------

_SEASONS = ("winter", "winter", "spring", "spring", "spring", "summer", "summer", "summer",
            "autumn", "autumn", "autumn", "winter")  # by month, northern hemisphere


def season(day: dt.date) -> str:
    """The meteorological season of `day` in the northern hemisphere."""
    return _SEASONS[day.month - 1]


@dataclass(frozen=True)
class OutcomeCaveat:
    """What to keep in mind before crediting a change to the treatment."""

    baseline_day: dt.date
    latest_day: dt.date
    season_note: str  # "" unless the baseline and the latest fall in different seasons
    general: str

    @property
    def strong(self) -> bool:
        """Whether the season may explain part of the change (a stronger caveat)."""
        return bool(self.season_note)

    @property
    def text(self) -> str:
        return f"{self.season_note} {self.general}".strip()

    @property
    def months(self) -> str:
        """ "baseline: June 2026 · latest: September 2026"."""
        return (f"baseline: {self.baseline_day:%B %Y} · "
                f"latest: {self.latest_day:%B %Y}")


_GENERAL = ("Cramps wax and wane by season (more in summer) and regress toward the mean: "
            "a bad spell brings people in, and some improvement follows anyway.")


def outcome_caveat(measures: Sequence[MeasureProgress]) -> OutcomeCaveat | None:
    """The caveat for these baseline-to-latest comparisons; None when nothing is compared
    yet (one value per measure, or only a rating of change)."""
    compared = [m for m in measures if m.count > 1 and not m.definition.latest_only]
    if not compared:
        return None
    first = min(m.baseline_date for m in compared)
    last = max(m.latest_date for m in compared)
    then, now = season(first), season(last)
    if then == now:
        return OutcomeCaveat(first, last, "", _GENERAL)
    if then == "summer":
        why = (f"The baseline was in summer and the latest in {now}: fewer cramps are "
               "expected from the season alone.")
    elif now == "summer":
        why = (f"The baseline was in {then} and the latest in summer, when cramps are "
               "commonest: the season may hide a real benefit.")
    else:
        why = (f"The baseline was in {then} and the latest in {now}: part of the change "
               "may be the season's.")
    return OutcomeCaveat(first, last, why, _GENERAL)
