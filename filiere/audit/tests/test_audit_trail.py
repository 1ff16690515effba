"""The audit trail is append-only, browsable by auditors only, and never holds secrets."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client

from filiere.access.actors import SYSTEM
from filiere.accounts.models import User
from filiere.audit.models import AppendOnlyError, AuditEvent
from filiere.audit.services import SUMMARY_LENGTH, audit_record, changed_fields
from filiere.network.models import Centre
from filiere.testing.factories import make_centre

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(alice: User) -> AuditEvent:
    return audit_record(actor=alice, action=AuditEvent.Action.VIEW, summary="test")


def test_an_event_cannot_be_changed_through_the_model(event: AuditEvent) -> None:
    event.summary = "falsifié"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


def test_an_event_cannot_be_changed_through_querysets(event: AuditEvent) -> None:
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(summary="falsifié")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()


def test_the_database_itself_refuses_an_update(event: AuditEvent) -> None:
    table = AuditEvent._meta.db_table
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET summary = %s WHERE id = %s", ["falsifié", event.pk])  # noqa: S608
    event.refresh_from_db()
    assert event.summary == "test"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="DELETE guard exists on PostgreSQL")
def test_postgresql_refuses_a_delete_outside_the_retention_purge(event: AuditEvent) -> None:
    table = AuditEvent._meta.db_table
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [event.pk])  # noqa: S608
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_admin_offers_no_way_to_change_or_delete_events(
    event: AuditEvent, client_for: Callable[[User], Client]
) -> None:
    superuser = User.objects.create_superuser("root@filiere.test", "Un-mot-de-passe-2026!")
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(superuser, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    client = client_for(superuser)
    change_page = client.get(f"/gestion/audit/auditevent/{event.pk}/change/")
    assert change_page.status_code == 200
    assert 'name="_save"' not in change_page.content.decode()
    assert (
        client.post(f"/gestion/audit/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_identity_values_never_enter_the_trail() -> None:
    changes = changed_fields(
        {"birth_name": "DUPONT", "city": "Lyon"},
        {"birth_name": "DURAND", "city": "Lille"},
        redacted={"birth_name"},
    )
    assert "DUPONT" not in str(changes)
    assert "DURAND" not in str(changes)
    assert changes["city"] == {"avant": "Lyon", "après": "Lille"}
    assert set(changes) == {"birth_name", "city"}


def test_events_record_the_client_address(
    alice: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(alice)
    client.post(
        "/profil/",
        {
            "first_name": "Alice",
            "last_name": "Martin",
            "specialty": "other",
            "title": "",
            "rpps": "",
            "phone": "",
        },
        REMOTE_ADDR="192.0.2.44",
    )
    event = AuditEvent.objects.filter(action="update").latest("id")
    assert event.ip_address == "192.0.2.44"
    assert event.actor == alice


def test_auditor_browses_and_filters_the_trail(
    auditor: User, alice: User, client_for: Callable[[User], Client]
) -> None:
    make_centre(name="Centre filtré")
    client = client_for(auditor)
    page = client.get("/audit/", {"action": "create", "object_type": "network.centre"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "network.centre" in html
    assert "accounts.user" not in html
    api = client.get("/api/v1/audit/evenements", {"action": "create"}).json()
    assert api["count"] >= 1
    assert {item["action"] for item in api["items"]} == {"create"}


def test_auditor_export_is_csv_with_formulas_neutralised(
    auditor: User, client_for: Callable[[User], Client]
) -> None:
    audit_record(actor=auditor, action=AuditEvent.Action.VIEW, summary="=HYPERLINK(1)")
    response = client_for(auditor).get("/audit/export.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "'=HYPERLINK(1)" in response.content.decode()


def test_clinicians_cannot_browse_the_trail(
    alice: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(alice)
    assert client.get("/audit/").status_code == 404
    assert client.get("/audit/export.csv").status_code == 404
    assert client.get("/api/v1/audit/evenements").status_code == 404


def test_invalid_date_range_is_explained_in_french(
    auditor: User, client_for: Callable[[User], Client]
) -> None:
    page = client_for(auditor).get("/audit/", {"date_from": "2026-05-01", "date_to": "2026-04-01"})
    assert "La date de début doit précéder la date de fin." in page.content.decode()


def test_every_write_service_leaves_exactly_one_event(centre_a: Centre, alice: User) -> None:
    from filiere.network.services import membership_grant, membership_revoke

    before = AuditEvent.objects.count()
    membership = membership_grant(actor=SYSTEM, user=alice, centre=centre_a, role="data_manager")
    assert AuditEvent.objects.count() == before + 1
    membership_grant(actor=SYSTEM, user=alice, centre=centre_a, role="data_manager")
    assert AuditEvent.objects.count() == before + 1  # an existing grant is not written again
    membership_revoke(actor=SYSTEM, membership=membership)
    assert AuditEvent.objects.count() == before + 2


@pytest.mark.django_db
def test_a_refused_input_with_control_characters_is_recorded_not_a_server_error() -> None:
    """Found by the API fuzzing on PostgreSQL: a refusal echoing an HPO code with a NUL byte and
    lone surrogates, or longer than the column, must still be stored."""
    typed = "G\x00µ\udab0" + "x" * 400
    event = audit_record(actor=SYSTEM, action=AuditEvent.Action.REFUSED, summary=typed)
    event.refresh_from_db()
    assert "\x00" not in event.summary
    assert len(event.summary) == SUMMARY_LENGTH
    assert event.summary.startswith("G µ ")
