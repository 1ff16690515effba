"""HLA class I names as laboratories write them: alleles, serological antigens, Bw4/Bw6.

Platelets carry HLA class I only (A, B, C), so class II calls in a typing are read and set aside.
Nomenclature: Marsh SGE et al., Nomenclature for factors of the HLA system, 2010, Tissue Antigens
2010;75:291-455; serological names as in the WMDA dictionary (hla.alleles.org).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from filiere.hla import _mhcgnomes


class Locus(StrEnum):
    A = "A"
    B = "B"
    C = "C"

    @property
    def serology_prefix(self) -> str:
        # HLA-C antigens keep the "w" of workshop: Cw7, never C7.
        return "Cw" if self is Locus.C else self.value


class PublicEpitope(StrEnum):
    """Public epitopes carried by many HLA-B (and a few HLA-A) antigens."""

    BW4 = "Bw4"
    BW6 = "Bw6"

    @property
    def loci(self) -> frozenset[Locus]:
        # Bw4 is also carried by A23, A24, A25 and A32; Bw6 by HLA-B antigens only.
        return frozenset({Locus.A, Locus.B}) if self is PublicEpitope.BW4 else frozenset({Locus.B})


class HlaParseError(ValueError):
    """An HLA name that cannot be read; the message is in French, for the user."""


class NotClassIError(HlaParseError):
    """A valid name of a class II (or non-classical) gene: irrelevant to platelets."""


@dataclass(frozen=True, order=True)
class Antigen:
    """A serological antigen: A2, B44, Cw7, or an associated antigen such as A203 or B2708."""

    locus: Locus
    number: int

    @property
    def name(self) -> str:
        return f"{self.locus.serology_prefix}{self.number}"

    def __str__(self) -> str:
        return self.name

    @classmethod
    def parse(cls, text: str) -> Antigen:
        match = _ANTIGEN_RE.fullmatch(text.strip())
        if match is None:
            raise HlaParseError(f"antigène HLA illisible : « {text} »")
        return cls(Locus(match["locus"].upper()), int(match["number"]))


@dataclass(frozen=True, order=True)
class Allele:
    """An allele (or allele group when only one field is known), e.g. A*02:01, B*44, C*07:02:01."""

    locus: Locus
    fields: tuple[str, ...]
    suffix: str = ""  # expression suffix: N (null), L, S, C, A, Q

    @property
    def name(self) -> str:
        return f"{self.locus.value}*{':'.join(self.fields)}{self.suffix}"

    @property
    def key(self) -> str:
        """The two-field name used by serology, eplet and bead tables (A*02:01)."""
        return f"{self.locus.value}*{':'.join(self.fields[:2])}"

    @property
    def is_group(self) -> bool:
        """True for a one-field (low-resolution DNA) typing such as A*02."""
        return len(self.fields) == 1

    @property
    def is_null(self) -> bool:
        return self.suffix == "N"

    def two_field(self) -> Allele:
        suffix = self.suffix if len(self.fields) <= 2 else ""
        return Allele(self.locus, self.fields[:2], suffix)

    def __str__(self) -> str:
        return self.name


HlaCall = Allele | Antigen

_ANTIGEN_RE = re.compile(r"(?P<locus>[ABCabc])[wW]?(?P<number>\d{1,4})")
_FIELD_RE = re.compile(r"\d{2,4}")
_CLASS_I_GENES = {"A": Locus.A, "B": Locus.B, "C": Locus.C, "Cw": Locus.C}
_EXPRESSION_SUFFIXES = frozenset("NLSCAQ")
_BARE_FIELDS_RE = re.compile(r"\d{2,3}(:\d{2,4}){0,3}[NLSCAQ]?")
_CANONICAL_ALLELE_RE = re.compile(
    r"(?P<locus>[ABC])\*(?P<fields>\d{2,3}(?::\d{2,4}){0,3})(?P<suffix>[NLSCAQ])?"
)


@lru_cache(maxsize=65536)
def parse_hla(text: str) -> Allele | Antigen | PublicEpitope:
    """Return the allele, antigen or public epitope that `text` names.

    Accepted: A*02:01, HLA-A*24:02:01, A*0201 (pre-2010 names), A*02 and A*02:XX (allele group),
    A2, Aw68, B44, Cw7 or C7, B51(5) (the broad in parentheses is ignored), Bw4, Bw6,
    expression suffixes (A*01:11N) and G/P groups (read at two fields).
    """
    raw = text.strip()
    cleaned = re.sub(r"\(.*?\)", "", raw).strip()
    if cleaned[:4].upper() == "HLA-":
        cleaned = cleaned[4:]
    if not cleaned:
        raise HlaParseError(f"nom HLA vide : « {text} »")
    if cleaned.lower() in {"bw4", "bw6"}:
        return PublicEpitope.BW4 if cleaned[-1] == "4" else PublicEpitope.BW6
    if "*" not in cleaned and _ANTIGEN_RE.fullmatch(cleaned):
        antigen = Antigen.parse(cleaned)
        if not is_known_antigen(antigen):
            raise HlaParseError(f"antigène HLA inconnu : « {text} »")
        return antigen
    return _parse_allele(cleaned, text)


def _parse_allele(cleaned: str, original: str) -> Allele:
    # "A*02:XX" is the French (and NMDP) way of writing a first-field-only typing.
    cleaned = re.sub(r":XX$", "", cleaned, flags=re.IGNORECASE)
    # Current WHO names are read directly: mhcgnomes takes over a millisecond per new name (an
    # eplet table header holds 1,890), and is kept for everything else (A*0201, Cw*0702, G…).
    canonical = _CANONICAL_ALLELE_RE.fullmatch(cleaned)
    if canonical is not None:
        fields = tuple(canonical["fields"].split(":"))
        return Allele(Locus(canonical["locus"]), fields, canonical["suffix"] or "")
    token = _mhcgnomes.parse_token(cleaned)
    if token is None or token.kind != "allele":
        raise HlaParseError(f"nom HLA illisible : « {original} »")
    locus = _CLASS_I_GENES.get(token.gene)
    if locus is None:
        raise NotClassIError(f"« {original} » n'est pas un gène HLA de classe I (A, B, C)")
    fields = token.fields
    if not fields or len(fields) > 4 or not all(_FIELD_RE.fullmatch(f) for f in fields):
        raise HlaParseError(f"allèle HLA mal formé : « {original} »")
    if len(fields[0]) > 3:
        raise HlaParseError(f"allèle HLA mal formé : « {original} »")
    suffix = "".join(a for a in token.annotations if a in _EXPRESSION_SUFFIXES)
    if len(suffix) > 1:
        raise HlaParseError(f"allèle HLA mal formé : « {original} »")
    if {"G", "P"} & set(token.annotations):
        fields = fields[:2]
    return Allele(locus, fields, suffix)


def parse_call(text: str, *, locus: Locus | None = None) -> HlaCall:
    """Return one typing call; with `locus`, bare fields ("02:01") and numbers ("2") too."""
    token = text.strip()
    if locus is not None:
        if re.fullmatch(r"\d{1,4}", token):
            token = f"{locus.serology_prefix}{token}"
        elif _BARE_FIELDS_RE.fullmatch(token):
            token = f"{locus.value}*{token}"
    parsed = parse_hla(token)
    if isinstance(parsed, PublicEpitope):
        raise HlaParseError(f"« {text} » est un épitope public, pas un antigène du typage")
    if locus is not None and parsed.locus is not locus:
        raise HlaParseError(f"« {text} » n'appartient pas au locus HLA-{locus.value}")
    return parsed


@dataclass(frozen=True)
class Typing:
    """One person's HLA class I typing: at most two calls per locus, any resolution."""

    calls: tuple[HlaCall, ...] = ()

    def at(self, locus: Locus) -> tuple[HlaCall, ...]:
        return tuple(c for c in self.calls if c.locus is locus)

    @property
    def typed_loci(self) -> frozenset[Locus]:
        return frozenset(c.locus for c in self.calls)

    def __str__(self) -> str:
        return " ".join(c.name for c in self.calls)

    @classmethod
    def of(cls, calls: list[HlaCall] | tuple[HlaCall, ...]) -> Typing:
        """Return the typing of `calls`, deduplicated and sorted by locus (order kept within)."""
        unique: list[HlaCall] = []
        for call in calls:
            if call not in unique:
                unique.append(call)
        for locus in Locus:
            if sum(1 for c in unique if c.locus is locus) > 2:
                raise HlaParseError(f"plus de deux antigènes au locus HLA-{locus.value}")
        order = list(Locus)
        return cls(tuple(sorted(unique, key=lambda c: order.index(c.locus))))


