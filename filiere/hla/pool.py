"""Synthetic, seeded pools of HLA-typed apheresis donors, realistic for France (demo, benchmarks).

Loci are drawn independently under Hardy–Weinberg equilibrium from two-field allele frequencies:
linkage disequilibrium (A1–B8…) is ignored: fine for load and timing, not for epidemiology.
Typing resolution is mixed as in a real donor file: allele level, serological split, a few
broad-only typings, and HLA-C often missing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import overload

import numpy as np
import numpy.typing as npt

from filiere.hla.donors import Abo, Donor, PlateletAntigen
from filiere.hla.eplets import EpletTable
from filiere.hla.index import ABO_CODES, DonorIndex, LocusColumn
from filiere.hla.nomenclature import Allele, HlaCall, Locus, Typing, parse_hla
from filiere.hla.serology import SerologyMap, default_serology

# Two-field allele frequencies ≥ 1 %, rounded: Allele Frequency Net Database, "France French Bone
# Marrow Donor Registry" (n = 42,623) for HLA-A and -B, "Germany DKMS - France minority"
# (n = 1,406) for HLA-C. Renormalised at use. Full tables: `load_afnd_frequencies`.
_EMBEDDED = {
    Locus.A: "01:01 .130 02:01 .290 03:01 .123 11:01 .050 23:01 .027 24:02 .094 25:01 .016 "
    "26:01 .030 29:02 .057 30:01 .012 30:02 .018 31:01 .027 32:01 .034 33:01 .011 68:01 .024",
    Locus.B: "07:02 .114 08:01 .095 13:02 .020 14:01 .011 14:02 .031 15:01 .054 18:01 .058 "
    "27:05 .029 35:01 .046 35:03 .020 37:01 .012 38:01 .019 39:01 .011 40:01 .036 40:02 .015 "
    "44:02 .077 44:03 .080 49:01 .023 50:01 .013 51:01 .074 55:01 .016 57:01 .029 58:01 .010",
    Locus.C: "01:02 .043 02:02 .051 03:03 .045 03:04 .065 04:01 .121 05:01 .077 06:02 .091 "
    "07:01 .141 07:02 .123 07:04 .017 08:02 .034 12:03 .062 14:02 .018 15:02 .026 16:01 .040 "
    "17:01 .010",
}

# Population of the 18 regions (INSEE 2021, millions, rounded), used as donor weights.
REGION_WEIGHTS: Mapping[str, float] = {
    "11": 12.3, "84": 8.1, "75": 6.0, "76": 6.0, "32": 6.0, "44": 5.6, "93": 5.1, "52": 3.8,
    "53": 3.4, "28": 3.3, "27": 2.8, "24": 2.6, "94": 0.35, "04": 0.87, "01": 0.38, "02": 0.36,
    "03": 0.29, "06": 0.3,
}  # fmt: skip
# ABO in French donors (EFS: O 42 %, A 45 %, B 9 %, AB 4 %).
ABO_WEIGHTS: Mapping[Abo, float] = {Abo.O: 0.42, Abo.A: 0.45, Abo.B: 0.09, Abo.AB: 0.04}
# HPA b-allele frequencies, UK renal donors (Eur J Immunogenet 2003;30:415, PMID 14675395).
HPA_B_FREQUENCY: Mapping[str, float] = {"hpa1": 0.161, "hpa3": 0.373, "hpa5": 0.086}
_HPA_GENOTYPES = ("aa", "ab", "bb")


@dataclass(frozen=True)
class AlleleFrequencies:
    loci: Mapping[Locus, tuple[tuple[Allele, float], ...]]
    source: str


def embedded_frequencies() -> AlleleFrequencies:
    loci: dict[Locus, tuple[tuple[Allele, float], ...]] = {}
    for locus, text in _EMBEDDED.items():
        parts = text.split()
        loci[locus] = tuple(
            (Allele(locus, tuple(name.split(":"))), float(freq))
            for name, freq in zip(parts[::2], parts[1::2], strict=True)
        )
    return AlleleFrequencies(loci, "AFND France (table réduite intégrée)")


def load_afnd_frequencies(folder: Path | str) -> AlleleFrequencies:
    """Return the frequencies of `afnd_france_{A,B,C}.tsv` in `folder`.

    For each locus: the French bone-marrow donor registry when it has rows, otherwise the
    population with the largest sample.
    """
    base = Path(folder)
    loci: dict[Locus, tuple[tuple[Allele, float], ...]] = {}
    chosen: list[str] = []
    for locus in Locus:
        rows: dict[str, list[tuple[Allele, float]]] = {}
        sizes: dict[str, int] = {}
        with (base / f"afnd_france_{locus.value}.tsv").open(encoding="utf-8") as file:
            for row in csv.DictReader(file, delimiter="\t"):
                try:
                    frequency = float(row["alleles_over_2n"])
                    allele = parse_hla(row["allele"])
                except (ValueError, KeyError):
                    continue
                if not isinstance(allele, Allele) or frequency <= 0:
                    continue
                population = row["population"]
                rows.setdefault(population, []).append((allele.two_field(), frequency))
                sizes[population] = int(row.get("n", "0").replace(",", "") or 0)
        if not rows:
            raise ValueError(f"{locus.value} : aucune fréquence lue dans {base}")
        registry = "France French Bone Marrow Donor Registry"
        population = registry if registry in rows else max(rows, key=lambda p: sizes.get(p, 0))
        loci[locus] = tuple(rows[population])
        chosen.append(f"{locus.value}: {population}")
    return AlleleFrequencies(loci, "AFND (" + "; ".join(chosen) + ")")


@dataclass(frozen=True)
class PoolSpec:
    allele_level: float = 0.6  # share of loci typed at two fields; the rest at antigen level
    broad_only: float = 0.05  # share of loci typed at broad antigen level only (A9, B12…)
    untyped_c: float = 0.4  # share of donors not typed at HLA-C
    cd36_negative: float = 0.003  # Caucasians < 0.3 % (0/1,127 French donors: Lee 1999)
    inactive: float = 0.0
    hpa_typed: float = 1.0  # share of donors genotyped for HPA-1, -3, -5 (the rest: unknown)
    cd36_typed: float = 1.0  # share of donors whose CD36 expression is known


class SyntheticIds(Sequence[str]):
    """Donor identifiers D0000001… computed on demand (a million strings would cost 60 MB)."""

    def __init__(self, size: int, prefix: str = "D") -> None:
        self._size = size
        self._prefix = prefix

    def __len__(self) -> int:
        return self._size

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...
    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._size))]
        if not -self._size <= index < self._size:
            raise IndexError(index)
        return f"{self._prefix}{index % self._size + 1:07d}"


@dataclass(frozen=True, eq=False)
class SyntheticPool:
    ids: SyntheticIds
    regions: tuple[str, ...]
    region_codes: npt.NDArray[np.uint8]
    abo_codes: npt.NDArray[np.uint8]
    hpa: npt.NDArray[np.uint8]  # (n, 3): genotype index of HPA-1, -3, -5 (0 aa, 1 ab, 2 bb)
    cd36_negative: npt.NDArray[np.bool_]
    active: npt.NDArray[np.bool_]
    hpa_typed: npt.NDArray[np.bool_]
    cd36_typed: npt.NDArray[np.bool_]
    genotypes: Mapping[Locus, tuple[tuple[HlaCall, ...], ...]]
    codes: Mapping[Locus, npt.NDArray[np.unsignedinteger]]
    serology: SerologyMap
    source: str

    def __len__(self) -> int:
        return len(self.ids)

    def lacked(self) -> npt.NDArray[np.uint8]:
        bits = np.zeros(len(self), dtype=np.uint8)
        bits |= np.where(self.hpa[:, 0] == 2, PlateletAntigen.HPA_1A.bit, 0).astype(np.uint8)
        bits |= np.where(self.hpa[:, 1] == 0, PlateletAntigen.HPA_3B.bit, 0).astype(np.uint8)
        bits |= np.where(self.hpa[:, 2] == 0, PlateletAntigen.HPA_5B.bit, 0).astype(np.uint8)
        bits &= np.where(self.hpa_typed, 0xFF, 0).astype(np.uint8)
        bits |= np.where(self.cd36_negative & self.cd36_typed, PlateletAntigen.CD36.bit, 0).astype(
            np.uint8
        )
        return bits

    def typed(self) -> npt.NDArray[np.uint8]:
        hpa = sum(a.bit for a in PlateletAntigen if a is not PlateletAntigen.CD36)
        bits = np.where(self.hpa_typed, hpa, 0).astype(np.uint8)
        bits |= np.where(self.cd36_typed, PlateletAntigen.CD36.bit, 0).astype(np.uint8)
        return bits

    def index(self, *, eplets: EpletTable | None = None) -> DonorIndex:
        """Return the searchable index of the pool (no per-donor Python object is created)."""
        return DonorIndex.build(
            ids=self.ids,
            regions=self.regions,
            region_codes=self.region_codes,
            abo_codes=self.abo_codes,
            lacked=self.lacked(),
            typed=self.typed(),
            active=self.active,
            loci={
                locus: LocusColumn.from_genotypes(self.genotypes[locus], self.codes[locus])
                for locus in Locus
            },
            serology=self.serology,
            eplets=eplets,
        )

    def iter_donors(self) -> Iterator[Donor]:
        """Yield the pool's donors as records (for the reference search, CSV export, the demo)."""
        for i in range(len(self)):
            calls: list[HlaCall] = []
            for locus in Locus:
                calls.extend(self.genotypes[locus][int(self.codes[locus][i])])
            hpa: list[str | None] = [_HPA_GENOTYPES[int(g)] for g in self.hpa[i]]
            if not self.hpa_typed[i]:
                hpa = [None, None, None]
            region = self.regions[int(self.region_codes[i])]
            yield Donor(
                id=self.ids[i],
                region=region,
                abo=ABO_CODES[int(self.abo_codes[i])],
                typing=Typing.of(calls),
                site=f"EFS {region}",
                hpa1=hpa[0],
                hpa3=hpa[1],
                hpa5=hpa[2],
                cd36_positive=(not bool(self.cd36_negative[i]) if self.cd36_typed[i] else None),
                active=bool(self.active[i]),
            )

    def donors(self) -> list[Donor]:
        return list(self.iter_donors())


