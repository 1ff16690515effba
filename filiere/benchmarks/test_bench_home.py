"""The home page of each role on the benchmark registry: its counts must stay fast at scale.

The registry is the ``followup_cohort`` fixture of ``conftest.py`` (``BENCH_PATIENTS`` patients
in three centres, ten visits each, half of them overdue, one in ten with an off-label treatment).
Each persona holds one role at the first centre; the page is timed through the test client, as
the user sees it, and its query count is checked (one query per count, the transfusion block's
refractory count apart, which reuses the worklist's fixed queries).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from filiere.accounts.models import User
from filiere.core.tests.home_counts import PAGE_QUERIES
from filiere.network.models import Centre, Role
from filiere.testing.factories import give_role, make_centre, make_user
from filiere.testing.meetings import make_meeting, make_series

pytestmark = [pytest.mark.bench]

# Counts of each block, and the queries of each block beyond one per count.
BLOCK_QUERIES = {
    Role.CLINICIAN: 3,
    Role.DATA_MANAGER: 2,
    Role.RCP_COORDINATOR: 2 + 1,  # the undelivered e-mails of the centre's RCPs
    Role.TRANSFUSION_SPECIALIST: 2 + 6,  # the regions, read twice, and the worklist's queries
    Role.NETWORK_COORDINATOR: 4 + 1,  # the undelivered e-mails
}


@pytest.fixture
def cohort(followup_cohort: dict[str, Any], db: None) -> dict[str, Any]:
    return followup_cohort


def _persona(centre: Centre, role: str) -> User:
    if role == Role.CLINICIAN:
        user = make_user(email="mesure.accueil.clinicien@hopital.test")
        give_role(user, centre, role)
    elif role == Role.TRANSFUSION_SPECIALIST:
        site = make_centre(name="EFS de mesure", kind=Centre.Kind.BLOOD_ESTABLISHMENT)
        user = make_user(email="mesure.accueil.efs@efs.test")
        give_role(user, site, role)
    else:
        user = make_user(email=f"mesure.accueil.{role}@hopital.test")
        give_role(user, centre, role)
    if role == Role.RCP_COORDINATOR:
        make_meeting(make_series(centre, coordinator=user, name="RCP de mesure"))
    return user


@pytest.mark.parametrize("role", list(BLOCK_QUERIES))
def test_bench_home_page(benchmark: Any, cohort: dict[str, Any], role: Role) -> None:
    centre: Centre = cohort["centre"]
    client = Client()
    client.force_login(_persona(centre, role))
    client.get("/")  # the session and the rights, once
    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    assert len(queries.captured_queries) <= PAGE_QUERIES + BLOCK_QUERIES[role]

    response = benchmark(client.get, "/")

    assert response.status_code == 200
    assert f'data-role="{role}"' in response.content.decode()
