"""The transfusion specialist's block of the home page: refractory patients of their region and
the antibody screens (sera) recorded in the last 14 days."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from filiere.accounts.models import User
from filiere.core.tests.home_counts import PAGE_QUERIES, home_counts
from filiere.network.models import Centre
from filiere.patients.models import Patient
from filiere.testing.factories import make_patient
from filiere.transfusion.models import AntibodyScreen
from filiere.transfusion.tests.factories import (
    make_blood_site,
    make_refractory,
    make_specialist,
    make_transfusion,
    record_screen,
)

pytestmark = pytest.mark.django_db

Login = Callable[[User], Client]
REFRACTORY = "Patients en état réfractaire"
SERA = "Nouveaux sérums (anticorps anti-HLA, 14 derniers jours)"


@pytest.fixture
def julien(centre_a: Centre) -> User:
    """Julien, transfusion specialist at the blood-establishment site of centre A's region."""
    site = make_blood_site(centre_a.region, name="EFS Marseille", city="Marseille")
    return make_specialist(site, email="julien@efs.test", first_name="Julien", last_name="Moreau")


@pytest.fixture
def victor(db: None) -> User:
    """Victor, transfusion specialist of a site in another region (Hauts-de-France)."""
    site = make_blood_site("32", name="EFS Lille", city="Lille")
    return make_specialist(site, email="victor@efs.test", first_name="Victor", last_name="Lenoir")


def test_refractory_patients_and_new_sera_of_my_region(
    julien: User, centre_a: Centre, centre_b: Centre, patient_a: Patient, client_for: Login
) -> None:
    """Two ineffective transfusions in a row, low from 1 h: the immune pattern (the worklist's
    rule); a good increment (10 → 45 ×10⁹/L at 1 h) is not refractory."""
    make_refractory(patient_a)
    make_transfusion(make_patient(centre_a), counts=(10, 45, 35))
    make_refractory(make_patient(centre_b))  # Lille: another region
    record_screen(patient_a)
    old = record_screen(make_patient(centre_a))
    # The import stamps the present: move this serum's recording 15 days back.
    AntibodyScreen.objects.filter(pk=old.pk).update(
        recorded_at=timezone.now() - dt.timedelta(days=15)
    )
    record_screen(make_patient(centre_b))

    counts = home_counts(client_for(julien))

    assert counts["transfusion_specialist"] == {REFRACTORY: 1, SERA: 1}


def test_a_specialist_of_another_region_sees_zero(
    victor: User, patient_a: Patient, client_for: Login
) -> None:
    make_refractory(patient_a)
    record_screen(patient_a)

    counts = home_counts(client_for(victor))

    assert counts["transfusion_specialist"] == {REFRACTORY: 0, SERA: 0}


def test_the_transfusion_home_page_query_count(
    julien: User,
    centre_a: Centre,
    patient_a: Patient,
    client_for: Login,
    django_assert_max_num_queries: Any,
) -> None:
    """The refractory count reuses the worklist's assessment: a fixed number of queries (the
    specialist's regions, the patients, their transfusions, counts, instructions and centres),
    whatever the patients; the new sera are one count after the regions are read."""
    make_refractory(patient_a)
    client = client_for(julien)
    client.get("/")
    for _ in range(3):
        patient = make_patient(centre_a)
        make_refractory(patient)
        record_screen(patient)
    with django_assert_max_num_queries(PAGE_QUERIES + 6 + 2):
        assert client.get("/").status_code == 200
