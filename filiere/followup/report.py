"""Follow-up's section of the yearly activity report (``filiere.core.reports``)."""

from __future__ import annotations

from django.db.models import Min, QuerySet

from filiere.audit.models import AuditEvent
from filiere.core.reports import Figure, ReportPeriod, Section, Table
from filiere.followup.models import Visit
from filiere.followup.observatory import ObservatoryFilters, cohorts
from filiere.patients.models import CareEpisode

# The summaries ``followup.services.followup_printed`` records for each document printed.
CARE_CARD = "Impression : carte de soins"
BOOKLET = "Impression : carnet de suivi"


def _visits(period: ReportPeriod) -> QuerySet[Visit]:
    visits = Visit.objects.current().filter(patient__merged_into__isnull=True)
    if period.centre is not None:
        visits = visits.filter(centre=period.centre)
    return visits


def _printed(period: ReportPeriod, summary: str) -> int:
    start, end = period.bounds()
    events = AuditEvent.objects.filter(
        action=AuditEvent.Action.PRINT,
        occurred_at__gte=start,
        occurred_at__lt=end,
        summary__startswith=summary,
    )
    if period.centre is not None:
        followed = CareEpisode.objects.filter(centre=period.centre).values("patient__public_id")
        events = events.filter(patient_id__in=followed)
    return events.count()


def followup_section(period: ReportPeriod) -> Section:
    visits = _visits(period)
    in_year = visits.filter(visited_on__gte=period.start, visited_on__lte=period.end)
    first_visits = visits.values("patient").annotate(first=Min("visited_on"))
    included = first_visits.filter(first__gte=period.start, first__lte=period.end).count()
    rows = cohorts(
        ObservatoryFilters(
            started_from=period.start,
            started_until=period.end,
            centre_id=period.centre.pk if period.centre is not None else None,
        )
    )
    return Section(
        "Suivi longitudinal et observatoire des traitements",
        figures=[
            Figure(
                "Inclusions dans le suivi longitudinal",
                included,
                "Patients dont la première visite de suivi enregistrée est dans l'année.",
            ),
            Figure(
                "Visites de suivi", in_year.count(), "Visites datées de l'année (non retirées)."
            ),
            Figure(
                "Patients vus en visite",
                in_year.values("patient").distinct().count(),
                "Patients avec au moins une visite dans l'année.",
            ),
            Figure(
                "Cartes de soins d'urgence éditées",
                _printed(period, CARE_CARD),
                "Impressions de la carte (format carte ou A4) enregistrées au journal d'audit.",
            ),
            Figure(
                "Carnets de suivi édités",
                _printed(period, BOOKLET),
                "Impressions du carnet de suivi enregistrées au journal d'audit.",
            ),
        ],
        tables=[
            Table(
                "Cohortes hors AMM (traitements débutés dans l'année)",
                ["Médicament", "Maladie", "Indication", "Cadre", "Patients"],
                [
                    [
                        f"{c.atc_code} {c.drug}".strip(),
                        f"ORPHA:{c.orpha_code} {c.disease}" if c.orpha_code else "—",
                        c.indication,
                        c.framework,
                        c.patients,
                    ]
                    for c in rows
                ],
            )
        ],
    )
