"""PostgreSQL production roles: the application role may only insert and read audit events;
the purge role deletes the oldest ones, and the chain still verifies after it."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.db import DatabaseError, connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from filiere.audit.chain import chain_append, chain_purge, chain_verify, roles_sql
from filiere.audit.models import AuditChainHead, AuditEvent

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL roles"),
    pytest.mark.django_db(transaction=True),
]


@dataclass(frozen=True)
class Roles:
    app: str
    purge: str


@dataclass(frozen=True)
class Sessions:
    app: BaseDatabaseWrapper
    purge: BaseDatabaseWrapper


def _connect_as(alias: str, role: str) -> BaseDatabaseWrapper:
    """A connection of its own (not one of ``connections``: the test case allows those only)."""
    settings_dict = {**connections["default"].settings_dict, "USER": role, "PASSWORD": "x"}
    wrapper_class = type(connections["default"])
    return wrapper_class(settings_dict, alias)


def _drop_role(role: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone():
            cursor.execute(f'DROP OWNED BY "{role}"')
            cursor.execute(f'DROP ROLE "{role}"')


@pytest.fixture
def roles() -> Iterator[Sessions]:
    """The production roles of ``filiere audit roles-sql``, created in the test database (the
    tests connect as a superuser, which stands for the owner). The purge role's name is
    ``<database>_audit_purge`` (the trigger looks it up), the application role's unique."""
    database = str(connection.settings_dict["NAME"])
    created = Roles(app=f"{database}_app_{uuid.uuid4().hex[:8]}", purge=f"{database}_audit_purge")
    _drop_role(created.purge)  # left over by an interrupted run
    sql = roles_sql(database=database).replace(f"{database}_app", created.app)
    statements = [
        line
        for line in sql.splitlines()
        if line and not line.startswith("--") and "_owner" not in line
    ]
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement.replace("'change-me'", "'x'"))
    sessions = Sessions(_connect_as("as_app", created.app), _connect_as("as_purge", created.purge))
    yield sessions
    sessions.app.close()
    sessions.purge.close()
    _drop_role(created.app)
    _drop_role(created.purge)


def _event(summary: str, occurred_at: dt.datetime | None = None) -> AuditEvent:
    (event,) = chain_append(
        [AuditEvent(action="view", summary=summary, occurred_at=occurred_at or timezone.now())]
    )
    return event


@pytest.mark.parametrize(
    "statement",
    [
        "DELETE FROM audit_auditevent",
        "TRUNCATE audit_auditevent",
        "UPDATE audit_auditevent SET summary = 'rien vu'",
        "ALTER TABLE audit_auditevent DISABLE TRIGGER USER",
        "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only",
        "UPDATE audit_auditchainhead SET seq = 0",
        "DROP TRIGGER audit_event_chain ON audit_auditevent",
    ],
)
def test_the_application_role_cannot_remove_or_change_events(
    roles: Sessions, statement: str
) -> None:
    """Seen: the application role owned the table (TRUNCATE, DISABLE TRIGGER)."""
    event = _event("à garder")
    with pytest.raises(DatabaseError), roles.app.cursor() as cursor:
        cursor.execute(statement)
    assert AuditEvent.objects.filter(pk=event.pk, summary="à garder").exists()
    assert chain_verify().ok


def test_the_purge_switch_is_gone_for_the_application_role(roles: Sessions) -> None:
    """Seen: ``SET filiere.audit_purge = 'on'`` let the application role DELETE."""
    event = _event("à garder")
    with roles.app.cursor() as cursor:
        cursor.execute("SET filiere.audit_purge = 'on'")
        with pytest.raises(DatabaseError):
            cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_application_role_inserts_chained_events_and_reads_them(roles: Sessions) -> None:
    with roles.app.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditevent (public_id, occurred_at, action, object_type, "
            "object_id, summary, changes, prev_hash, hash) "
            "VALUES (%s, now(), 'view', '', '', 'par le rôle applicatif', '{}', '', '') "
            "RETURNING chain_seq, hash",
            [uuid.uuid4()],
        )
        seq, digest = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM audit_auditevent")
    assert seq == AuditChainHead.objects.get().seq
    assert len(digest) == 64
    assert chain_verify().ok


def test_the_purge_role_removes_the_oldest_events_and_verify_still_passes(roles: Sessions) -> None:
    long_ago = timezone.now() - dt.timedelta(days=400)
    old = [_event(f"ancien {n}", long_ago) for n in range(3)]
    kept = [_event(f"récent {n}") for n in range(2)]
    with pytest.raises(DatabaseError):
        chain_purge(before=timezone.now() - dt.timedelta(days=365), connection=roles.app)
    deleted = chain_purge(before=timezone.now() - dt.timedelta(days=365), connection=roles.purge)
    assert deleted == 3
    assert not AuditEvent.objects.filter(pk__in=[e.pk for e in old]).exists()
    assert AuditEvent.objects.filter(pk__in=[e.pk for e in kept]).count() == 2
    head = AuditChainHead.objects.get()
    assert head.anchor_seq == (AuditEvent.objects.get(pk=kept[0].pk).chain_seq or 0) - 1
    assert chain_verify().ok


def test_the_purge_role_may_only_remove_the_oldest_events(roles: Sessions) -> None:
    events = [_event(f"événement {n}") for n in range(3)]
    with pytest.raises(DatabaseError), roles.purge.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    assert AuditEvent.objects.count() == 3
    assert chain_verify().ok
