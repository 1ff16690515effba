"""Issue 11, defect 11: a transfusion specialist finds a patient of their region who has no
transfusion yet (``/patients/`` is the registry's list, closed to them)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from filiere.accounts.models import User
from filiere.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

Login = Callable[[User], Client]
SEARCH = reverse("transfusion:patient_search")


def _search(client: Client, **params: Any) -> str:
    response = client.get(SEARCH, params)
    assert response.status_code == 200
    return response.content.decode()


def test_julien_finds_an_untransfused_patient_of_his_region_by_pseudonym(
    julien: User, patient: Any, client_for: Login
) -> None:
    client = client_for(julien)
    html = _search(client, q=patient.pseudonym.lower())
    results = html.split('data-testid="search-results"')[1].split("</table>")[0]
    assert reverse("transfusion:patient", kwargs={"public_id": patient.public_id}) in results
    event = AuditEvent.objects.get(actor=julien, patient_id=patient.public_id)
    assert event.action == AuditEvent.Action.VIEW
    assert "Recherche de patient (transfusion)" in event.summary


def test_julien_finds_by_centre_and_birth_year_or_idmr(
    julien: User, patient: Any, centre_a: Any, client_for: Login
) -> None:
    client = client_for(julien)
    found = _search(client, centre=centre_a.pk, birth_year=patient.birth_year)
    assert patient.pseudonym in found
    missed = _search(client, centre=centre_a.pk, birth_year=patient.birth_year + 1)
    assert (
        patient.pseudonym
        not in missed.split('data-testid="search-results"')[1].split("</table>")[0]
    )
    if patient.idmr:
        assert patient.pseudonym in _search(client, q=patient.idmr)


def test_an_empty_search_lists_nobody_and_names_are_not_searched(
    julien: User, patient: Any, client_for: Login
) -> None:
    """The transfusion role does not see identities: a name finds nothing, an empty search
    does not list the region's registry."""
    client = client_for(julien)
    assert patient.pseudonym not in _search(client)
    assert patient.pseudonym not in _search(client, q="Lefèvre")
    assert not AuditEvent.objects.filter(actor=julien, patient_id=patient.public_id).exists()


def test_a_specialist_of_another_region_finds_nothing(
    victor: User, patient: Any, client_for: Login
) -> None:
    html = _search(client_for(victor), q=patient.pseudonym)
    results = html.split('data-testid="search-results"')[1].split("</table>")[0]
    assert patient.pseudonym not in results
    assert "Aucun patient de votre région ne correspond." in results


def test_only_transfusion_specialists_open_the_search(
    alice: User, patient: Any, client_for: Login
) -> None:
    assert client_for(alice).get(SEARCH, {"q": patient.pseudonym}).status_code == 404


def test_the_registry_list_sends_specialists_to_their_search(
    julien: User, client_for: Login
) -> None:
    """/patients/ was a 404 for them, with no way to find a patient."""
    response = client_for(julien).get(reverse("patients:list"))
    assert response.status_code == 302
    assert response["Location"] == SEARCH


def test_the_worklist_offers_the_search(julien: User, client_for: Login) -> None:
    html = client_for(julien).get(reverse("transfusion:worklist")).content.decode()
    assert 'data-testid="patient-search"' in html
    assert f'action="{SEARCH}"' in html


def test_the_centre_select_says_what_an_empty_choice_means(julien: User, client_for: Login) -> None:
    """Read-through finding: the select opened on « --------- », which says nothing."""
    html = _search(client_for(julien))
    select = html.split('name="centre"')[1].split("</select>")[0]
    assert "---------" not in select
    assert "Tous les centres de ma région" in select
