"""Session lifetime: 30 minutes idle, 12 hours in all, logout ends it on the server."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from filiere.accounts.models import User
from filiere.accounts.services import user_deactivate
from filiere.audit.models import AuditEvent
from filiere.core.middleware import SESSION_STARTED_AT
from filiere.testing.factories import PASSWORD, fresh_totp_code

pytestmark = pytest.mark.django_db


def logged_in(user: User) -> Client:
    client = Client()
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    client.post("/accounts/2fa/authenticate/", {"code": fresh_totp_code()})
    assert client.get("/").status_code == 200
    return client


def session_of(client: Client) -> Session:
    return Session.objects.get(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value)


def test_idle_timeout_is_thirty_minutes_and_pushed_back_by_activity(alice: User) -> None:
    client = logged_in(alice)
    expires = session_of(client).expire_date
    assert dt.timedelta(minutes=29) < expires - timezone.now() <= dt.timedelta(minutes=30)


def test_a_page_within_a_minute_of_the_last_push_does_not_write_the_session(
    alice: User,
) -> None:
    """Seen under load: every page wrote its session back (an UPDATE and a commit each)."""
    client = logged_in(alice)
    pushed = timezone.now() + settings.SESSION_IDLE_TIMEOUT - dt.timedelta(seconds=20)
    Session.objects.filter(pk=session_of(client).pk).update(expire_date=pushed)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    assert session_of(client).expire_date == pushed
    writes = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith("SELECT")]
    assert not [sql for sql in writes if "django_session" in sql]
    assert "Cookie" in client.get("/")["Vary"]


def test_a_page_a_minute_after_the_last_push_pushes_the_expiry_back(alice: User) -> None:
    client = logged_in(alice)
    pushed = timezone.now() + settings.SESSION_IDLE_TIMEOUT - dt.timedelta(seconds=70)
    Session.objects.filter(pk=session_of(client).pk).update(expire_date=pushed)
    assert client.get("/").status_code == 200
    expires = session_of(client).expire_date - timezone.now()
    assert settings.SESSION_IDLE_TIMEOUT - dt.timedelta(seconds=5) < expires


def test_an_idle_session_past_its_expiry_is_refused(alice: User) -> None:
    client = logged_in(alice)
    Session.objects.filter(pk=session_of(client).pk).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_session_older_than_twelve_hours_ends_even_when_active(alice: User) -> None:
    client = logged_in(alice)
    session = client.session
    session[SESSION_STARTED_AT] = (timezone.now() - dt.timedelta(hours=12, minutes=1)).isoformat()
    session.save()
    response = client.get("/")
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="session_expired").count() == 1
    assert client.get("/").status_code == 302


def test_logout_deletes_the_session_on_the_server(alice: User) -> None:
    client = logged_in(alice)
    old_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post("/accounts/logout/")
    assert not Session.objects.filter(session_key=old_key).exists()
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = old_key
    assert replay.get("/").status_code == 302
    assert AuditEvent.objects.filter(action="logout").count() == 1


def test_logout_needs_a_post(alice: User) -> None:
    client = logged_in(alice)
    client.get("/accounts/logout/")
    assert client.get("/").status_code == 200


def test_login_issues_a_new_session_id(alice: User) -> None:
    """OWASP ASVS v5.0.0-7.2.4: no session fixation."""
    client = Client()
    client.get("/accounts/login/")
    session = client.session
    session["marker"] = "avant"
    session.save()
    before = session.session_key
    client.post("/accounts/login/", {"login": alice.email, "password": PASSWORD})
    client.post("/accounts/2fa/authenticate/", {"code": fresh_totp_code()})
    assert client.cookies[settings.SESSION_COOKIE_NAME].value != before


def test_deactivating_an_account_ends_all_its_sessions(alice: User, auditor: User) -> None:
    desk, laptop = logged_in(alice), Client()
    laptop.force_login(alice)
    user_deactivate(actor=auditor, user=alice)
    assert desk.get("/").status_code == 302
    assert laptop.get("/").status_code == 302
