"""Allele → serological antigen, broad ↔ split, and the Bw4/Bw6 public epitopes.

A `SerologyMap` is pure data. The default one is built from the WHO dictionary that `mhcgnomes`
ships; `filiere.hla.imgt` builds a complete one from an IPD-IMGT/HLA release (rel_dna_ser.txt,
rel_ser_ser.txt). Matching works on split antigens: a broad call (A9) stands for any of its splits
(A23 or A24), as transfusion.md §2.2 step 2 and the ETRL vPRA rules do.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from filiere.hla import _mhcgnomes
from filiere.hla.nomenclature import Allele, Antigen, HlaCall, PublicEpitope

# Public epitopes of serological antigens (splits and associated antigens), from the WMDA
# Bw4/Bw6 list (https://hla.alleles.org/pages/antigens/bw4_bw6/), as transcribed in
# shared/data/hla/tables/creg_class_I.csv, plus its associated antigens (A2403, B5102, B5103 Bw4;
# B703, B2708, B3901, B3902 Bw6). A broad carries what its splits carry.
_BW4 = (
    "A23 A24 A2403 A25 A32 B13 B27 B37 B38 B44 B47 B49 B51 B5102 B5103 B52 B53 B57 B58 B59 B63 B77"
)
_BW6 = (
    "B7 B703 B8 B18 B2708 B35 B39 B3901 B3902 B41 B42 B45 B46 B48 B50 B54 B55 B56 B60 B61 B62 B64 "
    "B65 B67 B71 B72 B73 B75 B76 B78 B81 B82"
)
EPITOPES_OF_ANTIGEN: Mapping[str, PublicEpitope] = {
    **dict.fromkeys(_BW4.split(), PublicEpitope.BW4),
    **dict.fromkeys(_BW6.split(), PublicEpitope.BW6),
}

# Associated antigens and the antigen they belong to: WMDA rel_ser_ser.txt column 4
# (IPD-IMGT/HLA 3.58.0), class I rows.
ASSOCIATED_ANTIGENS: Mapping[str, str] = {
    "A203": "A2",
    "A210": "A2",
    "A2403": "A24",
    "B703": "B7",
    "B2708": "B27",
    "B3901": "B39",
    "B3902": "B39",
    "B4005": "B21",
    "B5102": "B51",
    "B5103": "B51",
}


@dataclass(frozen=True)
class Alternative:
    """One thing a typing call may be: a split antigen and the public epitopes it carries."""

    antigen: Antigen
    epitopes: frozenset[PublicEpitope]


@dataclass(frozen=True, eq=False)
class SerologyMap:
    """Allele → antigens (two-field keys), broad → splits, associated → parent antigen."""

    alleles: Mapping[str, tuple[Antigen, ...]]  # "A*02:01" → (A2,); () for a null allele
    splits: Mapping[Antigen, tuple[Antigen, ...]]  # A9 → (A23, A24)
    associated: Mapping[Antigen, Antigen]  # A203 → A2
    source: str
    _cache: dict[HlaCall, tuple[Alternative, ...]] = field(
        default_factory=dict, repr=False, compare=False
    )
    _groups: dict[str, tuple[Antigen, ...]] = field(default_factory=dict, repr=False, compare=False)

    def normalize(self, antigen: Antigen) -> Antigen:
        """Return the antigen an associated antigen belongs to (A203 → A2), else `antigen`."""
        return self.associated.get(antigen, antigen)

    def broad_of(self, antigen: Antigen) -> Antigen | None:
        for broad, splits in self.splits.items():
            if antigen in splits:
                return broad
        return None

    def splits_of(self, antigen: Antigen) -> tuple[Antigen, ...]:
        return self.splits.get(antigen, ())

    def allele_antigens(self, allele: Allele) -> tuple[Antigen, ...]:
        """Return the serological antigens of `allele` as assigned (associated antigens kept).

        Null alleles express nothing. An allele absent from the map gets the antigen named by its
        first field (WMDA "assumed" serology), which is also how one-field typings are read when
        no known allele of that group is in the map.
        """
        if allele.is_null:
            return ()
        if allele.is_group:
            return self._group_antigens(allele)
        known = self.alleles.get(allele.key)
        if known is not None:
            return known
        return (Antigen(allele.locus, int(allele.fields[0])),)

    def _group_antigens(self, allele: Allele) -> tuple[Antigen, ...]:
        prefix = f"{allele.key}:"
        cached = self._groups.get(prefix)
        if cached is None:
            found = {a for key, ags in self.alleles.items() if key.startswith(prefix) for a in ags}
            found = {a for a in found if a.number != 0}
            cached = tuple(sorted(found)) or (Antigen(allele.locus, int(allele.fields[0])),)
            self._groups[prefix] = cached
        return cached

    def alternatives(self, call: HlaCall) -> tuple[Alternative, ...]:
        """Return the split antigens (with their epitopes) that `call` may stand for."""
        cached = self._cache.get(call)
        if cached is not None:
            return cached
        raw = self.allele_antigens(call) if isinstance(call, Allele) else (call,)
        found: dict[Antigen, frozenset[PublicEpitope]] = {}
        for antigen in raw:
            own = EPITOPES_OF_ANTIGEN.get(antigen.name)
            parent = self.normalize(antigen)
            splits = self.splits_of(parent) or (parent,)
            for split in splits:
                epitopes = _epitopes(split, own if split == parent else None)
                found[split] = found.get(split, frozenset()) | epitopes
        result = tuple(Alternative(a, e) for a, e in sorted(found.items()))
        self._cache[call] = result
        return result

    def antigens(self, call: HlaCall) -> frozenset[Antigen]:
        """Return the split antigens `call` may stand for (A9 → {A23, A24}; A*02:01 → {A2})."""
        return frozenset(alt.antigen for alt in self.alternatives(call))

    def exact_antigens(self, call: HlaCall) -> frozenset[Antigen]:
        """Return the antigens `call` certainly is, without expanding a broad (A9 stays A9)."""
        raw = self.allele_antigens(call) if isinstance(call, Allele) else (call,)
        return frozenset(self.normalize(a) for a in raw)

    def epitopes(self, call: HlaCall) -> frozenset[PublicEpitope]:
        """Return the public epitopes `call` may carry."""
        result: frozenset[PublicEpitope] = frozenset()
        for alt in self.alternatives(call):
            result |= alt.epitopes
        return result

    def certain_epitopes(self, call: HlaCall) -> frozenset[PublicEpitope]:
        """Return the public epitopes `call` carries whichever antigen it stands for."""
        alts = self.alternatives(call)
        if not alts:
            return frozenset()
        result = alts[0].epitopes
        for alt in alts[1:]:
            result &= alt.epitopes
        return result

    def antigens_carrying(self, epitope: PublicEpitope) -> frozenset[Antigen]:
        """Return the split antigens known to carry `epitope` (for the population view)."""
        return frozenset(
            Antigen.parse(name)
            for name, e in EPITOPES_OF_ANTIGEN.items()
            if e is epitope and Antigen.parse(name) not in self.associated
        )


def _epitopes(antigen: Antigen, own: PublicEpitope | None) -> frozenset[PublicEpitope]:
    if own is not None:
        return frozenset({own})
    found = EPITOPES_OF_ANTIGEN.get(antigen.name)
    return frozenset({found}) if found is not None else frozenset()


_OLD_ALLELE_RE = re.compile(r"(?P<locus>[ABC])\*(?P<f1>\d{2})(?P<f2>\d{2,3})")
_NEW_ALLELE_RE = re.compile(r"(?P<locus>[ABC])\*(?P<f1>\d{2,3}):(?P<f2>\d{2,4})")
_SEROTYPE_RE = re.compile(r"(A|B|Cw)w?\d{1,4}")


def _allele_key(name: str) -> str | None:
    match = _NEW_ALLELE_RE.fullmatch(name) or _OLD_ALLELE_RE.fullmatch(name)
    if match is None:
        return None
    return f"{match['locus']}*{match['f1']}:{match['f2']}"


@lru_cache(maxsize=1)
def default_serology() -> SerologyMap:
    """Return the map built from the WHO dictionary shipped with mhcgnomes (about 620 alleles).

    Good for the common alleles; load an IPD-IMGT/HLA release with `filiere.hla.imgt` for all.
    """
    alleles: dict[str, set[Antigen]] = {}
    for name, members in _mhcgnomes.direct_serotypes().items():
        if name in {"Bw4", "Bw6"} or not _SEROTYPE_RE.fullmatch(name):
            continue
        antigen = Antigen.parse(name)
        for member in members:
            key = _allele_key(member)
            if key is not None and key[0] == antigen.locus.value:
                alleles.setdefault(key, set()).add(antigen)
    splits: dict[Antigen, tuple[Antigen, ...]] = {}
    for broad, members in _mhcgnomes.serotype_splits().items():
        if _SEROTYPE_RE.fullmatch(broad):
            splits[Antigen.parse(broad)] = tuple(sorted(Antigen.parse(m) for m in members))
    associated = {Antigen.parse(k): Antigen.parse(v) for k, v in ASSOCIATED_ANTIGENS.items()}
    return SerologyMap(
        alleles={k: tuple(sorted(v)) for k, v in alleles.items()},
        splits=splits,
        associated=associated,
        source=f"{_mhcgnomes.version()} (dictionnaire OMS)",
    )