_SEPARATORS_RE = re.compile(r"[\s,;+^]+")


def split_tokens(text: str) -> list[str]:
    return [t for t in _SEPARATORS_RE.split(text.strip()) if t]


def parse_typing(text: str) -> Typing:
    """Return the class I typing written in `text` ("A*02:01 A*24:02 B*44:02 B51 Cw7").

    Calls are separated by spaces, commas, semicolons or "+". Bw4/Bw6 are ignored (they follow
    from the B antigens); class II calls (DR, DQ, DP) are ignored (platelets do not carry them).
    """
    calls: list[HlaCall] = []
    for token in split_tokens(text):
        try:
            parsed = parse_hla(token)
        except NotClassIError:
            continue
        if isinstance(parsed, PublicEpitope):
            continue
        calls.append(parsed)
    return Typing.of(calls)


def parse_locus_typing(text: str, locus: Locus) -> tuple[HlaCall, ...]:
    """Return the calls of one locus column ("A*02:01 A*24:02", "02:01 24:02", "2 24" or "")."""
    calls = tuple(parse_call(token, locus=locus) for token in split_tokens(text))
    unique = tuple(dict.fromkeys(calls))
    if len(unique) > 2:
        raise HlaParseError(f"plus de deux antigènes au locus HLA-{locus.value}")
    return unique


@lru_cache(maxsize=1)
def _known_antigen_names() -> frozenset[str]:
    names: set[str] = set()
    for name in _mhcgnomes.direct_serotypes():
        names.add(name)
    for broad, splits in _mhcgnomes.serotype_splits().items():
        names.add(broad)
        names.update(splits)
    return frozenset(names)


def is_known_antigen(antigen: Antigen) -> bool:
    """True when `antigen` is a WHO serological antigen (split, broad or associated) of class I."""
    aliases = {"A68": "Aw68", "A69": "Aw69"}
    known = _known_antigen_names()
    return antigen.name in known or aliases.get(antigen.name, "") in known
