"""Reads of the PNDS projects: the timeline, a project's page, the plan's board."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from filiere.accounts.models import User
from filiere.guidelines.models import (
    GroupMeeting,
    GuidelineProject,
    PlanAction,
    StatusChange,
    WorkingGroup,
)
from filiere.guidelines.services import STEPS

Status = GuidelineProject.Status
# Once published the target is met: a published project is never late.
FINISHED = frozenset({Status.PUBLISHED, Status.UPDATE_PLANNED})


def projects() -> QuerySet[GuidelineProject]:
    return GuidelineProject.objects.prefetch_related(
        "diseases", "coordinators", "status_changes"
    ).order_by("-led_by_network", "target_date", "title")


def project_page(public_id: uuid.UUID) -> GuidelineProject | None:
    return (
        GuidelineProject.objects.prefetch_related(
            "diseases",
            "coordinators",
            "versions",
            Prefetch("status_changes", queryset=StatusChange.objects.select_related("changed_by")),
            Prefetch(
                "groups",
                queryset=WorkingGroup.objects.prefetch_related(
                    "members", Prefetch("meetings", queryset=GroupMeeting.objects.all())
                ),
            ),
        )
        .filter(public_id=public_id)
        .first()
    )


def is_overdue(project: GuidelineProject, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return (
        project.target_date is not None
        and project.target_date < today
        and project.status not in FINISHED
    )


@dataclass(frozen=True)
class Step:
    label: str
    state: str  # "done", "current" or "todo"
    since: dt.datetime | None


@dataclass(frozen=True)
class TimelineLine:
    project: GuidelineProject
    steps: list[Step]
    overdue: bool


def timeline(rows: QuerySet[GuidelineProject] | list[GuidelineProject]) -> list[TimelineLine]:
    """Each project as a line of its HAS steps: passed, current, to come, with the date each
    was last entered."""
    today = timezone.localdate()
    lines = []
    for project in rows:
        entered: dict[str, dt.datetime] = {}
        for change in project.status_changes.all():
            entered[change.status] = change.changed_at
        current = STEPS.index(project.status)
        steps = [
            Step(
                label=str(Status(step).label),
                state="done" if i < current else "current" if i == current else "todo",
                since=entered.get(step) if i <= current else None,
            )
            for i, step in enumerate(STEPS)
        ]
        lines.append(TimelineLine(project, steps, is_overdue(project, today)))
    return lines


def board(owner: User | None = None) -> list[tuple[str, str, list[PlanAction]]]:
    """The plan's actions in one column per status (value, label, actions)."""
    actions = PlanAction.objects.select_related("owner").order_by("number")
    if owner is not None:
        actions = actions.filter(owner=owner)
    columns: dict[str, list[PlanAction]] = {value: [] for value in PlanAction.Status.values}
    for action in actions:
        columns[action.status].append(action)
    return [(value, str(label), columns[value]) for value, label in PlanAction.Status.choices]


def action_owners() -> QuerySet[User]:
    return User.objects.filter(plan_actions__isnull=False).distinct().order_by("last_name")


def network_members() -> QuerySet[User]:
    """The people who may coordinate a project or own an action: active members of a centre."""
    return (
        User.objects.filter(is_active=True, memberships__centre__is_active=True)
        .distinct()
        .order_by("last_name", "first_name")
    )
