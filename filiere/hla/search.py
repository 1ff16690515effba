"""The dynamic instruction: eligible donors per threshold (region, nation) and the ranked list.

`search_reference` is the plain per-donor implementation, kept as the specification that the
vectorised `filiere.hla.index.DonorIndex.search` must reproduce exactly (tests compare both).

Ranking of the donors compatible at the chosen threshold (transfusion.md §2.3 step 6), best first:
1. compatible at the lowest threshold of the table (no donor-specific antibody at all first);
2. lowest summed MFI of the patient's serum against the donor's antigens, counting MFIs ≥
   `mfi_floor` (a sum ≥ 10,000 predicts a poor increment: Boothby et al., Blood Adv 2024;8:4689);
3. best Duquesnoy match grade (A, BU, BX, C, D, then no grade: `filiere.hla.grades.GRADE_ORDER`;
   A and BU give the best increments, C and D poor: Duquesnoy 1977, transfusion.md §2.2);
4. ABO identical, then minor, then major, then bidirectional mismatch or unknown (a major
   mismatch lowers the 1-h CCI by 3.7: Kreuger et al., Transfusion 2019; Boothby 2024): a
   measured effect on the increment, hence before the eplets;
5. fewest mismatched eplets, when an eplet table is loaded and both sides are allele-typed
   (unknown after known; PIRATE, Marsh et al., Blood 2021;137:310: epitope matching non-inferior,
   no threshold of its own);
6. the donor's identifier, so that the order is total and does not depend on the file's order.

Platelet antigens the patient needs the donor to lack (anti-HPA-1a, -3b, -5b, anti-CD36) are a
*filter*, not a preference: a donor known to carry one is never counted nor proposed; a donor whose
status is unknown is not eligible either, but is counted and listed apart as "to type" (HPA
genotyping or CD36 expression to obtain before the product is chosen), ranked by the same key.
Within the eligible donors, the "to retype" count (HLA undecidable) keeps only those that meet
the platelet requirement.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from filiere.hla.antibodies import AntibodyProfile
from filiere.hla.donors import (
    Abo,
    AboRelation,
    Donor,
    PlateletAntigen,
    PlateletStatus,
    abo_relation,
    needs_bits,
    platelet_status,
)
from filiere.hla.eplets import EpletTable, eplet_loci
from filiere.hla.grades import grade_rank, match_grade
from filiere.hla.matching import Compatibility, donor_compatibility
from filiere.hla.nomenclature import Locus

DEFAULT_THRESHOLDS = (500, 1000, 2000, 3000, 5000, 10000)
# The ranking keys in order, as printed under every list (PDF, command line); the page shows the
# same legend, translated.
RANKING_KEYS: tuple[tuple[str, str], ...] = (
    ("compatible dès", "seuil de MFI le plus bas auquel le donneur est compatible"),
    (
        "somme MFI",
        "somme des MFI du sérum contre les antigènes du donneur (≥ 10 000 : rendement faible)",
    ),
    ("grade", "grade de Duquesnoy : A, BU, BX, C, D, puis sans grade"),
    ("ABO", "identique, puis incompatibilité mineure, majeure, bidirectionnelle ou inconnue"),
    ("eplets", "eplets du donneur absents chez le patient (inconnu après les valeurs connues)"),
    ("identifiant", "identifiant du donneur, pour un ordre stable"),
)
SUMMED_MFI_ALERT = 10_000
MFI_SUM_CAP = (1 << 20) - 1  # sums are capped here so that ranking keys stay small integers
UNKNOWN_EPLETS = 255


@dataclass(frozen=True)
class DonorQuery:
    profile: AntibodyProfile
    thresholds: tuple[int, ...] = DEFAULT_THRESHOLDS
    threshold: int = 2000  # the list's threshold; added to the table when missing
    region: str | None = None
    patient_abo: Abo | None = None
    needs: frozenset[PlateletAntigen] = frozenset()
    top: int = 50
    mfi_floor: int = 500
    rank_region_only: bool = False
    table_thresholds: tuple[int, ...] = field(init=False)

    def __post_init__(self) -> None:
        values = sorted({*self.thresholds, self.threshold})
        if not values or values[0] < 1:
            raise ValueError("les seuils de MFI doivent être des entiers positifs")
        if len(values) > 15:
            raise ValueError("au plus 15 seuils de MFI")
        if self.top < 0:
            raise ValueError("le nombre de donneurs demandé doit être positif")
        object.__setattr__(self, "table_thresholds", tuple(values))

    @property
    def threshold_index(self) -> int:
        return self.table_thresholds.index(self.threshold)


@dataclass(frozen=True)
class ThresholdCount:
    threshold: int
    eligible_nation: int
    to_retype_nation: int
    eligible_region: int | None = None
    to_retype_region: int | None = None
    to_type_nation: int = 0  # HLA-compatible, platelet status to obtain (HPA/CD36 required)
    to_type_region: int | None = None


@dataclass(frozen=True)
class RankedDonor:
    rank: int
    position: int  # index of the donor in the pool
    donor_id: str
    region: str
    lowest_threshold: int
    summed_mfi: int
    eplet_mismatches: int | None
    abo_relation: AboRelation
    platelet_antigens_ok: bool  # False: a donor "to type" for HPA/CD36
    match_grade: str | None = None  # Duquesnoy grade (None: HLA-A or -B not typed)

    @property
    def summed_mfi_alert(self) -> bool:
        return self.summed_mfi >= SUMMED_MFI_ALERT


@dataclass(frozen=True)
class SearchResult:
    table: tuple[ThresholdCount, ...]
    threshold: int
    donors: tuple[RankedDonor, ...]
    pool_size: int  # active donors considered
    to_type: tuple[RankedDonor, ...] = ()  # HLA-compatible, HPA/CD36 status unknown; ranked apart

    def count_at(self, threshold: int) -> ThresholdCount:
        return next(row for row in self.table if row.threshold == threshold)


RankKey = tuple[int, int, int, int, int, str]


def rank_key(
    lowest_index: int,
    summed_mfi: int,
    grade: str | None,
    relation: AboRelation,
    eplets: int | None,
    donor_id: str,
) -> RankKey:
    """The ranking key of a donor, smallest first (order and references in the module doc)."""
    return (
        lowest_index,
        min(summed_mfi, MFI_SUM_CAP),
        grade_rank(grade),
        relation.rank,
        UNKNOWN_EPLETS if eplets is None else min(eplets, UNKNOWN_EPLETS - 1),
        donor_id,
    )


def search_reference(
    donors: Sequence[Donor], query: DonorQuery, eplets: EpletTable | None = None
) -> SearchResult:
    """Return the table and ranked list, examining each donor in turn (the reference)."""
    profile = query.profile
    thresholds = query.table_thresholds
    unacceptable = [profile.unacceptable_at(t) for t in thresholds]
    counts = _ReferenceCounts(len(thresholds))
    needs = needs_bits(query.needs)
    loci = eplet_loci(profile.patient)
    patient_eplets = eplets.typing_eplets(profile.patient, loci) if eplets and loci else None
    candidates: list[tuple[RankKey, RankedDonor]] = []
    to_type: list[tuple[RankKey, RankedDonor]] = []
    pool_size = 0
    for position, donor in enumerate(donors):
        if not donor.active:
            continue
        pool_size += 1
        in_region = donor.region == query.region
        platelets = platelet_status(donor.lacked_bits, donor.typed_bits, needs)
        if platelets is PlateletStatus.EXCLUDED:
            continue
        statuses = [donor_compatibility(donor.typing, u, profile.serology) for u in unacceptable]
        counts.add(statuses, platelets, in_region)
        if statuses[query.threshold_index] is not Compatibility.COMPATIBLE:
            continue
        if query.rank_region_only and not in_region:
            continue
        platelet_ok = platelets is PlateletStatus.ELIGIBLE
        ranked = _reference_ranked(
            query, position, donor, statuses, platelet_ok, eplets, loci, patient_eplets
        )
        (candidates if platelet_ok else to_type).append(ranked)
    return SearchResult(
        table=counts.table(thresholds, query.region),
        threshold=query.threshold,
        donors=_top(candidates, query.top),
        pool_size=pool_size,
        to_type=_top(to_type, query.top),
    )


class _ReferenceCounts:
    """Per threshold of the table: donors eligible, to retype and to type, nation and region."""

    def __init__(self, n: int) -> None:
        self.eligible_nation = [0] * n
        self.eligible_region = [0] * n
        self.retype_nation = [0] * n
        self.retype_region = [0] * n
        self.to_type_nation = [0] * n
        self.to_type_region = [0] * n

    def add(
        self, statuses: list[Compatibility], platelets: PlateletStatus, in_region: bool
    ) -> None:
        for index, status in enumerate(statuses):
            if status is Compatibility.COMPATIBLE and platelets is PlateletStatus.TO_TYPE:
                self.to_type_nation[index] += 1
                self.to_type_region[index] += in_region
            elif status is Compatibility.COMPATIBLE:
                self.eligible_nation[index] += 1
                self.eligible_region[index] += in_region
            elif status is not Compatibility.INCOMPATIBLE and platelets is PlateletStatus.ELIGIBLE:
                self.retype_nation[index] += 1
                self.retype_region[index] += in_region

    def table(self, thresholds: Sequence[int], region: str | None) -> tuple[ThresholdCount, ...]:
        return tuple(
            ThresholdCount(
                threshold=t,
                eligible_nation=self.eligible_nation[i],
                to_retype_nation=self.retype_nation[i],
                eligible_region=self.eligible_region[i] if region else None,
                to_retype_region=self.retype_region[i] if region else None,
                to_type_nation=self.to_type_nation[i],
                to_type_region=self.to_type_region[i] if region else None,
            )
            for i, t in enumerate(thresholds)
        )


def _reference_ranked(
    query: DonorQuery,
    position: int,
    donor: Donor,
    statuses: list[Compatibility],
    platelet_ok: bool,
    eplets: EpletTable | None,
    loci: frozenset[Locus],
    patient_eplets: frozenset[str] | None,
) -> tuple[RankKey, RankedDonor]:
    """The rank key and the row of a donor compatible at the query's threshold."""
    profile = query.profile
    thresholds = query.table_thresholds
    lowest = statuses.index(Compatibility.COMPATIBLE)
    summed = profile.summed_mfi(donor.typing, query.mfi_floor)
    mismatches: int | None = None
    if eplets is not None and patient_eplets is not None:
        theirs = eplets.typing_eplets(donor.typing, loci)
        mismatches = None if theirs is None else len(theirs - patient_eplets)
    relation = abo_relation(donor.abo, query.patient_abo)
    grade = match_grade(donor.typing, profile.patient, profile.serology).grade
    ranked = RankedDonor(
        rank=0,
        position=position,
        donor_id=donor.id,
        region=donor.region,
        lowest_threshold=thresholds[lowest],
        summed_mfi=summed,
        eplet_mismatches=mismatches,
        abo_relation=relation,
        platelet_antigens_ok=platelet_ok,
        match_grade=grade,
    )
    return rank_key(lowest, summed, grade, relation, mismatches, donor.id), ranked


def _top(candidates: list[tuple[RankKey, RankedDonor]], top: int) -> tuple[RankedDonor, ...]:
    candidates.sort(key=lambda item: item[0])
    return tuple(
        replace(ranked, rank=rank) for rank, (_, ranked) in enumerate(candidates[:top], start=1)
    )
