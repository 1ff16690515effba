"""Population view: the expected share of donors a patient's antibodies exclude (cPRA-style).

With haplotype frequencies, by inclusion–exclusion over the loci (balima78/cpra, `R/cpra.R`;
transfusion.md §2.5):

    P(haplotype clean) = 1 − S_A − S_B − S_DR + S_AB + S_ADR + S_BDR − S_ABDR
    cPRA = 1 − P(haplotype clean)²                    (Hardy–Weinberg: both haplotypes clean)

where S_X sums the frequencies of the unacceptable antigens at locus X and S_XY… the frequencies
of the X~Y… haplotypes whose antigens are all unacceptable. Without a multi-locus table, loci are
taken as independent (S_XY = S_X · S_Y), which ignores linkage disequilibrium (A1~B8…).
Antigens are split-level labels ("A2", "B44", "Cw7", "DR4"); a broad (A9) counts as its splits.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from filiere.hla.antibodies import UnacceptableSet
from filiere.hla.nomenclature import Allele, Antigen, parse_hla
from filiere.hla.serology import SerologyMap, default_serology

_LOCUS_RE = re.compile(r"([A-Za-z]+?)w?\d+")


def locus_of(label: str) -> str:
    """Return the locus of an antigen label: A2 → A, Cw7 → C, DR4 → DR."""
    match = _LOCUS_RE.fullmatch(label)
    if match is None:
        raise ValueError(f"antigène illisible : « {label} »")
    return "C" if match.group(1) == "C" else match.group(1)


@dataclass(frozen=True)
class HaplotypeFrequencies:
    """Frequency tables keyed by loci: ("A",) → {("A2",): 0.275}, ("A", "B") → {("A1", "B8"): …}."""

    tables: Mapping[tuple[str, ...], Mapping[tuple[str, ...], float]]
    source: str = ""

    @property
    def loci(self) -> tuple[str, ...]:
        return tuple(sorted({k[0] for k in self.tables if len(k) == 1}))


def expand_broads(labels: Iterable[str], serology: SerologyMap | None = None) -> frozenset[str]:
    """Return `labels` with each class I broad followed by its splits (A9 → A9, A23, A24)."""
    serology = serology or default_serology()
    result: set[str] = set()
    for label in labels:
        result.add(label)
        try:
            antigen = Antigen.parse(label)
        except ValueError:
            continue
        result.update(a.name for a in serology.splits_of(serology.normalize(antigen)))
    return frozenset(result)


def unacceptable_labels(
    unacceptable: UnacceptableSet, serology: SerologyMap | None = None
) -> frozenset[str]:
    """Return the antigen labels excluded at one threshold, public epitopes spelt out as antigens.

    Allele-level exclusions (rule "all") are left out: antigen frequency tables cannot see them.
    """
    serology = serology or default_serology()
    labels = {a.name for a in unacceptable.antigens}
    for epitope in unacceptable.epitopes:
        labels |= {a.name for a in serology.antigens_carrying(epitope)}
    return expand_broads(labels, serology)


def cpra(
    unacceptable: Iterable[str],
    frequencies: HaplotypeFrequencies,
    serology: SerologyMap | None = None,
) -> float:
    """Return the calculated PRA: the share of donors carrying ≥ 1 unacceptable antigen."""
    bad = expand_broads(unacceptable, serology)
    loci = sorted({locus_of(label) for label in bad} & set(frequencies.loci))
    clean = 1.0
    for size in range(1, len(loci) + 1):
        for subset in combinations(loci, size):
            clean += (-1) ** size * _all_unacceptable(subset, bad, frequencies)
    clean = min(1.0, max(0.0, clean))
    return 1.0 - clean * clean


def _all_unacceptable(
    loci: tuple[str, ...], bad: frozenset[str], frequencies: HaplotypeFrequencies
) -> float:
    table = frequencies.tables.get(loci)
    if table is None:
        if len(loci) == 1:
            return 0.0
        product = 1.0
        for locus in loci:
            product *= _all_unacceptable((locus,), bad, frequencies)
        return product
    return sum(f for haplotype, f in table.items() if all(a in bad for a in haplotype))


def antigen_frequencies(
    allele_frequencies: Mapping[str, Mapping[str, float]], serology: SerologyMap | None = None
) -> HaplotypeFrequencies:
    """Return single-locus antigen frequencies from two-field allele frequencies.

    `allele_frequencies` maps a locus ("A") to {"A*02:01": 0.29, …}; an allele counts for its
    serological antigen (split level; an allele of broad serology counts for the broad).
    """
    serology = serology or default_serology()
    tables: dict[tuple[str, ...], dict[tuple[str, ...], float]] = {}
    for locus, alleles in allele_frequencies.items():
        table: dict[tuple[str, ...], float] = {}
        for name, frequency in alleles.items():
            allele = parse_hla(name)
            if not isinstance(allele, Allele):
                continue
            antigens = sorted(serology.exact_antigens(allele))
            for antigen in antigens[:1]:  # an allele of ambiguous serology counts once
                table[(antigen.name,)] = table.get((antigen.name,), 0.0) + frequency
        tables[(locus,)] = table
    return HaplotypeFrequencies(tables, source="fréquences alléliques")


def expected_compatible(pool_size: int, cpra_value: float) -> float:
    """Return the expected number of compatible donors in a pool of `pool_size`."""
    return pool_size * (1.0 - cpra_value)


def load_cpra_frequencies(folder: Path | str) -> HaplotypeFrequencies:
    """Return the frequency tables of a folder laid out like the R package `cpra`'s data.

    Files `HLA_A.csv`, `HLA_B.csv`, `HLA_DR.csv`, `HLA_AB.csv`, `HLA_ADR.csv`, `HLA_BDR.csv`,
    `HLA_ABDR.csv` (any subset); columns `AA`, `BB`, `DDR` (or `CC`) and `freq`.
    """
    base = Path(folder)
    columns = {"AA": "A", "BB": "B", "CC": "C", "DDR": "DR"}
    tables: dict[tuple[str, ...], dict[tuple[str, ...], float]] = {}
    for path in sorted(base.glob("HLA_*.csv")):
        with path.open(encoding="utf-8") as file:
            reader = csv.DictReader(file)
            fields = [c for c in (reader.fieldnames or []) if c in columns]
            if not fields or "freq" not in (reader.fieldnames or []):
                continue
            key = tuple(columns[c] for c in fields)
            table: dict[tuple[str, ...], float] = {}
            for row in reader:
                haplotype = tuple(row[c].strip() for c in fields)
                table[haplotype] = table.get(haplotype, 0.0) + float(row["freq"] or 0)
        tables[key] = table
    if not tables:
        raise FileNotFoundError(f"aucune table de fréquences HLA_*.csv dans {base}")
    return HaplotypeFrequencies(tables, source=str(base))
