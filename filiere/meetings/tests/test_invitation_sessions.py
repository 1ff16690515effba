"""An invited physician's session follows the ordinary rules; the link stays out of the logs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.core.middleware import SESSION_STARTED_AT
from filiere.meetings import services
from filiere.meetings.models import MeetingSeries

pytestmark = pytest.mark.django_db

PASSWORD = "Un-long-mot-de-passe-2026"


def invited(series: MeetingSeries, coordinator: User) -> str:
    _, token = services.external_physician_invite(
        actor=coordinator,
        series=series,
        email="externe@chu.test",
        first_name="Eva",
        last_name="Xterne",
        specialty="haematology",
    )
    return token


def accept(client: Client, token: str) -> None:
    client.get(f"/rcp/invitation/{token}/")
    response = client.post("/rcp/invitation/", {"password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 302, response.content


def test_the_link_moves_the_token_out_of_the_address(
    series: MeetingSeries, coordinator: User
) -> None:
    """Seen: the token sat in the access log of every request of the invitation form."""
    token = invited(series, coordinator)
    client = Client()
    response = client.get(f"/rcp/invitation/{token}/")
    assert response.status_code == 302
    assert response["Location"] == "/rcp/invitation/"
    page = client.get("/rcp/invitation/")
    assert page.status_code == 200
    assert token not in page.content.decode()
    assert Client().get("/rcp/invitation/").status_code == 404


def test_accepting_an_invitation_records_a_login(series: MeetingSeries, coordinator: User) -> None:
    """Seen: the invitation's session began without a login event."""
    client = Client(REMOTE_ADDR="192.0.2.44")
    accept(client, invited(series, coordinator))
    user = User.objects.get(email="externe@chu.test")
    login = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN, object_id=str(user.public_id))
    assert login.ip_address == "192.0.2.44"


def test_an_invitation_session_ends_after_the_absolute_lifetime(
    series: MeetingSeries, coordinator: User
) -> None:
    """Seen: an invitation's session had no absolute timeout."""
    client = Client()
    accept(client, invited(series, coordinator))
    session = client.session
    assert session.get(SESSION_STARTED_AT)
    session[SESSION_STARTED_AT] = (timezone.now() - dt.timedelta(hours=12, minutes=1)).isoformat()
    session.save()
    response = client.get("/rcp/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SESSION_EXPIRED).count() == 1
