"""The outbox (issue 17): an e-mail is recorded with the write that causes it, leaves once that
write commits, waits and is tried again while the relay (MSSanté) is down, is given up after
its last attempt, and is never sent twice by two workers; one left « envoi en cours » by a
worker that died is taken again after the claim timeout."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from pytest_django.fixtures import Settings

from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.jobs.models import OutgoingAttachment, OutgoingMail
from filiere.jobs.selectors import undelivered_mail
from filiere.jobs.services import (
    CLAIM_TIMEOUT,
    MAX_ATTEMPTS,
    RETRY_DELAYS,
    outbox_add,
    outbox_deliver,
    outbox_dispatch,
    outbox_resend,
    outbox_send,
    outbox_send_due,
)
from filiere.jobs.tests.mail_backends import FATAL, WorkerKilled
from filiere.network.models import Centre

pytestmark = pytest.mark.django_db
Capture = Callable[..., Any]
RELAY_DOWN = "filiere.jobs.tests.mail_backends.RelayDown"
DIES_ON_FATAL = "filiere.jobs.tests.mail_backends.DiesOnFatal"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
ICS = ("invitation.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar; method=REQUEST")


def _record(centre: Centre, subject: str = "Avis de RCP : patient MHE-7K2Q") -> OutgoingMail:
    """A service's write that sends a message: recorded in its transaction, handed over on
    commit."""
    with transaction.atomic():
        mail = outbox_add(
            kind="rcp.avis",
            to=["alice@hopital.test"],
            subject=subject,
            body="Bonjour,\n\nVeuillez trouver ci-joint l'avis.",
            attachments=[ICS],
            centre=centre,
        )
        transaction.on_commit(lambda: outbox_dispatch([mail.public_id]))
    return mail


def _status(mail: OutgoingMail) -> str:
    mail.refresh_from_db()
    return mail.status


def test_a_rolled_back_write_records_and_sends_nothing(
    centre_a: Centre, mailoutbox: list[Any], django_capture_on_commit_callbacks: Capture
) -> None:
    def write_then_fail() -> None:
        with transaction.atomic():
            _record(centre_a)
            raise RuntimeError("the service refuses after writing")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        write_then_fail()
    outbox_send_due(now=timezone.now() + dt.timedelta(days=1))
    assert not OutgoingMail.objects.exists()
    assert mailoutbox == []


def test_a_committed_message_leaves_once_with_its_files_then_is_erased(
    centre_a: Centre, mailoutbox: list[Any], django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        mail = _record(centre_a)
    (sent,) = mailoutbox
    assert sent.subject == f"{settings.EMAIL_SUBJECT_PREFIX}Avis de RCP : patient MHE-7K2Q"
    assert sent.to == ["alice@hopital.test"]
    assert sent.attachments[0][0] == "invitation.ics"
    mail.refresh_from_db()
    assert (mail.status, mail.attempts, mail.body) == (OutgoingMail.Status.SENT, 1, "")
    assert mail.sent_at is not None
    assert not OutgoingAttachment.objects.filter(mail=mail).exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SEND, object_id=mail.public_id)
    # Delivered twice by the broker: the second delivery finds it sent.
    assert outbox_send([mail.public_id]) == {OutgoingMail.Status.SENT: 1}
    assert len(mailoutbox) == 1


def test_with_the_relay_down_the_message_waits_and_is_sent_once_it_is_back(
    centre_a: Centre,
    settings: Settings,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Capture,
) -> None:
    settings.EMAIL_BACKEND = RELAY_DOWN
    with django_capture_on_commit_callbacks(execute=True):
        mail = _record(centre_a)  # the caller's write stands: nothing raised
    mail.refresh_from_db()
    assert (mail.status, mail.attempts) == (OutgoingMail.Status.PENDING, 1)
    assert mail.last_error.startswith("ConnectionRefusedError")
    assert mail.next_attempt_at >= mail.created_at + RETRY_DELAYS[0]
    assert outbox_send_due() == {}  # not due yet
    settings.EMAIL_BACKEND = LOCMEM
    assert outbox_send_due(now=mail.next_attempt_at) == {OutgoingMail.Status.SENT: 1}
    assert len(mailoutbox) == 1
    assert outbox_send_due(now=timezone.now() + dt.timedelta(hours=2)) == {}
    assert len(mailoutbox) == 1
    assert _status(mail) == OutgoingMail.Status.SENT


def test_after_its_last_attempt_a_message_is_given_up_listed_and_may_be_resent(
    centre_a: Centre,
    network_coordinator: User,
    settings: Settings,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Capture,
) -> None:
    settings.EMAIL_BACKEND = RELAY_DOWN
    with django_capture_on_commit_callbacks(execute=True):
        mail = _record(centre_a)
    for _ in range(MAX_ATTEMPTS - 1):
        mail.refresh_from_db()
        outbox_send_due(now=mail.next_attempt_at)
    mail.refresh_from_db()
    assert (mail.status, mail.attempts) == (OutgoingMail.Status.FAILED, MAX_ATTEMPTS)
    # Five attempts over about an hour.
    assert (
        dt.timedelta(minutes=55)
        <= mail.next_attempt_at - mail.created_at
        <= dt.timedelta(minutes=75)
    )
    assert AuditEvent.objects.filter(
        object_id=mail.public_id, summary__startswith="E-mail en échec définitif"
    ).exists()
    assert list(undelivered_mail(network_coordinator)) == [mail]
    assert outbox_send_due(now=timezone.now() + dt.timedelta(days=1)) == {}  # given up

    settings.EMAIL_BACKEND = LOCMEM
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_resend(actor=network_coordinator, mail=mail)
    mail.refresh_from_db()
    assert (mail.status, mail.attempts) == (OutgoingMail.Status.SENT, 1)
    assert len(mailoutbox) == 1
    assert list(undelivered_mail(network_coordinator)) == []
    assert not outbox_resend(actor=network_coordinator, mail=mail)  # sent: nothing to resend


def test_a_message_another_worker_holds_is_not_sent_again(
    centre_a: Centre, mailoutbox: list[Any]
) -> None:
    mail = outbox_add(kind="rcp.avis", to=["alice@hopital.test"], subject="Avis", body="Texte")
    # Another worker claimed it a moment ago and is talking to the relay.
    OutgoingMail.objects.filter(pk=mail.pk).update(
        status=OutgoingMail.Status.SENDING, claimed_at=timezone.now(), attempts=1
    )
    assert outbox_deliver(mail.public_id) == OutgoingMail.Status.SENDING
    assert outbox_send_due() == {}
    assert mailoutbox == []


def test_a_worker_killed_mid_batch_loses_nothing_and_resends_only_the_one_in_flight(
    centre_a: Centre, settings: Settings, mailoutbox: list[Any]
) -> None:
    """The message in flight is sent again after the claim timeout (at-least-once); the one
    already sent is not; the one not yet reached leaves at the next sweep."""
    first, second, third = (
        outbox_add(kind="rcp.invitation", to=["a@hopital.test"], subject=subject, body="Texte")
        for subject in ("Premier", f"Deuxième {FATAL}", "Troisième")
    )
    settings.EMAIL_BACKEND = "filiere.jobs.tests.mail_backends.DiesOnFatal"
    with pytest.raises(WorkerKilled):
        outbox_send([first.public_id, second.public_id, third.public_id])
    assert [_status(m) for m in (first, second, third)] == ["sent", "sending", "pending"]

    settings.EMAIL_BACKEND = LOCMEM  # the next worker
    now = timezone.now()
    assert outbox_send_due(now=now) == {OutgoingMail.Status.SENT: 1}  # the third only
    assert outbox_send_due(now=now + CLAIM_TIMEOUT - dt.timedelta(seconds=1)) == {}
    assert outbox_send_due(now=now + CLAIM_TIMEOUT + dt.timedelta(seconds=1)) == {
        OutgoingMail.Status.SENT: 1
    }
    subjects = sorted(m.subject.removeprefix(settings.EMAIL_SUBJECT_PREFIX) for m in mailoutbox)
    assert subjects == sorted(["Premier", f"Deuxième {FATAL}", "Troisième"])
    second.refresh_from_db()
    assert (second.status, second.attempts) == (OutgoingMail.Status.SENT, 2)


def test_a_message_whose_worker_died_on_its_last_attempt_is_given_up(
    centre_a: Centre, mailoutbox: list[Any]
) -> None:
    mail = outbox_add(kind="rcp.avis", to=["alice@hopital.test"], subject="Avis", body="Texte")
    claimed = timezone.now() - CLAIM_TIMEOUT - dt.timedelta(minutes=1)
    OutgoingMail.objects.filter(pk=mail.pk).update(
        status=OutgoingMail.Status.SENDING, claimed_at=claimed, attempts=MAX_ATTEMPTS
    )
    outbox_send_due()
    mail.refresh_from_db()
    assert mail.status == OutgoingMail.Status.FAILED
    assert mail.last_error == "Envoi interrompu (worker arrêté)"
    assert mailoutbox == []


def test_a_message_without_recipient_is_refused_in_french_and_nothing_is_written(
    centre_a: Centre,
) -> None:
    with pytest.raises(ValidationError) as refused:
        outbox_add(kind="rcp.avis", to=["", " "], subject="Avis", body="Texte", centre=centre_a)
    assert refused.value.message_dict == {"recipients": ["Un message a au moins un destinataire."]}
    assert not OutgoingMail.objects.exists()


def test_a_message_sent_is_never_given_a_send_date_it_does_not_have(centre_a: Centre) -> None:
    """The database refuses a « sent » message without its date (and the reverse)."""
    from django.db import IntegrityError

    mail = outbox_add(kind="rcp.avis", to=["alice@hopital.test"], subject="Avis", body="Texte")
    with pytest.raises(IntegrityError), transaction.atomic():
        OutgoingMail.objects.filter(pk=mail.pk).update(status=OutgoingMail.Status.SENT)
