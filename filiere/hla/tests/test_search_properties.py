"""Invariants of the donor search, on random small pools (hypothesis).

- A platelet requirement (HPA/CD36) is a filter: it never adds a donor to the counts or the list.
- A donor eligible at a threshold T is eligible at every higher threshold (a higher T only makes
  fewer antigens unacceptable: transfusion.md §2.3 step 5).
- The vectorised index and the reference agree for patients typed at allele level (allele-specific
  antibodies against another allele of a self antigen), at split, broad or one-field level
  (possibly-self beads), and for any share of an epitope's beads (transfusion.md §2.3 steps 2–4).
"""

from __future__ import annotations

import itertools
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from filiere.hla.antibodies import AntibodyProfile
from filiere.hla.donors import Donor, PlateletAntigen
from filiere.hla.index import DonorIndex
from filiere.hla.nomenclature import parse_typing
from filiere.hla.search import DonorQuery, SearchResult, search_reference
from filiere.hla.tests.conftest import beads

PATIENT = "A*02:01 A*24:02 B*44:02 B*51:01 C*05:01"
PATIENTS = [
    PATIENT,
    "A2 A9 B5 B44 Cw5",
    "A*02 A*24 B*44 B*51",
    "A*02:01 A24 B*44:02 B44",
    "A*03:01 A*11:01 B*07:02 B*08:01 C*07:02",
]
BEADS = [
    "A_01_01",
    "A_03_01",
    "A_11_01",
    "B_07_02",
    "B_08_01",
    "C_07_02",
    "B_35_01",
    "A_02_03",
    "A_24_02",
    "A_23_01",
    "B_44_03",
    "B_44_02",
    "B_45_01",
    "B_51_01",
    "B_52_01",
    "B_57_01",
    "B_13_02",
]
TYPINGS = [
    "A2 A24 B44 B51 Cw5",
    "A1 A2 B44 B51 Cw5",
    "A3 A11 B7 B8 Cw7",
    "A*02:01 A*03:01 B*35:01 B*44:02",
    "A2 B44",
    "A1 A3 B8 B35 Cw7",
    "A*11:01 A*24:02 B*07:02 B*51:01 C*05:01",
    "A*02:03 A*01:01 B*44:03 B*07:02 C*07:02",
    "A*02:01 A*23:01 B*44:02 B*45:01",
    "A2 A9 B12 B53 Cw7",
    "A*02 A*24 B*44 B*57",
    "A23 B52 B77",
]
THRESHOLDS = (500, 1000, 2000, 3000, 5000, 10000)
GENOTYPE = st.sampled_from([None, "aa", "ab", "bb"])

donors_strategy = st.lists(
    st.builds(
        lambda i, typing, region, hpa1, hpa3, hpa5, cd36, active: Donor(
            id=f"d{i}",
            region=region,
            abo=None,
            typing=parse_typing(typing),
            hpa1=hpa1,
            hpa3=hpa3,
            hpa5=hpa5,
            cd36_positive=cd36,
            active=active,
        ),
        st.integers(0, 10**6),
        st.sampled_from(TYPINGS),
        st.sampled_from(["84", "11"]),
        GENOTYPE,
        GENOTYPE,
        GENOTYPE,
        st.sampled_from([None, True, False]),
        st.booleans(),
    ),
    max_size=30,
    unique_by=lambda d: d.id,
)
serum_strategy = st.dictionaries(
    st.sampled_from(BEADS), st.sampled_from([0, 600, 1500, 2500, 4000, 8000, 12000])
)
patient_strategy = st.sampled_from(PATIENTS)
share_strategy = st.sampled_from([0.5, 0.8, 1.0])
needs_strategy = st.frozensets(st.sampled_from(list(PlateletAntigen)))


def _serum(patient: str, serum: dict[str, int], share: float = 0.8) -> AntibodyProfile:
    return AntibodyProfile.build(
        beads(**serum), parse_typing(patient), epitope_share=share, epitope_min_beads=2
    )


def _search(donors: list[Donor], query: DonorQuery) -> SearchResult:
    result = DonorIndex.from_donors(donors).search(query)
    assert result == search_reference(donors, query)
    return result


def _eligible_ids(donors: list[Donor], query: DonorQuery) -> set[str]:
    return {d.donor_id for d in _search(donors, query).donors}


@settings(max_examples=60, deadline=None)
@given(donors_strategy, serum_strategy, needs_strategy, needs_strategy, patient_strategy)
def test_a_platelet_requirement_never_adds_donors(
    donors: list[Donor],
    serum: dict[str, int],
    needs: frozenset[PlateletAntigen],
    more: frozenset[PlateletAntigen],
    patient: str,
) -> None:
    base = DonorQuery(
        profile=_serum(patient, serum), thresholds=THRESHOLDS, threshold=3000, region="84"
    )
    for threshold in THRESHOLDS:
        loose = replace(base, threshold=threshold, needs=needs, top=1000)
        strict = replace(loose, needs=needs | more)
        assert _eligible_ids(donors, strict) <= _eligible_ids(donors, loose)
        loose_row = _search(donors, loose).count_at(threshold)
        strict_row = _search(donors, strict).count_at(threshold)
        assert strict_row.eligible_nation <= loose_row.eligible_nation
        assert (strict_row.eligible_region or 0) <= (loose_row.eligible_region or 0)
        # Every listed donor meets the requirement; none "to type" is also listed as eligible.
        strict_result = _search(donors, strict)
        by_id = {d.id: d for d in donors}
        for entry in strict_result.donors:
            assert all(by_id[entry.donor_id].lacks(a) for a in strict.needs)
        assert not {d.donor_id for d in strict_result.donors} & {
            d.donor_id for d in strict_result.to_type
        }


@settings(max_examples=60, deadline=None)
@given(donors_strategy, serum_strategy, needs_strategy, patient_strategy, share_strategy)
def test_a_donor_eligible_at_a_threshold_is_eligible_at_every_higher_one(
    donors: list[Donor],
    serum: dict[str, int],
    needs: frozenset[PlateletAntigen],
    patient: str,
    share: float,
) -> None:
    base = DonorQuery(
        profile=_serum(patient, serum, share),
        thresholds=THRESHOLDS,
        threshold=500,
        region="84",
        needs=needs,
        top=1000,
    )
    table = _search(donors, base).table
    for lower, higher in itertools.pairwise(table):
        assert lower.eligible_nation <= higher.eligible_nation
        assert (lower.eligible_region or 0) <= (higher.eligible_region or 0)
    previous: set[str] = set()
    for threshold in THRESHOLDS:
        eligible = _eligible_ids(donors, replace(base, threshold=threshold))
        assert previous <= eligible
        previous = eligible
