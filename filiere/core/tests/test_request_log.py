"""Issue 17, build 4: production logs are one JSON object a line, each request's line carries its
id, its user's primary key, the URL pattern, the status and the duration — and no line ever
carries a patient's identity trait or a user's e-mail, whatever pages the clinician opens."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client, override_settings

from filiere.accounts.models import User
from filiere.core.logs import JsonFormatter
from filiere.identity.services import INS_NIR_OID
from filiere.lib.identifiers import nir_key
from filiere.network.models import Centre
from filiere.patients.models import Patient
from filiere.testing.factories import make_patient

pytestmark = pytest.mark.django_db

ClientFor = Callable[[User], Client]
FIELDS = {"time", "level", "logger", "message", "request_id", "user_id"}
REQUEST_FIELDS = {"method", "path", "status", "duration_ms"}
BIRTH_DATE = dt.date(2012, 4, 2)
# A woman (2) born in April 2012 (12 04), in the Bouches-du-Rhône (13 055), birth number 123.
NIR13 = "2120413055123"
INS = NIR13 + f"{nir_key(NIR13):02d}"


@pytest.fixture
def logs() -> Iterator[io.StringIO]:
    """Everything the application's console handler writes during the test."""
    (console,) = {
        handler
        for logger in (logging.getLogger(), logging.getLogger("django.request"))
        for handler in logger.handlers
        if isinstance(handler, logging.StreamHandler) and handler.name == "console"
    }
    # Without DEBUG (as in production and in these tests) the console writes JSON.
    assert isinstance(console.formatter, JsonFormatter)
    stream = io.StringIO()
    previous = console.setStream(stream)
    try:
        yield stream
    finally:
        console.setStream(previous)


def _lines(stream: io.StringIO) -> list[dict[str, Any]]:
    # json.loads fails the test on a line that is not one JSON object.
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def _request_lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [line for line in _lines(stream) if line["logger"] == "filiere.request"]


@pytest.fixture
def identified_patient(centre_a: Centre, nomenclature: None) -> Patient:
    patient: Patient = make_patient(
        centre_a,
        birth_name="Quinzelaire",
        birth_first_names="Ysoline Maëlle",
        first_given_name="Ysoline",
        used_name="Vandermeersch",
        birth_date=BIRTH_DATE,
        sex="F",
        ins_matricule=INS,
        ins_oid=INS_NIR_OID,
    )
    return patient


def test_a_clinician_browsing_a_patient_leaves_json_lines_without_identity_traits(
    alice: User, identified_patient: Patient, client_for: ClientFor, logs: io.StringIO
) -> None:
    client = client_for(alice)
    patient_id = identified_patient.public_id
    responses = [
        client.get("/"),
        client.get("/patients/"),
        client.get(client.post("/patients/", {"q": "Quinzelaire Ysoline"})["Location"]),
        client.get(f"/patients/{patient_id}/"),
        client.get(f"/suivi/patients/{patient_id}/"),
        client.get(f"/api/v1/patients/{patient_id}"),
        client.get(f"/api/v1/patients/{patient_id}/identite"),
        client.post(
            "/api/v1/patients/recherche", {"q": "Quinzelaire"}, content_type="application/json"
        ),
        client.get("/patients/00000000-0000-0000-0000-000000000000/"),
    ]
    # The pages did show the identity: what follows is not an absence of data to hide.
    assert "Quinzelaire" in responses[3].content.decode()
    assert responses[6].json()["ins_matricule"] == INS
    assert [r.status_code for r in responses][-1] == 404

    lines = _request_lines(logs)
    assert len(lines) == len(responses) + 1  # the search's POST before its redirect
    for line in _lines(logs):
        assert set(line) >= FIELDS, line
    for line in lines:
        assert set(line) >= REQUEST_FIELDS, line
        assert line["user_id"] == alice.pk
        assert re.fullmatch(r"[0-9a-f]{32}", line["request_id"])
        assert isinstance(line["duration_ms"], float)
        assert line["duration_ms"] >= 0
    by_id = {line["request_id"]: line for line in lines}
    for response in responses:
        line = by_id[response["X-Request-ID"]]
        assert line["status"] == response.status_code
        assert line["method"] == response.request["REQUEST_METHOD"]
    assert by_id[responses[3]["X-Request-ID"]]["path"] == "/patients/<uuid:public_id>/"

    text = logs.getvalue()
    lowered = text.lower()
    for name in ("Quinzelaire", "Ysoline", "Maëlle", "Vandermeersch", "Durand", "Alice"):
        assert name.lower() not in lowered, name
    assert alice.email.lower() not in lowered
    assert "@" not in text
    assert INS not in re.sub(r"[\s.-]", "", text)
    assert NIR13 not in re.sub(r"[\s.-]", "", text)
    birth_dates = (
        "2012-04-02",
        "02/04/2012",
        "2/4/2012",
        "02.04.2012",
        "02-04-2012",
        "20120402",
        "02042012",
        "2 avril 2012",
        "02 avril 2012",
        "2 avr. 2012",
        "april 2, 2012",
    )
    for written in birth_dates:
        assert written not in lowered, written


