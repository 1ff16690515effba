"""Reads of identity traits: the name search (``identity_links_matching``) and the exact age,
whose read of the birth date is audited without the date (``identity_exact_age_on``)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.identity.models import Identity
from filiere.identity.services import (
    BIRTH_DATE_READ_FOR_AGE,
    identity_create,
    identity_exact_age_on,
    identity_links_matching,
)
from filiere.lib.ages import Age, AgePrecision
from filiere.network.models import Centre
from filiere.testing.factories import identity_input, make_patient

pytestmark = pytest.mark.django_db


def _found(text: str) -> set[str]:
    return set(
        Identity.objects.filter(identity_links_matching(text)).values_list("birth_name", flat=True)
    )


@pytest.fixture
def durand_marie(alice: User) -> Identity:
    return identity_create(
        actor=alice,
        link=uuid.uuid4(),
        values=identity_input(
            birth_name="Durand",
            first_given_name="Marie",
            birth_first_names="Marie Élodie",
            used_name="Lefèvre",
        ),
    )


@pytest.mark.usefixtures("durand_marie")
@pytest.mark.parametrize("text", ["dur mar", "DURAND", "lefevre", "élo", "mar dur"])
def test_each_word_typed_starts_a_word_of_the_names(text: str) -> None:
    assert _found(text) == {"Durand"}


@pytest.mark.usefixtures("durand_marie")
@pytest.mark.parametrize("text", ["ura", "durand claire", "arie"])
def test_a_word_inside_a_name_or_another_name_finds_nothing(text: str) -> None:
    assert _found(text) == set()


def test_the_exact_age_is_read_and_audited_without_the_date(alice: User, centre_a: Centre) -> None:
    patient = make_patient(centre_a, actor=alice, birth_date=dt.date(1990, 5, 17))
    age = identity_exact_age_on(actor=alice, patient=patient, on=dt.date(2020, 5, 16))
    assert age == Age(years=29, months=359, precision=AgePrecision.DAY, days=10957)
    event = AuditEvent.objects.filter(patient_id=patient.public_id).latest("id")
    assert (event.action, event.actor, event.summary) == (
        AuditEvent.Action.VIEW,
        alice,
        BIRTH_DATE_READ_FOR_AGE,
    )
    assert "1990" not in f"{event.summary} {event.changes}"


def test_without_an_identity_row_nothing_is_read_nor_recorded(
    alice: User, centre_a: Centre
) -> None:
    patient = make_patient(centre_a, actor=alice)
    patient.identity_link = uuid.uuid4()  # in memory: a link no identity row carries
    before = AuditEvent.objects.count()
    assert identity_exact_age_on(actor=alice, patient=patient, on=dt.date(2020, 1, 1)) is None
    assert AuditEvent.objects.count() == before


def test_a_date_before_the_birth_is_an_error(alice: User, centre_a: Centre) -> None:
    patient = make_patient(centre_a, actor=alice, birth_date=dt.date(1990, 5, 17))
    before = AuditEvent.objects.count()
    with pytest.raises(ValueError, match="naissance"):
        identity_exact_age_on(actor=alice, patient=patient, on=dt.date(1990, 5, 16))
    assert AuditEvent.objects.count() == before
