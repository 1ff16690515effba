"""`/metriques/` for Prometheus (issue 17, point 4): request latency by URL pattern and the
jobs' durations, behind a token; no path, identifier or identity in any label."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from filiere.access.actors import SYSTEM
from filiere.jobs.models import Job
from filiere.jobs.services import job_create, job_run
from filiere.patients.models import Patient

pytestmark = pytest.mark.django_db

TOKEN = "jeton-metriques-de-test"
URL = "/metriques/"


def _scrape(client: Client, token: str = TOKEN) -> str:
    response = client.get(URL, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return response.content.decode()


def test_without_a_configured_token_the_page_does_not_exist(client: Client) -> None:
    assert client.get(URL).status_code == 404
    assert client.get(URL, HTTP_AUTHORIZATION="Bearer ").status_code == 404


@override_settings(METRICS_TOKEN=TOKEN)
def test_a_wrong_token_is_refused(client: Client) -> None:
    assert client.get(URL).status_code == 404
    assert client.get(URL, HTTP_AUTHORIZATION="Bearer autre-chose").status_code == 404


@override_settings(METRICS_TOKEN=TOKEN)
def test_request_durations_are_labelled_by_url_pattern_never_by_path(
    client: Client, patient_a: Patient
) -> None:
    path = f"/patients/{patient_a.public_id}/"
    assert client.get(path).status_code == 302  # anonymous: sent to the login page
    body = _scrape(client)
    assert (
        'filiere_request_duration_seconds_count{method="GET",'
        'route="/patients/<uuid:public_id>/",status="302"}'
    ) in body
    assert str(patient_a.public_id) not in body
    assert patient_a.pseudonym not in body


@override_settings(METRICS_TOKEN=TOKEN)
def test_job_states_and_durations_come_from_the_job_records(client: Client) -> None:
    done = job_create(actor=SYSTEM, kind=Job.Kind.FOLLOWUP_REFRESH)
    job_run(job_id=done.public_id, work=lambda progress: {"patients": 0})
    job_create(actor=SYSTEM, kind=Job.Kind.FOLLOWUP_REFRESH)
    body = _scrape(client)
    assert 'filiere_jobs{kind="followup_refresh",status="done"} 1.0' in body
    assert 'filiere_jobs{kind="followup_refresh",status="queued"} 1.0' in body
    assert (
        'filiere_job_duration_seconds_bucket{kind="followup_refresh",le="1.0",status="done"} 1.0'
    ) in body
    assert 'filiere_job_duration_seconds_count{kind="followup_refresh",status="done"} 1.0' in body
