"""Small builders for the guidelines' tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from filiere.access.actors import SYSTEM
from filiere.accounts.models import User
from filiere.guidelines import services
from filiere.guidelines.models import GuidelineProject, PlanAction, WorkingGroup
from filiere.guidelines.services import MemberEntry


def make_project(*, coordinators: Sequence[User] = (), **values: Any) -> GuidelineProject:
    defaults: dict[str, Any] = {
        "title": "Thrombopénies constitutionnelles avec prédisposition aux hémopathies malignes",
        "disease_codes": ["ORPHA:71290"],
        "external_coordinators": "" if coordinators else "Pr Jean Externe",
        "target_date": timezone.localdate() + dt.timedelta(days=200),
    }
    defaults.update(values)
    return services.project_create(actor=SYSTEM, coordinators=list(coordinators), **defaults)


def make_group(project: GuidelineProject, number: int = 1, **values: Any) -> WorkingGroup:
    defaults: dict[str, Any] = {
        "title": "Diagnostic et conseil génétique",
        "lead": "Dr Hugo Lefèvre",
        "members": [MemberEntry("Dr Sophie Bernard", "pédiatre")],
    }
    defaults.update(values)
    return services.group_save(actor=SYSTEM, project=project, number=number, **defaults)


def make_action(owner: User, number: str = "1.1", **values: Any) -> PlanAction:
    defaults: dict[str, Any] = {
        "title": "Publier le PNDS thrombopénies constitutionnelles",
        "status": PlanAction.Status.IN_PROGRESS,
    }
    defaults.update(values)
    return services.action_save(actor=SYSTEM, number=number, owner=owner, **defaults)
