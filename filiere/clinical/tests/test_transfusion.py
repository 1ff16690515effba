"""Platelet transfusion efficacy and refractoriness, against published worked examples.

Sources are those of shared/reference/transfusion.md; each test names the one it checks.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from filiere.clinical.transfusion import (
    DEFAULT_EFFICACY_SETTINGS,
    ONE_HOUR_CRITERIA,
    AboRelation,
    BloodVolumeMethod,
    BsaFormula,
    DoseSource,
    EfficacySettings,
    Exclusion,
    Index,
    InvalidInput,
    LabTest,
    Missing,
    NonImmuneCause,
    Patient,
    Pattern,
    PostCount,
    Product,
    ProductType,
    RefractorinessSettings,
    RunBasis,
    RunRole,
    Sex,
    Transfusion,
    TransfusionAssessment,
    Verdict,
    VerdictRule,
    Window,
    WindowCriteria,
    Workup,
    assess_refractoriness,
    assess_transfusion,
    blood_volume_ml_per_kg,
    body_mass_index,
    body_surface_area_m2,
    corrected_count_increment,
    count_increment_e9_per_l,
    percent_platelet_recovery,
    product_dose,
    sampling_window,
    shown_value,
    total_blood_volume_l,
    unusual_body_size,
    unusual_dose,
)

# A man of 70 kg and 175 cm: BSA 1.845 m² (Mosteller), VST 5.25 L (75 mL/kg).
MAN = Patient(sex=Sex.MALE, weight_kg=70, height_cm=175, age_years=40)
GOOD_PRODUCT = Product(
    kind=ProductType.CPA, label_dose_e11=3.5, abo=AboRelation.IDENTICAL, storage_hours=48
)


def transfusion(
    *,
    pre: float | None = 8,
    post_1h: float | None = None,
    post_24h: float | None = None,
    product: Product = GOOD_PRODUCT,
) -> Transfusion:
    posts = []
    if post_1h is not None:
        posts.append(PostCount(minutes_after_end=60, count_e9_per_l=post_1h))
    if post_24h is not None:
        posts.append(PostCount(minutes_after_end=20 * 60, count_e9_per_l=post_24h))
    return Transfusion(product=product, pre_count_e9_per_l=pre, post_counts=tuple(posts))


def assessed(
    *,
    pre: float | None = 8,
    post_1h: float | None = None,
    post_24h: float | None = None,
    product: Product = GOOD_PRODUCT,
) -> TransfusionAssessment:
    return assess_transfusion(
        transfusion(pre=pre, post_1h=post_1h, post_24h=post_24h, product=product), MAN
    )


# --- Formulas -------------------------------------------------------------------------------


def test_count_increment_is_post_minus_pre() -> None:
    """PI = P_post − P_pre, negative when the count fell (transfusion.md §1.1)."""
    assert count_increment_e9_per_l(pre_e9_per_l=8, post_e9_per_l=32) == 24
    assert count_increment_e9_per_l(pre_e9_per_l=30, post_e9_per_l=25) == -5


def test_cci_williams_worked_example() -> None:
    """Increment 20,000/µL, BSA 1.8 m², one apheresis unit of 3 ×10¹¹ give CCI 12,000 = 12.

    Williams/Wisconsin CCI page, http://williams.medicine.wisc.edu/cci.htm.
    """
    cci = corrected_count_increment(increment_e9_per_l=20, bsa_m2=1.8, dose_e11=3)
    assert cci == pytest.approx(12)


def test_cci_asco_worked_example() -> None:
    """4 ×10¹¹ platelets raising the count by 40,000/µL in a 2 m² recipient give CCI 20,000.

    ASCO platelet transfusion guideline (Schiffer et al., J Clin Oncol 2001;19:1519-38), as
    quoted on droracle.ai (transfusion.md §1.1).
    """
    cci = corrected_count_increment(increment_e9_per_l=40, bsa_m2=2, dose_e11=4)
    assert cci == pytest.approx(20)


def test_percent_platelet_recovery_worked_example() -> None:
    """PI 20 ×10⁹/L, VST 5.25 L (70 kg × 75 mL/kg), dose 3 ×10¹¹ give an RTP of 35 %.

    Formula of the Petz criteria (medicalalgorithms.com) and toutsurlatransfusion.com; the
    example is the one worked in transfusion.md §1.1: 20 × 10⁹/L × 5.25 L = 1.05 ×10¹¹ platelets
    recovered out of 3 ×10¹¹.
    """
    rtp = percent_platelet_recovery(increment_e9_per_l=20, blood_volume_l=5.25, dose_e11=3)
    assert rtp == pytest.approx(35)


def test_mosteller_worked_examples() -> None:
    """Mosteller RD, N Engl J Med 1987;317:1098: BSA = √(height_cm × weight_kg / 3600).

    180 cm × 80 kg / 3600 = 4, so 2 m² exactly; 175 cm and 70 kg give 1.845 m² (the worked
    example of the omnicalc BSA calculator page, 12,250 / 3600 = 3.4028, √ = 1.845).
    """
    assert body_surface_area_m2(weight_kg=80, height_cm=180) == pytest.approx(2.0)
    assert body_surface_area_m2(weight_kg=70, height_cm=175) == pytest.approx(1.845, abs=5e-4)


def test_dubois_worked_example() -> None:
    """Du Bois & Du Bois, Arch Intern Med 1916;17:863: 70 kg and 1.75 m give about 1.85 m².

    Worked in a precalculus exercise (studyquestionhub.com, problem 60) from the published log
    form log10 S = −0.69364 + 0.425 log10 w + 0.725 log10 h (h in metres), which the cm form
    0.007184 × W^0.425 × H^0.725 must match.
    """
    bsa = body_surface_area_m2(weight_kg=70, height_cm=175, formula=BsaFormula.DUBOIS)
    log_form = 10 ** (-0.69364 + 0.425 * math.log10(70) + 0.725 * math.log10(1.75))
    assert bsa == pytest.approx(1.85, abs=5e-3)
    assert bsa == pytest.approx(log_form, rel=1e-3)


def test_haycock_values() -> None:
    """Haycock GB et al., J Pediatr 1978;93:62: BSA = 0.024265 × W^0.5378 × H^0.3964.

    No worked example was found in a reachable source: the values are recomputed from the
    published coefficients (10 kg, 75 cm → 0.4635 m²; 70 kg, 175 cm → 1.847 m²). In adults the
    formula agrees with Mosteller and Du Bois within 3–5 % (transfusion.md §1.2).
    """
    infant = body_surface_area_m2(weight_kg=10, height_cm=75, formula=BsaFormula.HAYCOCK)
    adult = body_surface_area_m2(weight_kg=70, height_cm=175, formula=BsaFormula.HAYCOCK)
    assert infant == pytest.approx(0.4635, abs=5e-4)
    assert adult == pytest.approx(1.847, abs=5e-4)
    assert adult == pytest.approx(body_surface_area_m2(weight_kg=70, height_cm=175), rel=0.03)


def test_nadler_values() -> None:
    """Nadler SB et al., Surgery 1962;51:224: sex-specific cubic-height equations, in litres.

    No worked example was found in a reachable source: the values are recomputed from the
    published coefficients. Man 1.75 m, 70 kg: 0.3669 × 5.359 + 0.03219 × 70 + 0.6041 = 4.824 L.
    Woman 1.65 m, 60 kg: 0.3561 × 4.492 + 0.03308 × 60 + 0.1833 = 3.768 L.
    """
    man = total_blood_volume_l(
        weight_kg=70, height_cm=175, sex=Sex.MALE, age_years=40, method=BloodVolumeMethod.NADLER
    )
    woman = total_blood_volume_l(
        weight_kg=60, height_cm=165, sex=Sex.FEMALE, age_years=40, method=BloodVolumeMethod.NADLER
    )
    assert man == pytest.approx(4.824, abs=5e-4)
    assert woman == pytest.approx(3.768, abs=5e-4)


@pytest.mark.parametrize(
    ("sex", "age_years", "ml_per_kg"),
    [
        (Sex.MALE, 40, 75),  # adult man
        (Sex.FEMALE, 40, 70),  # adult woman
        (Sex.FEMALE, 0.1, 75),  # newborn, either sex
        (Sex.MALE, 0.25, 75),  # 3 months still counts with newborns
        (Sex.MALE, 0.26, 70),  # "children over 3 months"
        (Sex.MALE, 17.9, 70),
        (Sex.MALE, 18, 75),
    ],
)
def test_french_blood_volume_table(sex: Sex, age_years: float, ml_per_kg: float) -> None:
    """VST = 75 mL/kg for men and newborns, 70 mL/kg for women and children over 3 months.

    toutsurlatransfusion.com (transfusion.md §1.2); childhood is taken to end at 18.
    """
    assert blood_volume_ml_per_kg(sex=sex, age_years=age_years) == ml_per_kg


def test_blood_volume_of_a_70_kg_man_is_5_25_litres() -> None:
    """70 kg × 75 mL/kg = 5.25 L, the VST of the RTP example in transfusion.md §1.1."""
    volume = total_blood_volume_l(weight_kg=70, height_cm=175, sex=Sex.MALE, age_years=40)
    assert volume == pytest.approx(5.25)


@pytest.mark.parametrize(
    ("minutes", "window"),
    [
        (9.9, Window.OUT_OF_WINDOW),
        (10, Window.ONE_HOUR),
        (60, Window.ONE_HOUR),
        (61, Window.OUT_OF_WINDOW),
        (120, Window.OUT_OF_WINDOW),  # Boothby's 2 h count is not a "1 h" count
        (18 * 60, Window.TWENTY_FOUR_HOURS),
        (24 * 60, Window.TWENTY_FOUR_HOURS),
        (24 * 60 + 1, Window.OUT_OF_WINDOW),
    ],
)
def test_sampling_windows(minutes: float, window: Window) -> None:
    """10–60 min after the end is "1 h", 18–24 h is "24 h" (Williams; transfusion.md §1.3)."""
    assert sampling_window(minutes) is window


# --- Properties -----------------------------------------------------------------------------

increments = st.floats(min_value=-50, max_value=500)
bsas = st.floats(min_value=0.1, max_value=3)
doses = st.floats(min_value=0.1, max_value=20)


@given(increment=increments, bsa=bsas, dose=doses, factor=st.floats(min_value=0.1, max_value=3))
def test_cci_scales_linearly_with_body_surface_area(
    increment: float, bsa: float, dose: float, factor: float
) -> None:
    base = corrected_count_increment(increment_e9_per_l=increment, bsa_m2=bsa, dose_e11=dose)
    scaled = corrected_count_increment(
        increment_e9_per_l=increment, bsa_m2=bsa * factor, dose_e11=dose
    )
    assert scaled == pytest.approx(base * factor, abs=1e-9)


@given(increment=increments, volume=st.floats(min_value=0.2, max_value=10), dose=doses)
def test_rtp_times_dose_is_the_recovered_platelets(
    increment: float, volume: float, dose: float
) -> None:
    """Doubling the dose for the same increment halves the recovery."""
    single = percent_platelet_recovery(
        increment_e9_per_l=increment, blood_volume_l=volume, dose_e11=dose / 2
    )
    double = percent_platelet_recovery(
        increment_e9_per_l=increment, blood_volume_l=volume, dose_e11=dose
    )
    assert double == pytest.approx(single / 2, abs=1e-9)


@given(weight=st.floats(min_value=1, max_value=100), height=st.floats(min_value=40, max_value=220))
def test_mosteller_doubles_when_weight_is_quadrupled(weight: float, height: float) -> None:
    quadrupled = body_surface_area_m2(weight_kg=weight * 4, height_cm=height)
    assert quadrupled == pytest.approx(2 * body_surface_area_m2(weight_kg=weight, height_cm=height))


@given(minutes=st.floats(min_value=0, max_value=3 * 24 * 60))
def test_every_delay_falls_in_exactly_the_documented_window(minutes: float) -> None:
    window = sampling_window(minutes)
    assert (window is Window.ONE_HOUR) == (10 <= minutes <= 60)
    assert (window is Window.TWENTY_FOUR_HOURS) == (18 * 60 <= minutes <= 24 * 60)


@given(
    pre=st.floats(min_value=0, max_value=50),
    post=st.floats(min_value=0, max_value=200),
    extra=st.floats(min_value=0, max_value=100),
)
def test_a_higher_post_count_never_worsens_the_verdict(
    pre: float, post: float, extra: float
) -> None:
    lower = assessed(pre=pre, post_1h=post).verdict
    higher = assessed(pre=pre, post_1h=post + extra).verdict
    assert not (lower is Verdict.EFFECTIVE and higher is Verdict.INEFFECTIVE)


# --- Efficacy of one transfusion ------------------------------------------------------------


def test_issue_example_rtp_shown_as_20_percent_is_no_longer_ineffective() -> None:
    """Pre 8, 32 at 1 h, 21 at 20 h, 3.5 ×10¹¹, 70 kg man (issue 4): the RTP at 24 h is 19.5 %,
    printed "20 %" beside "inefficace" until issue 11. Judged on the value shown, 20 ≥ 20; the
    CCI at 24 h is 13 × 1.845 / 3.5 = 6.85 ≥ 5 (Stanworth 2015; Petz). Effective.
    """
    assessment = assessed(post_1h=32, post_24h=21)
    one_hour, day = assessment.one_hour.count, assessment.twenty_four_hours.count
    assert one_hour is not None
    assert day is not None
    assert one_hour.increment_e9_per_l == 24
    assert one_hour.cci == pytest.approx(24 * 1.8447 / 3.5, abs=1e-3)
    assert one_hour.rtp_percent == pytest.approx(36)
    assert day.rtp_percent == pytest.approx(19.5)
    assert [(c.index, c.shown) for c in day.criteria] == [
        (Index.PI, 13),
        (Index.RTP, 20),
        (Index.CCI, 6.9),
    ]
    assert day.cci == pytest.approx(6.85, abs=5e-3)
    assert assessment.twenty_four_hours.failed == ()
    assert assessment.verdict is Verdict.EFFECTIVE


def test_the_slides_rule_is_kept_as_a_setting() -> None:
    """``VerdictRule.ALL``: ineffective as soon as one index fails (Petz: "PPR < 30 % or
    CCI < 7,500 at 1 h"). The first transfusion of issue 11 (RTP 29 %, CCI 10.0) then fails."""
    strict = EfficacySettings(rule=VerdictRule.ALL)
    first = assess_transfusion(transfusion(post_1h=27.0, post_24h=17.5), MAN, strict)
    assert first.one_hour.verdict is Verdict.INEFFECTIVE
    assert first.verdict is Verdict.INEFFECTIVE


# The two transfusions of issue 11 (item 2), in the 70 kg, 175 cm man (BSA 1.845 m², VST 5.25 L)
# given 3.5 ×10¹¹ after a pre-count of 8: PI 19.0 → CCI 10.0, RTP 28.5 % at 1 h; PI 9.5 → CCI
# 5.0 at 20 h; then PI 23.9 → CCI 12.6 at 1 h and PI 8.7 → CCI 4.6 at 20 h.
ISSUE_FIRST = (27.0, 17.5)
ISSUE_SECOND = (31.9, 16.7)


def test_issue_11_transfusions_say_which_index_failed_in_each_window() -> None:
    """First transfusion: CCI 10.0 ≥ 7.5 but RTP 29 % < 30 at 1 h (RTP/CCI = VST/BSA = 2.85 in
    this man, so an RTP of 30 % needs a CCI of 10.5); CCI 5.0 ≥ 5 but RTP 14 % at 24 h. Both
    windows are effective under the CCI rule and discordant. Second transfusion: effective at
    1 h; at 24 h CCI 4.6 < 5, PI 9 < 10 and RTP 13 % < 20 all fail.
    """
    first = assessed(post_1h=ISSUE_FIRST[0], post_24h=ISSUE_FIRST[1])
    assert first.one_hour.count is not None
    assert first.one_hour.count.cci == pytest.approx(10.0, abs=0.05)
    assert [(c.index, c.shown) for c in first.one_hour.failed] == [(Index.RTP, 29)]
    assert [(c.index, c.shown) for c in first.twenty_four_hours.failed] == [(Index.RTP, 14)]
    assert first.one_hour.verdict is Verdict.EFFECTIVE
    assert first.twenty_four_hours.verdict is Verdict.EFFECTIVE
    assert first.one_hour.discordant
    assert first.twenty_four_hours.discordant

    second = assessed(post_1h=ISSUE_SECOND[0], post_24h=ISSUE_SECOND[1])
    assert second.one_hour.verdict is Verdict.EFFECTIVE
    assert second.one_hour.failed == ()
    assert [(c.index, c.shown) for c in second.twenty_four_hours.failed] == [
        (Index.PI, 9),
        (Index.RTP, 13),
        (Index.CCI, 4.6),
    ]
    assert second.twenty_four_hours.verdict is Verdict.INEFFECTIVE


def test_issue_11_transfusions_raise_no_alert_under_the_default_rule() -> None:
    """Acceptance criterion of issue 11: the two transfusions of item 2 no longer raise
    "état réfractaire — cause immune suspectée". Both 1 h CCIs (10.0 and 12.6) are ≥ 7.5: under
    the network's rule (poor 1 h CCI on two consecutive transfusions) nothing is counted.
    """
    result = assess_refractoriness(history(ISSUE_FIRST, ISSUE_SECOND))
    assert not result.alert
    assert not result.cannot_exclude
    assert result.pattern is None
    assert result.tests == ()


@pytest.mark.parametrize(
    ("index", "value", "threshold", "passed"),
    [
        (Index.CCI, 7.5, 7.5, True),  # shown 7,5: effective
        (Index.CCI, 7.45, 7.5, True),  # shown 7,5 (half up, as floatformat prints it)
        (Index.CCI, 7.449, 7.5, False),  # shown 7,4
        (Index.CCI, 4.95, 5.0, True),  # shown 5,0
        (Index.RTP, 29.5, 30.0, True),  # shown 30 %
        (Index.RTP, 29.49, 30.0, False),  # shown 29 %
        (Index.PI, 9.5, 10.0, True),  # shown 10
        (Index.PI, 9.4, 10.0, False),  # shown 9
    ],
)
def test_boundaries_are_judged_on_the_value_shown(
    index: Index, value: float, threshold: float, passed: bool
) -> None:
    """Round to the displayed precision first (PI and RTP to the unit, CCI to 0.1), then ≥:
    a CCI shown as 7,5 is effective and "RTP 30 %" never sits beside "inefficace" (issue 11)."""
    shown = shown_value(value, index.digits)
    assert (shown >= threshold) is passed


def test_a_cci_of_exactly_7_5_at_1h_is_effective() -> None:
    """PI 14.23 ×10⁹/L × 1.845 m² / 3.5 ×10¹¹ = 7.50: at the threshold is effective (≥)."""
    assessment = assess_transfusion(
        transfusion(pre=8, post_1h=22.2),
        MAN,
        EfficacySettings(one_hour=WindowCriteria(10, 60, None, None, 7.5)),
    )
    assert assessment.one_hour.count is not None
    assert assessment.one_hour.count.cci == pytest.approx(7.48, abs=0.01)
    assert assessment.one_hour.count.criteria[0].shown == 7.5
    assert assessment.one_hour.verdict is Verdict.EFFECTIVE


def test_an_increment_of_exactly_10_passes() -> None:
    """ "PI ≥ 10": an increment of exactly 10 passes under the PI rule."""
    assessment = assess_transfusion(
        transfusion(pre=8, post_1h=18),
        MAN,
        EfficacySettings(one_hour=WindowCriteria(10, 60, 10, None, None), rule=VerdictRule.PI),
    )
    assert assessment.one_hour.verdict is Verdict.EFFECTIVE


def test_a_threshold_set_to_none_switches_its_criterion_off() -> None:
    settings = EfficacySettings(
        one_hour=ONE_HOUR_CRITERIA,
        twenty_four_hours=WindowCriteria(18 * 60, 24 * 60, 10, None, 4.5),
    )
    assessment = assess_transfusion(transfusion(post_1h=32, post_24h=21), MAN, settings)
    assert [c.index for c in assessment.counts[1].criteria] == [Index.PI, Index.CCI]
    assert assessment.verdict is Verdict.EFFECTIVE


def test_out_of_window_count_is_computed_but_judges_nothing() -> None:
    late = Transfusion(
        product=GOOD_PRODUCT,
        pre_count_e9_per_l=8,
        post_counts=(PostCount(minutes_after_end=4 * 60, count_e9_per_l=9),),
    )
    assessment = assess_transfusion(late, MAN)
    (count,) = assessment.counts
    assert count.window is Window.OUT_OF_WINDOW
    assert count.increment_e9_per_l == 1
    assert count.criteria == ()
    assert assessment.verdict is Verdict.NOT_ASSESSABLE


def test_the_latest_count_of_a_window_decides() -> None:
    """Counts only fall after a transfusion: the later one in the window is the conservative one."""
    two_counts = Transfusion(
        product=GOOD_PRODUCT,
        pre_count_e9_per_l=8,
        post_counts=(
            PostCount(minutes_after_end=55, count_e9_per_l=15),
            PostCount(minutes_after_end=15, count_e9_per_l=40),
        ),
    )
    assessment = assess_transfusion(two_counts, MAN)
    assert assessment.one_hour.count is not None
    assert assessment.one_hour.count.minutes_after_end == 55
    assert assessment.one_hour.verdict is Verdict.INEFFECTIVE


def test_missing_pre_count_is_not_assessable() -> None:
    assessment = assessed(pre=None, post_1h=32)
    assert assessment.counts[0].increment_e9_per_l is None
    assert assessment.verdict is Verdict.NOT_ASSESSABLE


def test_provenance_records_formulas_and_methods() -> None:
    settings = EfficacySettings(
        bsa_formula=BsaFormula.DUBOIS, blood_volume_method=BloodVolumeMethod.NADLER
    )
    provenance = assess_transfusion(transfusion(post_1h=32), MAN, settings).provenance
    assert provenance.bsa_formula is BsaFormula.DUBOIS
    assert provenance.blood_volume_ml_per_kg is None
    assert provenance.blood_volume_l == pytest.approx(4.824, abs=5e-4)
    assert provenance.dose.source is DoseSource.LABEL
    assert any("Du Bois" in formula for formula in provenance.formulas)
    assert any("Nadler" in formula for formula in provenance.formulas)
    assert DEFAULT_EFFICACY_SETTINGS.bsa_formula is BsaFormula.MOSTELLER


@pytest.mark.parametrize(
    ("product", "dose_e11", "source"),
    [
        (Product(kind=ProductType.MCP, label_dose_e11=4.2), 4.2, DoseSource.LABEL),
        (Product(kind=ProductType.CPA), 3.5, DoseSource.ASSUMED),
        (Product(kind=ProductType.CPS), None, DoseSource.UNKNOWN),
        (Product(kind=ProductType.MCP, pooled_donations=5), None, DoseSource.UNKNOWN),
        (Product(kind=ProductType.MCP), None, DoseSource.UNKNOWN),
    ],
)
def test_dose_from_label_or_documented_default(
    product: Product, dose_e11: float | None, source: DoseSource
) -> None:
    """Label first; else CPA 3.5 ×10¹¹ (AABB 2024 mean content, transfusion.md §1.1). A CPS
    holds at least 0.5 ×10¹¹ per donation (transfusion.md §1.3): a floor, not a content, so an
    unlabelled CPS or MCP has no dose (issue 11, defect 9)."""
    dose = product_dose(product)
    assert dose.value_e11 == (None if dose_e11 is None else pytest.approx(dose_e11))
    assert dose.source is source


def test_unknown_dose_leaves_only_the_increment_to_judge() -> None:
    """Without a dose there is no CCI: not assessable under the CCI rule, the PI alone fails
    under the slides' rule."""
    assessment = assessed(post_1h=12, product=Product(kind=ProductType.MCP))
    (count,) = assessment.counts
    assert count.cci is None
    assert count.rtp_percent is None
    assert [c.passed for c in count.criteria] == [False, None, None]
    assert assessment.verdict is Verdict.NOT_ASSESSABLE
    strict = EfficacySettings(rule=VerdictRule.ALL)
    mcp = transfusion(post_1h=12, product=Product(kind=ProductType.MCP))
    assert assess_transfusion(mcp, MAN, strict).verdict is Verdict.INEFFECTIVE


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: Patient(sex=Sex.MALE, weight_kg=70, height_cm=1.75, age_years=40), "height_cm"),
        (
            lambda: Patient(sex=Sex.MALE, weight_kg=float("nan"), height_cm=175, age_years=40),
            "weight_kg",
        ),
        (lambda: PostCount(minutes_after_end=60, count_e9_per_l=32_000), "count_e9_per_l"),
        (lambda: PostCount(minutes_after_end=-5, count_e9_per_l=32), "minutes_after_end"),
        (lambda: Product(kind=ProductType.CPA, label_dose_e11=3.5e11), "label_dose_e11"),
        (
            lambda: EfficacySettings(one_hour=WindowCriteria(10, 1200, 10, 30, 7.5)),
            "twenty_four_hours",
        ),
    ],
)
def test_unit_mistakes_are_refused_with_the_field_named(
    build: Callable[[], object], field: str
) -> None:
    """A height in metres, a count in /µL or a dose in platelets would give absurd indices."""
    with pytest.raises(InvalidInput) as caught:
        build()
    assert caught.value.field == field


