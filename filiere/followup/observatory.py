"""The treatment observatory: cohorts of off-label prescriptions, their outcomes and safety, and
the pseudonymised export for the national agency's follow-up.

The export never carries an identity trait nor the registry's pseudonym: each patient gets an
export code (a keyed hash of the patient's internal id), stable from one export to the next so
that a patient can be followed over time, and meaningless without the instance's secret key.
Dates are given to the month and ages in years.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet

from filiere.followup.models import AdverseEvent, Treatment
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


def export_code(patient_public_id: object) -> str:
    """Return the patient's code in observatory exports (keyed hash, not the pseudonym)."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"observatoire:{patient_public_id}".encode(), hashlib.sha256
    ).hexdigest()
    return f"OBS-{digest[:12].upper()}"


EXPORT_HEADER = (
    "code_patient_export",
    "sexe",
    "age_au_debut_ans",
    "code_orpha",
    "maladie",
    "code_atc",
    "medicament",
    "type",
    "indication",
    "cadre_hors_amm",
    "debut_mois",
    "fin_mois",
    "dose",
    "unite",
    "voie",
    "nombre_administrations",
    "efficacite",
    "saignement_traite",
    "recommandation_rcp",
    "evenements_indesirables",
    "evenements_indesirables_graves",
    "categories_euhass",
    "finess_centre",
)


def export_rows(filters: ObservatoryFilters) -> Iterator[list[object]]:
    """Yield one row per off-label treatment, pseudonymised (see the module's docstring)."""
    treatments = (
        off_label_treatments(filters)
        .select_related("patient", "atc", "diagnosis__orpha", "bleeding_event", "centre")
        .prefetch_related(Prefetch("adverse_events", queryset=AdverseEvent.objects.current()))
        .order_by("started_on", "pk")
    )
    for t in treatments:
        events = list(t.adverse_events.all())
        orpha = t.diagnosis.orpha if t.diagnosis else None
        yield [
            export_code(t.patient.public_id),
            t.patient.sex,
            age_on(t.patient, t.started_on),
            orpha.code if orpha else "",
            orpha.name if orpha else "",
            t.atc.code if t.atc else "",
            t.atc.label if t.atc else t.get_category_display(),
            t.get_kind_display(),
            t.get_indication_display(),
            t.get_off_label_framework_display(),
            f"{t.started_on:%Y-%m}",
            f"{t.ended_on:%Y-%m}" if t.ended_on else "",
            str(t.dose) if t.dose is not None else "",
            t.dose_unit,
            t.get_route_display(),
            t.doses_count if t.doses_count is not None else "",
            t.get_outcome_display(),
            t.bleeding_event.get_site_display() if t.bleeding_event else "",
            t.rcp_recommendation_id is not None,
            len(events),
            sum(1 for e in events if e.serious),
            ", ".join(sorted({e.get_category_display() for e in events})),
            t.centre.finess,
        ]
