"""Population view: cPRA by inclusion–exclusion over haplotype frequencies (transfusion.md §2.5)."""

from __future__ import annotations

import pytest

from filiere.hla.nomenclature import Locus
from filiere.hla.pool import load_afnd_frequencies
from filiere.hla.population import (
    HaplotypeFrequencies,
    antigen_frequencies,
    cpra,
    expected_compatible,
    load_cpra_frequencies,
    locus_of,
    unacceptable_labels,
)
from filiere.hla.tests.conftest import profile, shared

TOY = HaplotypeFrequencies(
    {
        ("A",): {("A1",): 0.2, ("A2",): 0.3, ("A3",): 0.5},
        ("B",): {("B7",): 0.4, ("B8",): 0.6},
        ("A", "B"): {("A1", "B8"): 0.15, ("A1", "B7"): 0.05, ("A2", "B7"): 0.2, ("A2", "B8"): 0.1,
                     ("A3", "B7"): 0.15, ("A3", "B8"): 0.35},
    }
)  # fmt: skip


def test_one_locus_follows_hardy_weinberg() -> None:
    """UNOS CPRA = 1 − (1 − Σp)² (Zachary & Braun 1985, OPTN 2009)."""
    assert cpra(["A2"], TOY) == pytest.approx(1 - 0.7**2)


def test_two_loci_use_the_haplotype_table() -> None:
    """1 − S_A − S_B + S_AB, squared (balima78/cpra): A1 + B8 → 1 − 0.2 − 0.6 + 0.15 = 0.35."""
    assert cpra(["A1", "B8"], TOY) == pytest.approx(1 - 0.35**2)


def test_without_a_haplotype_table_loci_are_independent() -> None:
    single = HaplotypeFrequencies({k: v for k, v in TOY.tables.items() if len(k) == 1})
    assert cpra(["A1", "B8"], single) == pytest.approx(1 - ((1 - 0.2) * (1 - 0.6)) ** 2)


def test_no_unacceptable_antigen_means_every_donor_fits() -> None:
    assert cpra([], TOY) == 0.0
    assert expected_compatible(10_000, 0.474) == pytest.approx(5260)


def test_labels_name_their_locus() -> None:
    assert [locus_of(x) for x in ("A2", "B44", "Cw7", "DR15")] == ["A", "B", "C", "DR"]


def test_anti_bw4_counts_every_bw4_antigen() -> None:
    serum = profile(
        "A*02:01 A*03:01 B*07:02 B*08:01",
        A_23_01=6000, A_24_02=6500, A_25_01=5200, A_32_01=5100, B_13_02=7000,
        B_27_05=5600, B_44_02=8000, B_51_01=6100, B_57_01=5900,
    )  # fmt: skip
    labels = unacceptable_labels(serum.unacceptable_at(5000))
    assert {"A23", "A24", "A25", "A32", "B63", "B77", "B44"} <= labels
    assert "B7" not in labels


@pytest.mark.parametrize(
    ("unacceptable", "expected"),
    [
        (["A2"], 0.474),
        (["A2", "A24"], 0.613),
        (["A2", "B44"], 0.604),
        (["A1", "A2", "A3", "B7", "B8", "B44"], 0.846),
    ],
)
def test_cpra_matches_inclusion_exclusion_on_portuguese_haplotypes(
    unacceptable: list[str], expected: float
) -> None:
    """Portuguese A~B~DR frequencies (37,993 bone-marrow donors; Lima & Alves 2013; R package
    cpra, GPL-3, read in place for this test only): the figures of transfusion.md §2.5."""
    frequencies = load_cpra_frequencies(shared("test-only-haplotypes-portugal-gpl3"))
    assert cpra(unacceptable, frequencies) == pytest.approx(expected, abs=0.0005)


def test_french_antigen_frequencies_give_the_worked_example() -> None:
    """AFND French bone-marrow donor registry (n = 42,623), alleles collapsed to antigens, loci
    independent: anti-A2 leaves 49 % of donors, A2 + B44 35 % (transfusion.md §2.5)."""
    frequencies = load_afnd_frequencies(shared("frequencies-france-afnd"))
    tables = {
        locus.value: {a.name: f for a, f in frequencies.loci[locus]} for locus in (Locus.A, Locus.B)
    }
    antigens = antigen_frequencies(tables)
    assert 1 - cpra(["A2"], antigens) == pytest.approx(0.49, abs=0.01)
    assert 1 - cpra(["A2", "B44"], antigens) == pytest.approx(0.35, abs=0.01)
