"""The therapeutic education section of the yearly activity report (``filiere.core.reports``)."""

from __future__ import annotations

from filiere.core.reports import Figure, ReportPeriod, Section, Table
from filiere.education.selectors import year_figures, year_sessions


def education_section(period: ReportPeriod) -> Section:
    figures = year_figures(period.year, period.centre)
    return Section(
        "Éducation thérapeutique",
        figures=[
            Figure(
                "Programmes actifs",
                figures.programmes,
                "Programmes d'ETP ayant tenu au moins une séance dans l'année.",
            ),
            Figure("Séances tenues", figures.sessions, "Séances d'ETP datées de l'année, passées."),
            Figure(
                "Patients présents",
                figures.patients,
                "Patients du registre marqués présents à au moins une séance (comptés une fois).",
            ),
            Figure(
                "Proches présents",
                figures.relatives,
                "Proches marqués présents, par séance.",
            ),
            Figure(
                "Ateliers tenus",
                figures.workshops,
                "Ateliers tenus, comptés une fois par séance.",
            ),
            Figure(
                "Évaluations rendues",
                figures.evaluations,
                "Questionnaires d'atelier remplis par les participants présents.",
            ),
            Figure(
                "Satisfaction moyenne",
                figures.satisfaction,
                "Moyenne de toutes les réponses aux questionnaires (de 1 « pas du tout » à "
                "4 « tout à fait »).",
                unit="/ 4",
            ),
        ],
        tables=[
            Table(
                "Séances de l'année",
                ["Date", "Lieu", "Programme", "Ateliers", "Présents"],
                [
                    [
                        f"{row['held_on']:%d/%m/%Y}",
                        row["place"],
                        row["programme__title"],
                        row["held"],
                        row["present"],
                    ]
                    for row in year_sessions(period.year, period.centre)
                ],
            )
        ],
    )