# --- Refractoriness -------------------------------------------------------------------------

# (1 h count, 24 h count) after a pre-count of 8 ×10⁹/L and 3.5 ×10¹¹ in the 70 kg man.
Counts = tuple[float | None, float | None]
LOW_AT_1H: Counts = (12, 9)  # CCI 2.1 at 1 h
LOW_AT_24H_ONLY: Counts = (40, 12)  # CCI 16.9 at 1 h, 2.1 at 24 h
EFFECTIVE: Counts = (40, 30)
ONLY_24H_LOW: Counts = (None, 9)


def history(*scenarios: Counts, product: Product = GOOD_PRODUCT) -> list[TransfusionAssessment]:
    return [
        assessed(post_1h=post_1h, post_24h=post_24h, product=product)
        for post_1h, post_24h in scenarios
    ]


def test_two_consecutive_failures_low_at_1h_suggest_an_immune_cause() -> None:
    """Slide: inefficacy on two successive transfusions; low 1 h → immune (Williams)."""
    result = assess_refractoriness(history(EFFECTIVE, LOW_AT_1H, LOW_AT_1H))
    assert result.alert
    assert result.run == (1, 2)
    assert result.pattern is Pattern.IMMUNE_SUSPECTED
    assert [order.test for order in result.tests] == [
        LabTest.HLA_CLASS_I_SCREEN,
        LabTest.HLA_CLASS_I_IDENTIFICATION,
        LabTest.HPA_ANTIBODIES,
        LabTest.CD36_ANTIBODIES,
    ]
    cd36 = result.tests[-1]
    assert cd36.condition is not None
    assert "CD36" in cd36.condition


