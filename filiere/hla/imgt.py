"""Read an IPD-IMGT/HLA release's serology files into a `SerologyMap` (pure data, no database).

rel_dna_ser.txt: `Locus*;Allele;Unambiguous;Possible;Assumed;Expert[;HATS]`, six fields up to
release 3.63.0, seven from 3.64.0 (the HATS column of the 2026 nomenclature report). The first
non-empty of Unambiguous, Possible and Assumed is used (py-ard does the same); Expert and HATS are
kept out of matching until the network decides otherwise. "0" means null, "?" unknown.
rel_ser_ser.txt: `Locus;Antigen;Splits;Associated`, e.g. `A;9;23/24;` and `A;24;;2403`
(associated antigens are zero-padded from 3.64.0: `0203`).
Licence: CC BY-ND; read the files where they are, never ship a modified copy.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from filiere.hla.nomenclature import Antigen, Locus
from filiere.hla.serology import ASSOCIATED_ANTIGENS, SerologyMap

_LOCI = {"A": Locus.A, "B": Locus.B, "C": Locus.C, "Cw": Locus.C}
_ALLELE_RE = re.compile(r"(?P<fields>\d{2,3}(?::\d{2,4}){1,3})(?P<suffix>[NLSCAQ]?)")
_VERSION_RE = re.compile(r"#\s*version:\s*(?P<version>.+)")


class ImgtFormatError(ValueError):
    def __init__(self, source: str, line: int, message: str) -> None:
        super().__init__(f"{source}, ligne {line} : {message}")
        self.line = line


@dataclass(frozen=True)
class DnaSerologyRow:
    locus: Locus
    allele: str  # full name without locus, e.g. "02:01:01:01"
    null: bool
    antigens: tuple[Antigen, ...]  # empty when null or unknown
    unknown: bool


def _serology_values(locus: Locus, text: str) -> tuple[tuple[Antigen, ...], bool, bool]:
    """Return (antigens, null possible/only, unknown) for one serology cell such as "0/2"."""
    antigens: list[Antigen] = []
    null = unknown = False
    for value in text.split("/"):
        value = value.strip()
        if value == "0":
            null = True
        elif value == "?":
            unknown = True
        elif value.isdigit():
            antigens.append(Antigen(locus, int(value)))
        elif value:
            raise ValueError(f"sérologie illisible « {value} »")
    return tuple(antigens), null, unknown


def parse_rel_dna_ser(
    lines: Iterable[str], source: str = "rel_dna_ser.txt"
) -> list[DnaSerologyRow]:
    """Return the class I rows of a rel_dna_ser.txt (six- or seven-column format)."""
    rows: list[DnaSerologyRow] = []
    for number, line in enumerate(lines, start=1):
        line = line.rstrip("\r\n")
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split(";")
        if len(cells) not in (6, 7):
            raise ImgtFormatError(source, number, f"{len(cells)} champs au lieu de 6 ou 7")
        locus = _LOCI.get(cells[0].rstrip("*"))
        if locus is None:
            continue
        match = _ALLELE_RE.fullmatch(cells[1])
        if match is None:
            raise ImgtFormatError(source, number, f"allèle illisible « {cells[1]} »")
        chosen = next((c for c in cells[2:5] if c.strip()), "")
        try:
            antigens, null, unknown = _serology_values(locus, chosen)
        except ValueError as error:
            raise ImgtFormatError(source, number, str(error)) from error
        rows.append(
            DnaSerologyRow(
                locus=locus,
                allele=cells[1],
                null=(null and not antigens) or match["suffix"] == "N",
                antigens=antigens,
                unknown=(unknown or not chosen) and not antigens and not null,
            )
        )
    return rows


def parse_rel_ser_ser(
    lines: Iterable[str], source: str = "rel_ser_ser.txt"
) -> tuple[dict[Antigen, tuple[Antigen, ...]], dict[Antigen, Antigen]]:
    """Return (broad → splits, associated → antigen) for class I from a rel_ser_ser.txt."""
    splits: dict[Antigen, tuple[Antigen, ...]] = {}
    associated: dict[Antigen, Antigen] = {}
    for number, line in enumerate(lines, start=1):
        line = line.rstrip("\r\n")
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split(";")
        if len(cells) < 4:
            raise ImgtFormatError(source, number, f"{len(cells)} champs au lieu de 4")
        locus = _LOCI.get(cells[0])
        if locus is None:
            continue
        try:
            antigen = Antigen(locus, int(cells[1]))
            if cells[2].strip():
                splits[antigen] = tuple(Antigen(locus, int(s)) for s in cells[2].split("/"))
            for value in filter(None, (v.strip() for v in cells[3].split("/"))):
                associated[Antigen(locus, int(value))] = antigen
        except ValueError as error:
            raise ImgtFormatError(
                source, number, f"numéro d'antigène illisible ({error})"
            ) from None
    return splits, associated


def serology_from_rows(
    rows: Iterable[DnaSerologyRow],
    splits: dict[Antigen, tuple[Antigen, ...]],
    associated: dict[Antigen, Antigen],
    source: str,
) -> SerologyMap:
    """Return the map at two fields: the union of the antigens of the expressed alleles of a key.

    A two-field name whose every allele is null maps to no antigen; one whose serology is unknown
    everywhere is left out, so the first-field rule applies to it.
    """
    expressed: dict[str, set[Antigen]] = {}
    unknown: set[str] = set()
    null: set[str] = set()
    for row in rows:
        key = f"{row.locus.value}*{':'.join(row.allele.rstrip('NLSCAQ').split(':')[:2])}"
        if row.antigens:
            expressed.setdefault(key, set()).update(row.antigens)
        elif row.null:
            null.add(key)
        else:
            unknown.add(key)
    alleles: dict[str, tuple[Antigen, ...]] = {k: tuple(sorted(v)) for k, v in expressed.items()}
    for key in null - expressed.keys() - unknown:
        alleles[key] = ()
    # Associated antigens absent from an old release's rel_ser_ser stay known.
    merged = {Antigen.parse(k): Antigen.parse(v) for k, v in ASSOCIATED_ANTIGENS.items()}
    merged.update(associated)
    return SerologyMap(alleles=alleles, splits=splits, associated=merged, source=source)


def _version(lines: list[str]) -> str:
    for line in lines[:10]:
        match = _VERSION_RE.match(line)
        if match is not None:
            return match["version"].strip()
    return "IPD-IMGT/HLA (version inconnue)"


def read_imgt_serology(rel_dna_ser: str, rel_ser_ser: str) -> SerologyMap:
    """Return the serology map of an IPD-IMGT/HLA release given the text of its two files."""
    dna_lines = rel_dna_ser.splitlines()
    rows = parse_rel_dna_ser(dna_lines)
    splits, associated = parse_rel_ser_ser(rel_ser_ser.splitlines())
    return serology_from_rows(rows, splits, associated, source=_version(dna_lines))


def load_imgt_serology(folder: Path | str) -> SerologyMap:
    """Return the serology map of the release in `folder` (the files there or under `wmda/`)."""
    base = Path(folder)
    for candidate in (base, base / "wmda"):
        dna, ser = candidate / "rel_dna_ser.txt", candidate / "rel_ser_ser.txt"
        if dna.is_file() and ser.is_file():
            return read_imgt_serology(
                dna.read_text(encoding="utf-8"), ser.read_text(encoding="utf-8")
            )
    raise FileNotFoundError(f"rel_dna_ser.txt et rel_ser_ser.txt introuvables dans {base}")
