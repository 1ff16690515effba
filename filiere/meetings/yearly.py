"""A series' yearly calendar: the dates a rule gives, and the days no meeting should fall on.

Pure Python (no Django): French public holidays and the rules a coordinator states
(« le 2e mardi de mars, juin, septembre et décembre », or a list of dates).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
LAST = -1


def easter_sunday(year: int) -> dt.date:
    """Gregorian Easter Sunday (anonymous Gregorian algorithm, Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def french_public_holidays(year: int) -> dict[dt.date, str]:
    """The eleven public holidays of the Code du travail (art. L3133-1), nationwide; the
    Alsace-Moselle days (Vendredi saint, 26 décembre) are not included."""
    easter = easter_sunday(year)
    return {
        dt.date(year, 1, 1): "Jour de l'an",
        easter + dt.timedelta(days=1): "Lundi de Pâques",
        dt.date(year, 5, 1): "Fête du Travail",
        dt.date(year, 5, 8): "Victoire 1945",
        easter + dt.timedelta(days=39): "Ascension",
        easter + dt.timedelta(days=50): "Lundi de Pentecôte",
        dt.date(year, 7, 14): "Fête nationale",
        dt.date(year, 8, 15): "Assomption",
        dt.date(year, 11, 1): "Toussaint",
        dt.date(year, 11, 11): "Armistice 1918",
        dt.date(year, 12, 25): "Noël",
    }


def nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date | None:
    """The ``n``-th ``weekday`` (0 = Monday) of the month, ``LAST`` for the last; None when the
    month has no such day (a fifth Tuesday)."""
    days = [
        week[weekday]
        for week in calendar.Calendar().monthdatescalendar(year, month)
        if week[weekday].month == month
    ]
    if n == LAST:
        return days[-1]
    return days[n - 1] if 1 <= n <= len(days) else None


def dates_by_rule(year: int, months: list[int], weekday: int, n: int) -> list[dt.date]:
    """The ``n``-th ``weekday`` of each chosen month of ``year``, in order."""
    found = (nth_weekday(year, month, weekday, n) for month in sorted(set(months)))
    return [day for day in found if day is not None]


class DateListError(ValueError):
    """A pasted date that is not a date of the year asked for (the message says which)."""


_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def parse_date_list(text: str, year: int) -> list[dt.date]:
    """Dates pasted as JJ/MM/AAAA, separated by spaces, commas, semicolons or new lines."""
    days: list[dt.date] = []
    for token in re.split(r"[\s,;]+", text.strip()):
        if not token:
            continue
        match = _DATE.match(token)
        try:
            if match is None:
                raise ValueError
            day = dt.date(int(match[3]), int(match[2]), int(match[1]))
        except ValueError:
            raise DateListError(f"« {token} » n'est pas une date JJ/MM/AAAA.") from None
        if day.year != year:
            raise DateListError(f"Le {token} n'est pas en {year}.")
        days.append(day)
    return sorted(set(days))


@dataclass(frozen=True)
class CalendarDate:
    day: dt.date
    holiday: str = ""
    weekend: bool = False
    past: bool = False
    existing: bool = False

    @property
    def non_working(self) -> bool:
        return self.weekend or bool(self.holiday)

    @property
    def label(self) -> str:
        return f"{WEEKDAYS[self.day.weekday()]} {self.day:%d/%m/%Y}"


def review(days: list[dt.date], *, today: dt.date, taken: set[dt.date]) -> list[CalendarDate]:
    """Flag each date: a weekend, a public holiday, a past day, a day that already holds a
    meeting of the series."""
    holidays: dict[dt.date, str] = {}
    for year in {day.year for day in days}:
        holidays |= french_public_holidays(year)
    return [
        CalendarDate(
            day=day,
            holiday=holidays.get(day, ""),
            weekend=day.weekday() >= 5,
            past=day < today,
            existing=day in taken,
        )
        for day in days
    ]