def test_lines_written_while_serving_carry_the_request_id(
    alice: User, client_for: ClientFor, logs: io.StringIO
) -> None:
    """A line logged by a view (here Django's own error for a 500) has the request's id."""
    client = client_for(alice)
    client.raise_request_exception = False
    with override_settings(ROOT_URLCONF="filiere.core.tests.failing_urls"):
        response = client.get("/en-panne/")
    assert response.status_code == 500
    lines = [line for line in _lines(logs) if line["request_id"] == response["X-Request-ID"]]
    assert {line["logger"] for line in lines} == {"django.request", "filiere.request"}
    error = next(line for line in lines if line["logger"] == "django.request")
    assert error["level"] == "ERROR"
    assert error["user_id"] == alice.pk
    assert "RuntimeError" in error["exception"]


def test_an_anonymous_request_is_logged_without_a_user(client: Client, logs: io.StringIO) -> None:
    response = client.get("/sante/")
    (line,) = _request_lines(logs)
    assert line["user_id"] is None
    assert line["path"] == "/sante/"
    assert line["request_id"] == response["X-Request-ID"]


def test_a_path_no_route_serves_is_not_written(client: Client, logs: io.StringIO) -> None:
    """What a client typed is not logged: it may be a name, or a secret link's token."""
    client.get("/rcp/invitation/jeton-secret-tape-sans-barre")
    client.get("/Quinzelaire/")
    assert "jeton-secret" not in logs.getvalue()
    assert "Quinzelaire" not in logs.getvalue()
    assert all(line["path"] is None for line in _request_lines(logs))


def test_the_request_id_of_a_client_is_ignored_without_a_proxy(
    client: Client, logs: io.StringIO
) -> None:
    response = client.get("/sante/", headers={"X-Request-ID": "choisi-par-le-client"})
    assert response["X-Request-ID"] != "choisi-par-le-client"
    assert "choisi-par-le-client" not in logs.getvalue()


@override_settings(BEHIND_PROXY=True, TRUSTED_PROXY_COUNT=1)
def test_behind_the_proxy_its_request_id_is_kept(client: Client, logs: io.StringIO) -> None:
    given = "0123456789abcdef0123456789abcdef"
    response = client.get("/sante/", headers={"X-Request-ID": given})
    assert response["X-Request-ID"] == given
    assert _request_lines(logs)[0]["request_id"] == given


@override_settings(BEHIND_PROXY=True, TRUSTED_PROXY_COUNT=1)
def test_a_request_id_that_could_forge_a_log_is_replaced(client: Client, logs: io.StringIO) -> None:
    forged = 'x", "user_id": 1, "y": "'
    response = client.get("/sante/", headers={"X-Request-ID": forged})
    assert response["X-Request-ID"] != forged
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
