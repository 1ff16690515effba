"""A refresh started from the rules page is followed on its job's page: progress polled by htmx
while it runs, its counts once done; only the person who asked (and an administrator) sees it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.followup.models import FollowUpSchedule
from filiere.jobs.models import Job
from filiere.network.models import Centre
from filiere.patients.models import Patient
from filiere.testing.factories import make_user

ClientFor = Callable[[User], Client]


@pytest.fixture
def started(
    patient_a: Patient,
    network_coordinator: User,
    client_for: ClientFor,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> Job:
    """The coordinator's refresh, run (eagerly) once its job is recorded, a schedule lost."""
    FollowUpSchedule.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(network_coordinator).post("/suivi/rythmes/", {"action": "refresh"})
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/taches/{job.public_id}/"
    return job


def test_the_refresh_started_from_the_page_runs_and_reports_its_counts(
    started: Job, patient_a: Patient, network_coordinator: User, client_for: ClientFor
) -> None:
    started.refresh_from_db()
    assert started.status == Job.Status.DONE
    assert started.requested_by == network_coordinator
    assert (started.done, started.total) == (1, 1)
    assert started.result == {"created": 1, "updated": 0, "deleted": 0}
    assert FollowUpSchedule.objects.filter(patient=patient_a).exists()
    html = client_for(network_coordinator).get(f"/taches/{started.public_id}/").content.decode()
    assert "Terminée" in html
    assert "Créées</dt><dd>1</dd>" in html
    assert "hx-trigger" not in html  # finished: nothing left to poll
    # The way back to the rules page the refresh was asked from.
    assert 'href="/suivi/rythmes/" data-testid="job-back"' in html


def test_asking_and_finishing_are_in_the_audit_trail(
    started: Job, network_coordinator: User
) -> None:
    events = AuditEvent.objects.filter(object_id=str(started.public_id)).order_by("pk")
    assert [(e.action, e.actor_id) for e in events] == [
        (AuditEvent.Action.CREATE, network_coordinator.pk),
        (AuditEvent.Action.UPDATE, None),
    ]


def test_a_running_job_is_polled_and_htmx_gets_the_progress_alone(
    network_coordinator: User, client_for: ClientFor
) -> None:
    job = Job.objects.create(
        kind=Job.Kind.FOLLOWUP_REFRESH,
        status=Job.Status.RUNNING,
        done=2000,
        total=6000,
        requested_by=network_coordinator,
    )
    client = client_for(network_coordinator)
    page = client.get(f"/taches/{job.public_id}/").content.decode()
    assert 'hx-trigger="every 2s"' in page
    assert "X-Filiere-Poll" in page
    assert "2000 / 6000" in page
    fragment = client.get(
        f"/taches/{job.public_id}/", headers={"HX-Request": "true", "X-Filiere-Poll": "1"}
    ).content.decode()
    assert fragment.lstrip().startswith('<div id="job-progress"')
    assert "<html" not in fragment


def test_only_the_person_who_asked_and_an_administrator_see_the_job(
    started: Job,
    alice: User,
    charlie: User,
    centre_a: Centre,
    client_for: ClientFor,
) -> None:
    url = f"/taches/{started.public_id}/"
    assert client_for(alice).get(url).status_code == 404
    assert client_for(charlie).get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to the login page
    admin = make_user(email="admin@filiere.test", is_staff=True)
    assert client_for(admin).get(url).status_code == 200
    refused = AuditEvent.objects.filter(
        action=AuditEvent.Action.ACCESS_DENIED, object_id=str(started.public_id)
    )
    assert refused.count() == 2


def test_alice_cannot_start_a_refresh(alice: User, client_for: ClientFor) -> None:
    assert client_for(alice).post("/suivi/rythmes/", {"action": "refresh"}).status_code == 404
    assert not Job.objects.exists()
