"""Lists clinicians can use: the treating team reads name and birth date beside the pseudonym.

Identity is shown on the list page, in its name-search results and in the API's list and search
to those who hold VIEW_IDENTITY at a centre following the row's patient; each read is recorded,
one event per patient shown, so that the audit page filtered on a patient finds it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from filiere.access import ROLE_CAPABILITIES, Capability
from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.network.models import Centre, Role
from filiere.patients.models import Patient
from filiere.patients.views import PAGE_SIZE
from filiere.testing.factories import give_role, make_patient, make_user

ClientFor = Callable[[User], Client]
LIST_SUMMARY = "Liste des patients avec identité"


def _list_reads(patient: Patient) -> int:
    return AuditEvent.objects.filter(
        action="view", patient_id=patient.public_id, summary=LIST_SUMMARY
    ).count()


def _identity_queries(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if "identity_traits" in q["sql"]]


def _audit_inserts(queries: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("INSERT") and "audit_auditevent" in q["sql"]
    ]


@pytest.fixture
def restricted_data_manager_role(monkeypatch: pytest.MonkeyPatch) -> None:
    """A network that lets its data managers work on pseudonymised records only.

    Today every role that lists patients also reads identity at the same centre; this policy
    is the one case where a user sees a row without being of its treating team.
    """
    monkeypatch.setitem(
        ROLE_CAPABILITIES,
        Role.DATA_MANAGER,
        ROLE_CAPABILITIES[Role.DATA_MANAGER] - {Capability.VIEW_IDENTITY},
    )


def test_clinician_of_the_following_centre_reads_name_and_birth_date_in_the_list(
    patient_a: Patient, alice: User, client_for: ClientFor
) -> None:
    html = client_for(alice).get("/patients/").content.decode()
    assert patient_a.pseudonym in html
    assert "Lefèvre" in html
    assert "Élodie" in html
    assert "17/05/1990" in html
    assert _list_reads(patient_a) == 1
    event = AuditEvent.objects.get(summary=LIST_SUMMARY)
    assert event.actor == alice
    assert event.object_id == str(patient_a.public_id)
    assert "Lefèvre" not in json.dumps(event.changes)


def test_the_used_name_is_shown_beside_the_birth_name(
    centre_a: Centre, alice: User, client_for: ClientFor
) -> None:
    make_patient(centre_a, birth_name="Moreau", first_given_name="Inès", used_name="Garnier")
    html = client_for(alice).get("/patients/").content.decode()
    assert "Moreau" in html
    assert "Garnier" in html
    assert "Inès" in html


def test_clinician_of_another_centre_sees_neither_name_nor_birth_date(
    patient_a: Patient, centre_b: Centre, charlie: User, client_for: ClientFor
) -> None:
    own = make_patient(centre_b, birth_name="Girard", birth_date=dt.date(2001, 2, 3))
    html = client_for(charlie).get("/patients/").content.decode()
    assert patient_a.pseudonym not in html
    assert "Lefèvre" not in html
    assert "17/05/1990" not in html
    assert "Girard" in html
    assert _list_reads(patient_a) == 0
    assert _list_reads(own) == 1


def test_a_user_without_identity_right_at_the_following_centre_keeps_pseudonyms(
    restricted_data_manager_role: None,
    patient_a: Patient,
    centre_a: Centre,
    centre_b: Centre,
    client_for: ClientFor,
) -> None:
    """Identity is decided row by row: a clinician of B who manages A's data sees A's patients
    under their pseudonym, and B's own patients with their name."""
    user = make_user()
    give_role(user, centre_b, Role.CLINICIAN)
    give_role(user, centre_a, Role.DATA_MANAGER)
    own = make_patient(centre_b, birth_name="Girard", birth_date=dt.date(2001, 2, 3))
    html = client_for(user).get("/patients/").content.decode()
    assert patient_a.pseudonym in html
    assert own.pseudonym in html
    assert "Lefèvre" not in html
    assert "17/05/1990" not in html
    assert "Girard" in html
    assert "03/02/2001" in html
    assert _list_reads(patient_a) == 0
    assert _list_reads(own) == 1


def test_a_data_manager_with_only_pseudonymised_rights_reads_no_identity_at_all(
    restricted_data_manager_role: None,
    patient_a: Patient,
    centre_a: Centre,
    client_for: ClientFor,
) -> None:
    user = make_user()
    give_role(user, centre_a, Role.DATA_MANAGER)
    with CaptureQueriesContext(connection) as queries:
        html = client_for(user).get("/patients/").content.decode()
    assert patient_a.pseudonym in html
    assert "Lefèvre" not in html
    assert _identity_queries(queries) == []
    assert not AuditEvent.objects.filter(summary=LIST_SUMMARY).exists()


def test_auditor_and_network_coordinator_get_no_list(
    patient_a: Patient, auditor: User, network_coordinator: User, client_for: ClientFor
) -> None:
    for user in (auditor, network_coordinator):
        response = client_for(user).get("/patients/")
        assert response.status_code == 404
        assert "Lefèvre" not in response.content.decode()
        assert client_for(user).get("/api/v1/patients").status_code == 404
    assert not AuditEvent.objects.filter(summary=LIST_SUMMARY).exists()


def test_the_audit_page_filtered_on_a_patient_finds_the_list_read(
    patient_a: Patient, centre_a: Centre, alice: User, auditor: User, client_for: ClientFor
) -> None:
    make_patient(centre_a)
    client_for(alice).get("/patients/")
    response = client_for(auditor).get("/audit/", {"patient_id": str(patient_a.public_id)})
    page = response.content.decode()
    assert page.count(LIST_SUMMARY) == 1
    assert "Lefèvre" not in page


