"""Assessing one transfusion: each count judged in its window, each window's verdict."""

from __future__ import annotations

from filiere.clinical.transfusion.body import (
    BloodVolumeMethod,
    blood_volume_method_for,
    blood_volume_ml_per_kg,
    body_surface_area_m2,
    total_blood_volume_l,
)
from filiere.clinical.transfusion.efficacy.indices import (
    PAEDIATRIC_VOLUME_NOTE,
    CountAssessment,
    CriterionResult,
    Index,
    Provenance,
    TransfusionAssessment,
    Verdict,
    WindowVerdict,
    corrected_count_increment,
    count_increment_e9_per_l,
    percent_platelet_recovery,
    sampling_window,
    shown_value,
)
from filiere.clinical.transfusion.efficacy.inputs import (
    DEFAULT_EFFICACY_SETTINGS,
    EfficacySettings,
    Patient,
    PostCount,
    Transfusion,
    VerdictRule,
    Window,
    product_dose,
)


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


def _overall(one_hour: WindowVerdict, twenty_four_hours: WindowVerdict) -> Verdict:
    """Ineffective when either window is; effective when one is and none is ineffective."""
    verdicts = {one_hour.verdict, twenty_four_hours.verdict}
    if Verdict.INEFFECTIVE in verdicts:
        return Verdict.INEFFECTIVE
    if Verdict.EFFECTIVE in verdicts:
        return Verdict.EFFECTIVE
    return Verdict.NOT_ASSESSABLE


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
        verdict=_overall(one_hour, twenty_four_hours),
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