OVERALL = RefractorinessSettings(basis=RunBasis.OVERALL)


def test_fine_at_1h_low_at_24h_is_not_refractoriness_under_the_network_rule() -> None:
    """Refractoriness is a poor 1 h CCI (Stanworth 2015): a low 24 h CCI alone is consumption."""
    assert not assess_refractoriness(history(LOW_AT_24H_ONLY, LOW_AT_24H_ONLY)).alert


def test_fine_at_1h_low_at_24h_suggests_consumption() -> None:
    """Judged on the whole transfusion (the slides' reading), the pattern is consumption."""
    result = assess_refractoriness(history(LOW_AT_24H_ONLY, LOW_AT_24H_ONLY), OVERALL)
    assert result.pattern is Pattern.NON_IMMUNE
    assert [order.test for order in result.tests] == [LabTest.HLA_CLASS_I_SCREEN]
    assert "splénomégalie" in result.advice[0]


def test_without_1h_counts_the_pattern_is_undetermined() -> None:
    result = assess_refractoriness(history(ONLY_24H_LOW, ONLY_24H_LOW), OVERALL)
    assert result.pattern is Pattern.UNDETERMINED
    assert "10 à 60 min" in result.advice[0]


def test_one_failure_or_an_effective_one_in_between_raises_no_alert() -> None:
    assert not assess_refractoriness(history(LOW_AT_1H)).alert
    result = assess_refractoriness(history(LOW_AT_1H, EFFECTIVE, LOW_AT_1H))
    assert not result.alert
    assert result.run == (2,)
    assert result.pattern is None
    assert result.tests == ()


