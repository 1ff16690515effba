"""The survey pages: the network coordinator's (others get 404), and the respondent's page
opened by her personal link without logging in."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from filiere.access.actors import SYSTEM
from filiere.accounts.models import User
from filiere.surveys import services
from filiere.surveys.models import Answer, Invitation, RankedList, Survey
from filiere.surveys.tests.factories import invite_with_token, make_survey, ranks
from filiere.testing.factories import make_user

pytestmark = pytest.mark.django_db

ClientFor = Callable[[User], Client]


def _rank_data(survey: Survey, *orders: list[int]) -> dict[str, str]:
    data = {}
    for ranked, order in zip(
        RankedList.objects.filter(survey=survey).order_by("position"), orders, strict=True
    ):
        for item, rank in zip(ranked.items.all(), order, strict=True):
            data[f"rank_{ranked.public_id}_{item.position}"] = str(rank)
    return data


def test_a_clinician_gets_404_on_every_coordinator_page(alice: User, client_for: ClientFor) -> None:
    survey = make_survey()
    client = client_for(alice)
    for path in ("", "nouvelle/", f"{survey.public_id}/", f"{survey.public_id}/inviter/"):
        assert client.get(f"/enquetes/{path}").status_code == 404, path
    for path in ("resultats/", "resultats.csv"):
        assert client.get(f"/enquetes/{survey.public_id}/{path}").status_code == 404
    response = client.post(f"/enquetes/{survey.public_id}/etat/", {"action": "close"})
    assert response.status_code == 404
    assert Survey.objects.get().status == Survey.Status.OPEN


def test_the_coordinator_creates_a_survey_with_lists_one_item_per_line(
    network_coordinator: User, client_for: ClientFor
) -> None:
    client = client_for(network_coordinator)
    response = client.post(
        "/enquetes/nouvelle/",
        {
            "title": "Enquête 2025",
            "list_1_title": "Actions",
            "list_1_items": "Webinaires\r\nRCP nationale\r\n\r\nCarte de soins",
            "list_2_title": "Outils",
            "list_2_items": "Carnet de suivi\nFiche urgence",
        },
    )
    survey = Survey.objects.get()
    assert response.status_code == 302
    assert [[item.label for item in ranked.items.all()] for ranked in survey.lists.all()] == [
        ["Webinaires", "RCP nationale", "Carte de soins"],
        ["Carnet de suivi", "Fiche urgence"],
    ]


def test_a_list_of_one_item_is_refused_beside_its_field(
    network_coordinator: User, client_for: ClientFor
) -> None:
    response = client_for(network_coordinator).post(
        "/enquetes/nouvelle/",
        {"title": "X", "list_1_title": "Outils", "list_1_items": "Carnet"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "list_1_items": ["Liste « Outils » : de 2 à 30 éléments à classer, un par ligne."]
    }
    assert not Survey.objects.exists()


def test_the_coordinator_opens_invites_and_closes(
    network_coordinator: User, alice: User, client_for: ClientFor
) -> None:
    survey = make_survey(status=Survey.Status.DRAFT)
    client = client_for(network_coordinator)
    client.post(f"/enquetes/{survey.public_id}/etat/", {"action": "open"})
    response = client.post(f"/enquetes/{survey.public_id}/inviter/", {"perimeter": "network"})
    assert response.status_code == 302
    assert set(Invitation.objects.values_list("user__email", flat=True)) == {
        "alice@hopital.test",
        "coord@filiere.test",
    }
    client.post(f"/enquetes/{survey.public_id}/etat/", {"action": "close"})
    assert Survey.objects.get().status == Survey.Status.CLOSED


def test_the_respondent_answers_by_her_link_without_logging_in(alice: User) -> None:
    survey = make_survey()
    invite_with_token(survey, alice, "lien-personnel")
    client = Client()
    page = client.get("/enquetes/r/lien-personnel/")
    assert page.status_code == 200
    assert b"Carte de soins" in page.content
    response = client.post("/enquetes/r/lien-personnel/", _rank_data(survey, [3, 1, 2], [2, 1]))
    assert response.status_code == 200
    assert "respond-done" in response.content.decode()
    assert Answer.objects.get().ranks == ranks(survey, [3, 1, 2], [2, 1])
    again = client.get("/enquetes/r/lien-personnel/")
    assert "Ce lien a déjà servi" in again.content.decode()


def test_two_items_with_the_same_rank_are_refused_naming_the_list(alice: User) -> None:
    survey = make_survey()
    invite_with_token(survey, alice, "lien")
    response = Client().post("/enquetes/r/lien/", _rank_data(survey, [1, 1, 2], [2, 1]))
    assert (
        "Liste « Actions » : donnez à chaque élément un rang différent, de 1 à 3."
        in response.content.decode()
    )
    assert not Answer.objects.exists()


def test_an_unknown_link_answers_404_with_its_reason(db: None) -> None:
    response = Client().get("/enquetes/r/pas-un-lien/")
    assert response.status_code == 404
    assert "Ce lien d&#x27;enquête est inconnu" in response.content.decode()


def test_results_are_hidden_below_five_answers_then_shown(
    network_coordinator: User, client_for: ClientFor
) -> None:
    survey = make_survey()
    for index in range(5):
        member = make_user(email=f"membre{index}@filiere.test")
        invite_with_token(survey, member, f"jeton-{index}")
    client = client_for(network_coordinator)
    for index in range(4):
        services.survey_answer(token=f"jeton-{index}", ranks=ranks(survey, [1, 2, 3], [1, 2]))
    page = client.get(f"/enquetes/{survey.public_id}/resultats/").content.decode()
    assert 'data-testid="results-hidden"' in page
    assert "Webinaires" not in page
    assert 'data-testid="answer-count">4<' in page
    csv = client.get(f"/enquetes/{survey.public_id}/resultats.csv").content.decode()
    assert "Webinaires" not in csv
    services.survey_answer(token="jeton-4", ranks=ranks(survey, [1, 2, 3], [2, 1]))
    page = client.get(f"/enquetes/{survey.public_id}/resultats/").content.decode()
    assert 'data-testid="results-hidden"' not in page
    assert 'data-testid="response-rate">100.0 %' in page or "100,0 %" in page
    csv = client.get(f"/enquetes/{survey.public_id}/resultats.csv").content.decode()
    # Webinaires ranked first by all five: mean rank 1, Borda 5 × (3 − 1) = 10.
    assert "Actions;Webinaires;1,0;10;5" in csv


def test_the_list_page_shows_each_survey_with_its_counts(
    network_coordinator: User, client_for: ClientFor, django_assert_max_num_queries: object
) -> None:
    for year in (2023, 2024, 2025):
        survey = make_survey(title=f"Enquête {year}")
        services.survey_invite(actor=SYSTEM, survey=survey)
    client = client_for(network_coordinator)
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        response = client.get("/enquetes/")
    assert response.content.decode().count("/resultats/") == 3


def test_the_home_page_card_shows_to_the_network_coordinator_only(
    network_coordinator: User, alice: User, client_for: ClientFor
) -> None:
    assert 'href="/enquetes/"' in client_for(network_coordinator).get("/").content.decode()
    assert 'href="/enquetes/"' not in client_for(alice).get("/").content.decode()
