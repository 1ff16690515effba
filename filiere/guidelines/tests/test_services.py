"""The PNDS and action-plan services: what they record, and the input they refuse with a French
message naming the field, writing nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from filiere.access.actors import SYSTEM
from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.guidelines import services
from filiere.guidelines.models import (
    GroupMeeting,
    GuidelineProject,
    PlanAction,
    StatusChange,
    WorkingGroup,
)
from filiere.guidelines.services import MemberEntry
from filiere.guidelines.tests.factories import make_action, make_group, make_project

pytestmark = pytest.mark.django_db
Status = GuidelineProject.Status


def test_a_new_project_starts_its_history_with_its_first_step(
    alice: User, nomenclature: None
) -> None:
    project = make_project(coordinators=[alice], disease_codes=["ORPHA:71290", "ORPHA:906"])
    assert project.status == Status.PREPARATION
    assert [c.status for c in project.status_changes.all()] == [Status.PREPARATION]
    assert sorted(d.code for d in project.diseases.all()) == [906, 71290]
    assert list(project.coordinators.all()) == [alice]
    assert AuditEvent.objects.filter(object_id=str(project.public_id)).exists()


def test_a_target_date_in_the_past_is_refused_for_a_new_project(nomenclature: None) -> None:
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        make_project(target_date=yesterday)
    assert "Date cible" in refused.value.message_dict["target_date"][0]
    assert not GuidelineProject.objects.exists()


def test_an_unknown_orpha_code_and_a_missing_coordinator_are_named(nomenclature: None) -> None:
    with pytest.raises(ValidationError) as refused:
        make_project(disease_codes=["ORPHA:99999999"], external_coordinators="")
    errors = refused.value.message_dict
    assert "Maladies" in errors["diseases"][0]
    assert "Coordonnateurs" in errors["coordinators"][0]
    assert not GuidelineProject.objects.exists()


def test_a_participation_names_the_other_network(nomenclature: None) -> None:
    with pytest.raises(ValidationError) as refused:
        make_project(led_by_network=False, other_network=" ")
    assert "Filière porteuse" in refused.value.message_dict["other_network"][0]
    project = make_project(led_by_network=False, other_network="MaRIH")
    assert project.other_network == "MaRIH"


def test_moving_forward_is_kept_with_date_and_author(alice: User, nomenclature: None) -> None:
    project = make_project(coordinators=[alice])
    services.project_status_change(actor=alice, project=project, status=Status.DRAFTING)
    services.project_status_change(actor=alice, project=project, status=Status.SUBMITTED)
    history = list(StatusChange.objects.filter(project=project).order_by("changed_at", "pk"))
    assert [c.status for c in history] == [Status.PREPARATION, Status.DRAFTING, Status.SUBMITTED]
    assert history[-1].changed_by == alice
    project.refresh_from_db()
    assert project.status == Status.SUBMITTED


def test_a_step_backwards_needs_its_reason(alice: User, nomenclature: None) -> None:
    project = make_project(coordinators=[alice])
    services.project_status_change(actor=alice, project=project, status=Status.REVIEW)
    with pytest.raises(ValidationError) as refused:
        services.project_status_change(actor=alice, project=project, status=Status.DRAFTING)
    assert "Motif" in refused.value.message_dict["reason"][0]
    project.refresh_from_db()
    assert project.status == Status.REVIEW
    assert project.status_changes.count() == 2
    services.project_status_change(
        actor=alice, project=project, status=Status.DRAFTING, reason="Relecteurs : refonte du GT2"
    )
    project.refresh_from_db()
    assert project.status == Status.DRAFTING


def test_the_same_step_again_is_refused(nomenclature: None) -> None:
    project = make_project()
    with pytest.raises(ValidationError) as refused:
        services.project_status_change(actor=SYSTEM, project=project, status=Status.PREPARATION)
    assert "Étape" in refused.value.message_dict["status"][0]


def test_a_duplicate_group_number_is_refused(nomenclature: None) -> None:
    project = make_project()
    make_group(project, 1)
    with pytest.raises(ValidationError) as refused:
        make_group(project, 1, title="Autre")
    assert "n° 1" in refused.value.message_dict["number"][0]
    assert WorkingGroup.objects.filter(project=project).count() == 1


def test_a_group_keeps_its_members_with_their_profile(nomenclature: None) -> None:
    project = make_project()
    group = make_group(
        project,
        2,
        members=[
            MemberEntry("Dr Paul Mercier", "interniste"),
            MemberEntry("Mme Hélène Vasseur", "représentante de patients"),
        ],
    )
    assert [(m.name, m.profile) for m in group.members.all()] == [
        ("Dr Paul Mercier", "interniste"),
        ("Mme Hélène Vasseur", "représentante de patients"),
    ]
    with pytest.raises(ValidationError) as refused:
        services.group_save(
            actor=SYSTEM,
            project=project,
            group=group,
            number=2,
            title=group.title,
            lead=group.lead,
            members=[MemberEntry("Dr Sans Profil", "")],
        )
    assert "ligne 1" in refused.value.message_dict["members"][0]
    assert group.members.count() == 2


def test_a_meeting_in_the_future_or_without_minutes_is_refused(nomenclature: None) -> None:
    group = make_group(make_project())
    with pytest.raises(ValidationError) as refused:
        services.group_meeting_add(
            actor=SYSTEM,
            group=group,
            held_on=timezone.localdate() + dt.timedelta(days=3),
            attendees="",
            minutes=" ",
        )
    assert set(refused.value.message_dict) == {"held_on", "minutes"}
    assert not GroupMeeting.objects.exists()


def test_a_version_label_is_unique_within_its_project(nomenclature: None) -> None:
    project = make_project()
    today = timezone.localdate()
    services.version_add(actor=SYSTEM, project=project, label="v1", dated=today)
    with pytest.raises(ValidationError) as refused:
        services.version_add(actor=SYSTEM, project=project, label="v1", dated=today)
    assert "Version" in refused.value.message_dict["label"][0]


def test_an_action_number_is_unique_in_the_plan(alice: User) -> None:
    make_action(alice, "1.1")
    with pytest.raises(ValidationError) as refused:
        make_action(alice, "1.1", title="Autre action")
    assert "1.1" in refused.value.message_dict["number"][0]
    assert PlanAction.objects.count() == 1
    with pytest.raises(ValidationError) as refused:
        services.action_save(actor=SYSTEM, number="1.2", title="", owner=None, status="ailleurs")
    assert set(refused.value.message_dict) == {"title", "owner", "status"}
