"""Ranking the donors of an index compatible at the threshold: lowest threshold, summed MFI,
Duquesnoy grade, ABO, eplet mismatches, identifier."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from filiere.hla.donors import Abo, abo_relation
from filiere.hla.eplets import eplet_loci
from filiere.hla.grades import GRADE_ORDER, UNGRADED_RANK, Grader, Position, grade_of, grade_rank
from filiere.hla.nomenclature import Locus
from filiere.hla.search import (
    MFI_SUM_CAP,
    UNKNOWN_EPLETS,
    DonorQuery,
    RankedDonor,
)

if TYPE_CHECKING:
    from filiere.hla.index import DonorIndex, Int32Array, UInt8Array

ABO_CODES: tuple[Abo | None, ...] = (Abo.O, Abo.A, Abo.B, Abo.AB, None)
_GRADERS: dict[tuple[object, int], Grader] = {}


def ranked(
    index: DonorIndex,
    query: DonorQuery,
    lowest: UInt8Array,
    summed: Int32Array,
    thresholds: npt.NDArray[np.int64],
    platelets: npt.NDArray[np.bool_] | None,
    *,
    platelet_ok: bool,
) -> tuple[RankedDonor, ...]:
    """The best `query.top` donors compatible at the threshold among `platelets` (None: all)."""
    if query.top == 0:
        return ()
    eligible = _eligible(index, query, lowest, platelets)
    if eligible is None:
        return ()
    # Primary key: lowest compatible threshold, then summed MFI (capped), in one int32.
    primary = (lowest.astype(np.int32) << 20) | np.minimum(summed, MFI_SUM_CAP)
    primary = np.where(eligible, primary, np.iinfo(np.int32).max)
    count = int(np.count_nonzero(eligible))
    if count == 0:
        return ()
    if count > query.top:
        # Only donors whose primary key ties or beats the top-th can make the list.
        cutoff = np.partition(primary, query.top - 1)[query.top - 1]
        candidates = np.flatnonzero(primary <= cutoff)
    else:
        candidates = np.flatnonzero(eligible)
    eplets = _eplet_mismatches(index, query, candidates)
    grades = _grade_ranks(index, query, candidates)
    relations = [abo_relation(abo, query.patient_abo) for abo in ABO_CODES]
    abo_rank = np.asarray([r.rank for r in relations], dtype=np.int8)[index.abo_codes[candidates]]
    assert index._id_order is not None  # noqa: S101 - set by build()
    # Keys of `rank_key`, the last one first (np.lexsort sorts by the last key given).
    order = np.lexsort((index._id_order[candidates], eplets, abo_rank, grades, primary[candidates]))
    chosen = candidates[order[: query.top]]
    result = []
    best = order[: query.top]
    for rank, (position, eplet, grade) in enumerate(
        zip(chosen.tolist(), eplets[best].tolist(), grades[best].tolist(), strict=True),
        start=1,
    ):
        result.append(
            RankedDonor(
                rank=rank,
                position=position,
                donor_id=index.ids[position],
                region=index.regions[index.region_codes[position]],
                lowest_threshold=int(thresholds[lowest[position]]),
                summed_mfi=int(summed[position]),
                eplet_mismatches=None if eplet == UNKNOWN_EPLETS else int(eplet),
                abo_relation=relations[index.abo_codes[position]],
                platelet_antigens_ok=platelet_ok,
                match_grade=None if grade == UNGRADED_RANK else GRADE_ORDER[grade],
            )
        )
    return tuple(result)


def _eligible(
    index: DonorIndex,
    query: DonorQuery,
    lowest: UInt8Array,
    platelets: npt.NDArray[np.bool_] | None,
) -> npt.NDArray[np.bool_] | None:
    """Active donors compatible at the threshold among ``platelets`` and, when the ranking is
    limited to the patient's region, in it (None: the region has no donor)."""
    eligible = (lowest <= query.threshold_index) & index.active
    if platelets is not None:
        eligible &= platelets
    if query.rank_region_only:
        if query.region not in index.regions:
            return None
        eligible &= index.region_codes == index.regions.index(query.region)
    return eligible


