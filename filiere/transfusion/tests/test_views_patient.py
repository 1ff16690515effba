"""The patient's transfusion page: efficacy, refractoriness alert, trend chart; who sees it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.transfusion.services import PostCountInput
from filiere.transfusion.tests.factories import (
    make_instruction,
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


def _issue_11(patient: Any, **values: Any) -> None:
    """The two transfusions of issue 11 in a 70 kg, 175 cm patient given 3.5 ×10¹¹ after a
    pre-count of 8: CCI 10.0 at 1 h (RTP < 30 %) and 5.0 at 20 h, then 12.6 and 4.6."""
    now = timezone.now()
    for days, one_hour, day in ((6, "27.0", "17.5"), (2, "31.9", "16.7")):
        make_transfusion(
            patient,
            counts=(8, 0, 0),
            ended_at=now - dt.timedelta(days=days),
            label_dose_e11=Decimal("3.5"),
            post_counts=[
                PostCountInput(minutes_after_end=60, count=Decimal(one_hour)),
                PostCountInput(minutes_after_end=20 * 60, count=Decimal(day)),
            ],
            **values,
        )


def _window(html: str, window: str, row: int) -> str:
    """The verdict cell of ``window`` in the ``row``-th line of the table (newest first)."""
    return html.split(f'data-testid="window-{window}"')[row + 1].split("</div>")[0]


def test_issue_11_no_alert_and_each_window_names_the_index_that_failed(
    alice: User, patient: Any, client_for: Login
) -> None:
    """Acceptance criterion of issue 11: no alert under the default (CCI) rule, and the page
    says which index failed in each window."""
    _issue_11(patient)

    html = client_for(alice).get(_url(patient)).content.decode()

    assert 'data-testid="refractoriness"' not in html
    assert "cause immune suspectée" not in html
    newest_1h, newest_24h = _window(html, "1h", 0), _window(html, "24h", 0)
    oldest_1h, oldest_24h = _window(html, "1h", 1), _window(html, "24h", 1)
    assert "efficace" in newest_1h
    assert "non atteint" not in newest_1h
    assert "inefficace" in newest_24h
    assert "CCI 4,6 &lt; 5" in newest_24h
    assert "PI 9 &lt; 10" in newest_24h
    assert "inefficace" not in oldest_1h
    assert "RTP 27 % &lt; 30 %" in oldest_1h  # a woman: 4.9 L of blood, 19 × 4.9 / 3.5
    assert "indices discordants" in oldest_1h
    assert "RTP 13 % &lt; 20 %" in oldest_24h
    assert "CCI 10,0 ≥ 7,5" in html
    assert "CCI 5,0 ≥ 5" in html
    assert "16,7 G/L</strong>, prélevée 20 h après la fin" in html


def test_the_window_is_written_as_a_window_not_a_range(
    alice: User, patient: Any, client_for: Login
) -> None:
    """Issue 11: "10 à 30 min (1 h)" read as a range; the delay and the window are apart."""
    make_transfusion(
        patient,
        counts=(8, 0, 0),
        post_counts=[PostCountInput(minutes_after_end=30, count=Decimal("10"))],
    )
    html = client_for(alice).get(_url(patient)).content.decode()
    assert "10 à 30 min" not in html
    assert "10,0 G/L</strong>, prélevée 30 min après la fin" in html
    assert "fenêtre 1 h (10–60 min après la fin)" in html


def test_unassessable_transfusions_say_so_and_what_is_missing(
    alice: User, patient: Any, client_for: Login
) -> None:
    """Issue 11, defect 5: three transfusions with a 1 h CCI of 0.9–1.4 and no ABO relation or
    product age gave no alert, only "non compté". Now each row says "non évaluable : précisez…"
    and the alert says refractoriness cannot be excluded."""
    now = timezone.now()
    for days, one_hour, missing in (
        (9, "9.7", {"abo_relation": ""}),
        (6, "10.7", {"storage_hours": None}),
        (3, "10.2", {"abo_relation": "", "storage_hours": None}),
    ):
        make_transfusion(
            patient,
            counts=(8, 0, 0),
            ended_at=now - dt.timedelta(days=days),
            label_dose_e11=Decimal("3.5"),
            post_counts=[PostCountInput(minutes_after_end=60, count=Decimal(one_hour))],
            **missing,
        )

    html = client_for(alice).get(_url(patient)).content.decode()

    assert "non compté" not in html
    assert html.count('data-testid="unassessable"') == 3
    assert "précisez la relation ABO du produit, l&#x27;âge du produit" in html
    assert 'data-testid="refractoriness-unassessed"' in html
    assert "État réfractaire non exclu" in html
    panel = client_for(alice).get(f"/patients/{patient.public_id}/").content.decode()
    assert 'data-testid="refractoriness-unassessed"' in panel


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


def _panel(html: str) -> str:
    start = html.index('data-testid="transfusion-panel"')
    return html[start : html.index("</section>", start)]


def test_the_panel_of_a_patient_without_transfusion_record_costs_one_query(
    alice: User, patient: Any, client_for: Login
) -> None:
    client = client_for(alice)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(f"/patients/{patient.public_id}/").content.decode()
    panel = _panel(html)
    assert "<li>0 transfusion enregistrée</li>" in panel
    assert "Typage HLA : —" in panel
    assert "Consigne : aucune" in panel
    transfusion_tables = [
        q["sql"] for q in queries.captured_queries if 'FROM "transfusion_' in q["sql"]
    ]
    assert len(transfusion_tables) == 1


def test_the_panel_shows_the_typing_the_serum_and_the_instruction(
    alice: User, patient: Any, client_for: Login
) -> None:
    instruction = make_instruction(patient)
    make_refractory(patient)
    panel = _panel(client_for(alice).get(f"/patients/{patient.public_id}/").content.decode())
    assert "2 transfusions enregistrées" in panel
    assert "A*02:01 A*24:02 B*44:02" in panel
    assert f"Dernier sérum (SAB) : {patient.antibody_screens.get().serum_date:%d/%m/%Y}" in panel
    assert f"Consigne : v{instruction.version}," in panel
    assert "valable jusqu" in panel


def test_the_patient_page_carries_the_transfusion_panel(
    alice: User, patient: Any, client_for: Login
) -> None:
    make_refractory(patient)
    html = client_for(alice).get(f"/patients/{patient.public_id}/").content.decode()
    assert 'data-testid="transfusion-panel"' in html
    assert _url(patient) in html
    assert "2 transfusions enregistrées" in html
