"""Ages in the registry: never "0 ans" (months under 2 years, days for a newborn), exact on the
record that shows the identity, to the month elsewhere, and one rule for child or adult."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.test import Client
from django.utils import timezone

from filiere.access.actors import SYSTEM
from filiere.accounts.models import User
from filiere.lib.partial_dates import PartialDate
from filiere.network.models import Centre
from filiere.patients.models import Patient
from filiere.patients.selectors import (
    PatientFilters,
    age_group_condition,
    age_on,
    patient_list,
)
from filiere.patients.services import patient_register
from filiere.testing.factories import identity_input, make_patient

ClientFor = Callable[[User], Client]


def _months_ago(today: dt.date, months: int) -> dt.date:
    """The 1st of the month ``months`` before this one: exactly ``months`` completed months."""
    index = today.year * 12 + today.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


def _baby(centre: Centre, born: dt.date, **identity: object) -> Patient:
    """A baby registered today (the default inclusion date of the factory precedes the birth)."""
    registration = patient_register(
        actor=SYSTEM,
        centre=centre,
        identity=identity_input(birth_date=born, **identity),
        inclusion_date=PartialDate.from_date(timezone.localdate()),
    )
    return registration.patient


def test_a_newborn_of_12_days_is_shown_in_days_on_the_record(
    centre_a: Centre, nomenclature: None, alice: User, client_for: ClientFor
) -> None:
    today = timezone.localdate()
    baby = _baby(centre_a, today - dt.timedelta(days=12), sex="M")
    html = client_for(alice).get(f"/patients/{baby.public_id}/").content.decode()
    assert '<span data-testid="age">12 jours</span>' in html
    assert "0 an" not in html


def test_a_baby_of_11_months_is_shown_in_months_on_the_record(
    centre_a: Centre, nomenclature: None, alice: User, client_for: ClientFor
) -> None:
    baby = _baby(centre_a, _months_ago(timezone.localdate(), 11))
    html = client_for(alice).get(f"/patients/{baby.public_id}/").content.decode()
    assert '<span data-testid="age">11 mois</span>' in html


def test_the_follow_up_page_without_identity_shows_the_age_to_the_month(
    centre_a: Centre, nomenclature: None, alice: User, client_for: ClientFor
) -> None:
    """The follow-up page does not read the identity: a newborn is "moins d'un mois" there, an
    adult's age is in whole years."""
    today = timezone.localdate()
    baby = _baby(centre_a, today - dt.timedelta(days=2))
    html = client_for(alice).get(f"/suivi/patients/{baby.public_id}/").content.decode()
    assert '<span data-testid="age">moins d&#x27;un mois</span>' in html
    adult = make_patient(centre_a, birth_date=dt.date(1990, 1, 1))
    html = client_for(alice).get(f"/suivi/patients/{adult.public_id}/").content.decode()
    assert f'<span data-testid="age">{age_on(adult, today)} ans</span>' in html


def test_a_girl_born_in_december_2008_is_a_child_on_02_12_2026_for_the_list_and_the_age(
    centre_a: Centre, nomenclature: None
) -> None:
    """Born 03/12/2008, known to the month in the clinical table: possibly still 17 on
    02/12/2026, so a child for the list filter and for ``age_on`` alike (one rule), until
    31/12/2026."""
    lea = make_patient(centre_a, birth_date=dt.date(2008, 12, 3))
    eve, last_day = dt.date(2026, 12, 2), dt.date(2026, 12, 31)
    assert (age_on(lea, eve), age_on(lea, last_day)) == (17, 18)
    assert Patient.objects.filter(age_group_condition("child", eve)).get() == lea
    assert Patient.objects.filter(age_group_condition("adult", last_day)).get() == lea


def test_the_list_filter_agrees_with_age_on_for_every_birth_month_around_18(
    centre_a: Centre, nomenclature: None, alice: User
) -> None:
    today = timezone.localdate()
    patients: list[Patient] = [
        make_patient(centre_a, birth_date=_months_ago(today, 18 * 12 + shift))
        for shift in (-2, -1, 0, 1, 2)
    ]
    children = set(patient_list(alice, PatientFilters(age_group="child")))
    adults = set(patient_list(alice, PatientFilters(age_group="adult")))
    for patient in patients:
        assert (patient in children) is (age_on(patient, today) < 18)
        assert (patient in adults) is (age_on(patient, today) >= 18)
