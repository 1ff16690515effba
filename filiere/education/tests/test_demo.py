"""The demo's ETP: last year's national day in Rennes (12 patients, a resource parent and an
association representative in the team, 5 workshops, evaluations) and a session this year."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from filiere.demo.context import DemoContext
from filiere.education import demo
from filiere.education.models import Evaluation, Participant, Programme, Session, TeamMember
from filiere.education.selectors import year_figures

pytestmark = pytest.mark.django_db


def test_the_demo_holds_last_years_national_day_and_a_session_this_year(
    nomenclature: None,
) -> None:
    from filiere.network import demo as network_demo
    from filiere.nomenclature import demo as nomenclature_demo
    from filiere.patients import demo as patients_demo

    reports: list[str] = []
    ctx = DemoContext(seed=2026, size=20, report=reports.append)
    network_demo.build(ctx)
    nomenclature_demo.build(ctx)
    patients_demo.build(ctx)
    demo.build(ctx)

    programme = Programme.objects.get(title=demo.TITLE)
    today = timezone.localdate()
    day = Session.objects.get(programme=programme, held_on=dt.date(today.year - 1, 11, 23))
    assert day.place == "Rennes"
    assert [w.title for w in day.workshops.order_by("position")] == list(demo.WORKSHOPS)
    patients = Participant.objects.filter(session=day, kind=Participant.Kind.PATIENT)
    assert patients.filter(attended=True).count() == 12
    profiles = set(programme.team.values_list("profile", flat=True))
    assert {TeamMember.Profile.RESOURCE_PARENT, TeamMember.Profile.ASSOCIATION} <= profiles
    assert Evaluation.objects.filter(participant__session=day).exists()
    assert Session.objects.filter(programme=programme, held_on__year=today.year).count() == 1
    last_year = year_figures(today.year - 1)
    assert last_year.sessions == 1
    assert last_year.patients == 12
    assert last_year.workshops == 5

    demo.build(ctx)
    assert Programme.objects.count() == 1
    assert reports[-1] == "ETP : déjà présente."
