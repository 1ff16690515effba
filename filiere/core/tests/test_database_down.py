"""Issue 17, faults: PostgreSQL stops answering during a request. The user gets a clear page (503
with Retry-After, no half-written record), and the service recovers by itself once the
database answers again. Any other failure gets the plain 500 page, without a menu that would
read the database."""

from __future__ import annotations

import pytest
from django.db import OperationalError, close_old_connections, connection
from django.test import Client, RequestFactory

from filiere.accounts.models import User
from filiere.core.errors import server_error


def _failed_with(error: Exception) -> tuple[int, str, str | None]:
    request = RequestFactory().get("/")
    try:
        raise error
    except Exception:
        response = server_error(request)
    return response.status_code, response.content.decode(), response.get("Retry-After")


def test_a_database_error_gives_the_503_page() -> None:
    status, body, retry = _failed_with(OperationalError("server closed the connection"))
    assert status == 503
    assert retry == "30"
    assert "La base de données du registre ne répond pas" in body
    assert "reprend de lui-même" in body


def test_any_other_error_gives_the_500_page() -> None:
    status, body, retry = _failed_with(ValueError("boom"))
    assert status == 500
    assert retry is None
    assert "Erreur du serveur" in body
    assert "base de données" not in body


@pytest.mark.django_db(transaction=True)
def test_the_database_going_away_mid_request_and_coming_back(alice: User) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("stops a PostgreSQL server process")
    import psycopg

    client = Client(raise_request_exception=False)
    client.force_login(alice)
    assert client.get("/").status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    settings = connection.settings_dict
    # Another session ends this one, as a restart of PostgreSQL would.
    with psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
        autocommit=True,
    ) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
    down = client.get("/")
    assert down.status_code == 503
    assert down["Retry-After"] == "30"
    assert "ne répond pas" in down.content.decode()
    # What Django does at the end of every request outside tests: a broken connection is
    # dropped, and the next request opens a new one.
    close_old_connections()
    assert client.get("/").status_code == 200
