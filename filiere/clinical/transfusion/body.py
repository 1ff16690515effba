"""Body surface area and total blood volume: the size corrections of the CCI and the RTP.

References:
- Mosteller RD. Simplified calculation of body-surface area. N Engl J Med 1987;317:1098.
- Du Bois D, Du Bois EF. A formula to estimate the approximate surface area if height and weight
  be known. Arch Intern Med 1916;17:863-71.
- Haycock GB, Schwartz GJ, Wisotsky DH. Geometric method for measuring body surface area: a
  height-weight formula validated in infants, children, and adults. J Pediatr 1978;93:62-6.
- Nadler SB, Hidalgo JU, Bloch T. Prediction of blood volume in normal human adults. Surgery
  1962;51:224-32.
- French blood-volume table (VST), toutsurlatransfusion.com: 75 mL/kg for men and newborns,
  70 mL/kg for women and children over 3 months.

Children: the per-kg table has its own rates for newborns (≤ 3 months) and children, so the age
is required; an unknown age is refused, never read as an adult's. Nadler's equations were fitted
on 100 healthy adults: they are refused under 18, where the per-kg table's paediatric rates
apply (the assessment says so in its provenance).
"""

from __future__ import annotations

import math
from enum import StrEnum

from filiere.clinical.transfusion.checks import (
    InvalidInput,
    check_age,
    check_height,
    check_weight,
)


class Sex(StrEnum):
    MALE = "male"
    FEMALE = "female"


class BsaFormula(StrEnum):
    MOSTELLER = "mosteller"
    DUBOIS = "dubois"
    HAYCOCK = "haycock"

    @property
    def equation(self) -> str:
        return _BSA_EQUATIONS[self]


class BloodVolumeMethod(StrEnum):
    PER_KG = "per_kg"  # the French VST table, 70 or 75 mL/kg
    NADLER = "nadler"

    @property
    def equation(self) -> str:
        return _VOLUME_EQUATIONS[self]


_BSA_EQUATIONS = {
    BsaFormula.MOSTELLER: "SC = √(taille_cm × poids_kg / 3600) (Mosteller 1987)",
    BsaFormula.DUBOIS: "SC = 0,007184 × poids_kg^0,425 × taille_cm^0,725 (Du Bois 1916)",
    BsaFormula.HAYCOCK: "SC = 0,024265 × poids_kg^0,5378 × taille_cm^0,3964 (Haycock 1978)",
}
_VOLUME_EQUATIONS = {
    BloodVolumeMethod.PER_KG: (
        "VST = poids_kg × 75 mL/kg (homme adulte, nourrisson ≤ 3 mois) "
        "ou 70 mL/kg (femme adulte, enfant > 3 mois)"
    ),
    BloodVolumeMethod.NADLER: (
        "VST_L = 0,3669 × taille_m³ + 0,03219 × poids_kg + 0,6041 (homme) ; "
        "0,3561 × taille_m³ + 0,03308 × poids_kg + 0,1833 (femme) (Nadler 1962)"
    ),
}

MALE_ML_PER_KG = 75.0
FEMALE_ML_PER_KG = 70.0
NEWBORN_ML_PER_KG = 75.0
CHILD_ML_PER_KG = 70.0
# "Children over 3 months" take 70 mL/kg, so up to 3 months (0.25 year) counts as a newborn.
NEWBORN_MAX_AGE_YEARS = 0.25
# The French table does not say where childhood ends; 18 is the paediatric limit in France.
ADULT_AGE_YEARS = 18.0


def body_surface_area_m2(
    *, weight_kg: float, height_cm: float, formula: BsaFormula = BsaFormula.MOSTELLER
) -> float:
    """Return the body surface area in m²."""
    check_weight("weight_kg", weight_kg)
    check_height("height_cm", height_cm)
    if formula is BsaFormula.MOSTELLER:
        return math.sqrt(height_cm * weight_kg / 3600)
    if formula is BsaFormula.DUBOIS:
        return 0.007184 * math.pow(weight_kg, 0.425) * math.pow(height_cm, 0.725)
    return 0.024265 * math.pow(weight_kg, 0.5378) * math.pow(height_cm, 0.3964)


AGE_REQUIRED = (
    "âge inconnu : requis pour le volume sanguin (75 mL/kg jusqu'à 3 mois, 70 mL/kg chez "
    "l'enfant, selon le sexe chez l'adulte) ; un enfant n'est jamais compté comme un adulte"
)
NADLER_ADULTS_ONLY = (
    "équations de Nadler validées chez l'adulte seulement (≥ 18 ans) : chez l'enfant, volume "
    "sanguin par kg selon l'âge"
)


def _known_age(age_years: float | None) -> float:
    if age_years is None:
        raise InvalidInput("age_years", AGE_REQUIRED)
    return check_age("age_years", age_years)


def blood_volume_ml_per_kg(*, sex: Sex, age_years: float | None) -> float:
    """Return the French VST rate for the age and sex; an unknown age is refused."""
    age = _known_age(age_years)
    if age <= NEWBORN_MAX_AGE_YEARS:
        return NEWBORN_ML_PER_KG
    if age < ADULT_AGE_YEARS:
        return CHILD_ML_PER_KG
    return MALE_ML_PER_KG if sex is Sex.MALE else FEMALE_ML_PER_KG


def blood_volume_method_for(
    method: BloodVolumeMethod, age_years: float | None
) -> BloodVolumeMethod:
    """Return the method usable at this age: Nadler's only in adults, the per-kg table else."""
    if method is BloodVolumeMethod.NADLER and _known_age(age_years) < ADULT_AGE_YEARS:
        return BloodVolumeMethod.PER_KG
    return method


def total_blood_volume_l(
    *,
    weight_kg: float,
    height_cm: float,
    sex: Sex,
    age_years: float | None,
    method: BloodVolumeMethod = BloodVolumeMethod.PER_KG,
) -> float:
    """Return the total blood volume (VST) in litres.

    The age is required by both methods: the per-kg rate depends on it, and Nadler's equations,
    fitted on adults, are refused under 18 (``blood_volume_method_for`` picks the usable one).
    """
    check_weight("weight_kg", weight_kg)
    check_height("height_cm", height_cm)
    if blood_volume_method_for(method, age_years) is not method:
        raise InvalidInput("blood_volume_method", NADLER_ADULTS_ONLY)
    if method is BloodVolumeMethod.PER_KG:
        return weight_kg * blood_volume_ml_per_kg(sex=sex, age_years=age_years) / 1000
    height_m3 = (height_cm / 100) ** 3
    if sex is Sex.MALE:
        return 0.3669 * height_m3 + 0.03219 * weight_kg + 0.6041
    return 0.3561 * height_m3 + 0.03308 * weight_kg + 0.1833
