"""Unacceptable antigens at a threshold: self, roll-up rule, Bw4/Bw6 (transfusion.md §2.3)."""

from __future__ import annotations

from filiere.hla.antibodies import RollUp
from filiere.hla.nomenclature import Allele, Antigen, Locus, PublicEpitope
from filiere.hla.tests.conftest import profile, serum_of

PATIENT = "A*02:01 A*24:02 B*44:02 B*51:01"


def test_beads_at_or_above_the_threshold_make_their_antigen_unacceptable() -> None:
    serum = profile(PATIENT, A_01_01=5000, A_03_01=1999, A_11_01=2000, B_08_01=800)
    assert serum.unacceptable_at(2000).names() == ["A1", "A11"]
    assert serum.unacceptable_at(500).names() == ["A1", "A3", "A11", "B8"]
    assert serum.unacceptable_at(6000).names() == []


def test_the_patients_own_antigens_never_count() -> None:
    """No alloantibody against self: a patient typed at antigen level (A2, A24) has every bead of
    those antigens ignored (A*02:06 is another A2, A*24:03 the associated A2403 of A24). Typed at
    allele level, the other alleles are allele-specific antibodies (test_self_antigens.py)."""
    serum = profile("A2 A24 B44 B51", A_02_01=9000, A_02_06=8000, A_24_03=7000, A_01_01=3000)
    assert serum.unacceptable_at(1000).names() == ["A1"]
    assert sorted(b.allele.name for b in serum.ignored_self) == ["A*02:01", "A*02:06", "A*24:03"]
    typed = profile(PATIENT, A_02_01=9000, A_02_06=8000, A_24_03=7000, A_01_01=3000)
    assert [b.allele.name for b in typed.ignored_self] == ["A*02:01"]
    assert typed.unacceptable_at(1000).names() == ["A1", "A*02:06", "A*24:03"]


def test_the_roll_up_rule_is_a_setting() -> None:
    """'any' (one bead ≥ T suffices) vs 'all' (all beads of the antigen ≥ T), with the positive
    bead kept as an allele-level exclusion under 'all' (transfusion.md §2.3 step 3)."""
    mfis = {"A_01_01": 6000, "A_02_01": 3000, "A_02_05": 500, "A_02_06": 2500}
    any_rule = serum_of("A*03:01 A*11:01", mfis, rule=RollUp.ANY).unacceptable_at(2000)
    all_rule = serum_of("A*03:01 A*11:01", mfis, rule=RollUp.ALL).unacceptable_at(2000)
    assert any_rule.antigens == {Antigen(Locus.A, 1), Antigen(Locus.A, 2)}
    assert all_rule.antigens == {Antigen(Locus.A, 1)}
    assert all_rule.alleles == {
        Allele(Locus.A, ("01", "01")),
        Allele(Locus.A, ("02", "01")),
        Allele(Locus.A, ("02", "06")),
    }
    assert all_rule.names() == ["A1", "A*02:01", "A*02:06"]
    # With every A2 bead positive, both rules agree.
    assert serum_of("A*03:01", mfis, rule=RollUp.ALL).unacceptable_at(500).antigens == {
        Antigen(Locus.A, 1),
        Antigen(Locus.A, 2),
    }


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
    "B_07_02": 300,
    "B_08_01": 250,
}


def test_anti_bw4_is_unacceptable_when_all_bw4_beads_react() -> None:
    """A Bw6-homozygous patient (A2, A3, B7, B8) whose serum reacts with every Bw4 bead, A-locus
    Bw4 antigens (A23, A24, A25, A32) included: Bw4 itself becomes unacceptable (transfusion.md
    §2.3 step 3; ETRL notes that entering Bw4 does not by itself exclude those HLA-A antigens)."""
    serum = serum_of("A*02:01 A*03:01 B*07:02 B*08:01", BW4_BEADS)
    assert serum.unacceptable_at(5000).epitopes == {PublicEpitope.BW4}
    assert "Bw4" in serum.unacceptable_at(5000).names()
    # Two of nine Bw4 beads below T (7/9 < 80 %): antigen-specific reactivity, not anti-Bw4.
    assert serum.unacceptable_at(5500).epitopes == frozenset()
    assert Antigen(Locus.A, 23) in serum.unacceptable_at(5500).antigens


def test_a_patient_carrying_bw4_never_has_anti_bw4() -> None:
    serum = serum_of(PATIENT, BW4_BEADS)
    assert serum.unacceptable_at(1000).epitopes == frozenset()


def test_excluded_loci_are_ignored() -> None:
    serum = profile(PATIENT, loci=(Locus.A, Locus.B), C_07_02=9000, A_01_01=3000)
    assert serum.unacceptable_at(1000).names() == ["A1"]
    assert serum.locus_value(Locus.C) == 0


def test_critical_values_agree_with_the_sets() -> None:
    serum = profile(PATIENT, rule=RollUp.ALL, A_01_01=5000, A_02_05=100, A_03_01=2500, A_03_02=1500)
    a3 = Antigen(Locus.A, 3)
    assert serum.antigen_value(a3) == 1500
    assert a3 in serum.unacceptable_at(1500).antigens
    assert a3 not in serum.unacceptable_at(1501).antigens
    assert serum.locus_value(Locus.A) == 5000
    assert serum.locus_value(Locus.B) == 0
