"""The hash chain: every event links to the previous one; ``filiere audit verify`` finds an
event deleted or altered behind the application's back; the retention purge keeps it valid."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from filiere.accounts.models import User
from filiere.audit.chain import HASHED_FIELDS, chain_append, chain_verify
from filiere.audit.models import AuditChainHead, AuditEvent
from filiere.audit.services import audit_record, audit_record_per_patient
from filiere.audit.sqlite_guard import audit_delete_permitted

pytestmark = pytest.mark.django_db
POSTGRES = connection.vendor == "postgresql"


@contextmanager
def as_table_owner() -> Iterator[None]:
    """What the owner of the table (or of the SQLite file) can do: switch the guards off."""
    with connection.cursor() as cursor:
        if POSTGRES:
            # Django's foreign keys are deferred: check them now, or ALTER TABLE refuses.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
            yield
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
        else:
            with audit_delete_permitted():
                cursor.execute("DROP TRIGGER audit_event_no_update")
                yield


def _events(alice: User | None, count: int = 5) -> list[AuditEvent]:
    return [
        audit_record(actor=alice, action=AuditEvent.Action.VIEW, summary=f"lecture {n}")
        for n in range(count)
    ]


def test_each_event_links_to_the_previous_one(alice: User) -> None:
    _events(alice, 3)
    audit_record_per_patient(
        actor=alice, action=AuditEvent.Action.VIEW, patient_ids=[], summary="liste vide"
    )
    chained = list(AuditEvent.objects.order_by("chain_seq"))
    assert [e.chain_seq for e in chained] == list(range(1, len(chained) + 1))
    for before, after in itertools.pairwise(chained):
        assert after.prev_hash == before.hash
        assert len(after.hash) == 64
    head = AuditChainHead.objects.get()
    assert (head.seq, head.hash) == (chained[-1].chain_seq, chained[-1].hash)
    report = chain_verify()
    assert report.ok
    assert report.checked == len(chained)


def test_verify_reports_an_event_deleted_by_the_table_owner(alice: User) -> None:
    events = _events(alice)
    with as_table_owner(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[2].pk])
    report = chain_verify()
    assert not report.ok
    assert report.broken_event_id == events[3].pk
    with pytest.raises(CommandError, match="Chaîne d'audit rompue"):
        call_command("audit", "verify")


def test_verify_reports_the_last_event_deleted_by_the_table_owner(alice: User) -> None:
    events = _events(alice)
    with as_table_owner(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[-1].pk])
    report = chain_verify()
    assert not report.ok
    assert "derniers événements supprimés" in report.problem


def test_verify_reports_an_event_altered_by_the_table_owner(alice: User) -> None:
    events = _events(alice)
    with as_table_owner(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET summary = %s WHERE id = %s", ["rien vu", events[1].pk]
        )
    report = chain_verify()
    assert report.broken_event_id == events[1].pk
    assert "modifié" in report.problem


def test_verify_reports_an_event_inserted_outside_the_chain(alice: User) -> None:
    _events(alice, 2)
    with as_table_owner():
        AuditEvent.objects.bulk_create([AuditEvent(action="view", summary="glissé")])
    report = chain_verify()
    assert not report.ok


def test_verify_passes_and_says_so(alice: User, capsys: pytest.CaptureFixture[str]) -> None:
    _events(alice, 2)
    call_command("audit", "verify")
    count = AuditEvent.objects.count()
    assert f"Chaîne d'audit intacte : {count} événement(s)" in capsys.readouterr().out


@pytest.mark.skipif(POSTGRES, reason="PostgreSQL purges as its own role: test_audit_roles.py")
def test_the_purge_removes_the_oldest_events_and_the_chain_still_verifies() -> None:
    long_ago = timezone.now() - dt.timedelta(days=400)
    chain_append(
        [AuditEvent(action="view", summary=f"ancien {n}", occurred_at=long_ago) for n in range(3)]
    )
    recent = _events(None, 2)
    call_command(
        "audit", "purge", "--before", str((timezone.now() - dt.timedelta(days=365)).date())
    )
    assert not AuditEvent.objects.filter(summary__startswith="ancien").exists()
    assert AuditEvent.objects.filter(pk__in=[e.pk for e in recent]).count() == 2
    assert AuditChainHead.objects.get().anchor_seq == 3
    assert chain_verify().ok
    assert AuditEvent.objects.filter(action="archive", summary__contains="3 événement").exists()


def test_export_writes_the_days_asked_with_their_hashes(alice: User, tmp_path: Path) -> None:
    events = _events(alice, 2)
    today = timezone.localdate().isoformat()
    out = tmp_path / "audit.jsonl"
    call_command("audit", "export", "--from", today, "--to", today, "--out", str(out))
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [line["public_id"] for line in lines][-2:] == [str(e.public_id) for e in events]
    assert all(len(line["hash"]) == 64 for line in lines)
    csv_out = tmp_path / "audit.csv"
    call_command("audit", "export", "--from", today, "--to", today, "--out", str(csv_out))
    assert "lecture 1" in csv_out.read_text(encoding="utf-8")
    assert AuditEvent.objects.filter(action="export", object_type="audit.auditevent").count() == 2


def test_export_columns_are_the_hashed_fields_then_the_hashes(alice: User, tmp_path: Path) -> None:
    """The export writes the fields the digest covers, in its order, then the two hashes; the
    changes stay structured in JSON lines and are JSON text in their CSV column."""
    event = audit_record(
        actor=alice,
        action=AuditEvent.Action.UPDATE,
        patient_id=uuid.uuid4(),
        summary="correction",
        changes={"poids": {"avant": 70, "après": 72}},
    )
    event.refresh_from_db()
    today = timezone.localdate().isoformat()
    out = tmp_path / "audit.jsonl"
    call_command("audit", "export", "--from", today, "--to", today, "--out", str(out))
    line = json.loads(out.read_text(encoding="utf-8").splitlines()[-1])
    assert list(line) == [*HASHED_FIELDS, "prev_hash", "hash"]
    assert line["public_id"] == str(event.public_id)
    assert line["patient_id"] == str(event.patient_id)
    assert line["changes"] == {"poids": {"avant": 70, "après": 72}}
    assert (line["prev_hash"], line["hash"]) == (event.prev_hash, event.hash)
    csv_out = tmp_path / "audit.csv"
    call_command("audit", "export", "--from", today, "--to", today, "--out", str(csv_out))
    header, *rows = csv_out.read_text(encoding="utf-8-sig").splitlines()
    assert header.split(";") == [*HASHED_FIELDS, "prev_hash", "hash"]
    assert any('""après"": 72' in row and event.hash in row for row in rows)


def test_roles_sql_names_the_three_roles(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("audit", "roles-sql", "--database", "filiere")
    sql = capsys.readouterr().out
    for role in ("filiere_owner", "filiere_app", "filiere_audit_purge"):
        assert f"CREATE ROLE {role}" in sql
    assert "GRANT SELECT, INSERT ON audit_auditevent TO filiere_app" in sql


@pytest.mark.skipif(not POSTGRES, reason="a PostgreSQL session variable")
def test_the_purge_session_variable_no_longer_unlocks_delete(alice: User) -> None:
    """Seen: any role could ``SET filiere.audit_purge = 'on'`` and then DELETE."""
    (event,) = _events(alice, 1)

    def delete_with_the_switch_on() -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL filiere.audit_purge = 'on'")
            cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])

    with pytest.raises(DatabaseError):
        delete_with_the_switch_on()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.skipif(POSTGRES, reason="SQLite guards")
def test_sqlite_refuses_a_delete_from_the_application(alice: User) -> None:
    """Seen: ``DELETE FROM audit_auditevent`` succeeded on SQLite."""
    (event,) = _events(alice, 1)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent")
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.skipif(POSTGRES, reason="SQLite guards")
@pytest.mark.parametrize("trigger", ["audit_event_no_update", "audit_event_no_delete"])
def test_sqlite_refuses_to_drop_the_audit_triggers_from_the_application(trigger: str) -> None:
    """Seen: ``DROP TRIGGER`` succeeded on SQLite."""
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER {trigger}")
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        assert trigger in {row[0] for row in cursor.fetchall()}


@pytest.mark.skipif(POSTGRES, reason="SQLite guards")
@pytest.mark.django_db(transaction=True)
def test_sqlite_refuses_a_delete_from_a_client_other_than_the_application(
    tmp_path: Path,
) -> None:
    """Another SQLite client lacks the function the trigger asks: its DELETE fails too (it
    could still drop the trigger: the file's owner can do anything)."""
    import sqlite3

    copy = tmp_path / "copie.sqlite3"
    with connection.cursor() as cursor:
        cursor.execute("VACUUM INTO %s", [str(copy)])
    other_client = sqlite3.connect(copy)
    with pytest.raises(sqlite3.OperationalError, match="filiere_audit_may_delete"):
        other_client.execute("DELETE FROM audit_auditevent")
    other_client.close()


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_flush_still_empties_the_trail(alice: User) -> None:
    """The flush after this test deletes the events (SQLite) or truncates them (PostgreSQL)."""
    _events(alice, 1)
    assert chain_verify().ok
