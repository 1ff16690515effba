"""The directory's editing pages: a centre coordinator edits her own centre's draft (an outsider
gets 404 and nothing changes); the network coordinator publishes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from filiere.accounts.models import User
from filiere.directory.models import CentreProfile, DiagnosticTest
from filiere.directory.tests.factories import make_profile, make_test
from filiere.network.models import Centre, Role
from filiere.testing.factories import give_role, make_centre, make_user

pytestmark = pytest.mark.django_db

ClientFor = Callable[[User], Client]


@pytest.fixture
def anne(centre_a: Centre) -> User:
    """The centre coordinator of centre A."""
    user = make_user(email="anne@hopital.test", first_name="Anne", last_name="Girard")
    give_role(user, centre_a, Role.CENTRE_COORDINATOR)
    return user


@pytest.fixture
def bruno(centre_b: Centre) -> User:
    """The centre coordinator of centre B: an outsider to centre A."""
    user = make_user(email="bruno@hopital.test", first_name="Bruno", last_name="Leroy")
    give_role(user, centre_b, Role.CENTRE_COORDINATOR)
    return user


PROFILE_DATA = {
    "presentation": "Consultations adultes et enfants.",
    "team": "Dr Anne Girard ; coordonnatrice ; hématologie\r\nMme Lucie Roche ; infirmière",
    "diseases": "ORPHA:849, 274",
}


def test_a_centre_coordinator_saves_her_centre_s_draft(
    anne: User, centre_a: Centre, client_for: ClientFor, nomenclature: None
) -> None:
    client = client_for(anne)
    url = f"/annuaire/gestion/centres/{centre_a.public_id}/"
    assert client.get(url).status_code == 200
    response = client.post(url, PROFILE_DATA)
    assert response.status_code == 302
    profile = CentreProfile.objects.get(centre=centre_a)
    assert [(m.name, m.role, m.specialty) for m in profile.team.all()] == [
        ("Dr Anne Girard", "coordonnatrice", "hématologie"),
        ("Mme Lucie Roche", "infirmière", ""),
    ]
    assert not profile.is_published
    # The form shows the saved draft again.
    form = client.get(url).context["form"]
    assert form.initial["diseases"] == "ORPHA:274\nORPHA:849"


def test_an_unknown_code_is_shown_beside_the_field(
    anne: User, centre_a: Centre, client_for: ClientFor, nomenclature: None
) -> None:
    response = client_for(anne).post(
        f"/annuaire/gestion/centres/{centre_a.public_id}/",
        PROFILE_DATA | {"diseases": "ORPHA:849 ORPHA:1234567"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["diseases"] == [
        "Maladies suivies : Code ORPHA:1234567 inconnu de la nomenclature chargée."
    ]
    assert not CentreProfile.objects.exists()


def test_an_outsider_coordinator_gets_404_and_changes_nothing(
    bruno: User, centre_a: Centre, client_for: ClientFor, nomenclature: None
) -> None:
    make_profile(centre_a, publish=False)
    client = client_for(bruno)
    url = f"/annuaire/gestion/centres/{centre_a.public_id}/"
    assert client.get(url).status_code == 404
    assert client.post(url, PROFILE_DATA).status_code == 404
    assert CentreProfile.objects.get().presentation == "Consultations de pathologies plaquettaires."


def test_a_clinician_has_no_management_page(alice: User, client_for: ClientFor) -> None:
    client = client_for(alice)
    assert client.get("/annuaire/gestion/").status_code == 404
    assert client.get("/annuaire/gestion/examens/nouveau/").status_code == 404


def test_a_centre_coordinator_cannot_publish(
    anne: User, centre_a: Centre, client_for: ClientFor, nomenclature: None
) -> None:
    profile = make_profile(centre_a, publish=False)
    response = client_for(anne).post(f"/annuaire/gestion/centres/{centre_a.public_id}/publier/")
    assert response.status_code == 404
    profile.refresh_from_db()
    assert profile.published_at is None


def test_the_network_coordinator_publishes_and_the_public_sees_it(
    network_coordinator: User,
    centre_a: Centre,
    client_for: ClientFor,
    client: Client,
    nomenclature: None,
) -> None:
    make_profile(centre_a, publish=False)
    coordinator = client_for(network_coordinator)
    manage = coordinator.get("/annuaire/gestion/")
    assert 'data-testid="publish-profile"' in manage.content.decode()
    response = coordinator.post(f"/annuaire/gestion/centres/{centre_a.public_id}/publier/")
    assert response.status_code == 302
    assert client.get(f"/annuaire/centres/{centre_a.public_id}/").status_code == 200


def test_a_centre_coordinator_adds_a_test_of_her_centre_only(
    anne: User, centre_a: Centre, centre_b: Centre, client_for: ClientFor, nomenclature: None
) -> None:
    client = client_for(anne)
    data = {
        "laboratory": centre_a.pk,
        "name": "Microscopie électronique des plaquettes",
        "indications": "ORPHA:721",
        "sample": "Sang citraté",
        "turnaround": "4 semaines",
        "how_to_send": "À température ambiante",
        "contact": "04 91 00 00 10",
    }
    form = client.get("/annuaire/gestion/examens/nouveau/").context["form"]
    assert "laboratory_name" not in form.fields
    assert list(form.fields["laboratory"].queryset) == [centre_a]
    refused = client.post("/annuaire/gestion/examens/nouveau/", data | {"laboratory": centre_b.pk})
    assert refused.status_code == 200
    assert "laboratory" in refused.context["form"].errors
    assert client.post("/annuaire/gestion/examens/nouveau/", data).status_code == 302
    test = DiagnosticTest.objects.get()
    assert test.laboratory == centre_a
    assert [c.code for c in test.indications.all()] == [721]


def test_a_missing_sample_is_named_on_the_test_form(
    network_coordinator: User, client_for: ClientFor, nomenclature: None
) -> None:
    response = client_for(network_coordinator).post(
        "/annuaire/gestion/examens/nouveau/",
        {
            "laboratory_name": "Laboratoire hors réseau",
            "name": "Frottis",
            "indications": "ORPHA:999999",
            "sample": "x",
            "turnaround": "2 jours",
            "how_to_send": "Poste",
            "contact": "01 00 00 00 00",
        },
    )
    assert response.context["form"].errors["indications"] == [
        "Indications : Code ORPHA:999999 inconnu de la nomenclature chargée."
    ]
    assert not DiagnosticTest.objects.exists()


def test_an_outsider_cannot_open_or_publish_another_laboratory_s_test(
    bruno: User, centre_a: Centre, client_for: ClientFor, nomenclature: None
) -> None:
    test = make_test(centre_a, publish=False)
    client = client_for(bruno)
    assert client.get(f"/annuaire/gestion/examens/{test.public_id}/").status_code == 404
    assert client.post(f"/annuaire/gestion/examens/{test.public_id}/publier/").status_code == 404
    test.refresh_from_db()
    assert test.published_at is None


def test_the_management_list_reads_a_fixed_number_of_queries(
    network_coordinator: User,
    centre_a: Centre,
    client_for: ClientFor,
    nomenclature: None,
    django_assert_max_num_queries: Any,
) -> None:
    client = client_for(network_coordinator)
    make_profile(centre_a)
    make_test(centre_a)
    with django_assert_max_num_queries(100) as one:
        client.get("/annuaire/gestion/")
    for index in range(4):
        centre = make_centre(name=f"Centre {index}")
        make_profile(centre)
        make_test(centre, name=f"Examen {index}")
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get("/annuaire/gestion/")
    assert len(response.context["rows"]) == 5


def test_only_the_network_coordinator_withdraws_a_test(
    anne: User,
    network_coordinator: User,
    centre_a: Centre,
    client_for: ClientFor,
    client: Client,
    nomenclature: None,
) -> None:
    test = make_test(centre_a)
    url = f"/annuaire/gestion/examens/{test.public_id}/retirer/"
    assert client_for(anne).post(url).status_code == 404
    assert client.get(f"/annuaire/examens/{test.public_id}/").status_code == 200
    assert client_for(network_coordinator).post(url).status_code == 302
    assert client.get(f"/annuaire/examens/{test.public_id}/").status_code == 404
