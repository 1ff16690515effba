"""The dynamic instruction: counts per threshold and the ranked list; vectorised == reference."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from filiere.hla.antibodies import AntibodyProfile, RollUp
from filiere.hla.donors import Abo, AboRelation, Donor, PlateletAntigen
from filiere.hla.eplets import EpletTable
from filiere.hla.index import DonorIndex
from filiere.hla.nomenclature import Allele, HlaCall, Locus, Typing, parse_typing
from filiere.hla.pool import PoolSpec, generate_pool
from filiere.hla.sab import Bead
from filiere.hla.search import DonorQuery, SearchResult, search_reference
from filiere.hla.tests.conftest import profile, serum_of

PATIENT = "A*02:01 A*24:02 B*44:02 B*51:01 C*05:01 C*15:02"
SERUM = {"A_01_01": 900, "A_03_01": 2500, "A_11_01": 6000, "B_08_01": 1500, "C_07_02": 12000}


def donor(
    ident: str, typing: str, region: str = "84", abo: Abo | None = Abo.A, **extra: object
) -> Donor:
    return Donor(id=ident, region=region, abo=abo, typing=parse_typing(typing), **extra)  # type: ignore[arg-type]


DONORS = [
    donor("clean-O", "A2 A24 B44 B51 Cw5", abo=Abo.O),
    donor("clean-A", "A*02:01 A*24:02 B*44:02 B*51:01 C*05:01"),
    donor("a1", "A1 A2 B44 B51 Cw5"),  # A1 at 900: compatible from 1,000
    donor("a3", "A3 A2 B44 B51 Cw5"),  # A3 at 2,500: compatible from 3,000
    donor("a11", "A11 A2 B44 B51 Cw5"),  # A11 at 6,000: compatible only at 10,000
    donor("no-c", "A2 A24 B44 B51", region="11"),  # anti-Cw7 ≥ T: undecidable
    donor("cw7", "A2 A24 B44 B51 Cw7", region="11"),  # 12,000 against Cw7: never compatible
    donor("b-major", "A2 A24 B44 B51 Cw5", abo=Abo.AB),
    donor("inactive", "A2 A24 B44 B51 Cw5", active=False),
    donor("hpa1bb", "A2 A24 B44 B51 Cw5", hpa1="bb", region="93"),
]


def query(**changes: object) -> DonorQuery:
    base = DonorQuery(
        profile=serum_of(PATIENT, SERUM),
        thresholds=(500, 1000, 2000, 3000, 5000, 10000),
        threshold=3000,
        region="84",
        patient_abo=Abo.A,
        top=20,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def both(donors: list[Donor], q: DonorQuery, eplets: EpletTable | None = None) -> SearchResult:
    reference = search_reference(donors, q, eplets)
    vectorised = DonorIndex.from_donors(donors, eplets=eplets).search(q)
    assert vectorised == reference
    return reference


def test_the_table_counts_compatible_and_to_retype_donors_per_threshold() -> None:
    result = both(DONORS, query())
    nation = {row.threshold: (row.eligible_nation, row.to_retype_nation) for row in result.table}
    # At 500: clean-O, clean-A, b-major, hpa1bb; no-c undecidable (anti-Cw7 at 12,000).
    assert nation[500] == (4, 1)
    assert nation[1000] == (5, 1)
    assert nation[3000] == (6, 1)
    assert nation[10000] == (7, 1)
    region = {row.threshold: row.eligible_region for row in result.table}
    assert region[500] == 3  # clean-O, clean-A, b-major
    assert result.pool_size == 9  # the inactive donor is never counted


def test_the_ranked_list_follows_the_published_order() -> None:
    """Lowest threshold first, then summed MFI, eplets, ABO identical > minor > major, then HPA
    (transfusion.md §2.3 step 6; Boothby et al. 2024; Kreuger et al. 2019)."""
    result = both(DONORS, query())
    order = [d.donor_id for d in result.donors]
    assert order == ["clean-A", "hpa1bb", "clean-O", "b-major", "a1", "a3"]
    first = result.donors[0]
    assert (first.lowest_threshold, first.summed_mfi) == (500, 0)
    assert first.abo_relation is AboRelation.IDENTICAL
    a3 = result.donors[-1]
    assert (a3.lowest_threshold, a3.summed_mfi) == (3000, 2500)
    assert result.donors[2].abo_relation is AboRelation.MINOR
    assert result.donors[3].abo_relation is AboRelation.MAJOR


def test_a_patient_needing_hpa_1a_negative_platelets_gets_only_hpa_1b1b_donors() -> None:
    """Anti-HPA-1a: only HPA-1b1b donors lack HPA-1a; the requirement is a filter, not a
    tie-breaker (transfusion.md §2.3 step 6.5). Donors not typed for HPA-1 are "à typer"."""
    result = both(DONORS, query(needs=frozenset({PlateletAntigen.HPA_1A})))
    assert [d.donor_id for d in result.donors] == ["hpa1bb"]
    assert all(d.platelet_antigens_ok for d in result.donors)
    row = result.count_at(3000)
    assert (row.eligible_nation, row.eligible_region) == (1, 0)
    # The six others compatible at 3,000 have no HPA-1 genotype: to type, not eligible.
    assert (row.to_type_nation, row.to_type_region) == (5, 5)
    assert [d.donor_id for d in result.to_type] == ["clean-A", "clean-O", "b-major", "a1", "a3"]
    assert not any(d.platelet_antigens_ok for d in result.to_type)


PLATELET_DONORS = [
    donor("cd36-neg", "A2 A24 B44 B51 Cw5", cd36_positive=False),
    donor("cd36-pos", "A2 A24 B44 B51 Cw5", cd36_positive=True),
    donor("cd36-unknown", "A2 A24 B44 B51 Cw5"),
    donor("cd36-neg-a3", "A3 A2 B44 B51 Cw5", cd36_positive=False, region="11"),
    donor("cd36-neg-no-c", "A2 A24 B44 B51", cd36_positive=False),
    donor("cd36-unknown-no-c", "A2 A24 B44 B51"),
    donor("1a-neg-5b-pos", "A2 A24 B44 B51 Cw5", hpa1="bb", hpa5="ab"),
    donor("1a-neg-5b-neg", "A2 A24 B44 B51 Cw5", hpa1="bb", hpa5="aa"),
    donor("1a-neg-5b-unknown", "A2 A24 B44 B51 Cw5", hpa1="bb"),
    donor("1a-pos-5b-unknown", "A2 A24 B44 B51 Cw5", hpa1="ab"),
]


def test_with_cd36_required_every_counted_and_listed_donor_is_cd36_negative() -> None:
    """Issue 11 acceptance: with CD36 required, every donor counted or listed is CD36-negative;
    a donor of unknown CD36 status is counted "à typer", never eligible."""
    result = both(PLATELET_DONORS, query(needs=frozenset({PlateletAntigen.CD36}), threshold=500))
    negative = {"cd36-neg", "cd36-neg-a3", "cd36-neg-no-c"}
    assert {d.donor_id for d in result.donors} <= negative
    assert [d.donor_id for d in result.donors] == ["cd36-neg"]
    at_500, at_3000 = result.count_at(500), result.count_at(3000)
    assert (at_500.eligible_nation, at_500.eligible_region) == (1, 1)
    assert (at_3000.eligible_nation, at_3000.eligible_region) == (2, 1)  # + cd36-neg-a3
    # No HLA-C: undecidable against anti-Cw7, among CD36-negative donors only.
    assert (at_500.to_retype_nation, at_500.to_retype_region) == (1, 1)
    # Compatible at 500 with CD36 not typed (typed for HPA only counts as unknown too).
    assert at_500.to_type_nation == 5
    assert {d.donor_id for d in result.to_type} == {
        "cd36-unknown",
        "1a-neg-5b-pos",
        "1a-neg-5b-neg",
        "1a-neg-5b-unknown",
        "1a-pos-5b-unknown",
    }


def test_several_requirements_are_all_required() -> None:
    """Anti-HPA-1a and anti-HPA-5b: the donor must be HPA-1b1b and HPA-5a5a; a donor known to
    carry either antigen is excluded, one with an untyped system is to type."""
    needs = frozenset({PlateletAntigen.HPA_1A, PlateletAntigen.HPA_5B})
    result = both(PLATELET_DONORS, query(needs=needs, threshold=500))
    assert [d.donor_id for d in result.donors] == ["1a-neg-5b-neg"]
    # Same keys up to the last: ordered by identifier.
    assert [d.donor_id for d in result.to_type] == [
        "1a-neg-5b-unknown",
        "cd36-neg",
        "cd36-pos",
        "cd36-unknown",
    ]
    assert result.count_at(500).eligible_nation == 1
    assert result.count_at(500).to_type_nation == 4


def test_without_requirement_no_donor_is_to_type() -> None:
    result = both(PLATELET_DONORS, query(threshold=500))
    assert len(result.donors) == 7
    assert result.to_type == ()
    assert all(row.to_type_nation == 0 for row in result.table)


def test_the_list_can_be_restricted_to_the_region_and_shortened() -> None:
    result = both(DONORS, query(rank_region_only=True, top=3))
    assert [d.donor_id for d in result.donors] == ["clean-A", "clean-O", "b-major"]
    assert both(DONORS, query(top=0)).donors == ()


def test_summed_mfi_of_10000_or_more_is_flagged() -> None:
    """Cumulative donor-specific MFI ≥ 10,000 predicts a poor increment (Boothby et al., Blood
    Adv 2024;8:4689)."""
    serum = profile(PATIENT, A_01_01=6000, B_08_01=5000)
    result = both([donor("d", "A1 A2 B8 B44 Cw5")], query(profile=serum, threshold=10000))
    assert result.donors[0].summed_mfi == 11000
    assert result.donors[0].summed_mfi_alert


def test_eplet_mismatches_break_ties() -> None:
    """Fewer mismatched eplets first (PIRATE, Marsh et al., Blood 2021;137:310)."""
    table = EpletTable(
        alleles={
            "A*02:01": frozenset({"62GE"}),
            "A*24:02": frozenset({"62EE", "80T"}),
            "A*03:01": frozenset({"62QE", "161D"}),
            "A*11:01": frozenset({"62QE"}),
            "B*44:02": frozenset({"41T"}),
            "B*51:01": frozenset({"80I"}),
            "C*05:01": frozenset(),
            "C*15:02": frozenset(),
        },
        verified=frozenset({"62GE"}),
        source="test",
    )
    serum = profile(PATIENT)  # no antibody: only eplets and ABO rank
    donors = [
        donor("two", "A*03:01 A*02:01 B*44:02 B*51:01 C*05:01"),
        donor("one", "A*11:01 A*02:01 B*44:02 B*51:01 C*05:01"),
        donor("unknown", "A3 A2 B44 B51 Cw5"),
        donor("zero", "A*02:01 A*24:02 B*44:02 B*51:01 C*15:02", abo=Abo.O),
    ]
    result = both(donors, query(profile=serum), table)
    assert [(d.donor_id, d.eplet_mismatches) for d in result.donors] == [
        ("zero", 0),
        ("one", 1),
        ("two", 2),
        ("unknown", None),
    ]


def _random_profile(
    rng: random.Random, alleles: list[Allele], calls: list[HlaCall], rule: RollUp
) -> AntibodyProfile:
    panel = rng.sample(alleles, k=min(len(alleles), rng.randint(5, 40)))
    # Beads whose antigens are in no donor's allele typing: A2 variants, B63 (Bw4), A2403;
    # B*44:03 and A*02:03, allele-specific against an allele-typed B44 or A2 patient.
    extra = [
        Allele(Locus.A, ("02", "05")),
        Allele(Locus.B, ("15", "16")),
        Allele(Locus.A, ("24", "03")),
        Allele(Locus.B, ("44", "03")),
        Allele(Locus.A, ("02", "03")),
    ]
    mfis = [0, 200, 499, 500, 999, 1000, 1500, 2000, 2999, 3000, 4500, 5000, 9999, 10000, 15000]
    beads = [
        Bead(a, rng.choice(mfis) + rng.choice([0, rng.randint(-50, 300)])) for a in panel + extra
    ]
    patient: list[HlaCall] = []
    for call in rng.sample(calls, k=min(len(calls), rng.randint(0, 8))):
        if sum(1 for c in patient if c.locus is call.locus) < 2:
            patient.append(call)
    return AntibodyProfile.build(
        beads,
        Typing.of(patient),
        rule=rule,
        loci=rng.choice([tuple(Locus), (Locus.A, Locus.B)]),
        epitope_min_beads=rng.choice([1, 3]),
        epitope_share=rng.choice([0.5, 0.8, 1.0]),
    )


@pytest.mark.parametrize("seed", range(12))
def test_the_vectorised_index_equals_the_reference_on_random_pools(seed: int) -> None:
    """Random pools (mixed resolution, broad-only calls, untyped HLA-C, inactive donors, HPA and
    CD36 partly typed) and random sera: counts and ranked lists are identical, for both roll-up
    rules and random HPA/CD36 requirements."""
    rng = random.Random(seed)
    spec = PoolSpec(
        allele_level=0.5,
        broad_only=0.2,
        untyped_c=0.4,
        inactive=0.1,
        cd36_negative=0.3,
        hpa_typed=0.6,
        cd36_typed=0.5,
    )
    pool = generate_pool(rng.randint(200, 1500), seed=seed, spec=spec)
    donors = pool.donors()
    calls = sorted({c for d in donors for c in d.typing.calls}, key=str)
    alleles = [c for c in calls if isinstance(c, Allele)]
    table = EpletTable(
        alleles={
            a.key: frozenset(rng.sample(["e1", "e2", "e3", "e4", "e5", "e6"], k=2)) for a in alleles
        },
        verified=frozenset({"e1"}),
        source="random",
    )
    index = pool.index(eplets=table)
    for rule in RollUp:
        thresholds = tuple(
            sorted(rng.sample([500, 1000, 2000, 3000, 5000, 10000], k=rng.randint(1, 6)))
        )
        q = DonorQuery(
            profile=_random_profile(rng, alleles, calls, rule),
            thresholds=thresholds,
            threshold=rng.choice(thresholds),
            region=rng.choice(["84", "11", "93", "99", None]),
            patient_abo=rng.choice([*Abo, None]),
            needs=frozenset(rng.sample(list(PlateletAntigen), k=rng.randint(0, 2))),
            top=rng.choice([1, 5, 50, 5000]),
            mfi_floor=rng.choice([0, 500, 1000]),
            rank_region_only=rng.random() < 0.3,
        )
        reference = search_reference(donors, q, table)
        assert index.search(q) == reference
        assert DonorIndex.from_donors(donors, eplets=table).search(q) == reference


def test_the_match_grade_ranks_before_abo_and_a_grade_d_donor_comes_after_a_grade_a() -> None:
    """Issue 11 defect 6: at equal threshold and summed MFI, the better Duquesnoy grade comes
    first (A and BU best, C and D poor: Duquesnoy 1977, transfusion.md §2.2), even against the
    ABO relation and the file's order."""
    serum = profile(PATIENT)  # no antibody: every donor compatible from 500, Σ MFI 0
    donors = [
        donor("aa-grade-d", "A26 A33 B7 B27 Cw5"),  # 4 antigens, none sharing a CREG: D
        donor("bb-grade-c-abo-o", "A2 A26 B44 B51 Cw5", abo=Abo.O),  # A26 mismatched: C
        donor("cc-grade-b1x", "A2 A11 B44 B51 Cw5", abo=Abo.O),  # A11 shares 1C with A24
        donor("zz-grade-a", "A2 A24 B44 B51 Cw5", abo=Abo.AB),  # major ABO mismatch
    ]
    result = both(donors, query(profile=serum))
    assert [(d.donor_id, d.match_grade) for d in result.donors] == [
        ("zz-grade-a", "A"),
        ("cc-grade-b1x", "B1X"),
        ("bb-grade-c-abo-o", "C"),
        ("aa-grade-d", "D"),
    ]


