"""The sizes of the synthetic datasets used to measure performance, and the cheap,
deterministic pieces their generator draws from: more names than the demo's own pool
(so a search at 100,000 patients still narrows), and long cramp diaries.

No real person is described; names combine common given and family names.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
import random
from dataclasses import dataclass

from practitioner.domain.outcomes import DiaryEntry


@dataclass(frozen=True)
class DatasetSize:
    """How big a synthetic dataset is.

    Attributes:
        code: S, M or L.
        patients: patients in all (the heavy patient included).
        sessions: treatment sessions to aim for, about (within a few per cent).
        diary_share: the share of patients with a daily diary of `diary_days` days.
        diary_days: how long those diaries run, ending yesterday.
        template_patients: patients built through the services (the pool that the
            rest are cloned from).
    """

    code: str
    patients: int
    sessions: int
    diary_share: float
    diary_days: int
    template_patients: int

    @property
    def sessions_per_patient(self) -> float:
        return self.sessions / self.patients


class Size(enum.Enum):
    """The named dataset sizes of issue 8."""

    S = DatasetSize("S", 300, 3_000, 0.10, 730, 60)
    M = DatasetSize("M", 3_000, 40_000, 0.10, 730, 60)
    L = DatasetSize("L", 100_000, 1_000_000, 0.01, 730, 60)


#: The patient every dataset has for the "open a big record" figure: 150 visits and
#: three years of diary.
HEAVY_SESSIONS = 150
HEAVY_DIARY_DAYS = 3 * 365

_GIVEN = (
    "Margaret", "Aoife", "Priya", "Chloé", "Ingrid", "Mei", "Fatima", "Rosa", "Helen",
    "Sofia", "Yuki", "Amara", "Joan", "Lucía", "Hannah", "Grace", "Zofia", "Nadia",
    "David", "Kenji", "Oluwaseun", "Tomás", "Peter", "Rahul", "Liam", "Jürgen", "Ahmed",
    "Michael", "Wei", "Stefan", "George", "Mateo", "Patrick", "Arjun", "Samuel", "Björn",
    "Anna", "Elena", "Isabel", "Kofi", "Leila", "Marta", "Noah", "Olga", "Pablo", "Quentin",
    "Ruth", "Sean", "Tara", "Ursula", "Viktor", "Wanda", "Xavier", "Yasmin", "Zainab",
    "Brigid", "Carlos", "Dmitri", "Emeka", "Farah", "Gustav", "Hiroshi", "Imogen", "Jonas",
)  # fmt: skip
_FAMILY = (
    "Okafor", "Smith", "Nguyen", "Müller", "García", "O'Brien", "Kowalski", "Chen",
    "Patel", "Haddad", "Johansson", "Rossi", "Tanaka", "Murphy", "Dubois", "Novak",
    "Walker", "Fernández", "Kim", "Andersson", "Brennan", "Sato", "Khan", "Moreau",
    "Adeyemi", "Bauer", "Costa", "Dimitrov", "Eriksen", "Fischer", "Gallagher", "Horvat",
    "Ibrahim", "Jensen", "Kaur", "Lindqvist", "Mensah", "Nakamura", "Olsen", "Petrov",
    "Quinn", "Ramos", "Schmidt", "Takahashi", "Usman", "Varga", "Wójcik", "Yilmaz",
    "Zhang", "Abbott", "Byrne", "Carter", "Doyle", "Evans", "Flores", "Gupta", "Hughes",
    "Iyer", "Jovanović", "Kelly", "Lopez", "Mahmoud", "Nowak", "Ortiz", "Park", "Reyes",
    "Santos", "Thompson", "Ueda", "Volkov", "Ward", "Young", "Ali", "Baker", "Clarke",
)  # fmt: skip


def scaled_name(rng: random.Random) -> str:
    """A plausible full name; about one in five has a second family name."""
    name = f"{rng.choice(_GIVEN)} {rng.choice(_FAMILY)}"
    if rng.random() < 0.2:
        name += f"-{rng.choice(_FAMILY)}"
    return name


def long_diary(rng: random.Random, last_day: dt.date, days: int) -> list[DiaryEntry]:
    """`days` consecutive diary days ending on `last_day`, a few missed, with the cramp
    rate easing slowly over the period as treatment goes on."""
    start = last_day - dt.timedelta(days=days - 1)
    base = rng.uniform(0.4, 1.2)  # cramps per day at the start
    entries: list[DiaryEntry] = []
    for offset in range(days):
        if rng.random() < 0.05:
            continue
        rate = base * (0.35 + 0.65 * math.exp(-offset / 240))
        cramps = min(200, sum(1 for _ in range(6) if rng.random() < rate / 6))
        day = start + dt.timedelta(days=offset)
        if not cramps:
            entries.append(DiaryEntry(day, 0))
            continue
        entries.append(DiaryEntry(
            day=day,
            cramps=cramps,
            worst_severity=rng.randint(2, 8),
            total_minutes=float(rng.choice((1, 2, 3, 5, 8))) * cramps,
            sleep_disturbed=rng.random() < 0.5,
        ))
    return entries
