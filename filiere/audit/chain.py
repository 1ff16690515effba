"""The audit trail's hash chain: appending, verifying, purging the oldest events.

Each event carries its rank (``chain_seq``), the previous event's hash (``prev_hash``) and its
own hash: SHA-256 over the previous hash followed by a canonical serialisation of its fields.
Deleting, altering or inserting an event out of band breaks a link that ``chain_verify``
reports. A retention purge removes the oldest events only and moves the chain's anchor (the
hash the oldest remaining event links to), so the chain still verifies after it.

Where the hash is computed:

- **PostgreSQL**: by the BEFORE INSERT trigger ``audit_event_chain`` (migration
  ``audit_hash_chain_triggers``). The trigger locks the one row of ``audit_auditchainhead``,
  links the new event to it and moves it, so concurrent writers are serialised on that row and
  the chain has no fork; the application cannot skip it (it runs as the table owner, and the
  application role may neither disable triggers nor write the head), and an insert stays one
  round trip (a bulk insert of many events too). The lock is held until the writer's
  transaction ends: audit writes of concurrent transactions wait for each other.
  The digest is the SQL function ``audit_event_digest``; ``chain_verify`` uses it as well.
- **SQLite** (demo): by ``chain_append`` below, inside a transaction (SQLite has a single
  writer, and ``transaction_mode`` IMMEDIATE takes the write lock at BEGIN), with the digest
  computed in Python (``event_digest``). Writing the table directly bypasses it; ``chain_verify``
  then reports the unchained event.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from filiere.audit.models import AuditChainHead, AuditEvent

HEAD_ID = 1
BATCH = 2000


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")


# The event's fields the digest covers, in its order; the SQL function ``audit_event_digest``
# (migration ``audit_hash_chain_triggers``) lists the same, and ``filiere audit export`` writes
# them before the two hashes.
HASHED_FIELDS: tuple[str, ...] = (
    "chain_seq",
    "public_id",
    "occurred_at",
    "actor_id",
    "ip_address",
    "action",
    "object_type",
    "object_id",
    "patient_id",
    "centre_id",
    "summary",
    "changes",
)


def event_fields(event: AuditEvent, *, moment: Callable[[dt.datetime], str] = _utc) -> list[object]:
    """Return the values of ``HASHED_FIELDS`` for ``event`` as JSON values (UUIDs as text).

    ``moment`` writes ``occurred_at``: UTC to the microsecond for the digest (as PostgreSQL's
    ``to_char`` does), ISO 8601 with its offset for an export.
    """
    return [
        event.chain_seq,
        str(event.public_id),
        moment(event.occurred_at),
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


def event_digest(event: AuditEvent, prev_hash: str) -> str:
    """Return the SHA-256 (hex) of ``prev_hash`` and the event's fields (SQLite's digest)."""
    fields = event_fields(event)
    text = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256((prev_hash + text).encode()).hexdigest()


def _vendor(using: str = "default") -> str:
    return connections[using].vendor


def chain_extra_queries() -> int:
    """Queries an audit write costs beyond its INSERT: none on PostgreSQL (the trigger links
    the rows), two on SQLite (read the chain head, then move it). Query budgets of pages count
    them."""
    return 0 if _vendor() == "postgresql" else 2


def chain_append(events: Sequence[AuditEvent]) -> list[AuditEvent]:
    """Insert ``events`` (one INSERT) as the next links of the chain and return them."""
    if _vendor() == "postgresql":
        # The trigger links each row; nothing to compute here.
        return AuditEvent.objects.bulk_create(events)
    # No savepoint inside the caller's transaction: a failure here aborts it anyway, and list
    # pages count their queries.
    with transaction.atomic(savepoint=False):
        head, _ = AuditChainHead.objects.get_or_create(pk=HEAD_ID)
        for event in events:
            event.chain_seq = head.seq + 1
            event.prev_hash = head.hash
            event.hash = event_digest(event, head.hash)
            head.seq, head.hash = event.chain_seq, event.hash
        created = AuditEvent.objects.bulk_create(events)
        head.save(update_fields=["seq", "hash"])
    return created


@dataclass(frozen=True)
class ChainReport:
    """What ``chain_verify`` found: the number of links checked and the first broken one."""

    checked: int
    head_seq: int
    head_hash: str
    broken_event_id: int | None = None
    broken_seq: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return not self.problem


@dataclass(frozen=True)
class _Link:
    event_id: int
    seq: int
    prev_hash: str
    hash: str
    recomputed: str


def _links(after_seq: int) -> Iterator[_Link]:
    """Yield every chained event after ``after_seq`` in chain order, with its digest recomputed
    the way it was computed when written (SQL on PostgreSQL, Python on SQLite)."""
    postgres = _vendor() == "postgresql"
    while True:
        if postgres:
            with connections["default"].cursor() as cursor:
                cursor.execute(
                    "SELECT id, chain_seq, prev_hash, hash, audit_event_digest(e) "
                    "FROM audit_auditevent e WHERE chain_seq > %s ORDER BY chain_seq LIMIT %s",
                    [after_seq, BATCH],
                )
                batch = [_Link(*row) for row in cursor.fetchall()]
        else:
            events = AuditEvent.objects.filter(chain_seq__gt=after_seq).order_by("chain_seq")
            batch = [
                _Link(e.pk, e.chain_seq or 0, e.prev_hash, e.hash, event_digest(e, e.prev_hash))
                for e in events[:BATCH]
            ]
        yield from batch
        if len(batch) < BATCH:
            return
        after_seq = batch[-1].seq


def chain_verify() -> ChainReport:
    """Walk the chain from its anchor to its head and return the first broken link, if any."""
    head = AuditChainHead.objects.filter(pk=HEAD_ID).first() or AuditChainHead(pk=HEAD_ID)
    checked = 0

    def broken(link: _Link | None, problem: str) -> ChainReport:
        return ChainReport(
            checked,
            head.seq,
            head.hash,
            broken_event_id=None if link is None else link.event_id,
            broken_seq=None if link is None else link.seq,
            problem=problem,
        )

    unchained = AuditEvent.objects.filter(chain_seq__isnull=True).order_by("id").first()
    if unchained is not None:
        return ChainReport(
            0,
            head.seq,
            head.hash,
            broken_event_id=unchained.pk,
            problem="événement hors chaîne (inséré sans passer par la chaîne)",
        )
    expected_seq, expected_prev = head.anchor_seq + 1, head.anchor_hash
    for link in _links(head.anchor_seq):
        if link.seq != expected_seq:
            return broken(link, f"rang {link.seq} au lieu de {expected_seq} (événement supprimé)")
        if link.prev_hash != expected_prev:
            return broken(link, "empreinte précédente différente (événement supprimé ou modifié)")
        if link.recomputed != link.hash:
            return broken(link, "empreinte recalculée différente (événement modifié)")
        checked += 1
        expected_seq, expected_prev = link.seq + 1, link.hash
    if expected_seq - 1 != head.seq or expected_prev != head.hash:
        return broken(
            None,
            f"la chaîne s'arrête au rang {expected_seq - 1}, sa tête au rang "
            f"{head.seq} (derniers événements supprimés)",
        )
    return ChainReport(checked, head.seq, head.hash)


def purge_alias() -> str:
    """The connection the retention purge runs through: ``audit_purge`` when
    ``AUDIT_PURGE_DATABASE_URL`` is set (the purge role on PostgreSQL), else ``default``."""
    return "audit_purge" if "audit_purge" in connections.settings else "default"


def chain_purge(*, before: dt.datetime, connection: BaseDatabaseWrapper | None = None) -> int:
    """Delete the oldest events, up to the first one written at or after ``before``, and
    return how many were deleted.

    Only a prefix of the chain goes (an event older than ``before`` written after a newer one
    stays); the head's anchor records the last deleted link, so ``chain_verify`` still passes.
    On PostgreSQL the DELETE, one statement, succeeds only for the purge role (see
    ``roles_sql``), and the database trigger moves the anchor.
    """
    connection = connection or connections[purge_alias()]
    alias = connection.alias
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM audit_auditevent WHERE chain_seq <= COALESCE("
                "(SELECT MIN(chain_seq) - 1 FROM audit_auditevent WHERE occurred_at >= %s),"
                "(SELECT MAX(chain_seq) FROM audit_auditevent))",
                [before],
            )
            return int(cursor.rowcount)
    from filiere.audit.sqlite_guard import audit_delete_permitted

    with transaction.atomic(using=alias), audit_delete_permitted():
        events = AuditEvent.objects.using(alias)
        first_kept = events.filter(occurred_at__gte=before).order_by("chain_seq").first()
        last = events.order_by("-chain_seq").first()
        if last is None:
            return 0
        limit = (first_kept.chain_seq or 0) - 1 if first_kept is not None else last.chain_seq
        gone = events.filter(chain_seq__lte=limit).order_by("-chain_seq").first()
        if gone is None:
            return 0
        head, _ = AuditChainHead.objects.using(alias).get_or_create(pk=HEAD_ID)
        # QuerySet.delete() of AuditEvent refuses by design; the raw DELETE is the purge.
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditevent WHERE chain_seq <= %s", [limit])
            deleted = int(cursor.rowcount)
        head.anchor_seq, head.anchor_hash = gone.chain_seq or 0, gone.hash
        head.save(update_fields=["anchor_seq", "anchor_hash"])
        return deleted


ROLES_SQL = """-- Run as a superuser, once, on the production cluster.
-- Owner: runs the migrations (filiere migrate); never used by the application.
CREATE ROLE {db}_owner LOGIN PASSWORD 'change-me';
ALTER DATABASE {db} OWNER TO {db}_owner;
-- Application: DATABASE_URL. May insert and read audit events, nothing else on that table.
CREATE ROLE {db}_app LOGIN PASSWORD 'change-me';
-- Retention purge: AUDIT_PURGE_DATABASE_URL. The audit trigger lets this role (and its
-- members) DELETE the oldest events; the name must be <database>_audit_purge.
CREATE ROLE {db}_audit_purge LOGIN PASSWORD 'change-me';
GRANT CONNECT ON DATABASE {db} TO {db}_app, {db}_audit_purge;

-- Then, connected to {db} as {db}_owner, after every `filiere migrate`:
GRANT USAGE ON SCHEMA {schema} TO {db}_app, {db}_audit_purge;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {db}_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {db}_app;
REVOKE ALL ON audit_auditevent, audit_auditchainhead FROM {db}_app;
GRANT SELECT, INSERT ON audit_auditevent TO {db}_app;
GRANT SELECT ON audit_auditchainhead TO {db}_app;
GRANT SELECT, DELETE ON audit_auditevent TO {db}_audit_purge;
GRANT SELECT ON audit_auditchainhead TO {db}_audit_purge;
"""


def roles_sql(*, database: str, schema: str = "public") -> str:
    """Return the SQL that creates the owner, application and purge roles and their grants."""
    return ROLES_SQL.format(db=database, schema=schema)
