"""Apheresis platelet donors: the record, the CSV file, ABO and platelet-antigen relations.

Donors CSV (comma, semicolon or tab separated, UTF-8, one header row; column names are case- and
accent-insensitive):

| column          | required | content                                                          |
|-----------------|----------|------------------------------------------------------------------|
| `id`            | yes      | donor identifier, unique                                         |
| `region`        | yes      | INSEE region code of the collection site ("84", "93", "11", …)   |
| `abo`           | yes      | O, A, B or AB ("" if unknown)                                    |
| `hla_a`         | yes      | HLA-A at any resolution: "A*02:01 A*24:02", "02:01 24:02",      |
|                 |          | "A2 A9"; one call (homozygous or blank) or "" (not typed)        |
| `hla_b`         | yes      | HLA-B, same forms                                                |
| `hla_c`         | no       | HLA-C, same forms ("Cw7" or "C*07:02")                           |
| `site`          | no       | blood establishment site                                         |
| `rhd`           | no       | "+" / "-" (also pos/neg)                                         |
| `hpa1`, `hpa3`, `hpa5` | no | genotype "aa", "ab" or "bb" (also "1a1a", "1b/1b"…)             |
| `cd36`          | no       | "pos" / "neg" (CD36 expression on platelets)                     |
| `cmv`           | no       | "pos" / "neg"                                                    |
| `last_donation` | no       | ISO date (2026-03-01) or French date (01/03/2026)                |
| `active`        | no       | 1/0, oui/non, true/false; default 1                              |
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

from filiere.hla.catalogue import AlleleCatalogue, default_catalogue
from filiere.hla.nomenclature import HlaCall, HlaParseError, Locus, Typing, parse_locus_typing

_T = TypeVar("_T")

# INSEE codes of the 18 regions (2016 map): metropolitan 11–94, overseas 01–06.
REGION_CODES = frozenset(
    {
        "01",
        "02",
        "03",
        "04",
        "06",
        "11",
        "24",
        "27",
        "28",
        "32",
        "44",
        "52",
        "53",
        "75",
        "76",
        "84",
        "93",
        "94",
    }
)


class Abo(StrEnum):
    O = "O"  # noqa: E741 - the blood group is called O
    A = "A"
    B = "B"
    AB = "AB"

    @property
    def antigens(self) -> frozenset[str]:
        return frozenset(self.value) - {"O"}


class AboRelation(StrEnum):
    """ABO relation of a platelet product to its recipient, best first."""

    IDENTICAL = "identical"
    MINOR = "minor"  # donor plasma against recipient red cells (O → A)
    MAJOR = "major"  # recipient antibodies against donor platelets (A → O)
    BIDIRECTIONAL = "bidirectional"  # both (A → B)
    UNKNOWN = "unknown"

    @property
    def rank(self) -> int:
        # Major mismatch lowers the 1 h CCI by 3.70 (Kreuger 2019); bidirectional is as bad.
        return {"identical": 0, "minor": 1, "major": 2}.get(self.value, 3)

    @property
    def label(self) -> str:
        return {
            "identical": "ABO identique",
            "minor": "incompatibilité ABO mineure",
            "major": "incompatibilité ABO majeure",
            "bidirectional": "incompatibilité ABO bidirectionnelle",
            "unknown": "ABO inconnu",
        }[self.value]


def abo_relation(donor: Abo | None, patient: Abo | None) -> AboRelation:
    """Return how a donor's platelets relate to the patient in ABO."""
    if donor is None or patient is None:
        return AboRelation.UNKNOWN
    major = bool(donor.antigens - patient.antigens)
    minor = bool(patient.antigens - donor.antigens)
    if major and minor:
        return AboRelation.BIDIRECTIONAL
    if major:
        return AboRelation.MAJOR
    if minor:
        return AboRelation.MINOR
    return AboRelation.IDENTICAL


class PlateletAntigen(StrEnum):
    """Antigens a patient may need the donor to lack (anti-HPA or anti-CD36 immunisation)."""

    HPA_1A = "HPA-1a"
    HPA_3B = "HPA-3b"
    HPA_5B = "HPA-5b"
    CD36 = "CD36"

    @property
    def bit(self) -> int:
        return 1 << list(PlateletAntigen).index(self)


