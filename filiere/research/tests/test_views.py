"""The research extracts' pages: who sees what, who decides, who downloads (once)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.jobs.models import OutgoingMail
from filiere.research.models import ResearchRequest, Variable
from filiere.research.tests.conftest import Cohort
from filiere.testing.research import make_research_request

pytestmark = pytest.mark.django_db
Status = ResearchRequest.Status
ClientFor = Callable[[User], Client]


def _url(name: str, request: ResearchRequest) -> str:
    return reverse(name, kwargs={"request_id": request.public_id})


def test_the_list_shows_a_requester_her_own_and_an_approver_all_pending_first(
    researcher: User, alice: User, network_coordinator: User, client_for: ClientFor
) -> None:
    mine = make_research_request(researcher)
    # Decided already: after the one still awaiting a decision, though more recent.
    ResearchRequest.objects.filter(pk=mine.pk).update(
        status=Status.REFUSED, decided_by=network_coordinator, decided_at=timezone.now()
    )
    hers = make_research_request(alice)
    ResearchRequest.objects.filter(pk=hers.pk).update(
        protocol_title="Protocole Alice", created_at=timezone.now() - dt.timedelta(days=3)
    )
    page = client_for(researcher).get(reverse("research:list")).content.decode()
    assert mine.protocol_title in page
    assert "Protocole Alice" not in page
    page = client_for(network_coordinator).get(reverse("research:list")).content.decode()
    assert page.index("Protocole Alice") < page.index(mine.protocol_title)


def test_an_outsider_gets_404(researcher: User, charlie: User, client_for: ClientFor) -> None:
    request = make_research_request(researcher)
    client = client_for(charlie)
    assert client.get(_url("research:detail", request)).status_code == 404
    assert client.post(_url("research:download", request)).status_code == 404
    assert client.post(_url("research:decide", request), {"decision": "approve"}).status_code == 404
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ACCESS_DENIED).count() == 3


def test_a_clinician_cannot_approve_not_even_her_own_request(
    researcher: User, client_for: ClientFor
) -> None:
    request = make_research_request(researcher)
    response = client_for(researcher).post(
        _url("research:decide", request), {"decision": "approve", "note": ""}
    )
    assert response.status_code == 404
    request.refresh_from_db()
    assert request.status == Status.SUBMITTED
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE).exists()


def test_a_small_cohort_is_refused_on_the_form(
    researcher: User, nomenclature: None, client_for: ClientFor
) -> None:
    """No patient has the disease yet: the field is named, nothing is written."""
    response = client_for(researcher).post(
        reverse("research:request_create"),
        {
            "form_token": str(uuid.uuid4()),
            "protocol_title": "Étude",
            "protocol_summary": "Résumé",
            "ethics_reference": "MR-004",
            "variables": [Variable.SEX],
            "orpha_codes": "ORPHA:849",
        },
    )
    assert response.status_code == 200
    assert "Codes ORPHA : ce filtre retient moins de 5 patients" in response.content.decode()
    assert ResearchRequest.objects.count() == 0


def test_request_approval_and_one_download(
    cohort: Cohort,
    researcher: User,
    network_coordinator: User,
    client_for: ClientFor,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    requester = client_for(researcher)
    response = requester.post(
        reverse("research:request_create"),
        {
            "form_token": str(uuid.uuid4()),
            "protocol_title": "Glanzmann en France",
            "protocol_summary": "Histoire naturelle.",
            "ethics_reference": "CPP Sud-Méditerranée 2026-12",
            "variables": [Variable.SEX, Variable.AGE_GROUP],
            "orpha_codes": "ORPHA:849",
        },
    )
    assert response.status_code == 302
    request = ResearchRequest.objects.get()
    assert response["Location"] == _url("research:detail", request)
    approver = client_for(network_coordinator)
    page = approver.get(_url("research:detail", request)).content.decode()
    assert 'data-testid="research-decision"' in page
    with django_capture_on_commit_callbacks() as asked:
        response = approver.post(_url("research:decide", request), {"decision": "approve"})
    assert response.status_code == 302
    # The worker produces the extract; meanwhile the page says so, and polls.
    page = requester.get(_url("research:detail", request)).content.decode()
    assert 'data-testid="research-production"' in page
    assert 'hx-trigger="every 2s"' in page
    assert 'data-testid="research-download"' not in page
    for callback in asked:
        callback()
    told = OutgoingMail.objects.get(kind="research.extract_ready")
    assert told.recipients == [researcher.email]
    assert _url("research:detail", request) in told.body
    # Only the requester downloads: not the approver.
    assert approver.post(_url("research:download", request)).status_code == 404
    page = requester.get(_url("research:detail", request)).content.decode()
    assert 'data-testid="research-download"' in page
    response = requester.post(_url("research:download", request))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content.decode("utf-8").startswith("\ufeffpseudonyme_extraction;sexe;")
    again = requester.post(_url("research:download", request), follow=True)
    assert "déjà été téléchargée" in again.content.decode()


def test_a_second_decision_is_refused_with_a_message(
    researcher: User, network_coordinator: User, client_for: ClientFor
) -> None:
    request = make_research_request(researcher)
    client = client_for(network_coordinator)
    decide = _url("research:decide", request)
    assert client.post(decide, {"decision": "refuse", "note": "Hors filière."}).status_code == 302
    response = client.post(decide, {"decision": "approve"})
    assert response.status_code == 200
    assert "Cette demande a déjà été décidée (Refusée)." in response.content.decode()
    request.refresh_from_db()
    assert request.status == Status.REFUSED


def test_the_list_reads_as_many_queries_for_one_request_as_for_five(
    researcher: User, network_coordinator: User, client_for: ClientFor
) -> None:
    client = client_for(network_coordinator)
    make_research_request(researcher)
    client.get(reverse("research:list"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("research:list"))
    for _ in range(4):
        make_research_request(researcher)
    with CaptureQueriesContext(connection) as five:
        assert client.get(reverse("research:list")).content.decode().count("<tr>") == 6
    assert len(five.captured_queries) == len(one.captured_queries)


def test_the_home_card_shows_to_requesters_and_approvers_only(
    researcher: User, network_coordinator: User, auditor: User, client_for: ClientFor
) -> None:
    url = reverse("research:list")
    assert url in client_for(researcher).get(reverse("home")).content.decode()
    assert url in client_for(network_coordinator).get(reverse("home")).content.decode()
    assert url not in client_for(auditor).get(reverse("home")).content.decode()
