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
    client = client_for(network_coordinator)
    assert client.post("/suivi/rythmes/", {"action": "defaults"}).status_code == 302
    assert FollowUpRule.objects.count() > 10
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