@dataclass(frozen=True)
class Donor:
    id: str
    region: str
    abo: Abo | None
    typing: Typing
    site: str = ""
    rhd_positive: bool | None = None
    hpa1: str | None = None  # "aa", "ab", "bb"
    hpa3: str | None = None
    hpa5: str | None = None
    cd36_positive: bool | None = None
    cmv_positive: bool | None = None
    last_donation: dt.date | None = None
    active: bool = True

    def lacks(self, antigen: PlateletAntigen) -> bool:
        """True when the donor is known to lack `antigen` (unknown counts as carrying it)."""
        if antigen is PlateletAntigen.HPA_1A:
            return self.hpa1 == "bb"
        if antigen is PlateletAntigen.HPA_3B:
            return self.hpa3 == "aa"
        if antigen is PlateletAntigen.HPA_5B:
            return self.hpa5 == "aa"
        return self.cd36_positive is False

    def typed_for(self, antigen: PlateletAntigen) -> bool:
        """True when the donor's status for `antigen` is known (genotype or CD36 expression)."""
        if antigen is PlateletAntigen.HPA_1A:
            return self.hpa1 is not None
        if antigen is PlateletAntigen.HPA_3B:
            return self.hpa3 is not None
        if antigen is PlateletAntigen.HPA_5B:
            return self.hpa5 is not None
        return self.cd36_positive is not None

    @property
    def lacked_bits(self) -> int:
        return sum(a.bit for a in PlateletAntigen if self.lacks(a))

    @property
    def typed_bits(self) -> int:
        return sum(a.bit for a in PlateletAntigen if self.typed_for(a))


class PlateletStatus(StrEnum):
    """A donor against the platelet antigens the patient needs lacking (anti-HPA, anti-CD36)."""

    ELIGIBLE = "eligible"  # known to lack every antigen required (or nothing required)
    TO_TYPE = "to_type"  # lacks none known to be carried, but some status is unknown
    EXCLUDED = "excluded"  # known to carry one of the antigens


def platelet_status(lacked: int, typed: int, needs: int) -> PlateletStatus:
    """Return the donor's status from bit sets of antigens lacked, typed and required."""
    if lacked & needs == needs:
        return PlateletStatus.ELIGIBLE
    if (lacked | ~typed) & needs == needs:
        return PlateletStatus.TO_TYPE
    return PlateletStatus.EXCLUDED


def needs_bits(needs: Iterable[PlateletAntigen]) -> int:
    return sum(a.bit for a in set(needs))


class DonorFileError(ValueError):
    def __init__(self, source: str, line: int | None, column: str | None, message: str) -> None:
        where = source
        if line is not None:
            where += f", ligne {line}"
        if column is not None:
            where += f", champ « {column} »"
        super().__init__(f"{where} : {message}")
        self.line = line
        self.column = column


def _norm(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return re.sub(r"[^a-z0-9]", "", decomposed.encode("ascii", "ignore").decode().lower())


_COLUMNS = {
    "id": "id",
    "donneur": "id",
    "region": "region",
    "abo": "abo",
    "hlaa": "hla_a",
    "hlab": "hla_b",
    "hlac": "hla_c",
    "site": "site",
    "rhd": "rhd",
    "hpa1": "hpa1",
    "hpa3": "hpa3",
    "hpa5": "hpa5",
    "cd36": "cd36",
    "cmv": "cmv",
    "lastdonation": "last_donation",
    "dernierdon": "last_donation",
    "active": "active",
    "actif": "active",
}
_REQUIRED = ("id", "region", "abo", "hla_a", "hla_b")
_POS = {"pos", "positif", "positive", "+", "1", "oui", "true"}
_NEG = {"neg", "negatif", "negative", "-", "0", "non", "false"}


def _boolean(value: str) -> bool | None:
    text = _norm(value) or value.strip()
    if not text:
        return None
    if text in _POS:
        return True
    if text in _NEG:
        return False
    raise ValueError(f"« {value} » : attendu pos/neg (ou oui/non)")


def _hpa(value: str) -> str | None:
    text = re.sub(r"[^ab]", "", re.sub(r"\d", "", value.lower()))
    if not value.strip():
        return None
    if text in {"aa", "ab", "ba", "bb"}:
        return "ab" if text == "ba" else text
    raise ValueError(f"« {value} » : génotype HPA attendu aa, ab ou bb")


def _date(value: str) -> dt.date | None:
    text = value.strip()
    if not text:
        return None
    try:
        if re.fullmatch(r"\d{2}/\d{2}/\d{4}", text):
            day, month, year = (int(p) for p in text.split("/"))
            return dt.date(year, month, day)
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"« {value} » : date attendue AAAA-MM-JJ ou JJ/MM/AAAA") from None


