"""Small builders for the survey tests."""

from __future__ import annotations

import hashlib
from typing import Any

from filiere.access.actors import SYSTEM
from filiere.surveys import services
from filiere.surveys.models import Invitation, RankedList, Survey

ACTIONS = ["Webinaires", "RCP nationale", "Carte de soins"]
TOOLS = ["Carnet de suivi", "Fiche urgence"]


def make_survey(*, status: str = Survey.Status.OPEN, **values: Any) -> Survey:
    survey = services.survey_create(
        actor=SYSTEM,
        title=values.pop("title", "Enquête 2024"),
        lists=values.pop("lists", [("Actions", ACTIONS), ("Outils", TOOLS)]),
        **values,
    )
    if status != Survey.Status.DRAFT:
        services.survey_open(actor=SYSTEM, survey=survey)
    if status == Survey.Status.CLOSED:
        services.survey_close(actor=SYSTEM, survey=survey)
    return survey


def invite_with_token(survey: Survey, user: Any, token: str) -> Invitation:
    """An invitation whose token the test knows (the service e-mails it and keeps its hash)."""
    return Invitation.objects.create(
        survey=survey, user=user, token_hash=hashlib.sha256(token.encode()).hexdigest()
    )


def ranks(survey: Survey, *orders: list[int]) -> dict[str, list[int]]:
    lists = RankedList.objects.filter(survey=survey).order_by("position")
    return {str(ranked.public_id): list(order) for ranked, order in zip(lists, orders, strict=True)}
