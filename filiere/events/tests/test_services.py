"""Events and registrations: seats, the waiting list and its promotions, refused input that
names its field and writes nothing."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from filiere.access.actors import SYSTEM
from filiere.events import services
from filiere.events.models import Event, EventSeries, Registration
from filiere.events.notifications import CONFIRMATION, PROMOTION
from filiere.events.tests.factories import event_values, make_event, register
from filiere.jobs.models import OutgoingMail

pytestmark = pytest.mark.django_db


def test_a_registration_takes_a_seat_and_e_mails_the_personal_link() -> None:
    event = make_event(seats=2)
    created = register(event)
    assert created.registration.status == Registration.Status.CONFIRMED
    assert created.position is None
    # Only the hash is kept; the token travels in the message.
    assert created.registration.token_hash == services.token_hash(created.token)
    assert created.token not in created.registration.token_hash
    mail = OutgoingMail.objects.get(kind=CONFIRMATION)
    assert mail.recipients == ["inscrit1@hopital.test"]
    assert created.token in mail.body


def test_when_the_seats_are_taken_registrants_join_the_waiting_list_in_order() -> None:
    event = make_event(seats=1)
    register(event, 1)
    second = register(event, 2)
    third = register(event, 3)
    assert second.registration.status == Registration.Status.WAITING
    assert (second.position, third.position) == (1, 2)
    assert services.waiting_position(third.registration) == 2
    assert "position 2" in OutgoingMail.objects.filter(kind=CONFIRMATION).latest("pk").body


def test_a_cancellation_promotes_the_first_of_the_waiting_list_and_e_mails_her() -> None:
    event = make_event(seats=1)
    first = register(event, 1)
    second = register(event, 2)
    third = register(event, 3)
    services.registration_cancel(registration=first.registration)
    second.registration.refresh_from_db()
    third.registration.refresh_from_db()
    assert second.registration.status == Registration.Status.CONFIRMED
    assert services.waiting_position(third.registration) == 1
    promotion = OutgoingMail.objects.get(kind=PROMOTION)
    assert promotion.recipients == ["inscrit2@hopital.test"]


def test_cancelling_a_waiting_registration_promotes_nobody() -> None:
    event = make_event(seats=1)
    register(event, 1)
    second = register(event, 2)
    services.registration_cancel(registration=second.registration)
    assert not OutgoingMail.objects.filter(kind=PROMOTION).exists()
    with pytest.raises(ValidationError, match="déjà annulée"):
        services.registration_cancel(registration=second.registration)


def test_the_same_address_registers_once_per_event_whatever_its_case() -> None:
    event = make_event()
    register(event, 1)
    with pytest.raises(ValidationError) as refused:
        register(event, 2, email="INSCRIT1@hopital.test ")
    assert "Adresse e-mail" in refused.value.message_dict["email"][0]
    assert event.registrations.count() == 1
    # Once cancelled, the address may register again.
    services.registration_cancel(registration=event.registrations.get())
    assert register(event, 3, email="inscrit1@hopital.test").registration.status == "inscrit"


@pytest.mark.parametrize(
    ("values", "publish", "message"),
    [
        ({}, False, "n'est pas publié"),
        (
            {"registration_closes_at": timezone.now() - dt.timedelta(hours=1)},
            True,
            "sont closes",
        ),
    ],
)
def test_registering_outside_the_window_is_refused(
    values: dict[str, Any], publish: bool, message: str
) -> None:
    event = make_event(publish=publish, **values)
    with pytest.raises(ValidationError, match=message):
        register(event)
    assert not Registration.objects.exists()
    assert not OutgoingMail.objects.exists()


def test_registering_without_consent_is_refused_naming_the_field() -> None:
    event = make_event()
    with pytest.raises(ValidationError) as refused:
        register(event, consent_to_email=False)
    assert "Consentement" in refused.value.message_dict["consent_to_email"][0]
    assert not Registration.objects.exists()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (lambda v: {"ends_at": v.starts_at - dt.timedelta(hours=1)}, "ends_at", "Fin"),
        (
            lambda v: {"registration_closes_at": v.ends_at + dt.timedelta(days=1)},
            "registration_closes_at",
            "Clôture des inscriptions",
        ),
        (
            lambda v: {"registration_opens_at": v.registration_closes_at},
            "registration_closes_at",
            "Clôture des inscriptions",
        ),
        (lambda v: {"kind": Event.Kind.WEBINAR}, "series_name", "Série"),
        (lambda v: {"place": "", "online": False}, "place", "Lieu"),
    ],
)
def test_bad_event_input_names_the_field_and_writes_nothing(
    change: object, field: str, message: str
) -> None:
    values = event_values()
    values = dataclasses.replace(values, **change(values))  # type: ignore[operator]
    with pytest.raises(ValidationError) as refused:
        services.event_save(actor=SYSTEM, values=values)
    assert message in " ".join(refused.value.message_dict[field])
    assert not Event.objects.exists()
    assert not EventSeries.objects.exists()


def test_a_webinar_joins_its_series_created_on_first_use() -> None:
    first = make_event(kind=Event.Kind.WEBINAR, series_name="Les jeudis de l'hémostase")
    second = make_event(kind=Event.Kind.WEBINAR, series_name="Les jeudis de l'hémostase")
    assert first.series == second.series
    assert EventSeries.objects.count() == 1


def test_seats_cannot_drop_below_the_confirmed_registrations() -> None:
    event = make_event(seats=3)
    for number in range(3):
        register(event, number)
    with pytest.raises(ValidationError) as refused:
        services.event_save(actor=SYSTEM, event=event, values=event_values(seats=2))
    assert "3 personnes" in refused.value.message_dict["seats"][0]
    event.refresh_from_db()
    assert event.seats == 3


def test_more_seats_promote_the_waiting_list() -> None:
    event = make_event(seats=1)
    register(event, 1)
    waiting = register(event, 2).registration
    services.event_save(actor=SYSTEM, event=event, values=event_values(seats=2))
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED
    assert OutgoingMail.objects.filter(kind=PROMOTION).count() == 1


def test_attendance_marks_confirmed_registrants_once_the_event_started() -> None:
    event = make_event(seats=1)
    present = register(event, 1).registration
    waiting = register(event, 2).registration
    with pytest.raises(ValidationError, match="pas encore commencé"):
        services.attendance_record(actor=SYSTEM, event=event, present=[present.public_id])
    Event.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - dt.timedelta(hours=2),
        registration_opens_at=timezone.now() - dt.timedelta(days=3),
        registration_closes_at=timezone.now() - dt.timedelta(hours=2),
    )
    with pytest.raises(ValidationError, match="inscrit confirmé"):
        services.attendance_record(actor=SYSTEM, event=event, present=[waiting.public_id])
    assert services.attendance_record(actor=SYSTEM, event=event, present=[present.public_id]) == 1
    present.refresh_from_db()
    assert present.attended
