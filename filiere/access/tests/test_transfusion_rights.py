"""The transfusion policy: the patient's clinicians see the record; the specialists of a blood
site in the region of a following centre see it and sign the instruction."""

from __future__ import annotations

from typing import Any

import pytest

from filiere.access import forget_grants
from filiere.access.transfusion import TransfusionRights, specialist_regions, transfusion_rights
from filiere.accounts.models import User
from filiere.network.models import Centre, Role
from filiere.patients.models import Patient
from filiere.testing.factories import give_role, make_patient
from filiere.transfusion.tests.factories import make_blood_site, make_specialist

pytestmark = pytest.mark.django_db


def test_the_patients_clinician_sees_but_does_not_sign(alice: User, patient_a: Any) -> None:
    assert transfusion_rights(alice, patient_a) == TransfusionRights(see=True)


def test_a_specialist_of_the_region_sees_and_signs(centre_a: Centre, patient_a: Any) -> None:
    specialist = make_specialist(make_blood_site(region=centre_a.region))
    assert transfusion_rights(specialist, patient_a) == TransfusionRights(
        see=True, sign_instruction=True
    )


def test_a_specialist_of_another_region_may_do_nothing(centre_b: Centre, patient_a: Any) -> None:
    specialist = make_specialist(make_blood_site(region=centre_b.region))
    assert transfusion_rights(specialist, patient_a) == TransfusionRights()


def test_a_clinician_of_another_centre_may_do_nothing(charlie: User, patient_a: Any) -> None:
    assert transfusion_rights(charlie, patient_a) == TransfusionRights()


def test_a_merged_record_gives_no_right(centre_a: Centre, patient_a: Any) -> None:
    specialist = make_specialist(make_blood_site(region=centre_a.region))
    Patient.objects.filter(pk=patient_a.pk).update(merged_into=make_patient(centre_a))
    patient_a.refresh_from_db()
    assert transfusion_rights(specialist, patient_a) == TransfusionRights()


def test_a_new_site_counts_once_the_grants_are_forgotten(
    centre_a: Centre, centre_b: Centre
) -> None:
    specialist = make_specialist(make_blood_site(region=centre_a.region))
    assert specialist_regions(specialist) == {centre_a.region}
    give_role(specialist, make_blood_site(region=centre_b.region), Role.TRANSFUSION_SPECIALIST)
    forget_grants(specialist)
    assert specialist_regions(specialist) == {centre_a.region, centre_b.region}
