"""Creating forms carry a one-time token; without it nothing is written (core/submissions.py)."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.test import Client

from filiere.accounts.models import User
from filiere.core.models import FormSubmission
from filiere.followup.models import Visit
from filiere.network.models import Centre
from filiere.patients.models import Patient
from filiere.testing.factories import with_form_token

VISIT = {"visited_on": "2024-04-02", "context": "29", "objective": "ORG-047"}


def test_the_page_renders_a_fresh_token_each_time(
    patient_a: Patient, alice: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(alice)
    url = f"/suivi/patients/{patient_a.public_id}/visites/nouvelle/"
    tokens = [
        re.findall(r'name="form_token" value="([0-9a-f-]{36})"', client.get(url).content.decode())
        for _ in range(2)
    ]
    assert len(tokens[0]) == len(tokens[1]) == 1
    assert tokens[0] != tokens[1]


def test_a_form_without_its_token_is_refused_and_nothing_is_written(
    patient_a: Patient, centre_a: Centre, alice: User, client_for: Callable[[User], Client]
) -> None:
    url = f"/suivi/patients/{patient_a.public_id}/visites/nouvelle/"
    response = client_for(alice).post(url, {"centre": centre_a.pk, **VISIT})
    assert response.status_code == 200
    assert "jeton d&#x27;envoi absent" in response.content.decode()
    assert not Visit.objects.exists()


def test_a_refused_form_leaves_its_token_usable(
    patient_a: Patient, centre_a: Centre, alice: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(alice)
    url = f"/suivi/patients/{patient_a.public_id}/visites/nouvelle/"
    sent = with_form_token({"centre": centre_a.pk, **VISIT})
    refused = client.post(url, sent | {"visited_on": "2999-01-01"})
    assert refused.status_code == 200
    assert not FormSubmission.objects.exists()
    assert client.post(url, sent).status_code == 302
    assert Visit.objects.count() == 1


def test_another_users_token_is_not_shared(
    patient_a: Patient,
    centre_a: Centre,
    alice: User,
    client_for: Callable[[User], Client],
) -> None:
    from filiere.network.models import Role
    from filiere.testing.factories import give_role, make_user

    colleague = make_user()
    give_role(colleague, centre_a, Role.CLINICIAN)
    url = f"/suivi/patients/{patient_a.public_id}/visites/nouvelle/"
    sent = with_form_token({"centre": centre_a.pk, **VISIT})
    client_for(alice).post(url, sent)
    client_for(colleague).post(url, sent | {"visited_on": "2024-04-03"})
    assert Visit.objects.count() == 2
