"""What an efficacy assessment reads: the product and its dose, the patient, the post-transfusion
counts, the sampling windows' criteria and the network's settings."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from filiere.clinical.transfusion.body import (
    AGE_REQUIRED,
    BloodVolumeMethod,
    BsaFormula,
    Sex,
)
from filiere.clinical.transfusion.checks import (
    InvalidInput,
    check_age,
    check_count,
    check_dose,
    check_height,
    check_non_negative,
    check_weight,
)


class ProductType(StrEnum):
    CPA = "CPA"  # concentré de plaquettes d'aphérèse, one donor
    MCP = "MCP"  # mélange de concentrés plaquettaires, pooled whole-blood donations
    CPS = "CPS"  # concentré de plaquettes standard, one whole-blood donation


class AboRelation(StrEnum):
    """ABO relation of the product to the patient."""

    IDENTICAL = "identical"
    MINOR_MISMATCH = "minor_mismatch"  # donor plasma against patient red cells (O → A)
    MAJOR_MISMATCH = "major_mismatch"  # patient plasma against donor platelets (A → O)
    BIDIRECTIONAL_MISMATCH = "bidirectional_mismatch"  # A → B

    @property
    def is_compatible(self) -> bool:
        # Only a major component lowers the increment: the patient's anti-A/B clears the platelets.
        return self in {AboRelation.IDENTICAL, AboRelation.MINOR_MISMATCH}


class DoseSource(StrEnum):
    LABEL = "label"
    ASSUMED = "assumed"
    UNKNOWN = "unknown"


# Mean content of apheresis units measured in an AABB 2024 poster (2.9–4.4 ×10¹¹). The US minimum
# of 3.0 is not used: assuming it overestimated the CCI (8.11 against 6.14 with the actual
# yield), which hides refractoriness.
ASSUMED_CPA_DOSE_E11 = 3.5
# Minimum content of a French CPS, one whole-blood donation; an MCP pools several of them. A
# floor, never assumed as the content of a product (see the module's docstring).
MIN_DOSE_PER_DONATION_E11 = 0.5


@dataclass(frozen=True)
class Product:
    """The transfused product; ``pooled_donations`` is the number of donations in an MCP."""

    kind: ProductType
    label_dose_e11: float | None = None
    pooled_donations: int | None = None
    abo: AboRelation | None = None
    storage_hours: float | None = None

    def __post_init__(self) -> None:
        if self.label_dose_e11 is not None:
            check_dose("label_dose_e11", self.label_dose_e11)
        if self.pooled_donations is not None and self.pooled_donations < 1:
            raise InvalidInput(
                "pooled_donations", f"{self.pooled_donations} doit valoir au moins 1"
            )
        if self.storage_hours is not None:
            check_non_negative("storage_hours", self.storage_hours)


@dataclass(frozen=True)
class Dose:
    value_e11: float | None
    source: DoseSource
    note: str


def product_dose(product: Product) -> Dose:
    """Return the dose from the label, else the documented default for the product type."""
    if product.label_dose_e11 is not None:
        return Dose(product.label_dose_e11, DoseSource.LABEL, "dose lue sur l'étiquette")
    if product.kind is ProductType.CPA:
        return Dose(
            ASSUMED_CPA_DOSE_E11,
            DoseSource.ASSUMED,
            "dose supposée : contenu moyen d'un CPA, 3,5 ×10¹¹ (AABB 2024) ; l'étiquette fait foi",
        )
    return Dose(
        None,
        DoseSource.UNKNOWN,
        f"dose inconnue : {product.kind.value} sans dose sur l'étiquette ; le minimum "
        "réglementaire (0,5 ×10¹¹ par don) surestimerait le CCI : CCI et RTP non calculés",
    )


class Window(StrEnum):
    ONE_HOUR = "1h"
    TWENTY_FOUR_HOURS = "24h"
    OUT_OF_WINDOW = "out_of_window"


@dataclass(frozen=True)
class WindowCriteria:
    """Sampling delay (minutes after the end of transfusion) and thresholds of one window."""

    earliest_minutes: float
    latest_minutes: float
    pi_min_e9_per_l: float | None
    rtp_min_percent: float | None
    cci_min: float | None

    def __post_init__(self) -> None:
        check_non_negative("earliest_minutes", self.earliest_minutes)
        check_non_negative("latest_minutes", self.latest_minutes)
        if self.latest_minutes < self.earliest_minutes:
            raise InvalidInput("latest_minutes", "la fenêtre finit avant de commencer")
        for field in ("pi_min_e9_per_l", "rtp_min_percent", "cci_min"):
            threshold: float | None = getattr(self, field)
            if threshold is not None:
                check_non_negative(field, threshold)

    def contains(self, minutes: float) -> bool:
        return self.earliest_minutes <= minutes <= self.latest_minutes


# Windows from Williams (10–60 min, 18–24 h). PI and RTP thresholds from the network slides;
# CCI thresholds from Stanworth 2015 and Petz (the slides' 4.5 at 24 h is laxer than both).
ONE_HOUR_CRITERIA = WindowCriteria(10.0, 60.0, 10.0, 30.0, 7.5)
TWENTY_FOUR_HOUR_CRITERIA = WindowCriteria(18 * 60.0, 24 * 60.0, 10.0, 20.0, 5.0)


class VerdictRule(StrEnum):
    """Which index decides the verdict of a window; ALL: every computed index must pass."""

    CCI = "cci"
    RTP = "rtp"
    PI = "pi"
    ALL = "all"


@dataclass(frozen=True)
class EfficacySettings:
    bsa_formula: BsaFormula = BsaFormula.MOSTELLER
    blood_volume_method: BloodVolumeMethod = BloodVolumeMethod.PER_KG
    one_hour: WindowCriteria = ONE_HOUR_CRITERIA
    twenty_four_hours: WindowCriteria = TWENTY_FOUR_HOUR_CRITERIA
    rule: VerdictRule = VerdictRule.CCI

    def __post_init__(self) -> None:
        if self.one_hour.latest_minutes >= self.twenty_four_hours.earliest_minutes:
            raise InvalidInput("twenty_four_hours", "les fenêtres 1 h et 24 h se chevauchent")

    def criteria(self, window: Window) -> WindowCriteria:
        if window is Window.ONE_HOUR:
            return self.one_hour
        if window is Window.TWENTY_FOUR_HOURS:
            return self.twenty_four_hours
        raise ValueError(window)


DEFAULT_EFFICACY_SETTINGS = EfficacySettings()


@dataclass(frozen=True)
class Patient:
    """The patient at the time of the transfusion. The age is required: the blood volume of a
    child is not an adult's, and nothing else tells a child from an adult."""

    sex: Sex
    weight_kg: float
    height_cm: float
    age_years: float

    def __post_init__(self) -> None:
        check_weight("weight_kg", self.weight_kg)
        check_height("height_cm", self.height_cm)
        if self.age_years is None:
            raise InvalidInput("age_years", AGE_REQUIRED)
        check_age("age_years", self.age_years)


