"""Input checks shared by the transfusion formulas: finite numbers in plausible ranges.

The bounds catch unit mistakes (a count in /µL instead of ×10⁹/L, a dose in platelets instead of
×10¹¹, a height in metres), not clinical outliers: they are deliberately wide.
"""

from __future__ import annotations

import math

from filiere.lib.numbers import french_number


class InvalidInput(ValueError):
    """A value the formulas cannot use; ``field`` names it, the message is in French."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field} : {message}")
        self.field = field
        self.message = message


# Counts above 2,000 ×10⁹/L are not seen in transfused patients; 32,000 means /µL was typed.
MAX_COUNT_E9_PER_L = 2000.0
# One transfusion rarely exceeds 10 ×10¹¹; 20 leaves room for two large apheresis units.
MAX_DOSE_E11 = 20.0
MIN_WEIGHT_KG, MAX_WEIGHT_KG = 0.3, 400.0
# 20 cm is below any premature newborn; 1.75 means metres were typed.
MIN_HEIGHT_CM, MAX_HEIGHT_CM = 20.0, 260.0
MAX_AGE_YEARS = 130.0


def _finite(field: str, value: float) -> float:
    if not math.isfinite(value):
        raise InvalidInput(field, f"nombre fini attendu, reçu {value!r}")
    return value


def check_count(field: str, value: float) -> float:
    """Return a platelet count in ×10⁹/L, or raise InvalidInput."""
    if not 0 <= _finite(field, value) <= MAX_COUNT_E9_PER_L:
        raise InvalidInput(
            field,
            f"{french_number(value)} hors bornes (0 à {french_number(MAX_COUNT_E9_PER_L)}) : "
            "unité attendue ×10⁹/L",
        )
    return value


def check_dose(field: str, value: float) -> float:
    """Return a dose in ×10¹¹ platelets, or raise InvalidInput."""
    if not 0 < _finite(field, value) <= MAX_DOSE_E11:
        raise InvalidInput(
            field,
            f"{french_number(value)} hors bornes (> 0 et ≤ {french_number(MAX_DOSE_E11)}) : "
            "unité attendue ×10¹¹ plaquettes",
        )
    return value


def check_weight(field: str, value: float) -> float:
    if not MIN_WEIGHT_KG <= _finite(field, value) <= MAX_WEIGHT_KG:
        raise InvalidInput(
            field,
            f"{french_number(value)} hors bornes "
            f"({french_number(MIN_WEIGHT_KG)} à {french_number(MAX_WEIGHT_KG)}) : unité kg",
        )
    return value


def check_height(field: str, value: float) -> float:
    if not MIN_HEIGHT_CM <= _finite(field, value) <= MAX_HEIGHT_CM:
        raise InvalidInput(
            field,
            f"{french_number(value)} hors bornes "
            f"({french_number(MIN_HEIGHT_CM)} à {french_number(MAX_HEIGHT_CM)}) : unité cm",
        )
    return value


def check_age(field: str, value: float) -> float:
    if not 0 <= _finite(field, value) <= MAX_AGE_YEARS:
        raise InvalidInput(
            field, f"{french_number(value)} hors bornes (0 à {french_number(MAX_AGE_YEARS)} ans)"
        )
    return value


def check_non_negative(field: str, value: float) -> float:
    """Return a delay or a storage time (minutes, hours), or raise InvalidInput."""
    if _finite(field, value) < 0:
        raise InvalidInput(field, f"{french_number(value)} est négatif")
    return value


def check_positive(field: str, value: float) -> float:
    if _finite(field, value) <= 0:
        raise InvalidInput(field, f"{french_number(value)} doit être strictement positif")
    return value