def test_abo_identical_comes_before_fewer_eplet_mismatches() -> None:
    """Issue 11 defect 6: the ABO relation, a measured effect on the increment (major mismatch
    −3.7 on the 1-h CCI: Kreuger et al., Transfusion 2019), ranks before the eplet count
    (PIRATE, Marsh et al., Blood 2021: non-inferiority, no threshold of its own)."""
    table = EpletTable(
        alleles={
            "A*02:01": frozenset({"62GE"}),
            "A*24:02": frozenset({"62EE"}),
            "B*44:02": frozenset({"41T"}),
            "B*51:01": frozenset({"80I"}),
            "C*05:01": frozenset(),
            "C*15:02": frozenset(),
            "C*07:02": frozenset({"66NH"}),
        },
        verified=frozenset(),
        source="test",
    )
    donors = [
        donor("minor-no-eplet", "A*02:01 A*24:02 B*44:02 B*51:01 C*15:02", abo=Abo.O),
        donor("identical-one-eplet", "A*02:01 A*24:02 B*44:02 B*51:01 C*07:02", abo=Abo.A),
    ]
    result = both(donors, query(profile=profile(PATIENT)), table)
    assert [(d.donor_id, d.abo_relation, d.eplet_mismatches) for d in result.donors] == [
        ("identical-one-eplet", AboRelation.IDENTICAL, 1),
        ("minor-no-eplet", AboRelation.MINOR, 0),
    ]


