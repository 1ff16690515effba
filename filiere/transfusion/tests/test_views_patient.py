"""The patient's transfusion page: efficacy, refractoriness alert, trend chart; who sees it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.transfusion.tests.factories import (
    make_refractory,
    make_transfusion,
    record_screen,
    record_typing,
)

pytestmark = pytest.mark.django_db

Login = Callable[[User], Client]


def _url(patient: Any) -> str:
    return reverse("transfusion:patient", kwargs={"public_id": patient.public_id})


def test_alice_sees_each_transfusion_verdict_and_the_refractoriness_alert(
    alice: User, patient: Any, client_for: Login
) -> None:
    make_transfusion(patient, counts=(10, 45, 35), ended_at=timezone.now() - dt.timedelta(days=9))
    make_refractory(patient)
    record_typing(patient)
    record_screen(patient)

    response = client_for(alice).get(_url(patient))

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('data-testid="verdict"') == 3
    assert "efficace" in html
    assert "inefficace" in html
    assert 'data-testid="refractoriness"' in html
    assert "cause immune suspectée" in html
    assert "anti-HPA" in html  # a test to order
    assert "A*02:01 A*24:02 B*44:02" in html
    assert "contrôles conformes" in html


def test_the_trend_chart_uses_a_json_script_and_a_static_file_only(
    alice: User, patient: Any, client_for: Login
) -> None:
    make_refractory(patient)
    html = client_for(alice).get(_url(patient)).content.decode()
    assert '<script id="transfusion-chart-data" type="application/json">' in html
    assert "filiere/transfusion-chart.js" in html
    assert "vendor/chartjs/chart.umd.min.js" in html
    # Every other script tag has a src: the CSP forbids inline code.
    scripts = html.split("<script")[1:]
    assert all("src=" in s.split(">")[0] or "application/json" in s.split(">")[0] for s in scripts)


def test_no_alert_without_refractoriness(alice: User, patient: Any, client_for: Login) -> None:
    make_transfusion(patient, counts=(10, 45, 35))
    html = client_for(alice).get(_url(patient)).content.decode()
    assert 'data-testid="refractoriness"' not in html


def test_reading_the_page_is_audited(alice: User, patient: Any, client_for: Login) -> None:
    client_for(alice).get(_url(patient))
    event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW, actor=alice)
    assert event.patient_id == patient.public_id
    assert "suivi transfusionnel" in event.summary


def test_julien_specialist_of_the_region_sees_the_page(
    julien: User, patient: Any, client_for: Login
) -> None:
    assert client_for(julien).get(_url(patient)).status_code == 200


@pytest.mark.parametrize("outsider", ["charlie", "victor"])
def test_outsiders_get_404_recorded(
    outsider: str, patient: Any, client_for: Login, request: pytest.FixtureRequest
) -> None:
    user = request.getfixturevalue(outsider)
    assert client_for(user).get(_url(patient)).status_code == 404
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ACCESS_DENIED, actor=user).exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.VIEW, actor=user).exists()


def test_the_patient_page_carries_the_transfusion_panel(
    alice: User, patient: Any, client_for: Login
) -> None:
    make_refractory(patient)
    html = client_for(alice).get(f"/patients/{patient.public_id}/").content.decode()
    assert 'data-testid="transfusion-panel"' in html
    assert _url(patient) in html
    assert "2 transfusions enregistrées" in html