def _grader(index: DonorIndex, query: DonorQuery) -> Grader:
    # One grader per patient and serology: the donor list and the "to type" list of a search
    # (and the next searches of the same patient) classify each call once.
    key = (query.profile.patient, id(query.profile.serology))
    cached = _GRADERS.get(key)
    if cached is None or cached.serology is not query.profile.serology:
        if len(_GRADERS) > 64:
            _GRADERS.clear()
        cached = _GRADERS[key] = Grader(query.profile.patient, query.profile.serology)
    return cached


def _grade_ranks(
    index: DonorIndex, query: DonorQuery, candidates: npt.NDArray[np.intp]
) -> npt.NDArray[np.int8]:
    """Per candidate: the rank of its Duquesnoy grade (`grade_rank`), from per-call classes.

    Each call of HLA-A and -B is classified once against the patient (identical,
    cross-reactive, mismatched, or no antigen), each genotype sums its two calls, and the
    grade follows from the counts summed over both loci through a small table.
    """
    grader = _grader(index, query)
    n = len(candidates)
    positions = np.zeros(n, dtype=np.int8)  # per locus, added; 0 at a locus: no grade
    cross = np.zeros(n, dtype=np.int8)
    mismatched = np.zeros(n, dtype=np.int8)
    gradable = np.full(n, grader.patient_gradable, dtype=np.bool_)
    for locus in (Locus.A, Locus.B):
        column = index.loci[locus]
        size = len(column.calls) + 1  # the last slot answers index -1 (no call)
        has = np.zeros(size, dtype=np.int8)
        is_cross = np.zeros(size, dtype=np.int8)
        is_mismatched = np.zeros(size, dtype=np.int8)
        for i, call in enumerate(column.calls):
            position = grader.position(call)
            has[i] = position is not None
            is_cross[i] = position is Position.CROSS_REACTIVE
            is_mismatched[i] = position is Position.MISMATCHED
        codes = column.donors[candidates]
        first, second = column.first[codes], column.second[codes]
        at_locus = has[first] + has[second]
        gradable &= at_locus > 0
        positions += at_locus
        cross += is_cross[first] + is_cross[second]
        mismatched += is_mismatched[first] + is_mismatched[second]
    blanks = 4 - positions
    table = np.full((5, 5, 5), UNGRADED_RANK, dtype=np.int8)
    for c, m, b in np.ndindex(table.shape):
        table[c, m, b] = grade_rank(grade_of(cross=c, mismatched=m, blanks=b, gradable=True))
    ranks = table[cross, mismatched, np.clip(blanks, 0, 4)]
    return np.where(gradable, ranks, UNGRADED_RANK).astype(np.int8)


def _eplet_mismatches(
    index: DonorIndex, query: DonorQuery, candidates: npt.NDArray[np.intp]
) -> npt.NDArray[np.int32]:
    unknown = np.full(len(candidates), UNKNOWN_EPLETS, dtype=np.int32)
    if index.eplets is None or index._eplet_masks is None:
        return unknown
    loci = eplet_loci(query.profile.patient)
    patient = index.eplets.typing_eplets(query.profile.patient, loci)
    if patient is None or not loci:
        return unknown
    patient_mask = eplet_mask(patient, index._eplet_names)
    words = len(patient_mask)
    donor_mask = np.zeros((len(candidates), words), dtype=np.uint64)
    known = np.ones(len(candidates), dtype=np.bool_)
    for locus in loci:
        masks, locus_known = index._eplet_masks[locus]
        codes = index.loci[locus].donors[candidates]
        donor_mask |= masks[codes]
        known &= locus_known[codes]
    counts = np.bitwise_count(donor_mask & ~patient_mask).sum(axis=1, dtype=np.int32)
    return np.where(known, np.minimum(counts, UNKNOWN_EPLETS - 1), UNKNOWN_EPLETS).astype(np.int32)


def eplet_mask(eplets: frozenset[str], names: tuple[str, ...]) -> npt.NDArray[np.uint64]:
    words = max(1, (len(names) + 63) // 64)
    mask = np.zeros(words, dtype=np.uint64)
    for bit, name in enumerate(names):
        if name in eplets:
            mask[bit // 64] |= np.uint64(1) << np.uint64(bit % 64)
    return mask