@dataclass(frozen=True)
class PostCount:
    minutes_after_end: float
    count_e9_per_l: float

    def __post_init__(self) -> None:
        check_non_negative("minutes_after_end", self.minutes_after_end)
        check_count("count_e9_per_l", self.count_e9_per_l)


class NonImmuneCause(StrEnum):
    """A state at the time of the transfusion that consumes platelets: the CCI then says nothing
    about alloimmunisation (Williams; Stanworth 2015)."""

    BLEEDING = "bleeding"
    FEVER = "fever"
    SEPSIS = "sepsis"
    SPLENOMEGALY = "splenomegaly"
    DIC = "dic"

    @property
    def label(self) -> str:
        return _CAUSE_LABELS[self]


_CAUSE_LABELS = {
    NonImmuneCause.BLEEDING: "saignement actif",
    NonImmuneCause.FEVER: "fièvre",
    NonImmuneCause.SEPSIS: "sepsis",
    NonImmuneCause.SPLENOMEGALY: "splénomégalie",
    NonImmuneCause.DIC: "CIVD",
}


@dataclass(frozen=True)
class Transfusion:
    product: Product
    pre_count_e9_per_l: float | None
    post_counts: tuple[PostCount, ...] = ()
    non_immune_causes: frozenset[NonImmuneCause] = frozenset()

    def __post_init__(self) -> None:
        if self.pre_count_e9_per_l is not None:
            check_count("pre_count_e9_per_l", self.pre_count_e9_per_l)