def test_the_run_length_is_configurable() -> None:
    """Petz asks for three failures: the count is a setting."""
    three = RefractorinessSettings(consecutive_ineffective=3)
    assert not assess_refractoriness(history(LOW_AT_1H, LOW_AT_1H), three).alert
    assert assess_refractoriness(history(LOW_AT_1H, LOW_AT_1H, LOW_AT_1H), three).alert


@pytest.mark.parametrize(
    ("product", "exclusions"),
    [
        (
            Product(kind=ProductType.CPA, abo=AboRelation.IDENTICAL, storage_hours=72),
            [Exclusion.STORED_TOO_LONG],
        ),
        (
            Product(kind=ProductType.CPA, abo=AboRelation.MAJOR_MISMATCH, storage_hours=24),
            [Exclusion.ABO_INCOMPATIBLE],
        ),
        (
            Product(kind=ProductType.CPA, abo=AboRelation.BIDIRECTIONAL_MISMATCH, storage_hours=24),
            [Exclusion.ABO_INCOMPATIBLE],
        ),
    ],
)
def test_unsuitable_products_neither_count_nor_break_the_run(
    product: Product, exclusions: list[Exclusion]
) -> None:
    """ASCO: refractoriness is called on ABO-compatible products stored < 72 h only."""
    (unsuitable,) = history(LOW_AT_1H, product=product)
    first, last = history(LOW_AT_1H, LOW_AT_1H)
    result = assess_refractoriness([first, unsuitable, last])
    assert result.alert
    assert result.run == (0, 2)
    assert result.steps[1].role is RunRole.SKIPPED
    assert list(result.steps[1].exclusions) == exclusions


