"""In a real Chromium: a member opens her personal link without logging in, ranks the items
with the « rang » selects, is refused when two tools share a rank, submits; the coordinator's
results page then counts her answer and draws the Borda chart."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from filiere.access.actors import SYSTEM
from filiere.accounts.models import User
from filiere.network.models import Centre, Role
from filiere.surveys import services
from filiere.surveys.models import Answer
from filiere.surveys.tests.factories import make_survey, ranks
from filiere.testing.factories import give_role, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _logged_in(page: Any, live_server: Any, user: User) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )


def test_a_member_answers_by_her_link_and_the_results_chart_counts_it(
    live_server: Any, page: Any, centre_a: Centre, alice: User, network_coordinator: User
) -> None:
    for index in range(4):
        give_role(make_user(email=f"membre{index}@filiere.test"), centre_a, Role.CLINICIAN)
    survey = make_survey()
    links = {link.email: link.token for link in services.survey_invite(actor=SYSTEM, survey=survey)}
    for index in range(4):
        services.survey_answer(
            token=links[f"membre{index}@filiere.test"], ranks=ranks(survey, [1, 2, 3], [1, 2])
        )

    page.goto(f"{live_server.url}/enquetes/r/{links['alice@hopital.test']}/")
    page.get_by_label("Webinaires").select_option("3")
    page.get_by_label("RCP nationale").select_option("1")
    page.get_by_label("Carte de soins").select_option("2")
    page.get_by_label("Carnet de suivi").select_option("1")
    page.get_by_label("Fiche urgence").select_option("1")
    page.get_by_role("button", name="Envoyer ma réponse").click()
    error = page.get_by_test_id("list-error")
    error.wait_for()
    assert error.inner_text() == (
        "Liste « Outils » : donnez à chaque élément un rang différent, de 1 à 2."
    )
    assert Answer.objects.count() == 4

    page.get_by_label("Fiche urgence").select_option("2")
    page.get_by_role("button", name="Envoyer ma réponse").click()
    page.get_by_test_id("respond-done").wait_for()
    assert Answer.objects.count() == 5

    _logged_in(page, live_server, network_coordinator)
    page.goto(f"{live_server.url}/enquetes/{survey.public_id}/resultats/")
    assert page.get_by_test_id("answer-count").inner_text() == "5"
    page.wait_for_function("() => Chart.getChart('chart-0') !== undefined")
    # Borda of the actions: Webinaires 4 × 2 + 0 = 8, RCP nationale 4 × 1 + 2 = 6, Carte 0 + 1.
    values = page.evaluate("() => Chart.getChart('chart-0').data.datasets[0].data")
    assert values == [8, 6, 1]
