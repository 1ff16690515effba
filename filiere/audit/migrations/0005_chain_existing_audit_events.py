"""Chain the events written before the hash chain existed, in id order.

The digest is the one ``filiere.audit.chain`` uses (SQL function on PostgreSQL, a frozen copy
of ``event_digest`` on SQLite); the append-only trigger is lifted for the duration, inside the
migration's transaction on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from django.db import migrations

POSTGRES_FORWARD = """
SET CONSTRAINTS ALL IMMEDIATE;
ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only;
DO $$
DECLARE
    event record;
    head_seq bigint := 0;
    head_hash text := '';
BEGIN
    INSERT INTO audit_auditchainhead (id, seq, hash, anchor_seq, anchor_hash)
        VALUES (1, 0, '', 0, '') ON CONFLICT (id) DO NOTHING;
    SELECT seq, hash INTO head_seq, head_hash FROM audit_auditchainhead WHERE id = 1 FOR UPDATE;
    FOR event IN SELECT id FROM audit_auditevent WHERE chain_seq IS NULL ORDER BY id LOOP
        UPDATE audit_auditevent SET chain_seq = head_seq + 1, prev_hash = head_hash
            WHERE id = event.id;
        UPDATE audit_auditevent e SET hash = audit_event_digest(e) WHERE e.id = event.id
            RETURNING e.chain_seq, e.hash INTO head_seq, head_hash;
    END LOOP;
    UPDATE audit_auditchainhead SET seq = head_seq, hash = head_hash WHERE id = 1;
END;
$$;
ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_append_only;
"""
SQLITE_NO_UPDATE = """
CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_auditevent
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only (UPDATE refused)');
END;
"""


def _sqlite_digest(event, prev_hash):
    fields = [
        event.chain_seq,
        str(event.public_id),
        event.occurred_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f"),
        event.actor_id,
        event.ip_address,
        event.action,
        event.object_type,
        event.object_id,
        None if event.patient_id is None else str(event.patient_id),
        None if event.centre_id is None else str(event.centre_id),
        event.summary,
        event.changes,
    ]
    text = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256((prev_hash + text).encode()).hexdigest()


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FORWARD, params=None)
        return
    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    head, _ = AuditChainHead.objects.get_or_create(pk=1)
    if vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS audit_event_no_update", params=None)
    for event in AuditEvent.objects.filter(chain_seq__isnull=True).order_by("id").iterator():
        event.chain_seq = head.seq + 1
        event.prev_hash = head.hash
        event.hash = _sqlite_digest(event, head.hash)
        AuditEvent.objects.filter(pk=event.pk).update(
            chain_seq=event.chain_seq, prev_hash=event.prev_hash, hash=event.hash
        )
        head.seq, head.hash = event.chain_seq, event.hash
    head.save()
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_NO_UPDATE, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_audit_hash_chain_triggers")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
