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


# --- Unusual but possible values: recorded only when a clinician confirms them -----------------
#
# The bounds above refuse what cannot be (a unit mistake). The ranges below flag what is possible
# but unusual enough to be a typing error: the caller asks for an explicit confirmation.

# A French CPS, the smallest adult product, holds at least 0.5 ×10¹¹ (transfusion.md §1.3); less
# is a paediatric split or a typing error. A CPA holds 2.9–4.4 ×10¹¹ (AABB 2024) and a pooled MCP
# a few times 0.5: beyond 10 ×10¹¹ one transfusion holds several units or the dose is mistyped.
USUAL_MIN_DOSE_E11, USUAL_MAX_DOSE_E11 = 0.5, 10.0
# Body-mass index, weight/height²: outside these bounds the weight and the height do not belong to
# one person (7 kg with 175 cm is a BMI of 2.3). Adults and children from one year: 10–70 kg/m²,
# beyond the WHO's "severe thinness" (< 16) and "obesity class III" (≥ 40) cut-offs. Infants under
# one year: 6–25 kg/m², from a premature newborn of 0.6 kg for 30 cm (6.7) to the heaviest
# infants of the WHO growth standards (about 21).
USUAL_BMI = (10.0, 70.0)
USUAL_INFANT_BMI = (6.0, 25.0)
INFANT_MAX_AGE_YEARS = 1.0


def body_mass_index(*, weight_kg: float, height_cm: float) -> float:
    check_weight("weight_kg", weight_kg)
    check_height("height_cm", height_cm)
    return weight_kg / (height_cm / 100) ** 2


def unusual_dose(dose_e11: float) -> str | None:
    """Return why a label dose needs a confirmation, or None when it is in the usual range."""
    check_dose("label_dose_e11", dose_e11)
    if USUAL_MIN_DOSE_E11 <= dose_e11 <= USUAL_MAX_DOSE_E11:
        return None
    return (
        f"dose de {french_number(dose_e11)} ×10¹¹ hors de la plage usuelle "
        f"({french_number(USUAL_MIN_DOSE_E11)} à {french_number(USUAL_MAX_DOSE_E11)} ×10¹¹ "
        "plaquettes)"
    )


def unusual_body_size(*, weight_kg: float, height_cm: float, age_years: float) -> str | None:
    """Return why a weight with a height needs a confirmation (their BMI), or None."""
    check_age("age_years", age_years)
    bmi = body_mass_index(weight_kg=weight_kg, height_cm=height_cm)
    low, high = USUAL_INFANT_BMI if age_years < INFANT_MAX_AGE_YEARS else USUAL_BMI
    if low <= bmi <= high:
        return None
    return (
        f"{french_number(weight_kg)} kg pour {french_number(height_cm)} cm : indice de masse "
        f"corporelle de {french_number(round(bmi, 1))} kg/m², hors de la plage plausible "
        f"({french_number(low)} à {french_number(high)})"
    )
