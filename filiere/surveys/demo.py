"""The demo's members' survey: last year's, in which 42 respondents ranked 10 actions and 7 tools
of the network from the most to the least remarkable (issue 16).

Built through the services (mail switched off): created, opened, sent to every member, answered
through 42 of the personal links with rankings drawn from a seeded generator, then closed.
A second run creates nothing (the title is the marker).
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from filiere.access.actors import SYSTEM
from filiere.demo.context import DemoContext
from filiere.surveys import services
from filiere.surveys.models import RankedList, Survey
from filiere.surveys.notifications import mail_suppressed

RESPONDENTS = 42
# Each item with the weight of its appeal: a respondent sorts the items by weight × a random
# draw, so the popular ones come first more often without always coming first.
ACTIONS: list[tuple[str, float]] = [
    ("Carte de soins et d'urgence « Thrombopathies »", 9.0),
    ("RCP nationale des pathologies plaquettaires", 8.5),
    ("Programme d'éducation thérapeutique (ETP)", 7.0),
    ("Webinaires de la filière", 6.5),
    ("PNDS « Thrombopénies constitutionnelles »", 6.0),
    ("Congrès multi-filières (La Réunion)", 4.5),
    ("Annuaire des centres et des laboratoires", 4.0),
    ("Site web de la filière", 3.5),
    ("Lettre d'information (newsletter)", 2.5),
    ("Modules d'e-learning", 2.0),
]
TOOLS: list[tuple[str, float]] = [
    ("Carte de soins d'urgence", 9.0),
    ("Fiche urgence pour les SAMU et les urgences", 7.5),
    ("Carnet de suivi du patient", 6.0),
    ("Application mobile de la filière", 4.5),
    ("Protocole de prise en charge chirurgicale", 4.0),
    ("Livret d'information pour les familles", 3.5),
    ("Kit « Questions femmes » (règles abondantes, grossesse)", 3.0),
]
TITLE = "Enquête auprès des membres 2024"
INTRODUCTION = (
    "Classez les actions et les outils de la filière, du plus marquant (1) au moins marquant. "
    "Vos réponses orienteront le plan d'actions 2025."
)


def _ranking(weights: list[float], rng: random.Random) -> list[int]:
    """The rank (1 = first) of each item, in the list's order."""
    draws = [weight * rng.random() for weight in weights]
    order = sorted(range(len(weights)), key=lambda index: -draws[index])
    ranks = [0] * len(weights)
    for rank, index in enumerate(order, start=1):
        ranks[index] = rank
    return ranks


def build(ctx: DemoContext) -> None:
    if Survey.objects.filter(title=TITLE).exists():
        ctx.report("Enquête : déjà présente.")
        return
    rng = ctx.child_rng("surveys")
    year = timezone.localdate().year - 1
    actor = ctx.objects.get("user:marc.dubois", SYSTEM)
    survey = services.survey_create(
        actor=actor,
        title=TITLE,
        introduction=INTRODUCTION,
        lists=[
            ("10 actions de la filière", [label for label, _ in ACTIONS]),
            ("7 outils de la filière", [label for label, _ in TOOLS]),
        ],
        opens_on=dt.date(year, 9, 2),
        closes_on=dt.date(year, 10, 31),
    )
    services.survey_open(actor=actor, survey=survey)
    with mail_suppressed():
        links = services.survey_invite(actor=actor, survey=survey)
    actions, tools = RankedList.objects.filter(survey=survey).order_by("position")
    for link in rng.sample(links, min(RESPONDENTS, len(links))):
        services.survey_answer(
            token=link.token,
            ranks={
                str(actions.public_id): _ranking([w for _, w in ACTIONS], rng),
                str(tools.public_id): _ranking([w for _, w in TOOLS], rng),
            },
        )
    services.survey_close(actor=actor, survey=survey)
    ctx.report(
        f"Enquête : « {TITLE} », {len(links)} invitation(s), "
        f"{min(RESPONDENTS, len(links))} réponse(s)."
    )
