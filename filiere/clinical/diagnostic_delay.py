"""Diagnostic delay: the time from the first signs to the diagnosis, from the ages the national
dataset records (SDM-MR items « âge aux premiers signes », « âge au diagnostic clinique »,
« âge au diagnostic génétique »).

The delay is the age at diagnosis minus the age at the first signs, as the rare-disease surveys
define diagnostic delay (EURORDIS, *The Voice of 12,000 Patients*, 2009, ch. 2: « time between
first symptoms and confirmed diagnosis »). An age is known when its category is antenatal or
neonatal (0 months) or « au cours de la vie » with years and/or months; « aucun signe »,
« indéterminé » and « post mortem » give no age, hence no delay. A diagnosis recorded before the
first signs is an inconsistent record, not a negative delay: it gives no delay either.

Distributions are summarised by their quartiles with linear interpolation between order
statistics (Hyndman & Fan, *Sample quantiles in statistical packages*, Am Stat 1996;50:361-5,
definition 7, the default of R and NumPy), computed from a histogram so that a million records
are summarised from a few hundred (delay, count) pairs.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# The JDV_Age codes (SNOMED CT) that carry an age.
ANTENATAL = "303112003"
NEONATAL = "255407002"
DURING_LIFE = "767023003"


def age_in_months(category: str, years: int | None, months: int | None) -> int | None:
    """The recorded age in months, or None when the record gives none."""
    if category in (ANTENATAL, NEONATAL):
        return 0
    if category != DURING_LIFE or (years is None and months is None):
        return None
    return (years or 0) * 12 + (months or 0)


def delay_months(onset: int | None, diagnosis: int | None) -> int | None:
    """Months from the first signs to the diagnosis; None when either age is unknown or the
    diagnosis precedes the first signs."""
    if onset is None or diagnosis is None or diagnosis < onset:
        return None
    return diagnosis - onset


@dataclass(frozen=True)
class Quartiles:
    count: int
    q1: float
    median: float
    q3: float

    @property
    def median_years(self) -> float:
        return self.median / 12


def quantile(histogram: Mapping[int, int], p: float) -> float:
    """The p-quantile (0 ≤ p ≤ 1, Hyndman & Fan definition 7) of the values a histogram
    {value: count} holds; ``ValueError`` when it holds none."""
    total = sum(histogram.values())
    if total <= 0:
        raise ValueError("Aucune valeur.")
    if not 0 <= p <= 1:
        raise ValueError(f"Quantile hors de [0, 1] : {p}.")
    position = (total - 1) * p  # 0-based rank in the sorted values
    lower_rank, fraction = math.floor(position), position - math.floor(position)
    lower = _value_at(histogram, lower_rank)
    if fraction == 0:
        return float(lower)
    upper = _value_at(histogram, lower_rank + 1)
    return lower + fraction * (upper - lower)


def _value_at(histogram: Mapping[int, int], rank: int) -> int:
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if rank < seen:
            return value
    raise IndexError(rank)


def quartiles(histogram: Mapping[int, int]) -> Quartiles | None:
    """The quartiles of a histogram of delays, or None when it is empty."""
    counts = {value: n for value, n in histogram.items() if n > 0}
    if not counts:
        return None
    return Quartiles(
        count=sum(counts.values()),
        q1=quantile(counts, 0.25),
        median=quantile(counts, 0.5),
        q3=quantile(counts, 0.75),
    )


def histogram(values: Iterable[int | None]) -> dict[int, int]:
    """Count the known values (None skipped)."""
    counts: dict[int, int] = {}
    for value in values:
        if value is not None:
            counts[value] = counts.get(value, 0) + 1
    return counts


# Bands of the delay chart, in months: [lower, upper).
BANDS: tuple[tuple[int, int | None, str], ...] = (
    (0, 6, "< 6 mois"),
    (6, 12, "6 à 11 mois"),
    (12, 36, "1 à 2 ans"),
    (36, 60, "3 à 4 ans"),
    (60, 120, "5 à 9 ans"),
    (120, None, "10 ans et plus"),
)


def banded(histogram: Mapping[int, int]) -> list[tuple[str, int]]:
    """The histogram regrouped in the chart's bands."""
    rows = []
    for lower, upper, label in BANDS:
        n = sum(c for v, c in histogram.items() if v >= lower and (upper is None or v < upper))
        rows.append((label, n))
    return rows
