"""Registering patients: pseudonymised record, identity apart, duplicates flagged, INS checked."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import override_settings

from filiere.access.actors import SYSTEM
from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.identity.models import DuplicateSuspicion, Identity
from filiere.identity.services import INS_NIR_OID, INS_TEST_OID
from filiere.lib.identifiers import nir_key
from filiere.lib.partial_dates import PartialDate
from filiere.network.models import Centre
from filiere.patients.models import Patient
from filiere.patients.services import patient_register, patient_update_identity
from filiere.testing.factories import identity_input, make_patient

pytestmark = pytest.mark.usefixtures("nomenclature")


def nir(first13: str) -> str:
    return first13 + f"{nir_key(first13):02d}"


def test_registration_keeps_identity_in_its_own_table(centre_a: Centre, alice: User) -> None:
    registration = patient_register(
        actor=alice,
        centre=centre_a,
        identity=identity_input(birth_name="Dupont", birth_date=dt.date(2015, 3, 9), sex="M"),
        inclusion_date=PartialDate(2021, 6),
    )
    patient = registration.patient
    identity = Identity.objects.get(link=patient.identity_link)
    assert identity.birth_name == "Dupont"
    assert (patient.sex, patient.birth_year, patient.birth_month) == ("M", 2015, 3)
    # No clinical column holds a name, and the identity row is not reachable by foreign key.
    patient_columns = {f.column for f in Patient._meta.concrete_fields}
    assert not patient_columns & {"birth_name", "first_given_name", "birth_date", "ins_matricule"}
    assert Identity._meta.db_table == "identity_traits"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM identity_traits WHERE link = %s",
            [patient.identity_link.hex if connection.vendor == "sqlite" else patient.identity_link],
        )
        assert cursor.fetchone()[0] == 1


def test_registration_is_audited_without_identity_values(centre_a: Centre, alice: User) -> None:
    patient = make_patient(centre_a, actor=alice, birth_name="Zorglub")
    events = AuditEvent.objects.filter(patient_id=patient.public_id, action="create")
    assert events.count() == 2  # the patient and the care episode
    assert "Zorglub" not in str(list(events.values_list("summary", "changes")))


def test_same_ins_twice_is_refused(centre_a: Centre) -> None:
    ins = nir("2900575056123")
    make_patient(centre_a, ins_matricule=ins, ins_oid=INS_NIR_OID)
    with pytest.raises(ValidationError) as error:
        make_patient(centre_a, ins_matricule=ins, ins_oid=INS_NIR_OID, birth_name="Autre")
    assert "ins_matricule" in error.value.message_dict
    assert Patient.objects.count() == 1  # nothing half-written


def test_an_ins_with_a_bad_key_is_refused(centre_a: Centre) -> None:
    with pytest.raises(ValidationError) as error:
        make_patient(centre_a, ins_matricule="290057505612300", ins_oid=INS_NIR_OID)
    assert "clé de contrôle" in str(error.value.message_dict["ins_matricule"])


def test_test_ins_oid_is_refused_when_debug_is_off(centre_a: Centre) -> None:
    with pytest.raises(ValidationError) as error:
        make_patient(
            centre_a,
            ins_matricule=nir("1850375056123"),
            ins_oid=INS_TEST_OID,
            sex="M",
            birth_date=dt.date(1985, 3, 2),
        )
    assert "production" in str(error.value.message_dict["ins_oid"])


@override_settings(DEBUG=True)
def test_test_ins_oid_is_accepted_on_a_debug_instance(centre_a: Centre) -> None:
    patient = make_patient(
        centre_a,
        ins_matricule=nir("1850375056123"),
        ins_oid=INS_TEST_OID,
        sex="M",
        birth_date=dt.date(1985, 3, 2),
    )
    assert Identity.objects.get(link=patient.identity_link).ins_oid == INS_TEST_OID


def test_same_traits_in_another_centre_are_flagged_not_merged(
    centre_a: Centre, centre_b: Centre
) -> None:
    first = make_patient(
        centre_a, birth_name="Müller", first_given_name="Zoë", birth_date=dt.date(2001, 2, 3)
    )
    second = patient_register(
        actor=SYSTEM,
        centre=centre_b,
        identity=identity_input(
            birth_name="MULLER", first_given_name="Zoe", birth_date=dt.date(2001, 2, 3)
        ),
        inclusion_date=PartialDate(2022),
    )
    assert len(second.duplicates) == 1
    suspicion = DuplicateSuspicion.objects.get()
    assert suspicion.reason == DuplicateSuspicion.Reason.SAME_TRAITS
    assert suspicion.status == DuplicateSuspicion.Status.OPEN
    assert {suspicion.first_link, suspicion.second_link} == {
        first.identity_link,
        second.patient.identity_link,
    }
    assert Patient.objects.filter(merged_into__isnull=True).count() == 2


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"birth_date": dt.date(2999, 1, 1)}, "birth_date"),
        ({"birth_date": dt.date(1850, 1, 1)}, "birth_date"),
        ({"birth_name": "  "}, "birth_name"),
        ({"birth_place_insee": "ABCDE"}, "birth_place_insee"),
        ({"status": "qualified"}, "status"),
    ],
)
def test_bad_identity_is_refused_with_the_field_named(
    centre_a: Centre, values: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as error:
        make_patient(centre_a, **values)
    assert field in error.value.message_dict
    assert Patient.objects.count() == 0


def test_invisible_characters_are_stripped_from_names(centre_a: Centre) -> None:
    patient = make_patient(centre_a, birth_name="Jean\u202e  Pierre\u200b")
    assert Identity.objects.get(link=patient.identity_link).birth_name == "Jean Pierre"


def test_identity_change_updates_the_clinical_birth_month_and_audits_field_names_only(
    patient_a: Patient, alice: User
) -> None:
    changed = patient_update_identity(
        actor=alice,
        patient=patient_a,
        values={"birth_date": dt.date(1990, 7, 1), "used_name": "Secret"},
    )
    assert sorted(changed) == ["birth_date", "used_name"]
    patient_a.refresh_from_db()
    assert patient_a.birth_month == 7
    event = AuditEvent.objects.filter(patient_id=patient_a.public_id, action="update").get()
    assert event.changes == {"birth_date": "‹masqué›", "used_name": "‹masqué›"}
    assert "Secret" not in str(event.changes)