def test_name_search_results_show_the_identity_and_keep_it_out_of_urls(
    patient_a: Patient, centre_a: Centre, alice: User, client_for: ClientFor
) -> None:
    make_patient(centre_a, birth_name="Girard")
    client = client_for(alice)
    location = client.post("/patients/", {"q": "lefevre"})["Location"]
    html = client.get(location).content.decode()
    assert "Lefèvre" in html
    assert "17/05/1990" in html
    assert "Girard" not in html
    links = re.findall(r'href="([^"]*)"', html)
    assert links
    assert not [link for link in links if "lef" in link.lower() or "1990" in link]
    assert _list_reads(patient_a) == 1


def test_identity_is_read_once_and_audited_for_exactly_the_rows_of_the_page(
    centre_a: Centre, centre_b: Centre, alice: User, client_for: ClientFor
) -> None:
    make_patient(centre_b, birth_name="Girard")
    followed = [make_patient(centre_a) for _ in range(PAGE_SIZE + 1)]
    client = client_for(alice)
    with CaptureQueriesContext(connection) as queries:
        first = client.get("/patients/").content.decode()
    assert len(_identity_queries(queries)) == 1
    assert len(_audit_inserts(queries)) == 1
    shown = set(
        AuditEvent.objects.filter(summary=LIST_SUMMARY).values_list("patient_id", flat=True)
    )
    assert len(shown) == PAGE_SIZE
    # The page reads one row more than it shows, to know whether a next page exists.
    on_first_page = {p.public_id for p in followed if p.pseudonym in first}
    assert shown == on_first_page
    assert "Girard" not in first
    with CaptureQueriesContext(connection) as queries:
        second = client.get("/patients/?page=2").content.decode()
    assert len(_audit_inserts(queries)) == 1
    (last,) = [p for p in followed if p.public_id not in on_first_page]
    assert last.pseudonym in second
    assert _list_reads(last) == 1


def test_list_query_count_with_identity_does_not_grow_with_patients(
    centre_a: Centre, alice: User, client_for: ClientFor
) -> None:
    client = client_for(alice)
    for _ in range(3):
        make_patient(centre_a)
    client.get("/patients/")
    with CaptureQueriesContext(connection) as few:
        client.get("/patients/")
    for _ in range(10):
        make_patient(centre_a)
    with CaptureQueriesContext(connection) as many:
        html = client.get("/patients/").content.decode()
    assert len(many) == len(few)
    assert html.count("/05/1990") == 13


def _post_json(client: Client, url: str, data: object) -> Any:
    return client.post(url, json.dumps(data), content_type="application/json")


def test_api_list_and_search_give_the_identity_to_the_treating_team(
    patient_a: Patient, alice: User, client_for: ClientFor
) -> None:
    client = client_for(alice)
    (listed,) = client.get("/api/v1/patients").json()
    assert listed["pseudonym"] == patient_a.pseudonym
    assert listed["identity"] == {
        "birth_name": "Lefèvre",
        "first_given_name": "Élodie",
        "used_name": "",
        "birth_date": "1990-05-17",
    }
    (found,) = _post_json(client, "/api/v1/patients/recherche", {"q": "LEFEVRE"}).json()
    assert found["identity"]["birth_name"] == "Lefèvre"
    assert _list_reads(patient_a) == 2


def test_api_list_keeps_pseudonyms_for_a_user_without_identity_right(
    restricted_data_manager_role: None,
    patient_a: Patient,
    centre_a: Centre,
    client_for: ClientFor,
) -> None:
    user = make_user()
    give_role(user, centre_a, Role.DATA_MANAGER)
    (listed,) = client_for(user).get("/api/v1/patients").json()
    assert listed["pseudonym"] == patient_a.pseudonym
    assert listed["identity"] is None
    assert "Lefèvre" not in json.dumps(listed)
    assert _list_reads(patient_a) == 0


def test_api_schema_documents_the_optional_identity(client_for: ClientFor, alice: User) -> None:
    document = client_for(alice).get("/api/v1/openapi.json").json()
    schemas = document["components"]["schemas"]
    listed = schemas["PatientListOut"]["properties"]
    assert "identity" in listed
    assert "identity" not in schemas["PatientOut"]["properties"]


def test_api_list_and_search_keep_pseudonyms_for_a_token_without_the_identity_scope(
    patient_a: Patient, alice: User
) -> None:
    """Seen: a read token without the identity scope, refused on /identite, read names in the
    list and found patients by name through the search."""
    from filiere.accounts.services import api_token_create

    _, raw = api_token_create(actor=alice, name="lecture")
    bearer: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    client = Client()
    (listed,) = client.get("/api/v1/patients", **bearer).json()
    assert listed["pseudonym"] == patient_a.pseudonym
    assert listed["identity"] is None
    assert "Lefèvre" not in json.dumps(listed)
    by_name = client.post(
        "/api/v1/patients/recherche", {"q": "LEFEVRE"}, content_type="application/json", **bearer
    )
    assert by_name.json() == []
    by_pseudonym = client.post(
        "/api/v1/patients/recherche",
        {"q": patient_a.pseudonym},
        content_type="application/json",
        **bearer,
    ).json()
    assert [row["identity"] for row in by_pseudonym] == [None]
    assert _list_reads(patient_a) == 0
    _, with_identity = api_token_create(actor=alice, name="identité", allows_identity=True)
    (listed,) = client.get("/api/v1/patients", HTTP_AUTHORIZATION=f"Bearer {with_identity}").json()
    assert listed["identity"]["birth_name"] == "Lefèvre"
