"""Transfusion's part of the yearly activity report (``filiere.core.reports``): counts only."""

from __future__ import annotations

from filiere.core.reports import Figure, ReportPeriod, Section
from filiere.patients.models import CareEpisode
from filiere.transfusion.models import TransfusionInstruction


def transfusion_section(period: ReportPeriod) -> Section:
    start, end = period.bounds()
    instructions = TransfusionInstruction.objects.filter(
        created_at__gte=start, created_at__lt=end, patient__merged_into__isnull=True
    )
    if period.centre is not None:
        followed = CareEpisode.objects.filter(centre=period.centre).values("patient")
        instructions = instructions.filter(patient__in=followed)
    return Section(
        "Transfusion de plaquettes",
        figures=[
            Figure(
                "Consignes transfusionnelles émises",
                instructions.count(),
                "Versions de consigne enregistrées dans l'année (une nouvelle décision est une "
                "nouvelle version), pour les patients suivis au centre.",
            ),
            Figure(
                "Patients concernés",
                instructions.values("patient").distinct().count(),
                "Patients ayant reçu au moins une consigne dans l'année.",
            ),
        ],
    )
