"""The demo's therapeutic education: last year's national ETP day and one session this year.

The day follows the reference centre's 2024 activity report: Rennes, 23 November, 12 patients,
a multidisciplinary team with a resource parent and a patients' association representative,
five workshops, each evaluated by the participants. Built through the services; a second run
creates nothing (the programme's title is the marker).
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from filiere.access.actors import SYSTEM, Actor
from filiere.demo.context import DemoContext
from filiere.education import services
from filiere.education.models import QUESTIONS, Programme, Session, TeamMember
from filiere.network.models import Centre
from filiere.patients.models import Patient

TITLE = "Vivre avec une pathologie plaquettaire constitutionnelle"
WORKSHOPS = (
    "Comment je vis avec ma maladie",
    "Faire face aux risques hémorragiques",
    "Savoir parler de sa maladie",
    "Gestion des saignements",
    "Questions femmes",
)
# Glanzmann thrombasthenia, dense-granule disease, alpha-granule disease.
DISEASES = ("ORPHA:849", "ORPHA:98456", "ORPHA:98455")
PATIENTS_AT_THE_DAY = 12
RELATIVES = (("Sophie", "mère"), ("Karim", "père"))
COMMENTS = (
    "Très utile d'échanger avec d'autres familles.",
    "J'aurais aimé plus de temps pour les questions.",
    "Les conseils pour les saignements de nez sont clairs.",
    "",
    "",
)


def _scores(rng: random.Random) -> dict[str, int]:
    # Mostly satisfied participants, as ETP days usually report.
    return {key: rng.choices((2, 3, 4), weights=(1, 4, 6))[0] for key, _label in QUESTIONS}


def _team(ctx: DemoContext, programme: Programme, actor: Actor) -> None:
    for key, specialty in (("claire.martin", "Hématologie"), ("anne.girard", "Biologie")):
        user = ctx.objects.get(f"user:{key}")
        if user is not None:
            services.team_member_add(
                actor=actor,
                programme=programme,
                user=user,
                profile=TeamMember.Profile.PROFESSIONAL,
                specialty=specialty,
            )
    for full_name, profile, specialty, organisation in (
        ("Isabelle Le Goff", TeamMember.Profile.PROFESSIONAL, "Infirmière d'éducation", ""),
        ("Élodie Rousseau", TeamMember.Profile.PROFESSIONAL, "Psychologue", ""),
        ("Nathalie Morel", TeamMember.Profile.RESOURCE_PARENT, "", ""),
        (
            "Pascal Guérin",
            TeamMember.Profile.ASSOCIATION,
            "",
            "Association française des hémophiles (AFH)",
        ),
    ):
        services.team_member_add(
            actor=actor,
            programme=programme,
            full_name=full_name,
            profile=profile,
            specialty=specialty,
            organisation=organisation,
        )


def _patients(ctx: DemoContext, centre: Centre) -> list[Patient]:
    """The demo registry's patients, those followed by the programme's centre first."""
    patients: list[Patient] = list(ctx.objects.get("patients") or Patient.objects.order_by("pk"))
    followed = set(
        Patient.objects.filter(care_episodes__centre=centre).values_list("pk", flat=True)
    )
    return sorted(patients, key=lambda p: (p.pk not in followed, p.pk))


def _evaluate(session: Session, actor: Actor, rng: random.Random) -> int:
    count = 0
    for participant in session.participants.filter(attended=True).order_by("pk"):
        for workshop in session.workshops.order_by("position"):
            # Not every participant hands back every questionnaire.
            if rng.random() < 0.15:
                continue
            services.evaluation_record(
                actor=actor,
                participant=participant,
                workshop=workshop,
                scores=_scores(rng),
                comment=rng.choice(COMMENTS),
            )
            count += 1
    return count


def build(ctx: DemoContext) -> None:
    if Programme.objects.filter(title=TITLE).exists():
        ctx.report("ETP : déjà présente.")
        return
    rng = ctx.child_rng("education")
    centre = ctx.objects["centre:crpp-marseille"]
    actor = ctx.objects.get("user:anne.girard", SYSTEM)
    today = timezone.localdate()
    programme = services.programme_create(
        actor=actor,
        centre=centre,
        title=TITLE,
        diseases=DISEASES,
        ars_number="ETP-PACA-2019-042",
        ars_authorised_on=dt.date(2019, 6, 12),
        workshops=WORKSHOPS,
    )
    _team(ctx, programme, actor)
    workshops = list(programme.workshops.order_by("position"))
    patients = _patients(ctx, centre)

    day = services.session_create(
        actor=actor,
        programme=programme,
        held_on=dt.date(today.year - 1, 11, 23),
        place="Rennes",
        format=Session.Format.IN_PERSON,
        workshops=workshops,
    )
    consent = day.held_on - dt.timedelta(days=21)
    for patient in patients[:PATIENTS_AT_THE_DAY]:
        services.participant_add(
            actor=actor, session=day, patient=patient, consent_on=consent, attended=True
        )
    for first_name, relation in RELATIVES:
        services.participant_add(
            actor=actor,
            session=day,
            first_name=first_name,
            relation=relation,
            consent_on=consent,
            attended=True,
        )
    evaluations = _evaluate(day, actor, rng)

    # This year's session, remote, a couple of months back (or on 1 January early in the year).
    held_on = max(dt.date(today.year, 1, 1), today - dt.timedelta(days=60))
    recent = services.session_create(
        actor=actor,
        programme=programme,
        held_on=held_on,
        place="En ligne",
        format=Session.Format.REMOTE,
        workshops=[workshops[0], workshops[3]],
    )
    for patient in patients[PATIENTS_AT_THE_DAY : PATIENTS_AT_THE_DAY + 4]:
        services.participant_add(
            actor=actor,
            session=recent,
            patient=patient,
            consent_on=held_on - dt.timedelta(days=7),
            attended=True,
        )
    evaluations += _evaluate(recent, actor, rng)
    ctx.report(
        f"ETP : « {TITLE} », journée nationale du {day.held_on:%d/%m/%Y} à Rennes "
        f"({min(len(patients), PATIENTS_AT_THE_DAY)} patients), séance du "
        f"{held_on:%d/%m/%Y}, {evaluations} évaluation(s)."
    )
