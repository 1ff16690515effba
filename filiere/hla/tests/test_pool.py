"""The synthetic donor pool: seeded, French-like, and round-tripping through the donors CSV."""

from __future__ import annotations

import numpy as np

from filiere.hla.donors import PlateletAntigen, iter_donors_text
from filiere.hla.nomenclature import Antigen, Locus
from filiere.hla.pool import donors_to_csv, generate_pool, load_afnd_frequencies
from filiere.hla.tests.conftest import shared


def test_the_same_seed_gives_the_same_pool() -> None:
    first, second = generate_pool(500, seed=7), generate_pool(500, seed=7)
    assert first.donors() == second.donors()
    assert generate_pool(500, seed=8).donors() != first.donors()


def test_the_pool_looks_like_french_donors() -> None:
    """A2 ≈ 0.29 allele frequency (AFND French registry), HPA-1a-negative ≈ 0.161² ≈ 2.6 %
    (UK donors, PMID 14675395), O+A ≈ 87 % (EFS), HLA-C typed in ~60 %."""
    pool = generate_pool(20_000, seed=1)
    donors = pool.donors()
    a2 = sum(
        Antigen(Locus.A, 2) in pool.serology.antigens(c)
        for d in donors
        for c in d.typing.at(Locus.A)
    )
    assert 0.45 < a2 / len(donors) < 0.55  # carriers ≈ 1 − (1 − 0.29)²
    hpa1a_negative = np.mean([d.lacks(PlateletAntigen.HPA_1A) for d in donors])
    assert 0.018 < hpa1a_negative < 0.035
    assert 0.55 < np.mean([bool(d.typing.at(Locus.C)) for d in donors]) < 0.65
    assert {d.region for d in donors} >= {"11", "84", "93", "94"}


def test_the_pool_round_trips_through_the_donors_csv() -> None:
    donors = generate_pool(300, seed=3).donors()
    assert list(iter_donors_text(donors_to_csv(donors))) == donors


def test_a_pool_can_be_drawn_from_the_afnd_files() -> None:
    frequencies = load_afnd_frequencies(shared("frequencies-france-afnd"))
    assert "France French Bone Marrow Donor Registry" in frequencies.source
    pool = generate_pool(1000, seed=2, frequencies=frequencies)
    assert len(pool.index()) == 1000
