"""The indices (PI, CCI, RTP), the sampling window of a count, and the results an assessment
returns."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from filiere.clinical.transfusion.body import (
    BloodVolumeMethod,
    BsaFormula,
)
from filiere.clinical.transfusion.checks import (
    check_dose,
    check_non_negative,
    check_positive,
    unusual_body_size,
    unusual_dose,
)
from filiere.clinical.transfusion.efficacy.inputs import (
    DEFAULT_EFFICACY_SETTINGS,
    Dose,
    EfficacySettings,
    Patient,
    Transfusion,
    Window,
)
from filiere.lib.numbers import french_number


def count_increment_e9_per_l(*, pre_e9_per_l: float, post_e9_per_l: float) -> float:
    """Return the count increment PI in ×10⁹/L (negative when the count fell)."""
    return post_e9_per_l - pre_e9_per_l


def corrected_count_increment(
    *, increment_e9_per_l: float, bsa_m2: float, dose_e11: float
) -> float:
    """Return the CCI in the "7.5" convention: PI (×10⁹/L) × BSA (m²) / dose (×10¹¹)."""
    check_positive("bsa_m2", bsa_m2)
    check_dose("dose_e11", dose_e11)
    return increment_e9_per_l * bsa_m2 / dose_e11


def percent_platelet_recovery(
    *, increment_e9_per_l: float, blood_volume_l: float, dose_e11: float
) -> float:
    """Return the RTP (PPR) in percent: PI × 10⁹/L × TBV over dose × 10¹¹, × 100."""
    check_positive("blood_volume_l", blood_volume_l)
    check_dose("dose_e11", dose_e11)
    return increment_e9_per_l * blood_volume_l / dose_e11


def sampling_window(
    minutes_after_end: float, settings: EfficacySettings = DEFAULT_EFFICACY_SETTINGS
) -> Window:
    """Return the window of a count drawn ``minutes_after_end`` after the end of transfusion."""
    check_non_negative("minutes_after_end", minutes_after_end)
    if settings.one_hour.contains(minutes_after_end):
        return Window.ONE_HOUR
    if settings.twenty_four_hours.contains(minutes_after_end):
        return Window.TWENTY_FOUR_HOURS
    return Window.OUT_OF_WINDOW


class Verdict(StrEnum):
    EFFECTIVE = "effective"
    INEFFECTIVE = "ineffective"
    NOT_ASSESSABLE = "not_assessable"


class Index(StrEnum):
    PI = "pi"
    RTP = "rtp"
    CCI = "cci"

    @property
    def digits(self) -> int:
        """Decimals shown on screen, and used to judge the value."""
        return 1 if self is Index.CCI else 0


def shown_value(value: float, digits: int) -> float:
    """Return ``value`` rounded half up to ``digits`` decimals, as the page prints it.

    Rounded from the decimal text of the float, as Django's floatformat does: 7.45 gives 7.5.
    """
    step = Decimal(1).scaleb(-digits)
    return float(Decimal(repr(value)).quantize(step, rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class CriterionResult:
    """One index against its threshold, judged on the value shown (``shown`` ≥ ``threshold``);
    ``passed`` is None when the index could not be computed."""

    index: Index
    value: float | None
    shown: float | None
    threshold: float
    passed: bool | None


@dataclass(frozen=True)
class CountAssessment:
    minutes_after_end: float
    count_e9_per_l: float
    window: Window
    increment_e9_per_l: float | None
    rtp_percent: float | None
    cci: float | None
    criteria: tuple[CriterionResult, ...]
    verdict: Verdict
    discordant: bool = False
    falling: bool = False  # the count fell below the pre-transfusion count ("baisse")

    @property
    def failed(self) -> tuple[CriterionResult, ...]:
        return tuple(c for c in self.criteria if c.passed is False)


@dataclass(frozen=True)
class WindowVerdict:
    """The verdict of a window and the count it rests on (the latest one drawn in the window)."""

    window: Window
    verdict: Verdict
    count: CountAssessment | None

    @property
    def failed(self) -> tuple[CriterionResult, ...]:
        """The indices below their threshold, whether or not they decide the verdict."""
        return () if self.count is None else self.count.failed

    @property
    def discordant(self) -> bool:
        return self.count is not None and self.count.discordant

    @property
    def falling(self) -> bool:
        return self.count is not None and self.count.falling


FORMULAS = (
    "PI = P_post − P_pré (×10⁹/L)",
    "CCI = PI × SC_m² / dose_×10¹¹",
    "RTP (%) = PI × VST_L / dose_×10¹¹",
)


PAEDIATRIC_VOLUME_NOTE = (
    "enfant : volume sanguin par kg selon l'âge (75 mL/kg jusqu'à 3 mois, 70 mL/kg ensuite), "
    "les équations de Nadler n'étant validées que chez l'adulte"
)


@dataclass(frozen=True)
class Provenance:
    """How the indices were computed. ``blood_volume_method`` is the method used, which is the
    per-kg table for a child even when the network chose Nadler's (``volume_note`` says so)."""

    bsa_formula: BsaFormula
    bsa_m2: float
    blood_volume_method: BloodVolumeMethod
    blood_volume_ml_per_kg: float | None  # None with Nadler's equations
    blood_volume_l: float
    dose: Dose
    settings: EfficacySettings
    volume_note: str = ""

    @property
    def formulas(self) -> tuple[str, ...]:
        return (*FORMULAS, self.bsa_formula.equation, self.blood_volume_method.equation)


@dataclass(frozen=True)
class TransfusionAssessment:
    transfusion: Transfusion
    patient: Patient
    counts: tuple[CountAssessment, ...]
    one_hour: WindowVerdict
    twenty_four_hours: WindowVerdict
    verdict: Verdict
    provenance: Provenance

    @property
    def falling(self) -> tuple[CountAssessment, ...]:
        """The post counts below the pre-transfusion count: a warning on the page."""
        return tuple(count for count in self.counts if count.falling)

    @property
    def warnings(self) -> tuple[str, ...]:
        """What a clinician should check before reading the indices (French): a fall of the
        count, a dose or a weight–height pair outside the usual ranges (recorded only once
        confirmed, but still worth a look)."""
        found: list[str] = []
        dose = self.transfusion.product.label_dose_e11
        if dose is not None and (problem := unusual_dose(dose)) is not None:
            found.append(problem)
        size = unusual_body_size(
            weight_kg=self.patient.weight_kg,
            height_cm=self.patient.height_cm,
            age_years=self.patient.age_years,
        )
        if size is not None:
            found.append(size)
        found.extend(
            f"numération en baisse {_delay_text(count.minutes_after_end)} après la fin "
            f"({french_number(count.count_e9_per_l)} < {french_number(pre)} ×10⁹/L avant) : "
            "aucun rendement, transfusion inefficace"
            for count in self.falling
            if (pre := self.transfusion.pre_count_e9_per_l) is not None
        )
        return tuple(found)


def _delay_text(minutes: float) -> str:
    whole = round(minutes)
    if whole < 120:
        return f"{whole} min"
    hours, rest = divmod(whole, 60)
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"
