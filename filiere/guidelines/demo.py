"""The demo's PNDS work and action plan (issue 16).

The network's PNDS « Thrombopénies constitutionnelles avec prédisposition aux hémopathies
malignes (ANKRD26, ETV6, RUNX1) »: two coordinators, three working groups with their lead and
members, meetings over the past year, a finalisation planned mid-2025 and now in review (late);
one participation in another network's PNDS; an action plan of eight actions across statuses.
Built through the services; a second run creates nothing (the project's title is the marker).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from filiere.access.actors import SYSTEM
from filiere.demo.context import DemoContext
from filiere.guidelines import services
from filiere.guidelines.models import GuidelineProject, PlanAction
from filiere.guidelines.services import MemberEntry

TITLE = (
    "Thrombopénies constitutionnelles avec prédisposition aux hémopathies malignes "
    "(ANKRD26, ETV6, RUNX1)"
)
Status = GuidelineProject.Status

GROUPS: tuple[tuple[int, str, str, tuple[MemberEntry, ...]], ...] = (
    (
        1,
        "Diagnostic biologique et génétique",
        "Dr Hugo Lefèvre",
        (
            MemberEntry("Dr Hugo Lefèvre", "hématologue pédiatre"),
            MemberEntry("Dr Marion Perrin", "cytogénéticienne"),
            MemberEntry("Pr Anne Girard", "biologiste de l'hémostase"),
            MemberEntry("Dr Luc Fabre", "généticien"),
        ),
    ),
    (
        2,
        "Surveillance et risque d'hémopathie maligne",
        "Dr Claire Martin",
        (
            MemberEntry("Dr Claire Martin", "hématologue"),
            MemberEntry("Dr Paul Mercier", "interniste"),
            MemberEntry("Dr Sophie Bernard", "pédiatre"),
            MemberEntry("Dr Nathalie Roux", "médecin généraliste"),
        ),
    ),
    (
        3,
        "Vie quotidienne, grossesse et chirurgie",
        "Dr Inès Garnier",
        (
            MemberEntry("Dr Inès Garnier", "hématologue"),
            MemberEntry("Mme Hélène Vasseur", "représentante de patients (association)"),
            MemberEntry("Dr Jeanne Vidal", "gynécologue-obstétricienne"),
        ),
    ),
)

# (number, title, working group, owner's demo account, status, indicators, months to due date)
ACTIONS: tuple[tuple[str, str, str, str, str, str, int], ...] = (
    (
        "1.1",
        "Finaliser et soumettre le PNDS thrombopénies constitutionnelles",
        "PNDS",
        "claire.martin",
        PlanAction.Status.IN_PROGRESS,
        "PNDS soumis à la HAS",
        4,
    ),
    (
        "1.2",
        "Mettre à jour la carte de soins et d'urgence",
        "Outils patients",
        "anne.girard",
        PlanAction.Status.DONE,
        "Carte diffusée aux centres",
        -3,
    ),
    (
        "2.1",
        "Organiser la RCP nationale mensuelle",
        "RCP",
        "sophie.bernard",
        PlanAction.Status.DONE,
        "11 séances par an ; dossiers discutés",
        -1,
    ),
    (
        "2.2",
        "Exhaustivité du registre BaMaRa / SDM-MR",
        "Registre",
        "lea.petit",
        PlanAction.Status.IN_PROGRESS,
        "Part des dossiers complets (%)",
        6,
    ),
    (
        "3.1",
        "Programme d'éducation thérapeutique enfants",
        "ETP",
        "anne.girard",
        PlanAction.Status.TO_START,
        "Programme déclaré à l'ARS",
        10,
    ),
    (
        "3.2",
        "Webinaires pour les médecins généralistes",
        "Formation",
        "marc.dubois",
        PlanAction.Status.IN_PROGRESS,
        "Nombre de participants par webinaire",
        3,
    ),
    (
        "4.1",
        "Application mobile de la filière",
        "Communication",
        "marc.dubois",
        PlanAction.Status.ABANDONED,
        "Abandonnée au profit du site web",
        -6,
    ),
    (
        "4.2",
        "Annuaire public des centres et des laboratoires",
        "Communication",
        "hugo.lefevre",
        PlanAction.Status.TO_START,
        "Fiches publiées / centres",
        8,
    ),
)


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(10, 0), tzinfo=timezone.get_current_timezone())


def _months(today: dt.date, months: int) -> dt.date:
    return today + dt.timedelta(days=30 * months)


def build(ctx: DemoContext) -> None:
    if GuidelineProject.objects.filter(title=TITLE).exists():
        ctx.report("PNDS : déjà en place, rien d'ajouté.")
        return
    today = timezone.localdate()
    users = {
        key.removeprefix("user:"): user
        for key, user in ctx.objects.items()
        if key.startswith("user:")
    }
    project = services.project_create(
        actor=SYSTEM,
        title=TITLE,
        disease_codes=["ORPHA:71290", "ORPHA:477797"],
        coordinators=[users["claire.martin"], users["anne.girard"]],
        target_date=None,
        entered_at=_at(dt.date(2023, 10, 2)),
    )
    # Finalisation was planned for mid-2025: the timeline shows the project late.
    project = services.project_update(
        actor=SYSTEM,
        project=project,
        title=TITLE,
        disease_codes=["ORPHA:71290", "ORPHA:477797"],
        coordinators=[users["claire.martin"], users["anne.girard"]],
        target_date=dt.date(2025, 6, 30),
    )
    services.project_status_change(
        actor=SYSTEM, project=project, status=Status.DRAFTING, changed_at=_at(dt.date(2024, 3, 4))
    )
    services.project_status_change(
        actor=SYSTEM,
        project=project,
        status=Status.REVIEW,
        changed_at=_at(today - dt.timedelta(days=120)),
    )
    for number, title, lead, members in GROUPS:
        group = services.group_save(
            actor=SYSTEM, project=project, number=number, title=title, lead=lead, members=members
        )
        for days in (330 - 20 * number, 200 - 10 * number, 90 - 5 * number):
            services.group_meeting_add(
                actor=SYSTEM,
                group=group,
                held_on=today - dt.timedelta(days=days),
                attendees=", ".join(m.name for m in members),
                minutes=f"{title} : relecture des chapitres, points de désaccord tranchés, "
                "prochaine étape fixée.",
            )
    for label, days, note in (
        ("v1 rédaction", 400, "Première version complète des groupes de travail."),
        ("v2 relecture", 120, "Version envoyée aux relecteurs (centres, associations)."),
    ):
        services.version_add(
            actor=SYSTEM,
            project=project,
            label=label,
            dated=today - dt.timedelta(days=days),
            note=note,
        )
    services.project_create(
        actor=SYSTEM,
        title="Syndrome de Wiskott-Aldrich",
        disease_codes=["ORPHA:906"],
        coordinators=[users["hugo.lefevre"]],
        external_coordinators="Pr Élodie Arnaud (coordonnatrice, filière MaRIH)",
        target_date=_months(today, 9),
        led_by_network=False,
        other_network="MaRIH",
        status=Status.DRAFTING,
        entered_at=_at(today - dt.timedelta(days=250)),
    )
    for code, heading, team, owner, status, indicators, months in ACTIONS:
        services.action_save(
            actor=SYSTEM,
            number=code,
            title=heading,
            working_group=team,
            owner=users[owner],
            status=status,
            indicators=indicators,
            due_date=_months(today, months),
        )
    ctx.report(f"PNDS : 2 projet(s), {len(GROUPS)} groupe(s) de travail, {len(ACTIONS)} action(s).")
