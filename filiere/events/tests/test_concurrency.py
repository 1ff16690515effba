"""Two registrations for the last seat at the same moment: one gets it, the other joins the
waiting list. Real concurrent transactions, hence PostgreSQL and committed rows."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from filiere.events.models import Registration
from filiere.events.tests.factories import make_event, register

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_registrations_for_the_last_seat_do_not_both_get_it() -> None:
    event = make_event(seats=1)
    start = threading.Barrier(2)
    statuses: list[str] = []
    errors: list[BaseException] = []

    def registrant(number: int) -> None:
        try:
            start.wait()
            statuses.append(register(event, number).registration.status)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=registrant, args=(n,)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert not errors
    assert sorted(statuses) == [Registration.Status.CONFIRMED, Registration.Status.WAITING]
    confirmed = event.registrations.filter(status=Registration.Status.CONFIRMED)
    assert confirmed.count() == 1
