"""Chain every new audit event in the database, and take the purge switch away.

PostgreSQL:
- ``audit_event_digest(event)``: SHA-256 over the previous hash and a canonical JSON array of
  the event's fields (``filiere.audit.chain`` verifies with the same function).
- ``audit_event_chain``, BEFORE INSERT: locks the one row of ``audit_auditchainhead``, gives the
  event its rank, the previous hash and its own hash, and moves the head (SECURITY DEFINER: the
  application role has no right on the head).
- ``audit_event_refuse_change`` (replaces the version that a session variable
  ``filiere.audit_purge`` could switch off, reachable by any role): UPDATE is always refused;
  DELETE only for a role that is, or is a member of, ``<database>_audit_purge``.
- ``audit_event_purge_anchor``, AFTER DELETE per statement: a purge must remove the oldest events
  (a prefix of the chain); the head's anchor then records the last removed link.

SQLite (demo): DELETE is refused unless the application has opened a purge (the function
``filiere_audit_may_delete``, registered on the application's connections only, see
``filiere.audit.sqlite_guard``; elsewhere the DELETE fails on the missing function).
"""

from __future__ import annotations

from django.db import migrations

POSTGRES_FORWARD = """
CREATE OR REPLACE FUNCTION audit_event_digest(e audit_auditevent) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT encode(sha256(convert_to(e.prev_hash || json_build_array(
        e.chain_seq,
        e.public_id::text,
        to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'),
        e.actor_id,
        host(e.ip_address),
        e.action,
        e.object_type,
        e.object_id,
        e.patient_id::text,
        e.centre_id::text,
        e.summary,
        e.changes
    )::text, 'UTF8')), 'hex')
$$;

CREATE OR REPLACE FUNCTION audit_event_chain() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
    head_seq bigint;
    head_hash text;
BEGIN
    SELECT seq, hash INTO head_seq, head_hash FROM audit_auditchainhead WHERE id = 1 FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO audit_auditchainhead (id, seq, hash, anchor_seq, anchor_hash)
            VALUES (1, 0, '', 0, '') ON CONFLICT (id) DO NOTHING;
        SELECT seq, hash INTO head_seq, head_hash
            FROM audit_auditchainhead WHERE id = 1 FOR UPDATE;
    END IF;
    NEW.chain_seq := head_seq + 1;
    NEW.prev_hash := head_hash;
    NEW.hash := audit_event_digest(NEW);
    UPDATE audit_auditchainhead SET seq = NEW.chain_seq, hash = NEW.hash WHERE id = 1;
    RETURN NEW;
END;
$$;
CREATE TRIGGER audit_event_chain BEFORE INSERT ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_event_chain();

-- Not SECURITY DEFINER: current_user must be the role running the statement.
CREATE OR REPLACE FUNCTION audit_event_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND EXISTS (
        SELECT 1 FROM pg_roles purge
        WHERE purge.rolname = current_database() || '_audit_purge'
          AND (purge.rolname = current_user OR purge.oid IN (
              SELECT m.roleid FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member
              WHERE r.rolname = current_user))
    ) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit events are append-only (% refused)', TG_OP;
END;
$$;

CREATE OR REPLACE FUNCTION audit_event_purged() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
    last_seq bigint;
    last_hash text;
BEGIN
    SELECT chain_seq, hash INTO last_seq, last_hash FROM purged ORDER BY chain_seq DESC LIMIT 1;
    IF last_seq IS NULL THEN
        RETURN NULL;
    END IF;
    IF EXISTS (SELECT 1 FROM audit_auditevent WHERE chain_seq <= last_seq) THEN
        RAISE EXCEPTION 'audit purge must remove the oldest events first';
    END IF;
    UPDATE audit_auditchainhead SET anchor_seq = last_seq, anchor_hash = last_hash
        WHERE id = 1 AND anchor_seq < last_seq;
    RETURN NULL;
END;
$$;
CREATE TRIGGER audit_event_purge_anchor AFTER DELETE ON audit_auditevent
    REFERENCING OLD TABLE AS purged
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_purged();
"""
POSTGRES_BACKWARD = """
DROP TRIGGER IF EXISTS audit_event_purge_anchor ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_event_purged();
DROP TRIGGER IF EXISTS audit_event_chain ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_event_chain();
DROP FUNCTION IF EXISTS audit_event_digest(audit_auditevent);
CREATE OR REPLACE FUNCTION audit_event_refuse_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('filiere.audit_purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit events are append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""
SQLITE_FORWARD = """
CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_auditevent
WHEN filiere_audit_may_delete() IS NOT 1
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only (DELETE refused)');
END;
"""
SQLITE_BACKWARD = "DROP TRIGGER IF EXISTS audit_event_no_delete;"


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FORWARD, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_FORWARD, params=None)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_BACKWARD, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_audit_hash_chain")]
    operations = [migrations.RunPython(forward, backward)]
