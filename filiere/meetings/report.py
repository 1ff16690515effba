"""The case meetings' section of the yearly activity report (``filiere.core.reports``)."""

from __future__ import annotations

from collections import defaultdict

from filiere.core.reports import Chart, Figure, ReportPeriod, Section, Table
from filiere.meetings import statistics
from filiere.meetings.models import MeetingSeries
from filiere.nomenclature.groups import UNGROUPED, GroupIndex


def _diseases_by_group(by_orpha: list[tuple[str, str, int]]) -> dict[str, str]:
    """{group: « disease (n), … »} for the cases of the year."""
    index = GroupIndex.load()
    named: dict[str, list[str]] = defaultdict(list)
    for code, label, n in by_orpha:
        groups = index.group_names([int(code.removeprefix("ORPHA:"))]) or {UNGROUPED}
        for group in groups:
            named[group].append(f"{label or code} ({n})")
    return {group: ", ".join(diseases) for group, diseases in named.items()}


def _figures(figures: statistics.Statistics) -> list[Figure]:
    present = [n for _, n in figures.participants]
    span = f"{min(present)}–{max(present)}" if present else "—"
    return [
        Figure("RCP ordinaires tenues", figures.meetings_ordinary, "Réunions ouvertes ou closes."),
        Figure(
            "RCP urgentes tenues",
            figures.meetings_urgent,
            "Réunions urgentes ouvertes ou closes.",
        ),
        Figure(
            "Participants par réunion (min–max)",
            span,
            "Présents enregistrés (au moins une présence) à chaque réunion tenue.",
        ),
        Figure(
            "Dossiers discutés",
            figures.cases_discussed,
            "Demandes discutées au moins une fois en RCP dans l'année (ratifications exclues).",
        ),
        Figure("dont pédiatriques", figures.paediatric, "Patient de moins de 18 ans à la demande."),
        Figure("dont adultes", figures.adult, "Patient de 18 ans ou plus à la demande."),
        Figure("Demandes urgentes reçues", figures.requests_urgent, "Demandes marquées urgentes."),
        Figure(
            "Avis appliqués à 3 mois",
            figures.applied_share,
            "Part des suivis d'avis renseignés (relance à 3 mois) où la proposition a été "
            "appliquée, pour les avis signés dans l'année.",
            unit="%",
        ),
    ]


def case_meetings_section(period: ReportPeriod) -> Section:
    series = MeetingSeries.objects.all()
    if period.centre is not None:
        series = series.filter(centre=period.centre)
    figures = statistics.compute(series, statistics.Period(period.start, period.end))
    diseases = _diseases_by_group(figures.by_orpha)
    return Section(
        "Réunions de concertation pluridisciplinaire (RCP)",
        figures=_figures(figures),
        tables=[
            Table(
                "Dossiers par groupe de maladies",
                ["Groupe de maladies", "Maladies (dossiers)", "Dossiers"],
                [[g, diseases.get(g, ""), n] for g, n in figures.by_disease_group],
            ),
            Table(
                "Dossiers urgents par maladie",
                ["Code ORPHA", "Maladie", "Dossiers urgents"],
                [[code, label, n] for code, label, n in figures.urgent_by_orpha],
            ),
        ],
        charts=[
            Chart(
                "Dossiers discutés par groupe de maladies",
                [g for g, _ in figures.by_disease_group],
                [float(n) for _, n in figures.by_disease_group],
            )
        ],
    )
