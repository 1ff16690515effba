"""Name search keys, the network pseudonym, the IdMR format and HGVS checking."""

from __future__ import annotations

import pytest

from filiere.lib.hgvs import HgvsError, parse_variant
from filiere.lib.names import search_key
from filiere.lib.pseudonyms import is_pseudonym, is_valid_idmr, new_pseudonym, normalise_pseudonym


def test_search_key_ignores_accents_case_and_separators() -> None:
    assert search_key("Élodie-Anne", "D'ARGENT") == "elodie anne d argent"
    assert search_key("Cœur", "Lætitia") == "coeur laetitia"
    assert search_key("  Müller ") == search_key("MULLER")


def test_new_pseudonyms_have_the_documented_shape_and_differ() -> None:
    codes = {new_pseudonym() for _ in range(200)}
    assert len(codes) == 200
    assert all(is_pseudonym(code) for code in codes)


def test_a_pseudonym_read_over_the_phone_is_normalised() -> None:
    assert normalise_pseudonym("mhe 7k3q 9d2p") == "MHE-7K3Q-9D2P"
    assert normalise_pseudonym("7K3Q-9D2O") == "MHE-7K3Q-9D20"  # O typed for zero


def test_idmr_is_twenty_digits() -> None:
    assert is_valid_idmr("12345678901234567890")
    assert not is_valid_idmr("1234567890123456789")
    assert not is_valid_idmr("1234567890123456789A")


def test_a_valid_variant_on_a_versioned_transcript_is_accepted() -> None:
    variant = parse_variant("NM_000212.3:c.1697G>A")  # ITGB3, a Glanzmann variant's notation
    assert variant.reference == "NM_000212.3"
    assert variant.kind == "substitution"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("NM_000212:c.1697G>A", "versionné"),
        ("c.1697G>A", "Syntaxe"),
        ("NM_000212.3:c.16x97G>A", "Syntaxe"),
        ("", "vide"),
    ],
)
def test_malformed_variants_are_refused(text: str, message: str) -> None:
    with pytest.raises(HgvsError, match=message):
        parse_variant(text)
