"""What travels to the browser: no feature it has no use for, no message in a cookie."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from filiere.accounts.models import User
from filiere.network.models import Centre
from filiere.patients.models import Patient
from filiere.testing.factories import with_form_token

pytestmark = pytest.mark.django_db


def test_every_response_denies_camera_microphone_location_payment_and_usb(
    client: Client, alice: User, client_for: Callable[[User], Client]
) -> None:
    """Seen: no Permissions-Policy header."""
    for response in (client.get("/accounts/login/"), client_for(alice).get("/")):
        policy = response["Permissions-Policy"]
        for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
            assert f"{feature}=()" in policy


def test_a_message_naming_a_pseudonym_stays_on_the_server(
    centre_a: Centre, alice: User, nomenclature: None, client_for: Callable[[User], Client]
) -> None:
    """Seen: the `messages` cookie carried « Patient inclus sous le pseudonyme … »."""
    client = client_for(alice)
    response = client.post(
        "/patients/inclure/",
        with_form_token(
            {
                "birth_name": "Durand",
                "birth_first_names": "Léo",
                "first_given_name": "Léo",
                "birth_date": "2012-04-02",
                "sex": "M",
                "status": "provisional",
                "centre": centre_a.pk,
                "inclusion_date": "03/2020",
                "referred_by": ["ORG-182"],
            }
        ),
    )
    assert response.status_code == 302
    assert "messages" not in response.cookies
    assert "messages" not in client.cookies
    page = client.get(response["Location"]).content.decode()
    assert Patient.objects.get().pseudonym in page
    assert "Patient inclus sous le pseudonyme" in page