# Issue 11, defect 5: three transfusions with a 1 h CCI of 0.9 to 1.4 (PI 1.7 to 2.7 after a
# pre-count of 8 in the 70 kg man given 3.5 ×10¹¹).
VERY_LOW: tuple[Counts, ...] = ((9.7, 8.5), (10.7, 9.0), (10.2, 8.8))


def test_unknown_abo_or_age_is_unassessable_and_says_what_is_missing() -> None:
    """Defect 5 of issue 11: ABO relation or product age unknown left the transfusion
    "non compté", silently. It is now unassessable, names the data to fill in, and three such
    failures say refractoriness cannot be excluded."""
    no_abo = Product(kind=ProductType.CPA, label_dose_e11=3.5, storage_hours=24)
    no_age = Product(kind=ProductType.CPA, label_dose_e11=3.5, abo=AboRelation.IDENTICAL)
    neither = Product(kind=ProductType.CPA, label_dose_e11=3.5)
    assessments = [
        *history(VERY_LOW[0], product=no_abo),
        *history(VERY_LOW[1], product=no_age),
        *history(VERY_LOW[2], product=neither),
    ]
    shown = [c.shown for a in assessments for c in a.one_hour.failed if c.index is Index.CCI]
    assert shown == [0.9, 1.4, 1.2]
    result = assess_refractoriness(assessments)
    assert not result.alert
    assert [step.role for step in result.steps] == [RunRole.UNASSESSABLE] * 3
    assert [step.missing for step in result.steps] == [
        (Missing.ABO_RELATION,),
        (Missing.PRODUCT_AGE,),
        (Missing.ABO_RELATION, Missing.PRODUCT_AGE),
    ]
    assert result.cannot_exclude
    assert result.unassessed == (0, 1, 2)
    assert result.missing == (Missing.ABO_RELATION, Missing.PRODUCT_AGE)
    assert "relation ABO" in Missing.ABO_RELATION.label


