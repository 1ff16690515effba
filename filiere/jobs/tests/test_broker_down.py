"""Faults (issue 17): with the job broker (Redis) down, the page that starts a job still
answers — the job waits « en attente » and is sent again once the broker is back — and nothing
half-written is left behind."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client

from filiere.accounts.models import User
from filiere.jobs.models import Job
from filiere.jobs.queue import app
from filiere.jobs.services import jobs_resend_waiting
from filiere.patients.models import Patient

ClientFor = Callable[[User], Client]
# Nothing listens on port 1: the broker is "down".
DOWN = "redis://127.0.0.1:1/0"


def _new_connections() -> None:
    """Forget the producer connections made with the previous broker address (kombu keeps a
    pool per address: the other address's pool is left as it is, open)."""
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker_down() -> Iterator[None]:
    saved = (app.conf.CELERY_TASK_ALWAYS_EAGER, app.conf.CELERY_BROKER_URL)
    app.conf.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.CELERY_BROKER_URL = DOWN
    _new_connections()
    try:
        yield
    finally:
        app.conf.CELERY_TASK_ALWAYS_EAGER, app.conf.CELERY_BROKER_URL = saved
        _new_connections()


@pytest.mark.django_db
def test_a_job_asked_for_while_the_broker_is_down_waits_and_the_page_answers(
    broker_down: None,
    patient_a: Patient,
    network_coordinator: User,
    client_for: ClientFor,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    client = client_for(network_coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/suivi/rythmes/", {"action": "refresh"}, follow=True)
    assert response.status_code == 200
    job = Job.objects.get()
    assert job.status == Job.Status.QUEUED
    assert "file d'attente est indisponible" in response.content.decode()


@pytest.mark.django_db
def test_a_waiting_job_is_sent_again_and_runs_once_the_broker_is_back(
    broker_down: None,
    patient_a: Patient,
    network_coordinator: User,
    client_for: ClientFor,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client_for(network_coordinator).post("/suivi/rythmes/", {"action": "refresh"})
    job = Job.objects.get()
    assert jobs_resend_waiting(older_than_minutes=0) == 0  # still down: nothing sent
    app.conf.CELERY_TASK_ALWAYS_EAGER = True  # the broker is back (run here, eagerly)
    assert jobs_resend_waiting(older_than_minutes=0) == 1
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert jobs_resend_waiting(older_than_minutes=0) == 0
