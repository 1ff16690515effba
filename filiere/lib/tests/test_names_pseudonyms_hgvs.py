"""Name search keys, the network pseudonym, the IdMR format and HGVS checking."""

from __future__ import annotations

import pytest

from filiere.lib.hgvs import HgvsError, parse_variant
from filiere.lib.names import latin_name, search_key
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


@pytest.mark.parametrize(
    "name",
    [
        "Martin",
        "Élodie-Anne",
        "D'Argent",
        "N’Diaye",
        "Lætitia",
        "Œdipe",
        "Müller",
        "Łukasz",
        "Ñúñez",
    ],
)
def test_latin_names_with_diacritics_hyphen_and_apostrophe_are_names(name: str) -> None:
    assert latin_name(name) == name


def test_a_decomposed_accent_is_composed() -> None:
    assert latin_name("Cle\u0301ment") == "Clément"


@pytest.mark.parametrize(
    "name",
    [
        "M\u0430rtin",  # Cyrillic « а », looks Latin
        "\u039cartin",  # Greek capital Mu
        "Martin 😀",
        "Martin2",
        "Martin.",
        "\u0301Martin",  # a lone combining accent
        "Мартин",
    ],
)
def test_homoglyphs_emoji_digits_and_other_scripts_are_not_names(name: str) -> None:
    assert latin_name(name) is None
