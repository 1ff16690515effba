"""Class I eplets per allele (HLAMatchmaker, as tabulated by the hlaR package) and mismatch counts.

File format (hlaR `inst/extdata/ref/MHC_I_eplet_v2.csv` / `v3.csv`): a header
`index,type,A*01:01,A*01:02,…`, then one row per eplet position: its index, its type (`AbV` for an
antibody-verified eplet, `Oth` otherwise) and, under each allele, the eplet that allele carries at
that position (empty when none). Mismatched eplets = ∪ eplets(donor) − ∪ eplets(patient), over the
A, B and C loci typed in the patient (class I shares one repertoire across loci: Duquesnoy,
transfusion.md §2.4).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from filiere.hla.nomenclature import Allele, HlaCall, HlaParseError, Locus, Typing, parse_hla


class EpletFileError(ValueError):
    pass


@dataclass(frozen=True)
class EpletTable:
    alleles: Mapping[str, frozenset[str]]  # two-field key → eplets
    verified: frozenset[str]  # antibody-verified eplets
    source: str

    @property
    def names(self) -> tuple[str, ...]:
        """All eplet names, in a fixed order (bit positions of the donor index)."""
        found: set[str] = set()
        for eplets in self.alleles.values():
            found |= eplets
        return tuple(sorted(found))

    def call_eplets(self, call: HlaCall) -> frozenset[str] | None:
        """Return the eplets of an allele call; None when unknown (antigen or group typing)."""
        if not isinstance(call, Allele) or call.is_group:
            return None
        if call.is_null:
            return frozenset()
        return self.alleles.get(call.key)

    def typing_eplets(self, typing: Typing, loci: frozenset[Locus]) -> frozenset[str] | None:
        """Return the eplets of `typing` over `loci`; None unless every locus is allele-typed."""
        result: frozenset[str] = frozenset()
        for locus in loci:
            calls = typing.at(locus)
            if not calls:
                return None
            for call in calls:
                eplets = self.call_eplets(call)
                if eplets is None:
                    return None
                result |= eplets
        return result


def eplet_loci(patient: Typing) -> frozenset[Locus]:
    """The loci over which eplets are compared: those typed in the patient."""
    return patient.typed_loci


def eplet_mismatches(donor: Typing, patient: Typing, table: EpletTable) -> int | None:
    """Return how many donor eplets the patient lacks; None when either side is not allele-typed."""
    loci = eplet_loci(patient)
    if not loci:
        return None
    mine = table.typing_eplets(patient, loci)
    theirs = table.typing_eplets(donor, loci)
    if mine is None or theirs is None:
        return None
    return len(theirs - mine)


def read_eplets_text(text: str, source: str = "eplets") -> EpletTable:
    """Return the eplet table of an hlaR-format CSV document."""
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    if not rows or [c.strip().lower() for c in rows[0][:2]] != ["index", "type"]:
        raise EpletFileError(f"{source}, ligne 1 : en-tête « index,type,allèles… » attendu")
    keys: list[str | None] = []
    for column, name in enumerate(rows[0][2:], start=3):
        try:
            parsed = parse_hla(name)
        except HlaParseError:
            raise EpletFileError(
                f"{source}, ligne 1, colonne {column} : allèle « {name} » illisible"
            ) from None
        keys.append(parsed.key if isinstance(parsed, Allele) and not parsed.is_group else None)
    eplets: dict[str, set[str]] = {k: set() for k in keys if k is not None}
    verified: set[str] = set()
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < 2:
            raise EpletFileError(f"{source}, ligne {number} : ligne incomplète")
        kind = row[1].strip().lower()
        if kind not in {"abv", "oth"}:
            raise EpletFileError(f"{source}, ligne {number}, champ « type » : « {row[1]} » inconnu")
        for key, cell in zip(keys, row[2:], strict=False):
            name = cell.strip()
            if key is not None and name:
                eplets[key].add(name)
                if kind == "abv":
                    verified.add(name)
    return EpletTable(
        alleles={k: frozenset(v) for k, v in eplets.items()},
        verified=frozenset(verified),
        source=source,
    )


def load_eplets(path: Path | str) -> EpletTable:
    """Return the eplet table stored at `path` (hlaR MHC_I_eplet_v2.csv or v3.csv)."""
    file = Path(path)
    return read_eplets_text(file.read_text(encoding="utf-8"), source=file.name)
