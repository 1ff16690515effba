"""The value types of the SDM-MR input: partial dates, coded terms, external identifiers."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from enum import Enum, StrEnum

from filiere.exports.sdm_mr import value_sets

_DIGITS = re.compile(r"\d+")
_HPO_CODE = re.compile(r"HP:\d{7}")
_ICD10_CODE = re.compile(r"[A-Z]\d{2}(\.[0-9A-Z+\-]{1,4})?")
_HGNC_ID = re.compile(r"HGNC:\d+")
_OID = re.compile(r"[0-2](\.(0|[1-9]\d*))+")
_SITE_CODE = re.compile(r"[A-Z0-9]{1,10}")
_INSEE_COG = re.compile(r"(\d{5}|2[AB]\d{3})")


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ValueError(message)


class DatePrecision(StrEnum):
    """The precision the registry stores beside a partial date."""

    YEAR = "year"
    MONTH = "month"
    DAY = "day"


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A date known to the year, the month or the day, as the SDM-MR records it.

    The precision is implied by the parts given: ``PartialDate(2019)``,
    ``PartialDate(2019, 3)``, ``PartialDate(2019, 3, 14)``.
    """

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        _require(1800 <= self.year <= 9999, f"Année impossible : {self.year}.")
        if self.month is not None:
            _require(1 <= self.month <= 12, f"Mois impossible : {self.month}.")
        if self.day is not None:
            _require(self.month is not None, "Un jour sans mois n'est pas une date.")
            last = calendar.monthrange(self.year, self.month or 1)[1]
            _require(1 <= self.day <= last, f"Jour impossible : {self.day}/{self.month}.")

    @classmethod
    def from_date(cls, value: date, precision: DatePrecision = DatePrecision.DAY) -> PartialDate:
        """Return the date cut to a precision, for a registry that stores a date and a mask."""
        if precision is DatePrecision.YEAR:
            return cls(value.year)
        if precision is DatePrecision.MONTH:
            return cls(value.year, value.month)
        return cls(value.year, value.month, value.day)

    @property
    def precision(self) -> DatePrecision:
        if self.day is not None:
            return DatePrecision.DAY
        if self.month is not None:
            return DatePrecision.MONTH
        return DatePrecision.YEAR

    def to_ts(self) -> str:
        """Return the HL7 TS value at this precision: YYYY, YYYYMM or YYYYMMDD."""
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}{self.month:02d}"
        return f"{self.year:04d}{self.month:02d}{self.day:02d}"

    def display(self) -> str:
        """Return the French display form: 2019, 03/2019 or 14/03/2019."""
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.month:02d}/{self.year:04d}"
        return f"{self.day:02d}/{self.month:02d}/{self.year:04d}"


class Terminology(Enum):
    """Terminologies of coded diseases and clinical descriptions, with their OIDs."""

    ORPHA = value_sets.ORPHA_DISEASES
    ORPHA_GROUP = value_sets.ORPHA_GROUPS
    HPO = value_sets.HPO
    ICD10 = value_sets.ICD10


@dataclass(frozen=True, slots=True)
class Term:
    """A coded disease or description: ORPHA disease or group, HPO term or ICD-10 code.

    ORPHA codes are stored without prefix ("849"); the ``orpha``/``orpha_group``
    constructors accept "ORPHA:849" too. HPO ids keep theirs ("HP:0001892").
    """

    terminology: Terminology
    code: str
    label: str

    def __post_init__(self) -> None:
        pattern = {
            Terminology.ORPHA: _DIGITS,
            Terminology.ORPHA_GROUP: _DIGITS,
            Terminology.HPO: _HPO_CODE,
            Terminology.ICD10: _ICD10_CODE,
        }[self.terminology]
        _require(
            pattern.fullmatch(self.code) is not None,
            f"Code {self.terminology.name} invalide : {self.code!r}.",
        )
        _require(bool(self.label.strip()), f"Libellé manquant pour le code {self.code}.")

    @classmethod
    def orpha(cls, code: str, label: str) -> Term:
        return cls(Terminology.ORPHA, code.removeprefix("ORPHA:"), label)

    @classmethod
    def orpha_group(cls, code: str, label: str) -> Term:
        return cls(Terminology.ORPHA_GROUP, code.removeprefix("ORPHA:"), label)

    @classmethod
    def hpo(cls, code: str, label: str) -> Term:
        return cls(Terminology.HPO, code, label)

    @classmethod
    def icd10(cls, code: str, label: str) -> Term:
        return cls(Terminology.ICD10, code, label)

    def display(self) -> str:
        prefix = {
            Terminology.ORPHA: "ORPHA:",
            Terminology.ORPHA_GROUP: "ORPHA:",
            Terminology.HPO: "",
            Terminology.ICD10: "CIM-10 ",
        }[self.terminology]
        return f"{self.label} ({prefix}{self.code})"


@dataclass(frozen=True, slots=True)
class ExternalId:
    """An identifier issued by another authority: ``root`` is that authority's OID."""

    root: str
    extension: str

    def __post_init__(self) -> None:
        _require(_OID.fullmatch(self.root) is not None, f"OID invalide : {self.root!r}.")
        _require(bool(self.extension.strip()), "Identifiant vide.")
