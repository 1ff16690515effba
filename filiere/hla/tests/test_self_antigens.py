"""Self decided at the resolution of the typing; allele-specific antibodies; the Bw4/Bw6 share.

References: transfusion.md §2.2 step 2 (a broad stands for any of its splits) and §2.3 steps 2–4
(self cannot be a target; keep allele-level unacceptables; Bw4/Bw6 public epitopes; certain,
probable and undecidable donors); the share of an epitope's beads follows deepMatchR's 80 %
positive-bead rule for eplet calls (transfusion.md §2.4 step 4).
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from filiere.hla.antibodies import (
    REPORTED_MFI,
    AntibodyProfile,
    BeadStatus,
    RollUp,
    required_positive,
)
from filiere.hla.donors import Donor
from filiere.hla.index import DonorIndex
from filiere.hla.matching import Compatibility, donor_compatibility
from filiere.hla.nomenclature import Allele, Antigen, Locus, PublicEpitope, parse_typing
from filiere.hla.search import DEFAULT_THRESHOLDS, DonorQuery, SearchResult, search_reference
from filiere.hla.tests.conftest import beads, profile, serum_of

ALLELE_PATIENT = "A*02:01 A*24:02 B*44:02 B*51:01 C*05:01"


def _names(beads: object) -> list[str]:
    return sorted(b.allele.name for b in beads)  # type: ignore[attr-defined]


def _search(donors: list[Donor], query: DonorQuery) -> SearchResult:
    result = DonorIndex.from_donors(donors).search(query)
    assert result == search_reference(donors, query)
    return result


def _donor(name: str, typing: str) -> Donor:
    return Donor(id=name, region="84", abo=None, typing=parse_typing(typing))


# --- Broad and one-field typings: "typage à préciser" -------------------------------------------


def test_a_broad_typing_flags_the_beads_of_its_splits_as_possibly_self() -> None:
    """Issue 11, seen 3: typed "A2 A9 B5 B44 Cw5", the patient's own A24 (12,000) and B51 were
    unacceptable silently. A9 proves no split (§2.2 step 2): the A23/A24 and B51/B52 beads stay
    counted (conservative) but are reported as possibly self, with the call to refine."""
    serum = profile("A2 A9 B5 B44 Cw5", A_24_02=12000, A_23_01=300, B_51_01=8000, B_07_02=6000)
    assert serum.typing_to_refine
    refine = {c.call.name: c for c in serum.to_refine}
    assert sorted(refine) == ["A9", "B5"]
    assert [a.name for a in refine["A9"].possible] == ["A23", "A24"]
    assert _names(refine["A9"].beads) == ["A*23:01", "A*24:02"]
    assert _names(refine["B5"].beads) == ["B*51:01"]
    assert _names(serum.possible_self) == ["A*23:01", "A*24:02", "B*51:01"]
    # Never silently used to exclude splits: still counted, so A24 and B51 donors stay excluded.
    assert serum.unacceptable_at(10000).names() == ["A24"]
    assert serum.unacceptable_at(2000).names() == ["A24", "B7", "B51"]
    statuses = {b.allele.name: s for b, s in serum.bead_rows()}
    assert statuses["A*24:02"] is BeadStatus.POSSIBLE_SELF
    assert statuses["B*07:02"] is BeadStatus.COUNTED


def test_a_split_typing_needs_no_refinement() -> None:
    serum = profile("A2 A24 B44 B51 Cw5", A_24_02=12000, B_07_02=6000)
    assert not serum.typing_to_refine
    assert _names(serum.ignored_self) == ["A*24:02"]
    assert serum.unacceptable_at(2000).names() == ["B7"]


def test_a_one_field_typing_means_its_serological_equivalent_only() -> None:
    """Issue 11, seen 3: "B*44" made B45, B47, B21 and B12 self (rare B*44 alleles assigned those
    antigens) and dropped a real anti-B45. B*44 is B44 (its serological equivalent) and is
    flagged to refine, with the B44 beads it set aside."""
    serum = profile("A*02:01 A*24:02 B*44 B*51:01", B_45_01=6000, B_44_02=9000, B_44_03=7000)
    assert serum.unacceptable_at(2000).names() == ["B45"]
    assert _names(serum.ignored_self) == ["B*44:02", "B*44:03"]
    assert [(c.call.name, _names(c.beads)) for c in serum.to_refine] == [
        ("B*44", ["B*44:02", "B*44:03"])
    ]
    assert Antigen(Locus.B, 45) not in serum.self_antigens
    # B44 carries Bw4: the patient does (no anti-Bw4 can be called).
    assert PublicEpitope.BW4 in serum.self_epitopes


def test_a_one_field_typing_of_a_broad_antigen_is_read_as_the_broad() -> None:
    """B*15 is serologically B15, a broad (B62, B63, B75, B76, B77): its splits are possibly
    self."""
    serum = profile("A*02:01 B*15 B*07:02", B_15_01=5000, B_57_01=4000)
    assert [c.call.name for c in serum.to_refine] == ["B*15"]
    assert _names(serum.possible_self) == ["B*15:01"]
    assert "B62" in serum.unacceptable_at(2000).names()


# --- Allele-specific antibodies -------------------------------------------------------------------


def test_an_allele_specific_antibody_is_reported_and_counted_at_allele_level() -> None:
    """Issue 11, seen 3: anti-B*44:03 in a B*44:02 patient and anti-A*02:03 in an A*02:01 patient
    were discarded as self. Typed at allele level, another allele of a self antigen is a target
    (§2.3 step 3: keep allele-level unacceptables)."""
    serum = profile(ALLELE_PATIENT, B_44_03=8000, A_02_03=6000, B_44_02=9000, A_02_01=7000)
    assert _names(serum.allele_specific) == ["A*02:03", "B*44:03"]
    assert _names(serum.ignored_self) == ["A*02:01", "B*44:02"]
    at_2000 = serum.unacceptable_at(2000)
    assert at_2000.names() == ["A*02:03", "B*44:03"]
    assert at_2000.antigens == frozenset()  # A2 and B44 themselves stay acceptable
    assert at_2000.specific_antigens == {Antigen(Locus.A, 2), Antigen(Locus.B, 44)}
    assert serum.unacceptable_at(7000).names() == ["B*44:03"]


def test_only_allele_specific_beads_that_read_as_antibodies_are_reported() -> None:
    """Seen on the demo's instruction page: beads of other A2 alleles at 100–362 MFI were listed
    as "anticorps allèle-spécifiques". A bead below the lowest threshold of the table (500 MFI)
    is below every T of the table, so never in Pos_T (transfusion.md §2.3 step 2): it stays in
    the bead table only."""
    serum = profile(ALLELE_PATIENT, A_02_03=277, A_02_06=362, B_44_03=8000)
    assert _names(serum.allele_specific) == ["A*02:03", "A*02:06", "B*44:03"]
    assert _names(serum.allele_specific_reported) == ["B*44:03"]
    assert DEFAULT_THRESHOLDS[0] == REPORTED_MFI


def test_allele_specific_antibodies_exclude_allele_typed_donors_and_retype_the_others() -> None:
    """§2.3 step 4: certain (allele-typed B*44:03: excluded), probable (antigen-level B44, broad
    B12, one-field B*44: "à retyper"), and the patient's own allele (B*44:02) stays compatible,
    as does another allele-typed B44 (B*44:05) against which nothing reacts."""
    serum = profile(ALLELE_PATIENT, B_44_03=8000)
    at_2000 = serum.unacceptable_at(2000)

    def status(typing: str) -> Compatibility:
        return donor_compatibility(parse_typing(typing), at_2000, serum.serology)

    assert status("A*02:01 B*44:03 C*05:01") is Compatibility.INCOMPATIBLE
    assert status("A2 B44 Cw5") is Compatibility.AMBIGUOUS
    assert status("A2 B12 Cw5") is Compatibility.AMBIGUOUS
    assert status("A*02:01 B*44 C*05:01") is Compatibility.AMBIGUOUS
    assert status("A*02:01 B*44:02 C*05:01") is Compatibility.COMPATIBLE
    assert status("A*02:01 B*44:05 C*05:01") is Compatibility.COMPATIBLE
    assert status("A2 B7 Cw5") is Compatibility.COMPATIBLE
    # Above the bead's MFI nothing is left of it.
    at_10000 = serum.unacceptable_at(10000)
    assert donor_compatibility(parse_typing("A2 B44"), at_10000, serum.serology) is (
        Compatibility.COMPATIBLE
    )


def test_b_44_03_donors_are_no_longer_proposed_compatible_from_500() -> None:
    """Issue 11, seen 3: B*44:03 donors were proposed "compatible dès 500, Σ MFI 0". Index and
    reference agree: excluded up to 8,000, compatible at 10,000 with Σ MFI 8,000; the B44 donor is
    "à retyper" below 10,000; the B*44:02 donor is compatible from 500."""
    serum = profile(ALLELE_PATIENT, B_44_03=8000)
    donors = [
        _donor("allele-0403", "A*02:01 A*01:01 B*44:03 B*07:02 C*05:01 C*07:02"),
        _donor("antigen-b44", "A2 A1 B44 B7 Cw5 Cw7"),
        _donor("own-allele", "A*02:01 A*01:01 B*44:02 B*07:02 C*05:01 C*07:02"),
    ]
    result = _search(
        donors, DonorQuery(profile=serum, threshold=10000, top=10, region="84", mfi_floor=500)
    )
    by_id = {d.donor_id: d for d in result.donors}
    assert by_id["own-allele"].lowest_threshold == 500
    assert by_id["own-allele"].summed_mfi == 0
    assert by_id["allele-0403"].lowest_threshold == 10000
    assert by_id["allele-0403"].summed_mfi == 8000
    assert by_id["antigen-b44"].lowest_threshold == 10000
    row = result.count_at(5000)
    assert (row.eligible_nation, row.to_retype_nation) == (1, 1)


def test_an_antigen_level_call_of_the_same_antigen_keeps_the_beads_self() -> None:
    """Typed "B*44:02 B44" (one allele, one antigen-level call of B44), the second B44 allele is
    unknown: a B*44:03 bead may be self and is set aside."""
    serum = profile("A*02:01 B*44:02 B44", B_44_03=8000)
    assert serum.allele_specific == ()
    assert _names(serum.ignored_self) == ["B*44:03"]


def test_an_antigen_level_typing_sets_every_bead_of_the_antigen_aside() -> None:
    serum = profile("A2 A24 B44 B51", B_44_03=8000, A_02_03=6000)
    assert serum.allele_specific == ()
    assert serum.unacceptable_at(500).names() == []


# --- Bw4/Bw6: a share of the epitope's beads --------------------------------------------------

BW4_13 = {
    "A_23_01": 6000,
    "A_24_02": 6500,
    "A_25_01": 4000,
    "A_32_01": 5100,
    "B_13_02": 7000,
    "B_27_05": 5600,
    "B_37_01": 9000,
    "B_38_01": 8200,
    "B_44_02": 8000,
    "B_49_01": 5300,
    "B_51_01": 6100,
    "B_57_01": 5900,
    "B_58_01": 5000,
}
BW6_PATIENT = "A*02:01 A*03:01 B*07:02 B*08:01 C*07:02"


def test_one_weak_bead_no_longer_removes_bw4() -> None:
    """Issue 11, seen 7: at 4,001 one A*25:01 bead at 4,000 removed Bw4 although 12 of 13 Bw4
    beads read 5,000–9,000, and untested Bw4 antigens (B53, B59, B77) stopped being excluded.
    With the share rule (80 % of the beads ≥ T, deepMatchR's rule, transfusion.md §2.4), Bw4 is
    unacceptable up to the 11th strongest bead (5,100)."""
    serum = serum_of(BW6_PATIENT, BW4_13)
    assert serum.epitope_share == 0.8
    assert required_positive(13, 0.8) == 11
    assert serum.unacceptable_at(4001).epitopes == {PublicEpitope.BW4}
    assert serum.epitope_value(PublicEpitope.BW4) == 5100
    assert serum.unacceptable_at(5100).epitopes == {PublicEpitope.BW4}
    assert serum.unacceptable_at(5101).epitopes == frozenset()
    b53 = parse_typing("A2 A3 B53 B7")
    assert (
        donor_compatibility(b53, serum.unacceptable_at(4001), serum.serology)
        is Compatibility.INCOMPATIBLE
    )
    # The same in the index and the reference: the B53 donor is compatible only above 5,100.
    donors = [_donor("b53", "A2 A3 B53 B7 Cw7"), _donor("bw6", "A2 A3 B7 B8 Cw7")]
    result = _search(donors, DonorQuery(profile=serum, threshold=10000, top=5))
    assert {d.donor_id: d.lowest_threshold for d in result.donors} == {"bw6": 500, "b53": 10000}


def test_the_share_is_a_setting_and_all_beads_is_share_one() -> None:
    strict = AntibodyProfile.build(beads(**BW4_13), parse_typing(BW6_PATIENT), epitope_share=1.0)
    assert strict.unacceptable_at(4001).epitopes == frozenset()
    assert strict.epitope_value(PublicEpitope.BW4) == 4000


def test_one_strong_bead_never_makes_an_epitope() -> None:
    serum = serum_of(
        BW6_PATIENT, {"B_57_01": 20000, "B_44_02": 100, "B_13_02": 50, "A_24_02": 0, "B_27_05": 0}
    )
    assert serum.unacceptable_at(1000).epitopes == frozenset()
    assert serum.unacceptable_at(1000).names() == ["B57"]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(0, 20000), min_size=0, max_size=20),
    st.sampled_from([0.5, 0.6, 0.75, 0.8, 0.9, 1.0]),
    st.sampled_from([1, 3, 5]),
    st.integers(1, 20000),
)
def test_the_epitope_value_is_the_threshold_at_which_the_share_is_reached(
    mfis: list[int], share: float, min_beads: int, threshold: int
) -> None:
    """The critical value used by the vectorised index (the ⌈S·n⌉-th strongest bead) says the
    same as counting the beads ≥ T, at every T."""
    names = list(BW4_13)[: len(mfis)]
    serum = AntibodyProfile.build(
        beads(**dict(zip(names, mfis, strict=False))),
        parse_typing(BW6_PATIENT),
        epitope_share=share,
        epitope_min_beads=min_beads,
    )
    values = serum.epitope_mfi.get(PublicEpitope.BW4, ())
    by_count = len(values) >= min_beads and sum(m >= threshold for m in values) >= (
        required_positive(len(values), share)
    )
    assert (PublicEpitope.BW4 in serum.unacceptable_at(threshold).epitopes) is by_count
    assert (serum.epitope_value(PublicEpitope.BW4) >= threshold) is by_count


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(5000, 20000), min_size=5, max_size=13), st.data())
def test_no_single_weak_bead_removes_an_epitope_of_five_beads_or_more(
    mfis: list[int], data: st.DataObject
) -> None:
    """With the default share (80 %), one bead at 0 among n ≥ 5 beads all ≥ T never vetoes."""
    names = list(BW4_13)[: len(mfis)]
    weak = data.draw(st.sampled_from(names))
    table = dict(zip(names, mfis, strict=False)) | {weak: 0}
    serum = serum_of(BW6_PATIENT, table)
    assert PublicEpitope.BW4 in serum.unacceptable_at(5000).epitopes


def test_roll_up_all_keeps_the_allele_specific_rule() -> None:
    serum = profile(ALLELE_PATIENT, rule=RollUp.ALL, B_44_03=8000)
    assert serum.unacceptable_at(2000).alleles == {Allele(Locus.B, ("44", "03"))}
