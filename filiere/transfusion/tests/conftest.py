"""Personas of the transfusion tests.

- alice: clinician of centre A (Marseille, region 93), follows the patient;
- charlie: clinician of centre B (Lille): must be refused everything;
- julien: transfusion specialist at the blood-establishment site of region 93 (the patient's);
- victor: transfusion specialist at a site of another region (Hauts-de-France): refused.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from filiere.accounts.models import User
from filiere.network.models import Centre
from filiere.transfusion.donor_pool import forget_pool
from filiere.transfusion.tests.factories import make_blood_site, make_specialist


@pytest.fixture(autouse=True)
def _fresh_pool() -> Iterator[None]:
    """Each test starts without a pool cached by another test's database."""
    forget_pool()
    yield
    forget_pool()


@pytest.fixture
def efs_a(centre_a: Centre) -> Centre:
    return make_blood_site(centre_a.region, name="EFS Marseille", city="Marseille")


@pytest.fixture
def julien(efs_a: Centre) -> User:
    """A transfusion specialist of the blood-establishment site of centre A's region."""
    return make_specialist(efs_a, email="julien@efs.test", first_name="Julien", last_name="Moreau")


@pytest.fixture
def victor(db: Any) -> User:
    """A transfusion specialist of a site in another region: an outsider here."""
    site = make_blood_site("32", name="EFS Lille", city="Lille")
    return make_specialist(site, email="victor@efs.test", first_name="Victor", last_name="Lenoir")


@pytest.fixture
def patient(patient_a: Any) -> Any:
    """The patient of centre A (Marseille)."""
    return patient_a