def generate_pool(
    size: int,
    *,
    seed: int = 0,
    frequencies: AlleleFrequencies | None = None,
    spec: PoolSpec | None = None,
    serology: SerologyMap | None = None,
) -> SyntheticPool:
    """Return a pool of `size` synthetic donors; the same seed always gives the same pool."""
    frequencies = frequencies or embedded_frequencies()
    spec = spec or PoolSpec()
    serology = serology or default_serology()
    rng = np.random.default_rng(seed)
    regions = tuple(REGION_WEIGHTS)
    region_codes = _draw(rng, size, list(REGION_WEIGHTS.values())).astype(np.uint8)
    abo_codes = _draw(rng, size, [ABO_WEIGHTS[a] for a in Abo]).astype(np.uint8)
    hpa = np.stack(
        [
            (rng.random(size) < q).astype(np.uint8) + (rng.random(size) < q).astype(np.uint8)
            for q in HPA_B_FREQUENCY.values()
        ],
        axis=1,
    )
    cd36_negative = rng.random(size) < spec.cd36_negative
    active = rng.random(size) >= spec.inactive
    genotypes: dict[Locus, tuple[tuple[HlaCall, ...], ...]] = {}
    codes: dict[Locus, npt.NDArray[np.unsignedinteger]] = {}
    for locus in Locus:
        untyped = spec.untyped_c if locus is Locus.C else 0.0
        genotypes[locus], codes[locus] = _locus_genotypes(
            rng, size, frequencies.loci[locus], spec, untyped, serology
        )
    # Drawn last, so that the pools of a seed are unchanged by the typing shares.
    hpa_typed = rng.random(size) < spec.hpa_typed
    cd36_typed = rng.random(size) < spec.cd36_typed
    return SyntheticPool(
        ids=SyntheticIds(size),
        regions=regions,
        region_codes=region_codes,
        abo_codes=abo_codes,
        hpa=hpa,
        cd36_negative=cd36_negative,
        active=active,
        hpa_typed=hpa_typed,
        cd36_typed=cd36_typed,
        genotypes=genotypes,
        codes=codes,
        serology=serology,
        source=frequencies.source,
    )


