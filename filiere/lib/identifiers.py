"""Check keys of the French national identifiers Filière stores.

- FINESS (établissements): 9 digits, the last one a Luhn key over the whole number.
- RPPS (health professionals): 11 digits, the last one a Luhn key.
- NIR / INS matricule: 13 characters plus a 2-digit key, 97 - (number mod 97); Corsican
  department codes 2A and 2B count as 19 and 18 for the key. The first five digits repeat
  identity traits (INSEE, RNIPP): sex (odd for a man, even for a woman), the last two digits of
  the birth year, the birth month (01 to 12; 20, 30 to 42 and 50 or more when the civil-status
  record gave no month).
"""

from __future__ import annotations

import re

_NIR_PATTERN = re.compile(r"^[12378]\d{2}(0[1-9]|1[0-2]|[2-9]\d)(\d{2}|2[AB])\d{6}\d{2}$")


def luhn_is_valid(digits: str) -> bool:
    """Return True when the digit string ends with a correct Luhn key."""
    if not digits.isdigit():
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def luhn_key(digits: str) -> str:
    """Return the Luhn key digit to append to ``digits``."""
    for candidate in "0123456789":
        if luhn_is_valid(digits + candidate):
            return candidate
    raise ValueError(digits)  # pragma: no cover - one of ten candidates always fits


def is_valid_finess(value: str) -> bool:
    return len(value) == 9 and luhn_is_valid(value)


def is_valid_rpps(value: str) -> bool:
    return len(value) == 11 and luhn_is_valid(value)


def nir_key(first13: str) -> int:
    """Return the 2-digit key of a NIR (the INS matricule) from its first 13 characters."""
    corsica = {"2A": "19", "2B": "18"}.get(first13[5:7].upper())
    normalised = first13[:5] + corsica + first13[7:] if corsica else first13
    if not normalised.isdigit() or len(normalised) != 13:
        raise ValueError("Le NIR doit compter 13 caractères avant la clé.")
    return 97 - int(normalised) % 97


def is_valid_nir(value: str) -> bool:
    """Return True for a 15-character NIR (or NIA) with a correct key."""
    value = value.upper()
    if not _NIR_PATTERN.match(value):
        return False
    return nir_key(value[:13]) == int(value[13:])


def nir_contradictions(value: str, *, sex: str, birth_year: int, birth_month: int) -> list[str]:
    """Return the traits ("sex", "birth_year", "birth_month") the NIR contradicts.

    ``sex`` is "M", "F" or "U" (undetermined, never contradicted). A month code of 20 or more
    stands for a record without a month (20, 30-42, 50+), so it contradicts no birth month.
    """
    contradicted: list[str] = []
    sex_digit, year_digits, month_digits = value[0], value[1:3], value[3:5]
    if sex_digit.isdigit() and sex in {"M", "F"}:
        nir_sex = "M" if int(sex_digit) % 2 == 1 else "F"
        if nir_sex != sex:
            contradicted.append("sex")
    if year_digits != f"{birth_year % 100:02d}":
        contradicted.append("birth_year")
    if month_digits.isdigit() and int(month_digits) <= 12 and int(month_digits) != birth_month:
        contradicted.append("birth_month")
    return contradicted