def test_ties_are_broken_by_the_donor_identifier_not_the_file_order() -> None:
    """Issue 11 defect 6: donors equal on every key come in identifier order, whatever the order
    of the file (a re-import must not reshuffle the list)."""
    same = [donor(f"d{n}", "A2 A24 B44 B51 Cw5") for n in (7, 3, 9, 1)]
    forward = both(same, query(profile=profile(PATIENT)))
    backward = both(list(reversed(same)), query(profile=profile(PATIENT)))
    assert [d.donor_id for d in forward.donors] == ["d1", "d3", "d7", "d9"]
    assert [d.donor_id for d in backward.donors] == ["d1", "d3", "d7", "d9"]


def test_donors_set_aside_by_a_positive_crossmatch_are_neither_counted_nor_proposed() -> None:
    """A positive crossmatch excludes the donor like a hard filter (transfusion.md §2.1: the
    crossmatch covers HLA and HPA); the index set aside equals the reference run with those
    donors inactive."""
    index = DonorIndex.from_donors(DONORS)
    q = query()
    result = index.excluding(["clean-A", "unknown-id"]).search(q)
    inactive = [replace(d, active=False) if d.id == "clean-A" else d for d in DONORS]
    assert result == search_reference(inactive, q)
    assert "clean-A" not in [d.donor_id for d in result.donors]
    assert result.count_at(500).eligible_nation == index.search(q).count_at(500).eligible_nation - 1
    assert index.excluding([]) is index
    assert index.position_of("hpa1bb") == 9
    assert index.position_of("nobody") is None
