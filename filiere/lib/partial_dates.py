"""Partial dates the way the national minimum dataset stores them: year, month, day, precision.

Clinicians often know only the year of a diagnosis or the month of a first symptom. A partial date
keeps what is known and says so, instead of inventing a first of January.
"""

from __future__ import annotations

import calendar
import datetime as dt
import enum
import re
from dataclasses import dataclass

from filiere.lib.i18n import gettext_noop


class Precision(enum.StrEnum):
    YEAR = "year"
    MONTH = "month"
    DAY = "day"


class PartialDateError(ValueError):
    """A partial date that cannot exist: its French message, and the template and values it is
    made of, so that a page can translate the template before filling it in."""

    def __init__(self, template: str, **params: object) -> None:
        self.template = template
        self.params = params
        super().__init__(template % params)


_PATTERN = re.compile(r"^\s*(?:(\d{1,2})/)?(?:(\d{1,2})/)?(\d{4})\s*$")
_ISO = re.compile(r"^\s*(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?\s*$")


@dataclass(frozen=True, order=True)
class PartialDate:
    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if not 1800 <= self.year <= 2200:
            raise PartialDateError(gettext_noop("Année invalide : %(year)s."), year=self.year)
        if self.month is None and self.day is not None:
            raise PartialDateError(gettext_noop("Un jour sans mois n'est pas une date."))
        if self.month is not None and not 1 <= self.month <= 12:
            raise PartialDateError(gettext_noop("Mois invalide : %(month)s."), month=self.month)
        if self.day is not None:
            assert self.month is not None  # noqa: S101 - checked just above
            last = calendar.monthrange(self.year, self.month)[1]
            if not 1 <= self.day <= last:
                raise PartialDateError(
                    gettext_noop("Jour invalide : %(day)s/%(month)s/%(year)s."),
                    day=self.day,
                    month=self.month,
                    year=self.year,
                )

    @property
    def precision(self) -> Precision:
        if self.day is not None:
            return Precision.DAY
        return Precision.MONTH if self.month is not None else Precision.YEAR

    @classmethod
    def from_date(cls, value: dt.date) -> PartialDate:
        return cls(value.year, value.month, value.day)

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Read "2019", "03/2019", "12/03/2019" (French order) or ISO "2019-03-12"."""
        iso = _ISO.match(text)
        if iso:
            year, month, day = iso.groups()
            return cls(int(year), int(month) if month else None, int(day) if day else None)
        french = _PATTERN.match(text)
        if not french:
            raise PartialDateError(
                gettext_noop(
                    "Date non reconnue : « %(text)s » (attendu AAAA, MM/AAAA ou JJ/MM/AAAA)."
                ),
                text=text,
            )
        first, second, year = french.groups()
        if first and second:
            return cls(int(year), int(second), int(first))
        return cls(int(year), int(first) if first else None)

    def earliest(self) -> dt.date:
        """Return the first day this partial date may stand for."""
        return dt.date(self.year, self.month or 1, self.day or 1)

    def latest(self) -> dt.date:
        """Return the last day this partial date may stand for."""
        month = self.month or 12
        return dt.date(self.year, month, self.day or calendar.monthrange(self.year, month)[1])

    def is_surely_before(self, other: PartialDate) -> bool:
        """True when every day this date may stand for precedes every day of ``other``."""
        return self.latest() < other.earliest()

    def french(self) -> str:
        """Return the date as French clinicians write it: 12/03/2019, 03/2019 or 2019."""
        if self.day is not None:
            return f"{self.day:02d}/{self.month:02d}/{self.year}"
        if self.month is not None:
            return f"{self.month:02d}/{self.year}"
        return str(self.year)

    def iso(self) -> str:
        parts = [f"{self.year:04d}"]
        if self.month is not None:
            parts.append(f"{self.month:02d}")
        if self.day is not None:
            parts.append(f"{self.day:02d}")
        return "-".join(parts)

    def __str__(self) -> str:
        return self.french()


def age_in_years(birth: dt.date | PartialDate, on: dt.date) -> int:
    """Return the age in completed years on ``on`` (with a partial birth date, its earliest day)."""
    born = birth.earliest() if isinstance(birth, PartialDate) else birth
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))