def test_one_unassessable_failure_next_to_a_counted_one_cannot_exclude() -> None:
    (unknown,) = history(LOW_AT_1H, product=Product(kind=ProductType.CPA, label_dose_e11=3.5))
    result = assess_refractoriness([*history(LOW_AT_1H), unknown])
    assert not result.alert
    assert result.run == (0,)
    assert result.cannot_exclude


def test_an_effective_transfusion_clears_the_unassessed_failures() -> None:
    (unknown,) = history(LOW_AT_1H, product=Product(kind=ProductType.CPA, label_dose_e11=3.5))
    result = assess_refractoriness([unknown, unknown, *history(EFFECTIVE)])
    assert not result.cannot_exclude
    assert result.missing == ()


@pytest.mark.parametrize("cause", list(NonImmuneCause))
def test_a_non_immune_cause_makes_the_cci_uninterpretable(cause: NonImmuneCause) -> None:
    """Network rule: two consecutive poor 1 h CCIs in the absence of bleeding, fever, sepsis,
    splenomegaly or DIC (Stanworth 2015; Williams). With one of them the failure is skipped."""
    feverish = Transfusion(
        product=GOOD_PRODUCT,
        pre_count_e9_per_l=8,
        post_counts=(PostCount(minutes_after_end=60, count_e9_per_l=12),),
        non_immune_causes=frozenset({cause}),
    )
    result = assess_refractoriness(
        [*history(LOW_AT_1H), assess_transfusion(feverish, MAN), *history(LOW_AT_1H)]
    )
    assert result.steps[1].role is RunRole.SKIPPED
    assert result.steps[1].exclusions == (Exclusion.NON_IMMUNE_CAUSE,)
    assert result.steps[1].causes == (cause,)
    assert result.run == (0, 2)
    only_two = assess_refractoriness([*history(LOW_AT_1H), assess_transfusion(feverish, MAN)])
    assert not only_two.alert
    assert not only_two.cannot_exclude


