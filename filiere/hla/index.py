"""A donor pool held in memory as a few numpy columns, searched in milliseconds.

Each donor is reduced to small integer codes: region, ABO, platelet antigens lacked and typed
(two bit sets, so that an HPA/CD36 requirement is one vectorised mask) and, for each locus, a
*genotype code* (the pair of calls written for that locus; 0 = not typed). A pool of a million
donors has only a few thousand distinct genotypes per locus, so a search evaluates the patient's
antibodies once per call and per genotype (tiny tables), then gathers the results per donor with
`np.take` and a few element-wise maxima.

For an item (antigen, allele, epitope, untyped locus) the antibody profile gives a *critical value*
v such that the item is unacceptable at threshold T exactly when v ≥ T; hence a donor is compatible
at T when the maximum over its calls is < T, and the index of the first threshold above that
maximum is "the lowest threshold at which the donor is compatible". The results are identical to
`filiere.hla.search.search_reference` (tested on random pools).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from filiere.hla.counts import threshold_table
from filiere.hla.donors import Donor, needs_bits
from filiere.hla.eplets import EpletTable
from filiere.hla.nomenclature import HlaCall, Locus
from filiere.hla.ranking import ABO_CODES as ABO_CODES  # the codes of the abo column
from filiere.hla.ranking import eplet_mask, ranked
from filiere.hla.search import (
    DonorQuery,
    SearchResult,
)
from filiere.hla.serology import SerologyMap, default_serology

Int32Array = npt.NDArray[np.int32]
UInt8Array = npt.NDArray[np.uint8]


@dataclass(frozen=True, eq=False)
class LocusColumn:
    """The genotypes written at one locus and each donor's genotype code (0 = not typed)."""

    calls: tuple[HlaCall, ...]
    first: Int32Array  # per genotype: index into `calls`, -1 for none
    second: Int32Array
    donors: npt.NDArray[np.unsignedinteger]  # per donor: genotype code

    @classmethod
    def from_genotypes(
        cls, genotypes: Sequence[tuple[HlaCall, ...]], codes: npt.NDArray[np.unsignedinteger]
    ) -> LocusColumn:
        """`genotypes[0]` must be the empty (untyped) genotype."""
        if genotypes[0]:
            raise ValueError("le génotype 0 doit être « non typé »")
        calls: dict[HlaCall, int] = {}
        first = np.full(len(genotypes), -1, dtype=np.int32)
        second = np.full(len(genotypes), -1, dtype=np.int32)
        for g, genotype in enumerate(genotypes):
            for slot, call in enumerate(genotype[:2]):
                index = calls.setdefault(call, len(calls))
                (first if slot == 0 else second)[g] = index
        return cls(tuple(calls), first, second, codes)


def _code_dtype(count: int) -> type[np.unsignedinteger]:
    return np.uint16 if count <= np.iinfo(np.uint16).max else np.uint32


