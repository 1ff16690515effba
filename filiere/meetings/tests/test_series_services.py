"""Series: quorum rule, staff, and external physicians invited through a link."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from filiere.access.meetings import series_rights
from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.lib.identifiers import luhn_key
from filiere.meetings import selectors, services
from filiere.meetings.models import ExternalInvitation, Meeting, MeetingSeries, SeriesMember
from filiere.network.models import Centre
from filiere.patients.selectors import patients_visible_to
from filiere.testing.meetings import case_details

pytestmark = pytest.mark.django_db


def test_an_rcp_coordinator_creates_a_series_and_becomes_its_coordinator(
    coordinator: User, centre_a: Centre
) -> None:
    series = services.series_create(
        actor=coordinator,
        centre=centre_a,
        name="RCP Thrombopénies",
        required_specialties=["haematology", "medical_genetics"],
    )
    assert SeriesMember.objects.get(series=series, user=coordinator).role == "coordinator"
    assert AuditEvent.objects.filter(action="create", object_id=str(series.public_id)).exists()


def test_a_clinician_cannot_create_a_series(alice: User, centre_a: Centre) -> None:
    with pytest.raises(ValidationError) as refused:
        services.series_create(
            actor=alice, centre=centre_a, name="RCP", required_specialties=["haematology"]
        )
    assert "centre" in refused.value.message_dict


@pytest.mark.parametrize(
    ("required", "minimum", "field"),
    [
        (["haematology"], 2, "minimum_specialties"),
        (["astrology"], 3, "required_specialties"),
        (["nursing"], 3, "required_specialties"),
    ],
)
def test_the_quorum_rule_is_checked(
    coordinator: User, centre_a: Centre, required: list[str], minimum: int, field: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        services.series_create(
            actor=coordinator,
            centre=centre_a,
            name="RCP",
            required_specialties=required,
            minimum_specialties=minimum,
        )
    assert field in refused.value.message_dict


def test_the_last_coordinator_stays(series: MeetingSeries, coordinator: User) -> None:
    member = SeriesMember.objects.get(series=series, user=coordinator)
    with pytest.raises(ValidationError, match="au moins un coordonnateur"):
        services.series_member_remove(actor=coordinator, member=member)


def test_an_external_physician_is_invited_by_a_link_and_gets_a_limited_account(
    series: MeetingSeries,
    meeting: Meeting,
    coordinator: User,
    patient_a: object,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        invitation, token = services.external_physician_invite(
            actor=coordinator,
            series=series,
            email="Dr.Nguyen@chu-reunion.test",
            first_name="Minh",
            last_name="Nguyen",
            specialty="paediatric_haematology",
            rpps="1000101099" + luhn_key("1000101099"),
            institution="CHU de La Réunion",
            meeting=meeting,
        )
    user = invitation.user
    assert user.email == "dr.nguyen@chu-reunion.test"
    assert not user.has_usable_password()
    assert not user.memberships.exists()
    assert meeting.participants.get(user=user).is_external
    assert token not in invitation.token_digest
    mails = {m.subject: m for m in mailoutbox}
    link_mail = next(m for s, m in mails.items() if s.startswith("[Filière] Invitation"))
    assert f"/rcp/invitation/{token}/" in link_mail.body
    assert any(m.attachments for m in mailoutbox)  # the meeting's .ics
    # The limited account sees no patient, but may send a case to this series.
    assert not patients_visible_to(user).exists()
    assert series_rights(user, series).submit


def test_an_invalid_rpps_is_refused_on_its_field(series: MeetingSeries, coordinator: User) -> None:
    with pytest.raises(ValidationError) as refused:
        services.external_physician_invite(
            actor=coordinator,
            series=series,
            email="x@chu.test",
            first_name="X",
            last_name="Y",
            specialty="haematology",
            rpps="12345678901",
        )
    assert "rpps" in refused.value.message_dict
    assert not User.objects.filter(email="x@chu.test").exists()


def test_accepting_the_invitation_sets_the_password_once(
    series: MeetingSeries, coordinator: User
) -> None:
    invitation, token = services.external_physician_invite(
        actor=coordinator,
        series=series,
        email="ext@chu.test",
        first_name="E",
        last_name="Xterne",
        specialty="haematology",
    )
    found = services.invitation_for_token(token)
    assert found == invitation
    with pytest.raises(ValidationError) as refused:
        services.invitation_accept(invitation=invitation, password="court", confirm="court")
    assert "password" in refused.value.message_dict
    services.invitation_accept(
        invitation=invitation,
        password="Un-long-mot-de-passe-2026",
        confirm="Un-long-mot-de-passe-2026",
    )
    invitation.user.refresh_from_db()
    assert invitation.user.check_password("Un-long-mot-de-passe-2026")
    assert services.invitation_for_token(token) is None
    assert services.invitation_for_token("inv_forged") is None


def test_the_invitation_page_creates_the_access_then_asks_for_the_second_factor(
    series: MeetingSeries, coordinator: User, client: Client
) -> None:
    _, token = services.external_physician_invite(
        actor=coordinator,
        series=series,
        email="ext2@chu.test",
        first_name="E",
        last_name="Xterne",
        specialty="haematology",
    )
    url = f"/rcp/invitation/{token}/"
    assert client.get(url, follow=True).status_code == 200
    password = "Un-long-mot-de-passe-2026"
    response = client.post("/rcp/invitation/", {"password": password, "confirm": password})
    assert response.status_code == 302
    # The session exists, but the second factor comes first.
    assert client.get("/rcp/")["Location"].startswith("/accounts/2fa/totp/activate")
    assert Client().get(url).status_code == 404
    assert Client().get("/rcp/invitation/inv_forged/").status_code == 404


def test_an_external_physician_submits_a_new_patient_referred_to_the_organising_centre(
    series: MeetingSeries, coordinator: User, centre_a: Centre, nomenclature: None
) -> None:
    from filiere.testing.factories import identity_input

    invitation, _ = services.external_physician_invite(
        actor=coordinator,
        series=series,
        email="ext3@chu.test",
        first_name="E",
        last_name="Xterne",
        specialty="haematology",
        institution="CHU de Cayenne",
    )
    case = services.case_request_submit(
        actor=invitation.user,
        series=series,
        details=case_details(),
        new_patient=identity_input(),
    )
    assert case.requester_centre is None
    assert case.requester_institution == "CHU de Cayenne"
    assert case.patient.care_episodes.get().centre == centre_a
    assert selectors.get_case_for_user(invitation.user, case.public_id) == case


def test_an_invitation_cannot_target_another_series_meeting(
    series: MeetingSeries, coordinator: User, centre_a: Centre
) -> None:
    from filiere.testing.meetings import make_meeting, make_series

    other = make_meeting(make_series(centre_a, name="Autre RCP"))
    with pytest.raises(ValidationError) as refused:
        services.external_physician_invite(
            actor=coordinator,
            series=series,
            email="ext4@chu.test",
            first_name="E",
            last_name="X",
            specialty="haematology",
            meeting=other,
        )
    assert "meeting" in refused.value.message_dict
    assert not ExternalInvitation.objects.exists()
