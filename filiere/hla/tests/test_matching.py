"""Donor compatibility at a threshold, matching grades, ABO relations (transfusion.md §2.2–3)."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from filiere.hla.antibodies import RollUp
from filiere.hla.donors import Abo, AboRelation, abo_relation
from filiere.hla.grades import match_grade
from filiere.hla.matching import Compatibility, donor_compatibility
from filiere.hla.nomenclature import Locus, parse_typing
from filiere.hla.serology import default_serology
from filiere.hla.tests.conftest import profile, serum_of

SEROLOGY = default_serology()


def status(
    serum_typing: str, donor: str, threshold: int = 2000, mfis: Mapping[str, int] | None = None
) -> Compatibility:
    serum = serum_of(serum_typing, mfis or {})
    return donor_compatibility(parse_typing(donor), serum.unacceptable_at(threshold), SEROLOGY)


def test_a_donor_without_unacceptable_antigens_is_compatible() -> None:
    assert (
        status("A*02:01 B*07:02", "A1 A3 B8 B35 Cw4", 2000, {"A_11_01": 5000})
        is Compatibility.COMPATIBLE
    )


def test_a_donor_carrying_an_unacceptable_antigen_is_incompatible() -> None:
    donor = "A*11:01 A*03:01 B*08:01 B*35:01"
    assert status("A*02:01 B*07:02", donor, 2000, {"A_11_01": 5000}) is Compatibility.INCOMPATIBLE
    assert (
        status("A*02:01 B*07:02", "A11 A3 B8 B35", 2000, {"A_11_01": 5000})
        is Compatibility.INCOMPATIBLE
    )


def test_a_broad_typed_donor_against_an_antibody_to_one_split_is_ambiguous() -> None:
    """Anti-A24 only vs a donor typed A9 (broad): A9 is A23 or A24 (WMDA rel_ser_ser), so the
    donor is neither proposed nor excluded: typing at split level decides (transfusion.md §2.3
    step 4, "probable" when compatibility depends on an ambiguity)."""
    patient = "A*02:01 A*01:01 B*07:02 B*08:01"
    assert (
        status(patient, "A9 A3 B8 B35", 2000, {"A_24_02": 6000, "A_23_01": 200})
        is Compatibility.AMBIGUOUS
    )
    # Anti-A23 and anti-A24 together: whatever A9 stands for, it is unacceptable.
    both = {"A_24_02": 6000, "A_23_01": 4000}
    assert status(patient, "A9 A3 B8 B35", 2000, both) is Compatibility.INCOMPATIBLE
    # Typed at split level, the same donor is decided either way.
    assert status(patient, "A23 A3 B8 B35", 2000, {"A_24_02": 6000}) is Compatibility.COMPATIBLE
    assert status(patient, "A24 A3 B8 B35", 2000, {"A_24_02": 6000}) is Compatibility.INCOMPATIBLE
    assert (
        status(patient, "A*24:02 A3 B8 B35", 2000, {"A_24_02": 6000}) is Compatibility.INCOMPATIBLE
    )


def test_an_antibody_to_a_broads_splits_excludes_a_split_typed_donor_only_for_that_split() -> None:
    assert (
        status("A*02:01 B*07:02", "A*23:01 B8", 2000, {"A_24_02": 6000}) is Compatibility.COMPATIBLE
    )


BW4_BEADS = {
    "A_23_01": 6000,
    "A_24_02": 6500,
    "A_25_01": 5200,
    "A_32_01": 5100,
    "B_13_02": 7000,
    "B_27_05": 5600,
    "B_44_02": 8000,
    "B_51_01": 6100,
    "B_57_01": 5900,
}
BW6_PATIENT = "A*02:01 A*03:01 B*07:02 B*08:01"


@pytest.mark.parametrize("a_locus_bw4", ["A*23:01", "A*24:03", "A25", "A32"])
def test_anti_bw4_excludes_donors_with_a_bw4_antigen_on_the_a_locus(a_locus_bw4: str) -> None:
    """A23, A24 (and its associated A2403), A25 and A32 carry Bw4 (WMDA Bw4/Bw6 list): with
    anti-Bw4, a donor whose only Bw4 antigen is on HLA-A is unacceptable, even without a bead of
    its own allele on the panel (A*24:03)."""
    donor = f"{a_locus_bw4} A*02:01 B*07:02 B*35:01"
    assert status(BW6_PATIENT, donor, 5000, BW4_BEADS) is Compatibility.INCOMPATIBLE


def test_anti_bw4_excludes_bw4_b_antigens_without_beads_and_spares_bw6_donors() -> None:
    # B63 (B*15:16) carries Bw4 and has no bead here.
    assert status(BW6_PATIENT, "A1 A2 B*15:16 B7", 5000, BW4_BEADS) is Compatibility.INCOMPATIBLE
    assert status(BW6_PATIENT, "A1 A2 B7 B*15:01", 5000, BW4_BEADS) is Compatibility.COMPATIBLE
    # B*27:08 is a B27 that carries Bw6: B27 beads react, so it stays excluded as a B27.
    b2708 = "A1 A2 B*27:08 B7"
    assert status(BW6_PATIENT, b2708, 5000, BW4_BEADS) is Compatibility.INCOMPATIBLE
    # B12 may be B44 (Bw4) or B45 (Bw6).
    assert status(BW6_PATIENT, "A1 A2 B12 B7", 5000, BW4_BEADS) is Compatibility.AMBIGUOUS


def test_self_antigens_shared_by_the_donor_are_acceptable() -> None:
    """The patient's own A2 reacts on its bead (e.g. an autoantibody or a bead artefact): a donor
    sharing A2 remains compatible."""
    assert (
        status("A*02:01 B*07:02", "A*02:01 A1 B8", 2000, {"A_02_01": 9000})
        is Compatibility.COMPATIBLE
    )


def test_a_donor_untyped_at_a_locus_with_antibodies_is_undecidable() -> None:
    patient = "A*02:01 B*07:02 C*07:02"
    assert status(patient, "A1 A3 B8 B35", 2000, {"C_04_01": 6000}) is Compatibility.UNDECIDABLE
    assert status(patient, "A1 A3 B8 B35 Cw7", 2000, {"C_04_01": 6000}) is Compatibility.COMPATIBLE
    # No antibody at HLA-C above the threshold: the missing typing does not matter.
    assert status(patient, "A1 A3 B8 B35", 2000, {"C_04_01": 1500}) is Compatibility.COMPATIBLE
    # Leaving HLA-C out of the search also decides.
    serum = profile(patient, loci=(Locus.A, Locus.B), C_04_01=6000)
    unacceptable = serum.unacceptable_at(2000)
    donor = parse_typing("A1 A3 B8 B35")
    assert donor_compatibility(donor, unacceptable, SEROLOGY) is Compatibility.COMPATIBLE


def test_the_roll_up_rule_changes_who_is_compatible() -> None:
    """A2 beads disagree (A*02:01 at 3,000, A*02:05 at 500): 'any' excludes every A2 donor; 'all'
    excludes only the donors typed A*02:01 at allele level."""
    mfis = {"A_02_01": 3000, "A_02_05": 500}
    for rule, expected in [
        (RollUp.ANY, ["incompatible", "incompatible", "incompatible"]),
        (RollUp.ALL, ["incompatible", "compatible", "compatible"]),
    ]:
        serum = serum_of("A*03:01 B*07:02", mfis, rule=rule).unacceptable_at(2000)
        found = [
            donor_compatibility(parse_typing(d), serum, SEROLOGY).value
            for d in ("A*02:01 B8", "A*02:05 B8", "A2 B8")
        ]
        assert found == expected, rule


@pytest.mark.parametrize(
    ("donor", "grade"),
    [
        ("A1 A2 B7 B8", "A"),
        ("A1 B7 B8", "B1U"),
        ("A1 B8", "B2U"),
        ("A1 A2 B7 B44", "C"),
        ("A1 A11 B7 B8", "B1X"),  # A11 shares CREG 1C with A1
        ("A1 A3 B7 B13", "B2X"),  # A3 ~ A1 (1C), B13 ~ B7 (7C)
        ("A1 A3 B7", "B2UX"),
        ("A25 A26 B44 B45", "D"),
        ("A68 A24 B57 B58", "B4X"),  # 2C (A2, A28, A9, B17) and 1C (A1, A9)
    ],
)
def test_matching_grades(donor: str, grade: str) -> None:
    """Duquesnoy et al. 1977 grades as tabulated by the KJBT (A, BnU, BnX, BnUX, C, D)."""
    patient = parse_typing("A*01:01 A*02:01 B*07:02 B*08:01")
    assert match_grade(parse_typing(donor), patient, SEROLOGY).grade == grade


def test_a_broad_typed_donor_matches_the_patients_split() -> None:
    """A broad matches any of its splits (transfusion.md §2.2 step 2): A9 against A24."""
    patient = parse_typing("A*24:02 A*02:01 B*07:02 B*08:01")
    assert match_grade(parse_typing("A9 A2 B7 B8"), patient, SEROLOGY).grade == "A"


def test_grades_need_a_and_b_typing_and_show_cregs() -> None:
    patient = parse_typing("A1 A2 B7 B8")
    assert match_grade(parse_typing("A1 A2"), patient, SEROLOGY).grade is None
    result = match_grade(parse_typing("A1 A2 B7 B8"), patient, SEROLOGY)
    assert dict(result.cregs)["A1"] == ("1C",)
    assert dict(result.cregs)["B8"] == ("7C", "8C", "Bw6")


@pytest.mark.parametrize(
    ("donor", "patient", "relation"),
    [
        (Abo.A, Abo.A, AboRelation.IDENTICAL),
        (Abo.O, Abo.A, AboRelation.MINOR),
        (Abo.A, Abo.AB, AboRelation.MINOR),
        (Abo.A, Abo.O, AboRelation.MAJOR),
        (Abo.AB, Abo.B, AboRelation.MAJOR),
        (Abo.A, Abo.B, AboRelation.BIDIRECTIONAL),
        (None, Abo.B, AboRelation.UNKNOWN),
    ],
)
def test_abo_relation_of_platelets(donor: Abo | None, patient: Abo, relation: AboRelation) -> None:
    """Major: recipient antibodies against the donor's A/B antigens; minor: donor plasma against
    the recipient's (Kreuger et al., Transfusion 2019: major mismatch lowers the 1 h CCI)."""
    assert abo_relation(donor, patient) is relation
    assert AboRelation.IDENTICAL.rank < AboRelation.MINOR.rank < AboRelation.MAJOR.rank