def _draw(rng: np.random.Generator, size: int, weights: Sequence[float]) -> npt.NDArray[np.intp]:
    p = np.asarray(weights, dtype=np.float64)
    return rng.choice(len(p), size=size, p=p / p.sum())


def _resolutions(allele: Allele, serology: SerologyMap) -> tuple[HlaCall, HlaCall, HlaCall]:
    """The allele as written at two fields, at split antigen level and at broad level."""
    antigens = serology.exact_antigens(allele)
    if len(antigens) != 1:
        return allele, allele, allele
    (antigen,) = antigens
    return allele, antigen, serology.broad_of(antigen) or antigen


def _locus_genotypes(
    rng: np.random.Generator,
    size: int,
    table: Sequence[tuple[Allele, float]],
    spec: PoolSpec,
    untyped: float,
    serology: SerologyMap,
) -> tuple[tuple[tuple[HlaCall, ...], ...], npt.NDArray[np.unsignedinteger]]:
    weights = np.asarray([f for _, f in table], dtype=np.float64)
    drawn = rng.choice(len(table), size=(size, 2), p=weights / weights.sum())
    antigen_level = max(0.0, 1.0 - spec.allele_level - spec.broad_only)
    resolution = _draw(rng, size, [spec.allele_level, antigen_level, spec.broad_only])
    # Canonical call ids: two alleles of one antigen typed at antigen level are one call.
    calls: dict[HlaCall, int] = {}
    canonical = np.zeros(len(table) * 3, dtype=np.int64)
    for a, (allele, _) in enumerate(table):
        for r, call in enumerate(_resolutions(allele, serology)):
            canonical[a * 3 + r] = calls.setdefault(call, len(calls))
    first = canonical[drawn[:, 0] * 3 + resolution]
    second = canonical[drawn[:, 1] * 3 + resolution]
    low, high = np.minimum(first, second), np.maximum(first, second)
    width = len(calls) + 1  # `len(calls)` in the high slot means "one call" (homozygous or blank)
    keys = low * width + np.where(low == high, len(calls), high)
    keys = np.where(rng.random(size) < untyped, -1, keys)
    unique = np.unique(np.concatenate(([-1], keys)))
    positions = np.searchsorted(unique, keys)
    codes: npt.NDArray[np.unsignedinteger]
    if len(unique) <= np.iinfo(np.uint16).max:
        codes = positions.astype(np.uint16)
    else:
        codes = positions.astype(np.uint32)
    by_id = list(calls)
    genotypes: list[tuple[HlaCall, ...]] = []
    for key in unique.tolist():
        if key < 0:
            genotypes.append(())
            continue
        lo, hi = divmod(key, width)
        genotypes.append((by_id[lo],) if hi == len(calls) else (by_id[lo], by_id[hi]))
    return tuple(genotypes), codes


def donors_to_csv(donors: Sequence[Donor] | Iterator[Donor]) -> str:
    """Return the donors in the documented donors CSV format (see `filiere.hla.donors`)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        [
            "id",
            "site",
            "region",
            "abo",
            "hla_a",
            "hla_b",
            "hla_c",
            "hpa1",
            "hpa3",
            "hpa5",
            "cd36",
            "active",
        ]
    )
    for d in donors:
        writer.writerow(
            [
                d.id,
                d.site,
                d.region,
                d.abo.value if d.abo else "",
                " ".join(c.name for c in d.typing.at(Locus.A)),
                " ".join(c.name for c in d.typing.at(Locus.B)),
                " ".join(c.name for c in d.typing.at(Locus.C)),
                d.hpa1 or "",
                d.hpa3 or "",
                d.hpa5 or "",
                "" if d.cd36_positive is None else ("pos" if d.cd36_positive else "neg"),
                "1" if d.active else "0",
            ]
        )
    return buffer.getvalue()
