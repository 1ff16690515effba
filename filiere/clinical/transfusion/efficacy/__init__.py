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

from filiere.clinical.transfusion.efficacy.assessment import assess_transfusion
from filiere.clinical.transfusion.efficacy.indices import (
    FORMULAS,
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
    ASSUMED_CPA_DOSE_E11,
    DEFAULT_EFFICACY_SETTINGS,
    MIN_DOSE_PER_DONATION_E11,
    ONE_HOUR_CRITERIA,
    TWENTY_FOUR_HOUR_CRITERIA,
    AboRelation,
    Dose,
    DoseSource,
    EfficacySettings,
    NonImmuneCause,
    Patient,
    PostCount,
    Product,
    ProductType,
    Transfusion,
    VerdictRule,
    Window,
    WindowCriteria,
    product_dose,
)

__all__ = [
    "ASSUMED_CPA_DOSE_E11",
    "DEFAULT_EFFICACY_SETTINGS",
    "FORMULAS",
    "MIN_DOSE_PER_DONATION_E11",
    "ONE_HOUR_CRITERIA",
    "PAEDIATRIC_VOLUME_NOTE",
    "TWENTY_FOUR_HOUR_CRITERIA",
    "AboRelation",
    "CountAssessment",
    "CriterionResult",
    "Dose",
    "DoseSource",
    "EfficacySettings",
    "Index",
    "NonImmuneCause",
    "Patient",
    "PostCount",
    "Product",
    "ProductType",
    "Provenance",
    "Transfusion",
    "TransfusionAssessment",
    "Verdict",
    "VerdictRule",
    "Window",
    "WindowCriteria",
    "WindowVerdict",
    "assess_transfusion",
    "corrected_count_increment",
    "count_increment_e9_per_l",
    "percent_platelet_recovery",
    "product_dose",
    "sampling_window",
    "shown_value",
]
