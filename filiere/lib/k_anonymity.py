"""k-anonymity of a research extract on its quasi-identifiers (age group × sex × centre).

Every released row must share its (age group, sex, centre) with at least ``k - 1`` other released
rows (Sweeney 2002, « k-anonymity: a model for protecting privacy »). The rows of a class smaller
than ``k`` are generalised step by step, each step only for the rows still in a small class
(local recoding): the centre is removed, then the age goes to 20-year bands, then the age is
removed; the rows still in a class smaller than ``k`` are suppressed and counted.

A quasi-identifier the extract does not carry (the researcher did not ask for it) is already
« removed » and takes no part in the classes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

REMOVED = "—"
K = 5
# Ages above this are one band: a few very old patients are easy to recognise.
OLDEST_BAND_FROM = 90


def five_year_band(age: int) -> str:
    """« 0-4 », « 5-9 », …, « 85-89 », « 90+ »."""
    if age >= OLDEST_BAND_FROM:
        return f"{OLDEST_BAND_FROM}+"
    low = max(age, 0) // 5 * 5
    return f"{low}-{low + 4}"


def twenty_year_band(age: int) -> str:
    """« 0-19 », « 20-39 », « 40-59 », « 60-79 », « 80+ »."""
    if age >= 80:
        return "80+"
    low = max(age, 0) // 20 * 20
    return f"{low}-{low + 19}"


@dataclass(frozen=True)
class QuasiIdentifiers:
    """A patient's quasi-identifiers; ``None`` for one the extract does not carry."""

    age: int | None
    sex: str | None
    centre: str | None


@dataclass(frozen=True)
class Released:
    """The quasi-identifiers written for one row (``None``: not a column of the extract)."""

    age_group: str | None
    sex: str | None
    centre: str | None
    # 0: as asked; 1: centre removed; 2: 20-year age bands; 3: age removed.
    level: int


LEVELS = (0, 1, 2, 3)


def _released(row: QuasiIdentifiers, level: int) -> Released:
    age_group: str | None = None
    if row.age is not None:
        if level <= 1:
            age_group = five_year_band(row.age)
        elif level == 2:
            age_group = twenty_year_band(row.age)
        else:
            age_group = REMOVED
    centre = None if row.centre is None else (row.centre if level == 0 else REMOVED)
    return Released(age_group, row.sex, centre, level)


def _key(released: Released) -> tuple[str | None, str | None, str | None, int]:
    # Classes are counted within a level: stricter than counting the written values only, and
    # each class's size is then known when its level is chosen.
    return (released.age_group, released.sex, released.centre, released.level)


@dataclass(frozen=True)
class Generalisation:
    """Per input row, what is released (``None``: suppressed), and how many were suppressed."""

    rows: list[Released | None]
    suppressed: int
    generalised: int


def k_anonymise(rows: list[QuasiIdentifiers], k: int = K) -> Generalisation:
    """Release every row in a class of at least ``k``, generalising the small classes step by
    step and suppressing what is still alone; the input order is kept."""
    released: list[Released | None] = [None] * len(rows)
    pending = list(range(len(rows)))
    generalised = 0
    for level in LEVELS:
        classes: dict[tuple[str | None, str | None, str | None, int], list[int]] = defaultdict(list)
        for index in pending:
            classes[_key(_released(rows[index], level))].append(index)
        still: list[int] = []
        for members in classes.values():
            if len(members) >= k:
                for index in members:
                    released[index] = _released(rows[index], level)
                    generalised += level > 0
            else:
                still.extend(members)
        pending = sorted(still)
        if not pending:
            break
    return Generalisation(rows=released, suppressed=len(pending), generalised=generalised)
