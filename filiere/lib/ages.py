"""A patient's age on a date: exact from the birth date, or to the month from its year and month.

The clinical tables keep the birth year and month only; the birth day lives in the identity
table. An age known to the month is uncertain during the birth month (the birthday may or may
not have passed): it is then the age the patient has *certainly* reached, the lower one. For an
age cut-off this is the conservative choice: a patient who may still be 17 is judged as a child
(the ISTH-BAT child cut-off, 3, is lower than the adult ones, 4 and 6), and a paediatric case is
not sent to an adult team before its time.
"""

from __future__ import annotations

import calendar
import datetime as dt
import enum
from dataclasses import dataclass


class AgePrecision(enum.StrEnum):
    DAY = "jour"
    MONTH = "mois"


class AgeUnit(enum.StrEnum):
    YEARS = "ans"
    MONTHS = "mois"
    DAYS = "jours"
    UNDER_A_MONTH = "moins d'un mois"


@dataclass(frozen=True, slots=True)
class Age:
    """Completed years and months on a date; days since birth when the birth day is known."""

    years: int
    months: int  # completed months since birth (not modulo 12)
    precision: AgePrecision
    days: int | None = None


def _months_between(start: dt.date, end: dt.date) -> int:
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - (end.day < start.day)


def exact_age(birth: dt.date, on: dt.date) -> Age:
    """Return the age on ``on`` of someone born on ``birth``.

    A month is completed on the day of the month of the birth; born on 29 February (or on a
    31st), the anniversary of a shorter month falls on the 1st of the next one.
    """
    if on < birth:
        raise ValueError("Date antérieure à la naissance.")
    months = _months_between(birth, on)
    return Age(
        years=months // 12, months=months, precision=AgePrecision.DAY, days=(on - birth).days
    )


def age_by_month(birth_year: int, birth_month: int, on: dt.date) -> Age:
    """Return the age on ``on`` known to the month: the lowest age possible (see module doc)."""
    if (on.year, on.month) < (birth_year, birth_month):
        raise ValueError("Date antérieure à la naissance.")
    last_day = calendar.monthrange(birth_year, birth_month)[1]
    latest_birth = dt.date(birth_year, birth_month, last_day)
    months = 0 if on < latest_birth else _months_between(latest_birth, on)
    return Age(years=months // 12, months=months, precision=AgePrecision.MONTH)


def age_display(age: Age) -> tuple[int | None, AgeUnit]:
    """Return the number and unit clinicians write: years from 2, months below, days below 1 month.

    Never "0 ans": a baby of 11 months is "11 mois", a newborn of 12 days "12 jours". Known to the
    month only, a baby under a month is "moins d'un mois" (the day count would be invented).
    """
    if age.years >= 2:
        return age.years, AgeUnit.YEARS
    if age.months >= 1:
        return age.months, AgeUnit.MONTHS
    if age.days is not None:
        return age.days, AgeUnit.DAYS
    return None, AgeUnit.UNDER_A_MONTH
