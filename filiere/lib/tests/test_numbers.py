"""French numbers in texts built in Python: a decimal comma, the stored precision kept."""

from __future__ import annotations

from decimal import Decimal

import pytest

from filiere.lib.numbers import french_number


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("159.0"), "159,0"),  # a platelet count as stored, as in the pages' tables
        (0.3, "0,3"),  # the lightest plausible weight, in kg
        (400, "400"),
        (400.0, "400"),
        (Decimal("12.50"), "12,50"),
        (-1.5, "-1,5"),
        (0.0001, "0,0001"),
        (1e20, "100000000000000000000"),
    ],
)
def test_a_number_gets_a_decimal_comma(value: float | Decimal, expected: str) -> None:
    assert french_number(value) == expected


def test_a_fixed_number_of_decimals_rounds() -> None:
    assert french_number(2.456, places=1) == "2,5"
    assert french_number(Decimal("7"), places=2) == "7,00"


def test_thousands_are_grouped_in_a_sentence_on_request() -> None:
    assert french_number(Decimal("99999"), trim=True, grouped=True) == "99\u202f999"
    assert french_number(Decimal("-12345.50"), trim=True, grouped=True) == "-12\u202f345,5"
    assert french_number(Decimal("2000")) == "2000"