def donor_from_fields(fields: dict[str, str], catalogue: AlleleCatalogue | None = None) -> Donor:
    """Return the donor of one row (keys: the column names above); the error names the field.

    Alleles are checked against `catalogue` (default: the shipped allele groups).
    """
    catalogue = catalogue or default_catalogue()

    def read(name: str) -> str:
        return fields.get(name, "").strip()

    donor_id = read("id")
    if not donor_id:
        raise _FieldError("id", "identifiant vide")
    region = read("region")
    if region.isdigit() and len(region) == 1:
        region = f"0{region}"
    if region not in REGION_CODES:
        raise _FieldError("region", f"« {region} » n'est pas un code de région INSEE")
    abo_text = read("abo").upper().replace("0", "O")
    if abo_text and abo_text not in Abo.__members__.values():
        raise _FieldError("abo", f"« {read('abo')} » : groupe ABO attendu O, A, B ou AB")
    calls: list[HlaCall] = []
    for name, locus in (("hla_a", Locus.A), ("hla_b", Locus.B), ("hla_c", Locus.C)):
        try:
            locus_calls = parse_locus_typing(read(name), locus)
        except HlaParseError as error:
            raise _FieldError(name, str(error)) from None
        for call in locus_calls:
            unknown = catalogue.unknown(call)
            if unknown is not None:
                raise _FieldError(name, unknown)
        calls.extend(locus_calls)
    active = _parse(fields, "active", _boolean)
    return Donor(
        id=donor_id,
        region=region,
        abo=Abo(abo_text) if abo_text else None,
        typing=Typing.of(calls),
        site=read("site"),
        rhd_positive=_parse(fields, "rhd", _boolean),
        hpa1=_parse(fields, "hpa1", _hpa),
        hpa3=_parse(fields, "hpa3", _hpa),
        hpa5=_parse(fields, "hpa5", _hpa),
        cd36_positive=_parse(fields, "cd36", _boolean),
        cmv_positive=_parse(fields, "cmv", _boolean),
        last_donation=_parse(fields, "last_donation", _date),
        active=True if active is None else active,
    )


def _parse(fields: dict[str, str], name: str, parser: Callable[[str], _T]) -> _T:
    try:
        return parser(fields.get(name, "").strip())
    except ValueError as error:
        raise _FieldError(name, str(error)) from None


class _FieldError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def iter_donors_text(
    text: str, source: str = "donneurs", catalogue: AlleleCatalogue | None = None
) -> Iterator[Donor]:
    """Yield the donors of a donors CSV document (see the module docstring); the first bad line
    raises its DonorFileError (line and column named)."""
    for item in iter_donor_lines(text, source, catalogue):
        if isinstance(item, DonorFileError):
            raise item
        yield item


def iter_donor_lines(
    text: str, source: str = "donneurs", catalogue: AlleleCatalogue | None = None
) -> Iterator[Donor | DonorFileError]:
    """Yield each line's donor, or the error that refuses that line (the others are read on).

    A file without header or without a required column raises its DonorFileError at once.
    """
    text = text.lstrip("\ufeff")
    first = next((line for line in text.splitlines() if line.strip()), "")
    if not first:
        raise DonorFileError(source, None, None, "fichier vide")
    delimiter = max(";,\t", key=first.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header: Sequence[str] = next(reader)
    names = [_COLUMNS.get(_norm(h), "") for h in header]
    missing = [c for c in _REQUIRED if c not in names]
    if missing:
        raise DonorFileError(source, 1, missing[0], "colonne obligatoire absente")
    seen: set[str] = set()
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        fields = {n: v for n, v in zip(names, row, strict=False) if n}
        try:
            donor = donor_from_fields(fields, catalogue)
        except _FieldError as error:
            column = header[names.index(error.field)] if error.field in names else error.field
            yield DonorFileError(source, line, column, str(error))
            continue
        if donor.id in seen:
            yield DonorFileError(source, line, header[names.index("id")], "identifiant en double")
            continue
        seen.add(donor.id)
        yield donor


def read_donors_csv(path: Path | str, catalogue: AlleleCatalogue | None = None) -> list[Donor]:
    """Return the donors of the CSV file at `path`."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        text = file.read_text(encoding="latin-1")
    return list(iter_donors_text(text, source=file.name, catalogue=catalogue))