def test_a_minor_abo_mismatch_still_counts() -> None:
    minor = Product(
        kind=ProductType.CPA, label_dose_e11=3.5, abo=AboRelation.MINOR_MISMATCH, storage_hours=24
    )
    result = assess_refractoriness(history(LOW_AT_1H, LOW_AT_1H, product=minor))
    assert result.alert


def test_a_transfusion_without_counts_is_skipped() -> None:
    result = assess_refractoriness(
        [*history(LOW_AT_1H), assessed(pre=None, post_1h=30), *history(LOW_AT_1H)]
    )
    assert result.alert
    assert result.steps[1].role is RunRole.UNASSESSABLE
    assert result.steps[1].missing == (Missing.PRE_COUNT,)


def test_an_effective_transfusion_ends_the_run_even_with_an_old_product() -> None:
    """A patient who responds to a product stored 5 days is not refractory."""
    old = Product(
        kind=ProductType.CPA, label_dose_e11=3.5, abo=AboRelation.IDENTICAL, storage_hours=120
    )
    result = assess_refractoriness(
        [*history(LOW_AT_1H), *history(EFFECTIVE, product=old), *history(LOW_AT_1H)]
    )
    assert not result.alert
    assert result.steps[1].role is RunRole.RESET


@given(st.lists(st.sampled_from([LOW_AT_1H, LOW_AT_24H_ONLY, EFFECTIVE]), max_size=6))
def test_an_effective_last_transfusion_always_clears_the_alert(
    earlier: list[Counts],
) -> None:
    assert not assess_refractoriness(history(*earlier, EFFECTIVE)).alert


def test_a_weight_out_of_bounds_is_explained_with_french_decimals() -> None:
    """The bounds are shown as the clinician writes them: « 0,3 à 400 », not « 0.3 »."""
    with pytest.raises(InvalidInput) as caught:
        Patient(sex=Sex.MALE, weight_kg=0.25, height_cm=50, age_years=0)
    assert str(caught.value.message) == "0,25 hors bornes (0,3 à 400) : unité kg"


# --- Issue 11, defect 9: inputs a clinician would question ------------------------------------


def test_a_falling_count_is_flagged_and_never_effective() -> None:
    """PI = P_post − P_pré is negative when the count fell (transfusion.md §1.1; checklist §1.4:
    "handle negative PI"). A fall gives negative CCI and RTP: the count is flagged "baisse",
    the assessment warns, and no index passes, even against a threshold of 0."""
    fallen = assessed(pre=20, post_1h=15, post_24h=12)
    one_hour = fallen.one_hour
    assert one_hour.falling
    assert one_hour.count is not None
    assert one_hour.count.cci is not None
    assert one_hour.count.cci < 0
    assert one_hour.verdict is Verdict.INEFFECTIVE
    assert len(fallen.falling) == 2
    assert any("baisse 60 min après la fin (15 < 20" in warning for warning in fallen.warnings)
    lax = EfficacySettings(one_hour=WindowCriteria(10, 60, 0, 0, 0))
    zero = assess_transfusion(transfusion(pre=20, post_1h=15), MAN, lax)
    assert all(criterion.passed is False for criterion in zero.one_hour.count.criteria)  # type: ignore[union-attr]
    assert not assessed(pre=20, post_1h=20).one_hour.falling


def test_a_dose_outside_the_usual_range_is_flagged() -> None:
    """0.01 ×10¹¹ gave an RTP of 10,500 % "efficace". A CPS holds at least 0.5 ×10¹¹ and a CPA
    2.9–4.4 ×10¹¹ (transfusion.md §1.1 and §1.3): outside 0.5–10 the dose needs a confirmation
    and the assessment warns."""
    assert unusual_dose(0.01) is not None
    assert "0,01" in (unusual_dose(0.01) or "")
    assert unusual_dose(12) is not None
    assert unusual_dose(0.5) is None
    assert unusual_dose(3.5) is None
    tiny = Product(kind=ProductType.CPA, label_dose_e11=0.01, abo=AboRelation.IDENTICAL)
    assert any("0,01" in w for w in assessed(post_1h=30, product=tiny).warnings)
    assert assessed(post_1h=30).warnings == ()


