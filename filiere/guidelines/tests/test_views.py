"""The PNDS pages and the plan's board: what each persona sees and posts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from filiere.access.actors import SYSTEM
from filiere.accounts.models import User
from filiere.guidelines import services
from filiere.guidelines.models import GuidelineProject, PlanAction
from filiere.guidelines.services import MemberEntry
from filiere.guidelines.tests.factories import make_action, make_group, make_project

pytestmark = pytest.mark.django_db
Status = GuidelineProject.Status


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_timeline_flags_a_late_project(alice: User, nomenclature: None) -> None:
    project = make_project(coordinators=[alice])
    GuidelineProject.objects.filter(pk=project.pk).update(
        target_date=timezone.localdate() - dt.timedelta(days=30)
    )
    make_project(title="Dans les temps")
    page = _client(alice).get(reverse("guidelines:index")).content.decode()
    assert page.count('data-testid="pnds-line"') == 2
    assert page.count('data-testid="overdue"') == 1
    assert 'aria-current="step"' in page


def test_the_timeline_s_query_count_does_not_grow_with_projects(
    alice: User, nomenclature: None
) -> None:
    client = _client(alice)
    make_project(coordinators=[alice])
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("guidelines:index"))
    for n in range(4):
        make_project(coordinators=[alice], title=f"PNDS {n}")
    with CaptureQueriesContext(connection) as five:
        client.get(reverse("guidelines:index"))
    assert len(five) == len(one)


def test_a_coordinator_moves_her_project_back_only_with_a_reason(
    alice: User, nomenclature: None
) -> None:
    project = make_project(coordinators=[alice], status=Status.REVIEW)
    client = _client(alice)
    url = reverse("guidelines:project_status", args=[project.public_id])
    response = client.post(url, {"status": Status.DRAFTING, "reason": ""}, follow=True)
    assert "Motif" in response.content.decode()
    project.refresh_from_db()
    assert project.status == Status.REVIEW
    client.post(url, {"status": Status.SUBMITTED})
    project.refresh_from_db()
    assert project.status == Status.SUBMITTED


def test_a_duplicate_group_number_shows_beside_the_field(alice: User, nomenclature: None) -> None:
    project = make_project(coordinators=[alice])
    make_group(project, 1)
    response = _client(alice).post(
        reverse("guidelines:group_create", args=[project.public_id]),
        {"number": "1", "title": "GT bis", "lead": "Dr X", "members": "Dr Y ; interniste"},
    )
    assert response.status_code == 200
    assert "ce projet a déjà un groupe n° 1" in response.content.decode()
    assert project.groups.count() == 1


def test_the_network_coordinator_creates_a_project_and_a_past_target_is_refused(
    network_coordinator: User, alice: User, nomenclature: None
) -> None:
    client = _client(network_coordinator)
    data = {
        "title": "PNDS Glanzmann",
        "diseases": "ORPHA:849",
        "coordinators": [str(alice.pk)],
        "target_date": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
        "led_by_network": "1",
    }
    response = client.post(reverse("guidelines:project_create"), data)
    assert "Date cible" in response.content.decode()
    assert not GuidelineProject.objects.exists()
    data["target_date"] = (timezone.localdate() + dt.timedelta(days=100)).isoformat()
    response = client.post(reverse("guidelines:project_create"), data)
    assert response.status_code == 302
    assert list(GuidelineProject.objects.get().coordinators.all()) == [alice]


def test_the_board_has_a_column_per_status_and_filters_by_owner(
    alice: User, network_coordinator: User
) -> None:
    make_action(alice, "1.1", status=PlanAction.Status.DONE)
    make_action(network_coordinator, "1.2", status=PlanAction.Status.TO_START)
    client = _client(alice)
    page = client.get(reverse("guidelines:plan")).content.decode()
    for status in PlanAction.Status.values:
        assert f'data-testid="column-{status}"' in page
    assert page.count('data-testid="plan-card"') == 2
    filtered = client.get(reverse("guidelines:plan"), {"pilote": str(alice.public_id)})
    assert filtered.content.decode().count('data-testid="plan-card"') == 1


def test_an_outsider_is_sent_to_the_login_page(nomenclature: None) -> None:
    project = make_project()
    for url in (
        reverse("guidelines:index"),
        reverse("guidelines:plan"),
        reverse("guidelines:project", args=[project.public_id]),
    ):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_a_project_s_page_shows_its_groups_meetings_versions_and_history(
    alice: User, nomenclature: None
) -> None:
    met, written = timezone.localdate() - dt.timedelta(days=40), timezone.localdate()
    project = make_project(coordinators=[alice], external_coordinators="Pr Jean Externe")
    group = make_group(
        project, 3, lead="Dr Inès Garnier", members=[MemberEntry("Mme Roux", "représentante")]
    )
    services.group_meeting_add(
        actor=SYSTEM,
        group=group,
        held_on=met,
        attendees="Dr Garnier, Mme Roux",
        minutes="Chapitre grossesse relu.",
    )
    services.version_add(actor=SYSTEM, project=project, label="v2 relecture", dated=written)
    services.project_status_change(actor=alice, project=project, status=Status.DRAFTING)
    page = _client(alice).get(reverse("guidelines:project", args=[project.public_id]))
    text = page.content.decode()
    assert "Pr Jean Externe" in text
    assert alice.get_full_name() in text
    assert "GT3 — " in text
    assert "responsable : Dr Inès Garnier" in text
    assert "Mme Roux — représentante" in text
    assert f"Réunion du {met:%d/%m/%Y}" in text
    assert "Chapitre grossesse relu." in text
    assert f"<td>v2 relecture</td><td>{written:%d/%m/%Y}</td>" in text
    assert text.count("<tr><td>") >= 3  # two steps in the history, one version
    assert 'data-testid="status-form"' in text
