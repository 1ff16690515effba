"""A centre's worklist of patients overdue or due for a visit: scoped to the user's centres,
one fixed number of queries however many patients, the read audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from filiere.accounts.models import User
from filiere.audit.chain import chain_extra_queries
from filiere.audit.models import AuditEvent
from filiere.followup.rhythm import add_months
from filiere.followup.tests.helpers import record_visit
from filiere.network.models import Centre, Role
from filiere.patients.models import Patient
from filiere.testing.factories import give_role, make_patient

ClientFor = Callable[[User], Client]


def _overdue_patient(centre: Centre) -> Patient:
    """A patient last seen 30 months ago (a visit every 2 years by default)."""
    patient = make_patient(centre)
    record_visit(patient, centre, add_months(timezone.localdate(), -30))
    return patient


def test_the_worklist_lists_overdue_patients_first_and_audits_the_read(
    centre_a: Centre, nomenclature: None, alice: User, client_for: ClientFor
) -> None:
    late = _overdue_patient(centre_a)
    recent = make_patient(centre_a)
    record_visit(recent, centre_a, timezone.localdate() - dt.timedelta(days=30))
    soon = make_patient(centre_a)
    record_visit(soon, centre_a, add_months(timezone.localdate(), -23))
    client = client_for(alice)
    html = client.get(f"/suivi/centres/{centre_a.public_id}/").content.decode()
    assert late.pseudonym in html
    assert recent.pseudonym not in html
    assert soon.pseudonym not in html
    assert "jours de retard" in html
    assert "En retard (1)" in html
    assert "Visite à prévoir (1)" in html
    assert "À jour (1)" in html
    due = client.get(f"/suivi/centres/{centre_a.public_id}/?statut=due").content.decode()
    assert soon.pseudonym in due
    assert late.pseudonym not in due
    assert AuditEvent.objects.filter(
        object_type="followup.worklist", centre_id=centre_a.public_id
    ).exists()


def test_the_worklist_query_count_does_not_grow_with_patients(
    centre_a: Centre, nomenclature: None, alice: User, client_for: ClientFor
) -> None:
    client = client_for(alice)
    url = f"/suivi/centres/{centre_a.public_id}/"
    _overdue_patient(centre_a)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for _ in range(8):
        _overdue_patient(centre_a)
    with CaptureQueriesContext(connection) as many:
        html = client.get(url).content.decode()
    assert html.count("/suivi/patients/") == 9
    assert len(many) == len(few)
    # session, user, second factor, rights, page, audit (and its chain link), counts
    assert len(many) <= 12 + chain_extra_queries()


def test_an_outsider_cannot_see_the_worklist_of_another_centre(
    centre_a: Centre, nomenclature: None, charlie: User, client_for: ClientFor
) -> None:
    late = _overdue_patient(centre_a)
    response = client_for(charlie).get(f"/suivi/centres/{centre_a.public_id}/")
    assert response.status_code == 404
    assert late.pseudonym not in response.content.decode()
    assert AuditEvent.objects.filter(
        action="access_denied", object_id=str(centre_a.public_id)
    ).exists()


def test_the_home_sends_a_clinician_to_her_centre_or_lets_her_choose(
    centre_a: Centre, centre_b: Centre, alice: User, client_for: ClientFor
) -> None:
    client = client_for(alice)
    response = client.get("/suivi/")
    assert response["Location"] == f"/suivi/centres/{centre_a.public_id}/"
    give_role(alice, centre_b, Role.CLINICIAN)
    html = client_for(alice).get("/suivi/").content.decode()
    assert centre_a.name in html
    assert centre_b.name in html


def test_a_user_without_patients_has_no_worklist(
    network_coordinator: User, client_for: ClientFor
) -> None:
    assert client_for(network_coordinator).get("/suivi/").status_code == 404
