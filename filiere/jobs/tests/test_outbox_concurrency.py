"""Two workers handed the same message at the same moment (the broker delivering it twice, the
task and the scheduler's sweep together): one sends it, the other finds it claimed. Real
concurrent transactions, hence PostgreSQL and committed rows."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection
from pytest_django.fixtures import Settings

from filiere.jobs.models import OutgoingMail
from filiere.jobs.services import outbox_add, outbox_deliver

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_workers_at_once_send_the_message_once(
    settings: Settings, mailoutbox: list[Any]
) -> None:
    settings.EMAIL_BACKEND = "filiere.jobs.tests.mail_backends.SlowRelay"
    mail = outbox_add(kind="rcp.avis", to=["alice@hopital.test"], subject="Avis", body="Texte")
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def worker() -> None:
        try:
            start.wait()
            outcomes.append(outbox_deliver(mail.public_id))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == [OutgoingMail.Status.SENDING, OutgoingMail.Status.SENT]
    assert len(mailoutbox) == 1
    mail.refresh_from_db()
    assert (mail.status, mail.attempts) == (OutgoingMail.Status.SENT, 1)