@dataclass(frozen=True, eq=False)
class DonorIndex:
    ids: Sequence[str]
    regions: tuple[str, ...]  # region code of each region index
    region_codes: UInt8Array
    abo_codes: UInt8Array  # index into ABO_CODES
    lacked: UInt8Array  # bit set of PlateletAntigen the donor is known to lack
    typed: UInt8Array  # bit set of PlateletAntigen whose status is known (lacked ⊆ typed)
    active: npt.NDArray[np.bool_]
    loci: Mapping[Locus, LocusColumn]
    serology: SerologyMap
    eplets: EpletTable | None = None
    _eplet_masks: Mapping[Locus, tuple[npt.NDArray[np.uint64], npt.NDArray[np.bool_]]] | None = None
    _eplet_names: tuple[str, ...] = ()
    # Per donor: its identifier's position in sorted order, the ranking's last key (a stable
    # order that does not depend on the file's order).
    _id_order: Int32Array | None = None
    _by_id: npt.NDArray[np.intp] | None = None  # positions sorted by identifier

    def __len__(self) -> int:
        return len(self.region_codes)

    @property
    def nbytes(self) -> int:
        """Memory held by the numpy columns (donor identifiers not included)."""
        total = sum(
            a.nbytes
            for a in (self.region_codes, self.abo_codes, self.lacked, self.typed, self.active)
        )
        for column in self.loci.values():
            total += column.donors.nbytes + column.first.nbytes + column.second.nbytes
        for masks, known in (self._eplet_masks or {}).values():
            total += masks.nbytes + known.nbytes
        return total

    @classmethod
    def build(
        cls,
        *,
        ids: Sequence[str],
        regions: tuple[str, ...],
        region_codes: UInt8Array,
        abo_codes: UInt8Array,
        lacked: UInt8Array,
        typed: UInt8Array,
        active: npt.NDArray[np.bool_],
        loci: Mapping[Locus, LocusColumn],
        serology: SerologyMap | None = None,
        eplets: EpletTable | None = None,
    ) -> DonorIndex:
        if len(regions) > 254:
            raise ValueError("au plus 254 régions")
        masks = None
        names: tuple[str, ...] = ()
        if eplets is not None:
            names = eplets.names
            masks = {
                locus: _genotype_eplets(column, eplets, names) for locus, column in loci.items()
            }
        by_id = np.argsort(np.asarray(ids, dtype=str), kind="stable")
        id_order = np.empty(len(ids), dtype=np.int32)
        id_order[by_id] = np.arange(len(ids), dtype=np.int32)
        return cls(
            ids=ids,
            regions=regions,
            region_codes=region_codes,
            abo_codes=abo_codes,
            lacked=lacked,
            typed=typed | lacked,
            active=active,
            loci=loci,
            serology=serology or default_serology(),
            eplets=eplets,
            _eplet_masks=masks,
            _eplet_names=names,
            _id_order=id_order,
            _by_id=by_id,
        )

    @classmethod
    def from_donors(
        cls,
        donors: Iterable[Donor],
        *,
        serology: SerologyMap | None = None,
        eplets: EpletTable | None = None,
    ) -> DonorIndex:
        """Return the index of `donors` (inactive ones are kept but never counted or proposed)."""
        ids: list[str] = []
        regions: dict[str, int] = {}
        region_codes: list[int] = []
        abo_codes: list[int] = []
        lacked: list[int] = []
        typed: list[int] = []
        active: list[bool] = []
        genotypes: dict[Locus, dict[tuple[HlaCall, ...], int]] = {locus: {(): 0} for locus in Locus}
        codes: dict[Locus, list[int]] = {locus: [] for locus in Locus}
        for donor in donors:
            ids.append(donor.id)
            region_codes.append(regions.setdefault(donor.region, len(regions)))
            abo_codes.append(ABO_CODES.index(donor.abo))
            lacked.append(donor.lacked_bits)
            typed.append(donor.typed_bits)
            active.append(donor.active)
            for locus in Locus:
                table = genotypes[locus]
                codes[locus].append(table.setdefault(donor.typing.at(locus), len(table)))
        columns = {
            locus: LocusColumn.from_genotypes(
                list(genotypes[locus]),
                np.asarray(codes[locus], dtype=_code_dtype(len(genotypes[locus]))),
            )
            for locus in Locus
        }
        return cls.build(
            ids=ids,
            regions=tuple(regions),
            region_codes=np.asarray(region_codes, dtype=np.uint8),
            abo_codes=np.asarray(abo_codes, dtype=np.uint8),
            lacked=np.asarray(lacked, dtype=np.uint8),
            typed=np.asarray(typed, dtype=np.uint8),
            active=np.asarray(active, dtype=np.bool_),
            loci=columns,
            serology=serology,
            eplets=eplets,
        )

    def position_of(self, donor_id: str) -> int | None:
        """Return the position of a donor by identifier (binary search), None if absent."""
        assert self._by_id is not None  # noqa: S101 - set by build()
        order = self._by_id
        at = bisect.bisect_left(range(len(order)), donor_id, key=lambda i: self.ids[int(order[i])])
        if at < len(order) and self.ids[int(order[at])] == donor_id:
            return int(order[at])
        return None

    def excluding(self, donor_ids: Iterable[str]) -> DonorIndex:
        """Return the index with these donors set aside, as if inactive (a positive crossmatch
        with the patient): never counted nor proposed. The columns are shared, not copied."""
        positions = [p for p in (self.position_of(i) for i in donor_ids) if p is not None]
        if not positions:
            return self
        active = self.active.copy()
        active[positions] = False
        return replace(self, active=active)

    # --- Search -----------------------------------------------------------------------------

    def search(self, query: DonorQuery) -> SearchResult:
        """Return the threshold table and the ranked donors (same result as `search_reference`)."""
        thresholds = np.asarray(query.table_thresholds, dtype=np.int64)
        n_thresholds = len(thresholds)
        lowest, certain, summed = self._donor_values(query, thresholds)
        meets, to_type = self._platelet_masks(query)
        table = threshold_table(self, query, lowest, certain, n_thresholds, meets, to_type)
        return SearchResult(
            table=table,
            threshold=query.threshold,
            donors=ranked(self, query, lowest, summed, thresholds, meets, platelet_ok=True),
            pool_size=int(np.count_nonzero(self.active)),
            to_type=(
                ()
                if to_type is None
                else ranked(self, query, lowest, summed, thresholds, to_type, platelet_ok=False)
            ),
        )

    def _platelet_masks(
        self, query: DonorQuery
    ) -> tuple[npt.NDArray[np.bool_] | None, npt.NDArray[np.bool_] | None]:
        """Active donors meeting the HPA/CD36 requirement, and those whose status is unknown.

        (None, None) when nothing is required: every active donor meets it.
        """
        need = needs_bits(query.needs)
        if not need:
            return None, None
        meets = (self.lacked & need) == need
        possible = ((self.lacked | ~self.typed) & need) == need
        return meets & self.active, possible & ~meets & self.active

    def _donor_values(
        self, query: DonorQuery, thresholds: npt.NDArray[np.int64]
    ) -> tuple[UInt8Array, UInt8Array, Int32Array]:
        """Per donor: lowest compatible threshold, certain incompatibility (buckets), summed MFI."""
        profile = query.profile
        n = len(self)
        lowest = np.zeros(n, dtype=np.uint8)
        certain = np.zeros(n, dtype=np.uint8)
        summed = np.zeros(n, dtype=np.int32)
        small = np.empty(n, dtype=np.uint8)  # reused buffers: a million-row temporary costs
        wide = np.empty(n, dtype=np.int32)  # more to allocate than to fill
        for locus, column in self.loci.items():
            size = len(column.calls) + 1  # the last slot answers index -1 (no call)
            possible_v = np.zeros(size, dtype=np.int64)
            certain_v = np.zeros(size, dtype=np.int64)
            mfi_v = np.zeros(size, dtype=np.int64)
            for i, call in enumerate(column.calls):
                possible_v[i], certain_v[i] = profile.call_values(call)
                mfi = profile.mfi_against(call)
                mfi_v[i] = max(mfi, 0) if mfi >= query.mfi_floor else 0
            genotype_possible = np.maximum(possible_v[column.first], possible_v[column.second])
            genotype_certain = np.maximum(certain_v[column.first], certain_v[column.second])
            genotype_mfi = mfi_v[column.first] + mfi_v[column.second]
            genotype_possible[0] = profile.locus_value(locus)
            bucket_possible = np.searchsorted(thresholds, genotype_possible, side="right")
            bucket_certain = np.searchsorted(thresholds, genotype_certain, side="right")
            np.take(bucket_possible.astype(np.uint8), column.donors, out=small)
            np.maximum(lowest, small, out=lowest)
            np.take(bucket_certain.astype(np.uint8), column.donors, out=small)
            np.maximum(certain, small, out=certain)
            np.take(genotype_mfi.astype(np.int32), column.donors, out=wide)
            summed += wide
        return lowest, certain, summed


def _genotype_eplets(
    column: LocusColumn, table: EpletTable, names: tuple[str, ...]
) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.bool_]]:
    """Per genotype: the eplet mask and whether it is known (allele-level typing in the table)."""
    words = max(1, (len(names) + 63) // 64)
    call_masks = np.zeros((len(column.calls) + 1, words), dtype=np.uint64)
    call_known = np.zeros(len(column.calls) + 1, dtype=np.bool_)
    call_known[-1] = True  # the "no second call" slot
    for i, call in enumerate(column.calls):
        eplets = table.call_eplets(call)
        if eplets is not None:
            call_masks[i] = eplet_mask(eplets, names)
            call_known[i] = True
    masks = call_masks[column.first] | call_masks[column.second]
    known = call_known[column.first] & call_known[column.second]
    known[0] = False  # untyped locus
    return masks, known
