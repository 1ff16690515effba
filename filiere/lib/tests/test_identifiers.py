"""Check keys of FINESS, RPPS and NIR numbers."""

from __future__ import annotations

import pytest

from filiere.lib.identifiers import (
    is_valid_finess,
    is_valid_nir,
    is_valid_rpps,
    luhn_is_valid,
    luhn_key,
    nir_contradictions,
    nir_key,
)


def test_luhn_reference_number() -> None:
    """The textbook Luhn example 79927398713 (ISO/IEC 7812-1, annex B) is valid."""
    assert luhn_is_valid("79927398713")
    assert not luhn_is_valid("79927398710")
    assert luhn_key("7992739871") == "3"


@pytest.mark.parametrize(
    "finess",
    [
        "750712184",  # Assistance Publique - Hôpitaux de Paris, legal entity (annuaire FINESS)
        "690781810",  # Hospices Civils de Lyon, legal entity (annuaire FINESS)
    ],
)
def test_published_finess_numbers_are_valid(finess: str) -> None:
    assert is_valid_finess(finess)


@pytest.mark.parametrize("finess", ["750712185", "75071218", "7507121840", "75071218A", ""])
def test_finess_with_bad_key_or_length_is_refused(finess: str) -> None:
    assert not is_valid_finess(finess)


def test_rpps_requires_eleven_digits_and_its_luhn_key() -> None:
    body = "1000123456"
    good = body + luhn_key(body)
    assert is_valid_rpps(good)
    wrong_key = body + str((int(good[-1]) + 1) % 10)
    assert not is_valid_rpps(wrong_key)
    assert not is_valid_rpps(good[:-1])
    assert not is_valid_rpps("1000123456X")


def test_nir_key_worked_example() -> None:
    """1 89 12 75 125 012 has key 82: 97 - (1891275125012 mod 97) = 97 - 15 (mathweb.fr, 2022)."""
    assert nir_key("1891275125012") == 82
    assert is_valid_nir("189127512501282")
    assert not is_valid_nir("189127512501283")


def test_corsican_nir_uses_19_and_18_for_the_key() -> None:
    """For 2A the key is computed with 19 in place of the department, 18 for 2B (INSEE rule)."""
    key_2a = 97 - int("1890519125012") % 97
    key_2b = 97 - int("1890518125012") % 97
    assert is_valid_nir(f"18905{'2A'}125012{key_2a:02d}")
    assert is_valid_nir(f"18905{'2B'}125012{key_2b:02d}")
    assert not is_valid_nir(f"18905{'2A'}125012{key_2b:02d}")


def test_a_nir_agrees_with_the_identity_it_was_built_from() -> None:
    """1 89 12 75 125 012 82: a man born in December 1989 (INSEE: sex, year, month digits)."""
    assert nir_contradictions("189127512501282", sex="M", birth_year=1989, birth_month=12) == []


@pytest.mark.parametrize(
    ("sex", "year", "month", "contradicted"),
    [
        ("F", 1989, 12, ["sex"]),
        ("M", 1998, 12, ["birth_year"]),
        ("M", 2089, 12, []),
        ("M", 1989, 11, ["birth_month"]),
        ("F", 1990, 1, ["sex", "birth_year", "birth_month"]),
        ("U", 1989, 12, []),
    ],
)
def test_a_nir_contradicting_sex_year_or_month_is_reported(
    sex: str, year: int, month: int, contradicted: list[str]
) -> None:
    """Digit 1 is the sex (1 man, 2 woman), digits 2-3 the year's last two, 4-5 the month."""
    found = nir_contradictions("189127512501282", sex=sex, birth_year=year, birth_month=month)
    assert found == contradicted


@pytest.mark.parametrize("month_code", ["20", "30", "42", "50", "62"])
def test_a_nir_without_a_birth_month_contradicts_no_month(month_code: str) -> None:
    """INSEE codes 20, 30 to 42 and 50 or more when the civil-status record gives no month."""
    first13 = f"289{month_code}99350012"
    assert nir_contradictions(first13 + "00", sex="F", birth_year=1989, birth_month=7) == []


def test_a_temporary_number_carries_the_sex_by_parity() -> None:
    """Temporary numbers (NIA) start with 7 for a man and 8 for a woman: odd man, even woman."""
    assert nir_contradictions("789129935001200", sex="M", birth_year=1989, birth_month=12) == []
    assert nir_contradictions("889129935001200", sex="M", birth_year=1989, birth_month=12) == [
        "sex"
    ]
