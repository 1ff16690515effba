"""The live quorum polling of the session screen does not keep an idle session alive."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from filiere.accounts.models import User
from filiere.meetings.models import Meeting
from filiere.testing.factories import PASSWORD, fresh_totp_code

pytestmark = pytest.mark.django_db

POLL: dict[str, Any] = {"HTTP_X_FILIERE_POLL": "1", "HTTP_HX_REQUEST": "true"}


def logged_in(user: User) -> Client:
    client = Client()
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    client.post("/accounts/2fa/authenticate/", {"code": fresh_totp_code()})
    assert client.get("/").status_code == 200
    return client


def expiry(client: Client) -> dt.datetime:
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    return Session.objects.get(session_key=key).expire_date


def set_expiry(client: Client, when: dt.datetime) -> None:
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    Session.objects.filter(session_key=key).update(expire_date=when)


def test_the_session_screen_marks_its_quorum_polling(meeting: Meeting, coordinator: User) -> None:
    client = logged_in(coordinator)
    page = client.get(f"/rcp/reunions/{meeting.public_id}/seance/").content.decode()
    assert "X-Filiere-Poll" in page


def test_polling_the_quorum_does_not_push_back_the_idle_timeout(
    meeting: Meeting, coordinator: User
) -> None:
    """Seen: the quorum box, polled every 20 s, kept an idle session open forever."""
    client = logged_in(coordinator)
    # Idle for 29 minutes: one minute left.
    almost = timezone.now() + dt.timedelta(minutes=1)
    set_expiry(client, almost)
    quorum = f"/rcp/reunions/{meeting.public_id}/quorum/"
    assert client.get(quorum, **POLL).status_code == 200
    assert expiry(client) == almost
    # Past the idle timeout with nothing but polls in between: logged out.
    set_expiry(client, timezone.now() - dt.timedelta(seconds=1))
    assert client.get(quorum, **POLL).status_code == 302
    assert client.get("/").status_code == 302


def test_a_click_on_the_session_screen_still_pushes_back_the_idle_timeout(
    meeting: Meeting, coordinator: User
) -> None:
    client = logged_in(coordinator)
    set_expiry(client, timezone.now() + dt.timedelta(minutes=1))
    assert client.get(f"/rcp/reunions/{meeting.public_id}/quorum/").status_code == 200
    assert expiry(client) > timezone.now() + dt.timedelta(minutes=29)