@pytest.mark.parametrize(
    ("weight", "height", "age", "plausible"),
    [
        (7, 175, 40, False),  # the issue: BMI 2.3
        (70, 175, 40, True),  # BMI 22.9
        (35, 175, 30, True),  # BMI 11.4: extreme anorexia, possible
        (250, 175, 40, False),  # BMI 81.6
        (0.6, 30, 0, True),  # a premature newborn: BMI 6.7
        (3.4, 50, 0.01, True),  # a term newborn: BMI 13.6
        (9, 50, 0.5, False),  # an infant of 9 kg for 50 cm: BMI 36
        (20, 115, 6, True),  # a 6-year-old: BMI 15.1
    ],
)
def test_weight_and_height_must_belong_to_one_person(
    weight: float, height: float, age: float, plausible: bool
) -> None:
    """BMI = weight / height² (WHO). 7 kg with 175 cm was accepted. Bounds 10–70 kg/m² from one
    year (beyond the WHO's severe thinness < 16 and obesity class III ≥ 40), 6–25 kg/m² before
    (a 0.6 kg premature newborn of 30 cm is 6.7; WHO growth standards stay under about 21)."""
    assert body_mass_index(weight_kg=70, height_cm=175) == pytest.approx(22.86, abs=0.01)
    problem = unusual_body_size(weight_kg=weight, height_cm=height, age_years=age)
    assert (problem is None) is plausible


def test_a_patient_without_age_is_refused_never_an_adult() -> None:
    """A child without age was silently an adult man (75 mL/kg). The French VST table gives
    children 70 mL/kg and newborns 75 mL/kg (toutsurlatransfusion.com, transfusion.md §1.2): the
    age is needed to choose, so an unknown age is refused with the field named."""
    with pytest.raises(InvalidInput) as caught:
        Patient(sex=Sex.MALE, weight_kg=20, height_cm=115, age_years=None)  # type: ignore[arg-type]
    assert caught.value.field == "age_years"
    with pytest.raises(InvalidInput):
        blood_volume_ml_per_kg(sex=Sex.MALE, age_years=None)
    with pytest.raises(InvalidInput):
        total_blood_volume_l(weight_kg=20, height_cm=115, sex=Sex.MALE, age_years=None)


def test_nadler_is_refused_in_a_child_and_the_per_kg_table_used() -> None:
    """Nadler SB et al., Surgery 1962;51:224 fitted their equations on healthy adults only: for
    a 6-year-old (20 kg, 115 cm) they are refused, and the assessment uses the French per-kg
    table for children, 70 mL/kg (toutsurlatransfusion.com, transfusion.md §1.2): 1.4 L, and
    says so in its provenance."""
    child = Patient(sex=Sex.MALE, weight_kg=20, height_cm=115, age_years=6)
    with pytest.raises(InvalidInput) as caught:
        total_blood_volume_l(
            weight_kg=20, height_cm=115, sex=Sex.MALE, age_years=6, method=BloodVolumeMethod.NADLER
        )
    assert caught.value.field == "blood_volume_method"
    nadler = EfficacySettings(blood_volume_method=BloodVolumeMethod.NADLER)
    result = assess_transfusion(transfusion(post_1h=30), child, nadler)
    assert result.provenance.blood_volume_method is BloodVolumeMethod.PER_KG
    assert result.provenance.blood_volume_ml_per_kg == 70
    assert result.provenance.blood_volume_l == pytest.approx(1.4)
    assert "Nadler" in result.provenance.volume_note
    adult = assess_transfusion(transfusion(post_1h=30), MAN, nadler)
    assert adult.provenance.blood_volume_method is BloodVolumeMethod.NADLER
    assert adult.provenance.volume_note == ""


def test_an_unlabelled_pool_has_no_cci_as_an_apheresis_unit_would_not_at_the_minimum() -> None:
    """The minimum content is not assumed: the AABB 2024 poster showed that assuming the US
    apheresis minimum overestimated the CCI (8.11 against 6.14, transfusion.md §1.1); the CPS
    minimum of 0.5 ×10¹¹ per donation (§1.3) would do the same for a pool. Its dose is asked."""
    pool = Product(kind=ProductType.MCP, pooled_donations=5, abo=AboRelation.IDENTICAL)
    result = assessed(post_1h=30, product=pool)
    assert result.provenance.dose.source is DoseSource.UNKNOWN
    assert result.one_hour.count is not None
    assert result.one_hour.count.cci is None
    assert result.verdict is Verdict.NOT_ASSESSABLE
    step = assess_refractoriness([result, result]).steps[0]
    assert Missing.DOSE in step.missing


# --- Issue 11, defect 11: the alert orders what is missing next -------------------------------


def test_the_alert_does_not_order_the_anti_hla_screen_once_a_sab_was_read() -> None:
    """The alert ordered an anti-HLA screen although a SAB result and an instruction existed.
    HLA-matched platelets help once anti-HLA antibodies are found (Kreuger 2019, transfusion.md
    §1.3): with a SAB result the next step is the instruction, then transfusing by it."""
    runs = history(LOW_AT_1H, LOW_AT_1H)
    identified = assess_refractoriness(runs, workup=Workup(hla_antibodies_identified=True))
    assert [order.test for order in identified.tests] == [
        LabTest.HPA_ANTIBODIES,
        LabTest.CD36_ANTIBODIES,
    ]
    assert "établir la consigne" in identified.advice[0]
    followed = assess_refractoriness(
        runs, workup=Workup(hla_antibodies_identified=True, instruction=True)
    )
    assert LabTest.HLA_CLASS_I_SCREEN not in [order.test for order in followed.tests]
    assert "consigne transfusionnelle en cours" in followed.advice[0]
    assert all("établir" not in line for line in followed.advice)
    nothing = assess_refractoriness(runs)
    assert nothing.tests[0].test is LabTest.HLA_CLASS_I_SCREEN
