"""The demo's PNDS: the example project (2 coordinators, 3 groups with leads, meetings of the past
year, late against its mid-2025 target), one participation, eight actions; a second run adds
nothing."""

from __future__ import annotations

import pytest

from filiere.demo.context import DemoContext
from filiere.guidelines import demo
from filiere.guidelines.models import GroupMeeting, GuidelineProject, PlanAction
from filiere.guidelines.selectors import board, is_overdue
from filiere.network import demo as network_demo

pytestmark = pytest.mark.django_db


def test_the_demo_builds_the_example_pnds_and_the_plan(nomenclature: None) -> None:
    reports: list[str] = []
    ctx = DemoContext(seed=7, size=10, report=reports.append)
    network_demo.build(ctx)
    demo.build(ctx)
    project = GuidelineProject.objects.get(title=demo.TITLE)
    assert project.coordinators.count() == 2
    assert project.groups.count() == 3
    assert all(group.lead and group.members.exists() for group in project.groups.all())
    assert GroupMeeting.objects.filter(group__project=project).count() == 9
    assert project.status == GuidelineProject.Status.REVIEW
    assert is_overdue(project)
    assert GuidelineProject.objects.filter(led_by_network=False).count() == 1
    assert PlanAction.objects.count() == len(demo.ACTIONS) == 8
    assert all(actions for _, _, actions in board())
    demo.build(ctx)
    assert GuidelineProject.objects.count() == 2
    assert reports[-1] == "PNDS : déjà en place, rien d'ajouté."
