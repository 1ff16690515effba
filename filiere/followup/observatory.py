"""The treatment observatory: cohorts of off-label prescriptions, their outcomes and safety, and
the aggregated export for the national agency's follow-up.

What leaves the registry is counts, never rows: patients and treatments per stratum, years
rather than months, ages in bands, and counts of 1 to 4 suppressed (``filiere.lib.small_cells``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from filiere.followup.models import AdverseEvent, Treatment
from filiere.lib.small_cells import (
    BELOW_THRESHOLD,
    HIDDEN,
    Cell,
    shown,
    suppress,
    suppressed_indexes,
)
from filiere.patients.selectors import age_on

OFF_LABEL = Treatment.RegulatoryStatus.OFF_LABEL
BLEED = Treatment.Indication.BLEED
ASSESSED = ~Q(outcome="") & ~Q(outcome=Treatment.Outcome.NOT_ASSESSED)
CURRENT_EVENTS = Q(adverse_events__withdrawn_at__isnull=True)


@dataclass(frozen=True)
class ObservatoryFilters:
    framework: str = ""
    atc_code: str = ""
    started_from: dt.date | None = None
    started_until: dt.date | None = None
    centre_id: int | None = None  # the prescribing centre (the yearly activity report)


def off_label_treatments(filters: ObservatoryFilters) -> QuerySet[Treatment]:
    treatments = Treatment.objects.current().filter(regulatory_status=OFF_LABEL)
    if filters.framework:
        treatments = treatments.filter(off_label_framework=filters.framework)
    if filters.atc_code:
        treatments = treatments.filter(atc__code=filters.atc_code.strip().upper())
    if filters.started_from:
        treatments = treatments.filter(started_on__gte=filters.started_from)
    if filters.started_until:
        treatments = treatments.filter(started_on__lte=filters.started_until)
    if filters.centre_id is not None:
        treatments = treatments.filter(centre_id=filters.centre_id)
    return treatments


@dataclass(frozen=True)
class Cohort:
    atc_code: str
    drug: str
    orpha_code: int | None
    disease: str
    indication: str
    framework: str
    patients: int
    treatments: int
    bleeds_treated: int
    bleeds_assessed: int
    bleeds_effective: int
    adverse_events: int
    serious_adverse_events: int

    @property
    def success_rate(self) -> float | None:
        """Bleeds treated successfully among those whose outcome was assessed."""
        if not self.bleeds_assessed:
            return None
        return round(100 * self.bleeds_effective / self.bleeds_assessed, 1)


def cohorts(filters: ObservatoryFilters) -> list[Cohort]:
    """Return the off-label cohorts by drug, disease, indication and framework (one query)."""
    rows = (
        off_label_treatments(filters)
        .values(
            "atc__code",
            "atc__label",
            "diagnosis__orpha__code",
            "diagnosis__orpha__name_fr",
            "diagnosis__orpha__name_en",
            "indication",
            "off_label_framework",
        )
        .annotate(
            n_patients=Count("patient", distinct=True),
            n_treatments=Count("pk", distinct=True),
            n_bleeds=Count("pk", filter=Q(indication=BLEED), distinct=True),
            n_assessed=Count("pk", filter=Q(indication=BLEED) & ASSESSED, distinct=True),
            n_effective=Count(
                "pk", filter=Q(indication=BLEED, outcome=Treatment.Outcome.EFFECTIVE), distinct=True
            ),
            n_events=Count("adverse_events", filter=CURRENT_EVENTS, distinct=True),
            n_serious=Count(
                "adverse_events",
                filter=CURRENT_EVENTS & Q(adverse_events__serious=True),
                distinct=True,
            ),
        )
        .order_by("atc__code", "diagnosis__orpha__code", "indication", "off_label_framework")
    )
    indications = dict(Treatment.Indication.choices)
    frameworks = dict(Treatment.OffLabelFramework.choices)
    return [
        Cohort(
            atc_code=row["atc__code"] or "",
            drug=row["atc__label"] or "",
            orpha_code=row["diagnosis__orpha__code"],
            disease=row["diagnosis__orpha__name_fr"] or row["diagnosis__orpha__name_en"] or "",
            indication=str(indications.get(row["indication"], row["indication"])),
            framework=str(frameworks.get(row["off_label_framework"], "")),
            patients=row["n_patients"],
            treatments=row["n_treatments"],
            bleeds_treated=row["n_bleeds"],
            bleeds_assessed=row["n_assessed"],
            bleeds_effective=row["n_effective"],
            adverse_events=row["n_events"],
            serious_adverse_events=row["n_serious"],
        )
        for row in rows
    ]


def adverse_events_by_drug(filters: ObservatoryFilters) -> list[dict[str, object]]:
    """Return the adverse events of off-label treatments by drug and EUHASS category."""
    categories = dict(AdverseEvent.Category.choices)
    rows = (
        AdverseEvent.objects.current()
        .filter(treatment__in=off_label_treatments(filters))
        .values("treatment__atc__code", "treatment__atc__label", "category")
        .annotate(count=Count("pk"), serious=Count("pk", filter=Q(serious=True)))
        .order_by("treatment__atc__code", "category")
    )
    return [
        {
            "atc_code": row["treatment__atc__code"],
            "drug": row["treatment__atc__label"],
            "category": categories.get(row["category"], row["category"]),
            "count": row["count"],
            "serious": row["serious"],
        }
        for row in rows
    ]


# --- Publication: aggregated, small cells suppressed ------------------------------------------
#
# No row-level export: every patient of a rare-disease cohort is unique on (sex, age, ORPHA,
# centre, month), so a row is a person. A row-level extract would need a research-extract
# approval (ethics opinion, data protection officer), which the registry does not record yet:
# it is refused to everyone.


@dataclass(frozen=True)
class PublishedCohort:
    """A cohort as it may be shown: counts of 1 to 4 replaced (``filiere.lib.small_cells``)."""

    atc_code: str
    drug: str
    orpha_code: int | None
    disease: str
    indication: str
    framework: str
    patients: Cell
    treatments: Cell
    bleeds_treated: Cell
    bleeds_assessed: Cell
    bleeds_effective: Cell
    adverse_events: Cell
    serious_adverse_events: Cell
    success_rate: float | None


def published_cohorts(rows: list[Cohort]) -> list[PublishedCohort]:
    """Suppress small cells; the patients and treatments columns add up to the page's totals,
    so they also get complementary suppression."""
    patients = suppress([c.patients for c in rows])
    treatments = suppress([c.treatments for c in rows])
    published = []
    for cohort, n_patients, n_treatments in zip(rows, patients, treatments, strict=True):
        assessed, effective = shown(cohort.bleeds_assessed), shown(cohort.bleeds_effective)
        hidden = isinstance(n_patients, str)
        rate_shown = not hidden and isinstance(assessed, int) and isinstance(effective, int)
        published.append(
            PublishedCohort(
                atc_code=cohort.atc_code,
                drug=cohort.drug,
                orpha_code=cohort.orpha_code,
                disease=cohort.disease,
                indication=cohort.indication,
                framework=cohort.framework,
                patients=n_patients,
                treatments=n_treatments,
                bleeds_treated=shown(cohort.bleeds_treated),
                bleeds_assessed=assessed,
                bleeds_effective=effective,
                adverse_events=shown(cohort.adverse_events),
                serious_adverse_events=shown(cohort.serious_adverse_events),
                success_rate=cohort.success_rate if rate_shown else None,
            )
        )
    return published


def published_adverse_events(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    return [
        row | {"count": shown(int(str(row["count"]))), "serious": shown(int(str(row["serious"])))}
        for row in rows
    ]


AGE_BANDS = ((0, 17, "0-17"), (18, 39, "18-39"), (40, 64, "40-64"), (65, 200, "65+"))


def age_band(years: int) -> str:
    return next((label for low, high, label in AGE_BANDS if low <= years <= high), "")


EXPORT_HEADER = (
    "code_atc",
    "medicament",
    "code_orpha",
    "maladie",
    "indication",
    "cadre_hors_amm",
    "annee_debut",
    "sexe",
    "tranche_age_ans",
    "patients",
    "traitements",
)


def export_strata(filters: ObservatoryFilters) -> list[list[object]]:
    """Return the export: patients and treatments per stratum (drug, disease, indication,
    framework, start year, sex, age band), small cells suppressed within each cohort, whose
    totals the observatory page publishes."""
    treatments = (
        off_label_treatments(filters)
        .select_related("patient", "atc", "diagnosis__orpha")
        .order_by("started_on", "pk")
    )
    indications = dict(Treatment.Indication.choices)
    frameworks = dict(Treatment.OffLabelFramework.choices)
    strata: dict[tuple[object, ...], tuple[set[int], int]] = {}
    for t in treatments:
        orpha = t.diagnosis.orpha if t.diagnosis else None
        key: tuple[object, ...] = (
            t.atc.code if t.atc else "",
            t.atc.label if t.atc else str(t.get_category_display()),
            orpha.code if orpha else "",
            orpha.name if orpha else "",
            str(indications.get(t.indication, t.indication)),
            str(frameworks.get(t.off_label_framework, "")),
            t.started_on.year,
            t.patient.sex,
            age_band(age_on(t.patient, t.started_on)),
        )
        seen, count = strata.get(key, (set(), 0))
        strata[key] = (seen | {t.patient_id}, count + 1)
    groups: dict[tuple[object, ...], list[tuple[object, ...]]] = {}
    for stratum in sorted(strata, key=str):
        groups.setdefault(stratum[:1] + stratum[2:3] + stratum[4:6], []).append(stratum)
    rows: list[list[object]] = []
    for keys in groups.values():
        patients = [len(strata[k][0]) for k in keys]
        primary, complementary = suppressed_indexes(patients)
        for i, stratum in enumerate(keys):
            if i in primary or i in complementary:
                label = BELOW_THRESHOLD if i in primary else HIDDEN
                rows.append([*stratum, label, label])
            else:
                rows.append([*stratum, patients[i], strata[stratum][1]])
    return rows
