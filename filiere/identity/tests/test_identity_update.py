"""Changing identity traits (``identity_update``): the names of the changed fields come back,
never their values; a refused change leaves the row and the object as they were.

The registry's ``patient_update_identity`` calls it and audits the field names it returns
(``patients/tests/test_registration.py``)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.exceptions import ValidationError

from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.identity.models import Identity
from filiere.identity.services import (
    IDENTITY_FIELDS,
    INS_NEEDS_REVIEW,
    INS_NIR_OID,
    identity_create,
    identity_update,
    ins_holder,
)
from filiere.lib.identifiers import nir_key
from filiere.testing.factories import identity_input

pytestmark = pytest.mark.django_db

NIR = "2900513055123" + f"{nir_key('2900513055123'):02d}"


def _identity(alice: User, **values: object) -> Identity:
    return identity_create(actor=alice, link=uuid.uuid4(), values=identity_input(**values))


def _row(identity: Identity) -> tuple[object, ...]:
    stored = Identity.objects.get(pk=identity.pk)
    return (*(getattr(stored, name) for name in IDENTITY_FIELDS), stored.search_key)


def test_changed_traits_are_saved_and_named(alice: User) -> None:
    identity = _identity(alice, birth_name="Martin")
    changed = identity_update(
        identity=identity, values={"used_name": "Durand", "birth_date": dt.date(1990, 5, 18)}
    )
    assert changed == ["used_name", "birth_date"]
    stored = Identity.objects.get(pk=identity.pk)
    assert (stored.used_name, stored.birth_date) == ("Durand", dt.date(1990, 5, 18))
    assert stored.search_key == "martin durand camille camille marie"
    assert stored.updated_at > stored.created_at


def test_the_same_values_change_nothing(alice: User) -> None:
    """Typing the same name again (other spacing) is no change: no save, no new date."""
    identity = _identity(alice, birth_name="Le Gall")
    updated_at = Identity.objects.get(pk=identity.pk).updated_at
    assert identity_update(identity=identity, values={"birth_name": " Le  Gall"}) == []
    assert Identity.objects.get(pk=identity.pk).updated_at == updated_at


def test_updating_writes_no_audit_event_of_its_own(alice: User) -> None:
    identity = _identity(alice)
    before = AuditEvent.objects.count()
    identity_update(identity=identity, values={"used_name": "Durand"})
    assert AuditEvent.objects.count() == before


WITH_INS = {"ins_matricule": NIR, "ins_oid": INS_NIR_OID}


@pytest.mark.parametrize(
    ("created", "values", "field", "words"),
    [
        ({}, {"birth_name": ""}, "birth_name", "obligatoire"),
        ({}, {"used_first_name": "Cam1lle"}, "used_first_name", "Prénom utilisé"),
        ({}, {"birth_place_insee": "ABCDE"}, "birth_place_insee", "Code INSEE"),
        ({}, {"status": Identity.Status.QUALIFIED}, "status", "matricule INS"),
        (WITH_INS, {"sex": "M"}, "ins_matricule", "le sexe"),
        (WITH_INS, {"ins_matricule": ""}, "ins_matricule", "sans matricule INS"),
    ],
)
def test_a_refused_change_names_its_field_and_changes_nothing(
    alice: User, created: dict[str, str], values: dict[str, object], field: str, words: str
) -> None:
    identity = _identity(alice, used_name="Durand", **created)
    before = _row(identity)
    in_memory = [getattr(identity, name) for name in IDENTITY_FIELDS]
    with pytest.raises(ValidationError) as refused:
        identity_update(identity=identity, values=values)
    assert words in " ".join(refused.value.message_dict[field])
    assert _row(identity) == before
    assert [getattr(identity, name) for name in IDENTITY_FIELDS] == in_memory


def test_an_unknown_field_is_a_programming_error(alice: User) -> None:
    identity = _identity(alice)
    before = _row(identity)
    with pytest.raises(TypeError, match="nickname"):
        identity_update(identity=identity, values={"nickname": "Cam", "used_name": "Durand"})
    assert _row(identity) == before


def test_an_ins_held_by_another_identity_is_refused(alice: User) -> None:
    _identity(alice, birth_name="Premier", ins_matricule=NIR, ins_oid=INS_NIR_OID)
    second = _identity(alice, birth_name="Second")
    before = _row(second)
    with pytest.raises(ValidationError) as refused:
        identity_update(identity=second, values={"ins_matricule": NIR, "ins_oid": INS_NIR_OID})
    assert refused.value.message_dict == {"ins_matricule": [INS_NEEDS_REVIEW]}
    assert _row(second) == before


def test_an_identity_keeps_its_own_ins_while_other_traits_change(alice: User) -> None:
    identity = _identity(alice, ins_matricule=NIR, ins_oid=INS_NIR_OID)
    assert identity_update(identity=identity, values={"used_name": "Durand"}) == ["used_name"]
    assert Identity.objects.get(pk=identity.pk).ins_matricule == NIR


def test_ins_holder_names_another_identity_only(alice: User) -> None:
    """The registry asks who holds an INS before writing, leaving out the patient's own row."""
    holder = _identity(alice, ins_matricule=NIR, ins_oid=INS_NIR_OID)
    asked = {"ins_matricule": NIR, "ins_oid": INS_NIR_OID}
    assert ins_holder(asked) == holder.link
    assert ins_holder(asked, exclude_link=holder.link) is None
    assert ins_holder({"ins_matricule": "", "ins_oid": ""}) is None
