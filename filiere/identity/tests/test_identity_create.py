"""Creating an identity (``identity_create``): traits cleaned and checked field by field in
French, the INS unique without saying whose it is, nothing written on refusal.

The registry's ``patient_register`` calls it inside its transaction and writes the audit event
(without any identity value: ``patients/tests/test_registration.py``)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from pytest_django.fixtures import Settings

from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.identity.models import Identity
from filiere.identity.services import (
    INS_NEEDS_REVIEW,
    INS_NIR_OID,
    INS_TEST_OID,
    identity_create,
)
from filiere.lib.identifiers import nir_key
from filiere.testing.factories import identity_input

pytestmark = pytest.mark.django_db

# A woman born in May 1990, as the factory's default identity (sex 2, year 90, month 05).
NIR = "2900513055123" + f"{nir_key('2900513055123'):02d}"
# The same number with a wrong control key.
BAD_KEY_NIR = "2900513055123" + f"{nir_key('2900513055123') % 97 + 1:02d}"


def test_an_identity_is_created_with_its_traits_and_search_key(alice: User) -> None:
    link = uuid.uuid4()
    identity = identity_create(
        actor=alice,
        link=link,
        values=identity_input(
            birth_name="Lefèvre", used_name="Durand", ins_matricule=NIR, ins_oid=INS_NIR_OID
        ),
    )
    stored = Identity.objects.get(link=link)
    assert stored.pk == identity.pk
    assert (stored.birth_name, stored.used_name, stored.first_given_name) == (
        "Lefèvre",
        "Durand",
        "Camille",
    )
    assert (stored.birth_date, stored.sex) == (dt.date(1990, 5, 17), "F")
    assert (stored.ins_matricule, stored.ins_oid) == (NIR, INS_NIR_OID)
    assert stored.status == Identity.Status.PROVISIONAL
    assert stored.created_by == alice
    assert stored.search_key == "lefevre durand camille camille marie"


def test_typed_traits_are_normalised(alice: User) -> None:
    """Spaces collapse, an invisible character goes, the INS and INSEE code are upper-cased."""
    spaced = " ".join([NIR[:1], NIR[1:3], NIR[3:5], NIR[5:7], NIR[7:10], NIR[10:13], NIR[13:]])
    identity = identity_create(
        actor=alice,
        link=uuid.uuid4(),
        values=identity_input(
            birth_name="  Le\u200b  Gall ",
            birth_place_insee="2a004",
            ins_matricule=spaced.lower(),
            ins_oid=f" {INS_NIR_OID} ",
        ),
    )
    identity.refresh_from_db()
    assert identity.birth_name == "Le Gall"
    assert identity.birth_place_insee == "2A004"
    assert (identity.ins_matricule, identity.ins_oid) == (NIR, INS_NIR_OID)


def test_creating_an_identity_writes_no_audit_event_of_its_own(alice: User) -> None:
    """The calling registry service audits the patient; the identity adds nothing to the trail."""
    before = AuditEvent.objects.count()
    identity_create(actor=alice, link=uuid.uuid4(), values=identity_input())
    assert AuditEvent.objects.count() == before


REFUSED: list[tuple[dict[str, Any], str, str]] = [
    ({"birth_name": ""}, "birth_name", "obligatoire"),
    ({"first_given_name": " ", "birth_first_names": "Camille"}, "first_given_name", "obligatoire"),
    ({"used_name": "Durand2"}, "used_name", "Nom utilisé"),
    ({"birth_first_names": "Marie Camille"}, "first_given_name", "premier prénom de naissance"),
    ({"birth_date": dt.date(1869, 12, 31)}, "birth_date", "Date de naissance"),
    (
        {"birth_date": timezone.localdate() + dt.timedelta(days=2)},
        "birth_date",
        "date de naissance",
    ),
    ({"birth_place_insee": "1300"}, "birth_place_insee", "Code INSEE du lieu de naissance"),
    ({"ins_matricule": BAD_KEY_NIR, "ins_oid": INS_NIR_OID}, "ins_matricule", "Matricule INS"),
    ({"ins_matricule": NIR, "ins_oid": "1.2.3"}, "ins_oid", "OID du matricule INS"),
    ({"ins_oid": INS_NIR_OID}, "ins_matricule", "sans matricule INS"),
    ({"status": Identity.Status.QUALIFIED}, "status", "qualifiée exige le matricule INS"),
    ({"ins_matricule": NIR, "ins_oid": INS_NIR_OID, "sex": "M"}, "ins_matricule", "le sexe"),
]


@pytest.mark.parametrize(("values", "field", "words"), REFUSED)
def test_bad_traits_are_refused_on_their_field_in_french(
    alice: User, values: dict[str, Any], field: str, words: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        identity_create(actor=alice, link=uuid.uuid4(), values=identity_input(**values))
    assert words in " ".join(refused.value.message_dict[field])
    assert not Identity.objects.exists()


def test_every_refused_trait_is_reported_at_once(alice: User) -> None:
    """A form shows all its faults together, not one per submission."""
    with pytest.raises(ValidationError) as refused:
        identity_create(
            actor=alice,
            link=uuid.uuid4(),
            values=identity_input(birth_name="", birth_place_insee="x", ins_oid=INS_NIR_OID),
        )
    assert set(refused.value.message_dict) == {"birth_name", "birth_place_insee", "ins_matricule"}


def test_an_ins_held_by_another_identity_is_refused_without_naming_it(alice: User) -> None:
    """The message is neutral: saying who holds the INS would reveal another centre's patient."""
    first = identity_create(
        actor=alice,
        link=uuid.uuid4(),
        values=identity_input(birth_name="Premier", ins_matricule=NIR, ins_oid=INS_NIR_OID),
    )
    with pytest.raises(ValidationError) as refused:
        identity_create(
            actor=alice,
            link=uuid.uuid4(),
            values=identity_input(birth_name="Second", ins_matricule=NIR, ins_oid=INS_NIR_OID),
        )
    assert refused.value.message_dict == {"ins_matricule": [INS_NEEDS_REVIEW]}
    assert "Premier" not in INS_NEEDS_REVIEW
    assert list(Identity.objects.values_list("pk", flat=True)) == [first.pk]


def test_a_test_ins_is_refused_in_production(alice: User, settings: Settings) -> None:
    settings.DEBUG = False
    with pytest.raises(ValidationError) as refused:
        identity_create(
            actor=alice,
            link=uuid.uuid4(),
            values=identity_input(ins_matricule=NIR, ins_oid=INS_TEST_OID),
        )
    assert "production" in " ".join(refused.value.message_dict["ins_oid"])
    assert not Identity.objects.exists()


def test_a_test_ins_is_accepted_in_development(alice: User, settings: Settings) -> None:
    settings.DEBUG = True
    identity = identity_create(
        actor=alice,
        link=uuid.uuid4(),
        values=identity_input(ins_matricule=NIR, ins_oid=INS_TEST_OID),
    )
    assert identity.ins_oid == INS_TEST_OID
