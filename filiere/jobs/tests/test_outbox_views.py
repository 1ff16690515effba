"""« Messages non remis » (issue 17): the RCP coordinators of a centre see the e-mails of their
centre that did not leave, the network coordinators all of them; « Renvoyer » puts one back in
the queue; anyone else gets a 404, recorded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from filiere.access.jobs import mail_followed_by, mail_rights
from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.core.tests.home_counts import home_counts
from filiere.jobs.models import OutgoingMail
from filiere.jobs.services import MAX_ATTEMPTS, outbox_add
from filiere.network.models import Centre, Role
from filiere.testing.factories import give_role, make_user, with_form_token

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User], Client]
PAGE = "/taches/messages/echecs/"


def _given_up(
    centre: Centre | None, subject: str = "Avis de RCP : patient MHE-7K2Q"
) -> OutgoingMail:
    mail = outbox_add(
        kind="rcp.avis", to=["alice@hopital.test"], subject=subject, body="Texte", centre=centre
    )
    OutgoingMail.objects.filter(pk=mail.pk).update(
        status=OutgoingMail.Status.FAILED,
        attempts=MAX_ATTEMPTS,
        last_error="SMTPServerDisconnected : Connection unexpectedly closed",
    )
    return mail


@pytest.fixture
def olivier(centre_a: Centre) -> User:
    """The RCP coordinator of centre A."""
    user = make_user(email="olivier@hopital.test", first_name="Olivier", last_name="Martin")
    give_role(user, centre_a, Role.RCP_COORDINATOR)
    return user


@pytest.fixture
def bea(centre_b: Centre) -> User:
    """The RCP coordinator of centre B: an outsider to centre A's messages."""
    user = make_user(email="bea@hopital.test", first_name="Béa", last_name="Leroy")
    give_role(user, centre_b, Role.RCP_COORDINATOR)
    return user


def test_the_centre_coordinator_sees_the_failures_of_the_centre_in_french(
    olivier: User, centre_a: Centre, centre_b: Centre, client_for: ClientFor
) -> None:
    ours = _given_up(centre_a)
    _given_up(centre_b, subject="Demande d'avis RCP : MHE-0B0B")
    waiting = outbox_add(
        kind="rcp.invitation",
        to=["bob@hopital.test"],
        subject="Invitation",
        body="T",
        centre=centre_a,
    )
    fresh = outbox_add(
        kind="rcp.invitation", to=["eve@hopital.test"], subject="Récent", body="T", centre=centre_a
    )
    OutgoingMail.objects.filter(pk=waiting.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=2)
    )

    html = client_for(olivier).get(PAGE).content.decode()

    assert "Messages non remis" in html
    assert ours.subject in html
    assert "alice@hopital.test" in html
    assert "SMTPServerDisconnected" in html
    assert "En échec définitif" in html
    assert "Invitation" in html
    assert "À envoyer" in html
    assert fresh.subject not in html  # written a moment ago: not late yet
    assert "MHE-0B0B" not in html  # centre B's
    assert "Renvoyer" in html
    assert AuditEvent.objects.filter(
        actor=olivier, action=AuditEvent.Action.VIEW, object_type="jobs.outgoingmail"
    ).exists()


def test_the_network_coordinator_sees_every_centre_and_messages_of_no_centre(
    network_coordinator: User, centre_b: Centre, client_for: ClientFor
) -> None:
    _given_up(centre_b, subject="Demande d'avis RCP : MHE-0B0B")
    _given_up(None, subject="Sans centre")
    html = client_for(network_coordinator).get(PAGE).content.decode()
    assert "MHE-0B0B" in html
    assert "Sans centre" in html


def test_an_outsider_gets_a_404_recorded_and_cannot_resend(
    alice: User, bea: User, centre_a: Centre, client_for: ClientFor
) -> None:
    mail = _given_up(centre_a)
    assert client_for(alice).get(PAGE).status_code == 404
    url = f"/taches/messages/{mail.public_id}/renvoyer/"
    for outsider in (alice, bea):
        response = client_for(outsider).post(url, with_form_token({}))
        assert response.status_code == 404
    mail.refresh_from_db()
    assert mail.status == OutgoingMail.Status.FAILED
    assert AuditEvent.objects.filter(
        actor=bea, action=AuditEvent.Action.ACCESS_DENIED, object_id=str(mail.public_id)
    ).exists()
    assert "MHE-7K2Q" not in client_for(bea).get(PAGE).content.decode()


def test_resend_sends_the_message_again_once(
    olivier: User,
    centre_a: Centre,
    client_for: ClientFor,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    mail = _given_up(centre_a)
    client = client_for(olivier)
    data = with_form_token({})
    url = f"/taches/messages/{mail.public_id}/renvoyer/"
    assert client.get(url).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data, follow=True)
    assert response.redirect_chain[-1][0] == PAGE
    assert "est renvoyé" in response.content.decode()
    mail.refresh_from_db()
    assert mail.status == OutgoingMail.Status.SENT
    assert len(mailoutbox) == 1
    assert AuditEvent.objects.filter(
        actor=olivier, action=AuditEvent.Action.UPDATE, object_id=str(mail.public_id)
    ).exists()
    # The same form sent again (a double click) sends nothing more.
    again = client.post(url, data, follow=True)
    assert "Ce formulaire a déjà été envoyé." in again.content.decode()
    assert len(mailoutbox) == 1


def test_a_resend_without_its_form_token_is_refused_in_french(
    olivier: User, centre_a: Centre, client_for: ClientFor, mailoutbox: list[Any]
) -> None:
    mail = _given_up(centre_a)
    response = client_for(olivier).post(f"/taches/messages/{mail.public_id}/renvoyer/", follow=True)
    assert "jeton d&#x27;envoi absent" in response.content.decode()
    mail.refresh_from_db()
    assert mail.status == OutgoingMail.Status.FAILED
    assert mailoutbox == []


def test_the_home_page_counts_the_undelivered_messages_only_when_there_are(
    olivier: User, network_coordinator: User, centre_a: Centre, client_for: ClientFor
) -> None:
    assert "Messages non remis" not in home_counts(client_for(olivier)).get("rcp_coordinator", {})
    _given_up(centre_a)
    _given_up(None)
    assert home_counts(client_for(olivier))["rcp_coordinator"]["Messages non remis"] == 1
    counts = home_counts(client_for(network_coordinator))
    assert counts["network_coordinator"]["Messages non remis"] == 2


def test_the_list_page_query_count(
    olivier: User,
    centre_a: Centre,
    client_for: ClientFor,
    django_assert_max_num_queries: Any,
) -> None:
    client = client_for(olivier)
    client.get(PAGE)
    for _ in range(5):
        _given_up(centre_a)
    with django_assert_max_num_queries(14):
        assert client.get(PAGE).status_code == 200


def test_the_policy_and_the_list_filter_agree(
    olivier: User,
    bea: User,
    alice: User,
    network_coordinator: User,
    centre_a: Centre,
    centre_b: Centre,
) -> None:
    mails = [_given_up(centre_a), _given_up(centre_b), _given_up(None)]
    for user in (olivier, bea, alice, network_coordinator):
        listed = set(OutgoingMail.objects.filter(mail_followed_by(user)))
        assert listed == {m for m in mails if mail_rights(user, m).see}, user.email
