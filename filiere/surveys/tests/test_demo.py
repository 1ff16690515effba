"""The demo's survey: last year's, closed, 10 actions and 7 tools ranked by 42 members."""

from __future__ import annotations

import pytest

from filiere.demo.context import DemoContext
from filiere.network.models import Centre, Role
from filiere.surveys import demo
from filiere.surveys.models import Answer, Invitation, Survey
from filiere.surveys.selectors import survey_results
from filiere.testing.factories import give_role, make_user

pytestmark = pytest.mark.django_db


def test_the_demo_holds_last_years_survey_with_42_answers(centre_a: Centre) -> None:
    for index in range(50):
        give_role(make_user(email=f"membre{index}@filiere.test"), centre_a, Role.CLINICIAN)
    reports: list[str] = []
    demo.build(DemoContext(seed=7, size=10, report=reports.append))
    survey = Survey.objects.get()
    assert survey.status == Survey.Status.CLOSED
    assert [ranked.items.count() for ranked in survey.lists.all()] == [10, 7]
    assert Invitation.objects.count() == 50
    assert Invitation.objects.filter(answered_at__isnull=False).count() == 42
    results = survey_results(survey)
    assert results.answers == 42
    assert results.shown
    # One of the two most appealing actions of the generator comes out on top.
    assert results.lists[0].items[0].label in {label for label, _ in demo.ACTIONS[:2]}
    demo.build(DemoContext(seed=7, size=10, report=reports.append))
    assert Answer.objects.count() == 42
    assert reports[-1] == "Enquête : déjà présente."
