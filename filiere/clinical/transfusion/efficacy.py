"""Efficacy of one platelet transfusion: PI, RTP (PPR) and CCI per sampling window, and a verdict.

Formulas and thresholds: shared/reference/transfusion.md §1 (network slides; Williams/Wisconsin
CCI page; Petz criteria; ASCO).
- PI = P_post − P_pre (×10⁹/L).
- CCI = PI × BSA / dose, PI in ×10⁹/L and dose in ×10¹¹ ("7.5" convention, not "7,500").
- RTP (%) = PI × TBV / dose, i.e. 100 × (PI × 10⁹/L × TBV L) / (dose × 10¹¹).

A count drawn 10–60 min after the end of the transfusion belongs to the "1 h" window, one drawn
18–24 h after to the "24 h" window; any other count is out of window and judged by nothing.

Each index gets its own verdict against its own threshold. The value is rounded first to the
precision shown on screen (PI and RTP to the unit, CCI to one decimal, half up), then compared
with ≥: a CCI shown as 7,5 is effective, and no "RTP 30 %" sits beside "inefficace".

The verdict of a window follows one index, chosen by the network (``VerdictRule``). The default
is the CCI, the body-size-corrected index used to define refractoriness: CCI ≥ 7.5 at 1 h
(10–60 min) and ≥ 5 at 18–24 h (Stanworth et al., Br J Haematol 2015;171:297–305; Williams;
Petz criteria: CCI < 7,500 at 1 h or < 5,000 at 20 h is inadequate). PI and RTP are not
corrected for body size: RTP/CCI = blood volume/BSA, so "RTP ≥ 30 %" means a CCI of about
10.5–12 in most adults, and "PI ≥ 10 at 24 h" is stricter than the CCI for large adults and
laxer for children. When the indices of a window disagree, the window is flagged discordant.
``VerdictRule.ALL`` keeps the slides' reading (ineffective as soon as one index fails); a
threshold set to None switches its index off.

A count below the pre-transfusion count (a fall) gives negative indices: the count is flagged
``falling`` ("baisse"), its indices are never effective, and the assessment carries a warning.
A dose is read on the label; only an apheresis unit has a documented mean content to assume
(3.5 ×10¹¹, AABB 2024). The regulatory minimum of a CPS (0.5 ×10¹¹ per donation) is a floor,
not a content: assuming it for a pool or a CPS would overestimate the CCI and hide
refractoriness, as the US minimum of 3.0 did for apheresis units, so their dose is unknown
without a label and the CCI and RTP are not computed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from filiere.clinical.transfusion.body import (
    AGE_REQUIRED,
    BloodVolumeMethod,
    BsaFormula,
    Sex,
    blood_volume_method_for,
    blood_volume_ml_per_kg,
    body_surface_area_m2,
    total_blood_volume_l,
)
from filiere.clinical.transfusion.checks import (
    InvalidInput,
    check_age,
    check_count,
    check_dose,
    check_height,
    check_non_negative,
    check_positive,
    check_weight,
    unusual_body_size,
    unusual_dose,
)
from filiere.lib.numbers import french_number


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


def _combine(results: tuple[CriterionResult, ...], rule: VerdictRule) -> Verdict:
    if rule is not VerdictRule.ALL:
        deciding = [r.passed for r in results if r.index.value == rule.value]
        if not deciding or deciding[0] is None:
            return Verdict.NOT_ASSESSABLE
        return Verdict.EFFECTIVE if deciding[0] else Verdict.INEFFECTIVE
    outcomes = [result.passed for result in results if result.passed is not None]
    if not outcomes:
        return Verdict.NOT_ASSESSABLE
    return Verdict.EFFECTIVE if all(outcomes) else Verdict.INEFFECTIVE


def _judge(index: Index, value: float | None, threshold: float) -> CriterionResult:
    if value is None:
        return CriterionResult(index, None, None, threshold, None)
    shown = shown_value(value, index.digits)
    # A fall is never effective, even against a threshold set to 0.
    return CriterionResult(index, value, shown, threshold, value >= 0 and shown >= threshold)


def _assess_count(
    post: PostCount,
    *,
    pre_e9_per_l: float | None,
    bsa_m2: float,
    blood_volume_l: float,
    dose_e11: float | None,
    settings: EfficacySettings,
) -> CountAssessment:
    window = sampling_window(post.minutes_after_end, settings)
    increment: float | None = None
    cci: float | None = None
    rtp: float | None = None
    if pre_e9_per_l is not None:
        increment = count_increment_e9_per_l(
            pre_e9_per_l=pre_e9_per_l, post_e9_per_l=post.count_e9_per_l
        )
        if dose_e11 is not None:
            cci = corrected_count_increment(
                increment_e9_per_l=increment, bsa_m2=bsa_m2, dose_e11=dose_e11
            )
            rtp = percent_platelet_recovery(
                increment_e9_per_l=increment, blood_volume_l=blood_volume_l, dose_e11=dose_e11
            )
    results: tuple[CriterionResult, ...] = ()
    if window is not Window.OUT_OF_WINDOW:
        criteria = settings.criteria(window)
        results = tuple(
            _judge(index, value, threshold)
            for index, value, threshold in (
                (Index.PI, increment, criteria.pi_min_e9_per_l),
                (Index.RTP, rtp, criteria.rtp_min_percent),
                (Index.CCI, cci, criteria.cci_min),
            )
            if threshold is not None
        )
    outcomes = {result.passed for result in results if result.passed is not None}
    return CountAssessment(
        minutes_after_end=post.minutes_after_end,
        count_e9_per_l=post.count_e9_per_l,
        window=window,
        increment_e9_per_l=increment,
        rtp_percent=rtp,
        cci=cci,
        criteria=results,
        verdict=_combine(results, settings.rule),
        discordant=len(outcomes) > 1,
        falling=increment is not None and increment < 0,
    )


def _window_verdict(window: Window, counts: tuple[CountAssessment, ...]) -> WindowVerdict:
    # Counts only fall after a transfusion, so the latest count of a window is the conservative one.
    in_window = [count for count in counts if count.window is window]
    if not in_window:
        return WindowVerdict(window, Verdict.NOT_ASSESSABLE, None)
    latest = max(in_window, key=lambda count: count.minutes_after_end)
    return WindowVerdict(window, latest.verdict, latest)


def assess_transfusion(
    transfusion: Transfusion,
    patient: Patient,
    settings: EfficacySettings = DEFAULT_EFFICACY_SETTINGS,
) -> TransfusionAssessment:
    """Return PI, RTP and CCI of every post count, the verdict per window and overall.

    A window's verdict follows ``settings.rule`` (the CCI by default). The transfusion is
    ineffective when either window is; effective when at least one window is and none is
    ineffective; not assessable otherwise.
    """
    bsa = body_surface_area_m2(
        weight_kg=patient.weight_kg, height_cm=patient.height_cm, formula=settings.bsa_formula
    )
    method = blood_volume_method_for(settings.blood_volume_method, patient.age_years)
    volume = total_blood_volume_l(
        weight_kg=patient.weight_kg,
        height_cm=patient.height_cm,
        sex=patient.sex,
        age_years=patient.age_years,
        method=method,
    )
    dose = product_dose(transfusion.product)
    counts = tuple(
        _assess_count(
            post,
            pre_e9_per_l=transfusion.pre_count_e9_per_l,
            bsa_m2=bsa,
            blood_volume_l=volume,
            dose_e11=dose.value_e11,
            settings=settings,
        )
        for post in sorted(transfusion.post_counts, key=lambda post: post.minutes_after_end)
    )
    one_hour = _window_verdict(Window.ONE_HOUR, counts)
    twenty_four_hours = _window_verdict(Window.TWENTY_FOUR_HOURS, counts)
    verdicts = {one_hour.verdict, twenty_four_hours.verdict}
    if Verdict.INEFFECTIVE in verdicts:
        verdict = Verdict.INEFFECTIVE
    elif Verdict.EFFECTIVE in verdicts:
        verdict = Verdict.EFFECTIVE
    else:
        verdict = Verdict.NOT_ASSESSABLE
    per_kg = (
        blood_volume_ml_per_kg(sex=patient.sex, age_years=patient.age_years)
        if method is BloodVolumeMethod.PER_KG
        else None
    )
    return TransfusionAssessment(
        transfusion=transfusion,
        patient=patient,
        counts=counts,
        one_hour=one_hour,
        twenty_four_hours=twenty_four_hours,
        verdict=verdict,
        provenance=Provenance(
            bsa_formula=settings.bsa_formula,
            bsa_m2=bsa,
            blood_volume_method=method,
            blood_volume_ml_per_kg=per_kg,
            blood_volume_l=volume,
            dose=dose,
            settings=settings,
            volume_note="" if method is settings.blood_volume_method else PAEDIATRIC_VOLUME_NOTE,
        ),
    )
