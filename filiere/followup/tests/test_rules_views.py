"""The follow-up rhythm page: network coordinators only; a change moves the due dates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.test import Client

from filiere.accounts.models import User
from filiere.followup.models import FollowUpRule, FollowUpSchedule
from filiere.followup.tests.helpers import record_visit
from filiere.jobs.models import Job
from filiere.network.models import Centre
from filiere.nomenclature.models import DiseaseGroup
from filiere.patients.models import Diagnosis, Patient

ClientFor = Callable[[User], Client]


def test_only_network_coordinators_open_the_rhythm_page(
    groups: dict[str, DiseaseGroup],
    alice: User,
    charlie: User,
    network_coordinator: User,
    client_for: ClientFor,
) -> None:
    assert client_for(alice).get("/suivi/rythmes/").status_code == 404
    assert client_for(charlie).post("/suivi/rythmes/", {"action": "defaults"}).status_code == 404
    assert not FollowUpRule.objects.exists()
    assert client_for(network_coordinator).get("/suivi/rythmes/").status_code == 200


def test_a_coordinator_installs_the_defaults_then_changes_a_rule(
    groups: dict[str, DiseaseGroup],
    glanzmann: Diagnosis,
    patient_a: Patient,
    centre_a: Centre,
    network_coordinator: User,
    client_for: ClientFor,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    record_visit(patient_a, centre_a, dt.date(2024, 3, 10))
    # Without rules, the default interval applies: no rule behind the due date.
    assert FollowUpSchedule.objects.get().rule is None
    client = client_for(network_coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        installed = client.post("/suivi/rythmes/", {"action": "defaults"})
    assert FollowUpRule.objects.count() > 10
    # The recompute over the registry is not the request's work: the page follows its job.
    refresh = Job.objects.get(kind=Job.Kind.FOLLOWUP_REFRESH)
    assert installed["Location"] == f"/taches/{refresh.public_id}/"
    refresh.refresh_from_db()
    assert refresh.status == Job.Status.DONE
    assert refresh.requested_by == network_coordinator
    # A Glanzmann thrombasthenia is seen every two years (rhythm.DEFAULT_RULES).
    schedule = FollowUpSchedule.objects.select_related("rule__disease_group").get()
    assert schedule.rule is not None
    assert schedule.rule.disease_group.slug == "thrombopathies"
    assert schedule.next_due_on == dt.date(2026, 3, 10)
    # Installed again: nothing to add, no job, back to the rules.
    again = client.post("/suivi/rythmes/", {"action": "defaults"})
    assert again["Location"] == "/suivi/rythmes/"
    assert Job.objects.filter(kind=Job.Kind.FOLLOWUP_REFRESH).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/suivi/rythmes/",
            {
                "action": "save",
                "disease_group": groups["thrombopathies"].pk,
                "severity": "",
                "interval_months": "18",
                "note": "Décision du conseil scientifique",
            },
        )
    # The recompute is a background job: the page opens it to follow its progress.
    job = Job.objects.latest("created_at")
    assert response.status_code == 302
    assert response["Location"] == f"/taches/{job.public_id}/"
    assert FollowUpSchedule.objects.get().next_due_on == dt.date(2025, 9, 10)
    html = client.get("/suivi/rythmes/").content.decode()
    assert "Décision du conseil scientifique" in html
    bad = client.post(
        "/suivi/rythmes/",
        {"action": "save", "disease_group": groups["autres"].pk, "interval_months": "500"},
    )
    assert bad.status_code == 200
    assert FollowUpRule.objects.filter(interval_months=500).count() == 0
    rule = FollowUpRule.objects.get(disease_group=groups["thrombopathies"], severity="")
    client.post("/suivi/rythmes/", {"action": "delete", "rule": str(rule.public_id)})
    assert not FollowUpRule.objects.filter(pk=rule.pk).exists()
