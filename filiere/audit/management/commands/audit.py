from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, connections
from django.utils import timezone

from filiere.access.actors import SYSTEM
from filiere.audit import chain
from filiere.audit.models import AuditEvent
from filiere.audit.services import audit_record
from filiere.lib.csvsafe import write_csv

# The hashed fields, then the two hashes linking each event to the chain.
EXPORT_FIELDS = [*chain.HASHED_FIELDS, "prev_hash", "hash"]
# The one structured column, written as JSON text in a CSV cell.
CHANGES = EXPORT_FIELDS.index("changes")


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"{value} : date attendue au format AAAA-MM-JJ.") from exc


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class Command(BaseCommand):
    help = (
        "Audit trail. verify: walk the hash chain, report the first broken link (exit 1); "
        "export --from DATE --to DATE --out FILE: the events of those days for the data "
        "protection officer (CSV if FILE ends in .csv, else JSON lines, hashes included); "
        "purge --before DATE: delete the oldest events written before that day (retention; "
        "through AUDIT_PURGE_DATABASE_URL on PostgreSQL); roles-sql: print the SQL creating the "
        "owner, application and purge roles of a PostgreSQL production setup."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify")
        export = sub.add_parser("export")
        export.add_argument("--from", dest="date_from", required=True, type=_day)
        export.add_argument("--to", dest="date_to", required=True, type=_day)
        export.add_argument("--out", required=True, type=Path)
        purge = sub.add_parser("purge")
        purge.add_argument("--before", required=True, type=_day)
        roles = sub.add_parser("roles-sql")
        roles.add_argument("--database", default="")
        roles.add_argument("--schema", default="public")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "verify":
            self._verify()
        elif action == "export":
            self._export(options["date_from"], options["date_to"], options["out"])
        elif action == "purge":
            self._purge(options["before"])
        else:
            database = options["database"] or str(connections["default"].settings_dict["NAME"])
            self.stdout.write(chain.roles_sql(database=database, schema=options["schema"]))

    def _verify(self) -> None:
        report = chain.chain_verify()
        if not report.ok:
            where = f"événement id {report.broken_event_id}" if report.broken_event_id else "tête"
            raise CommandError(
                f"Chaîne d'audit rompue ({where}, rang {report.broken_seq}) : {report.problem}. "
                f"{report.checked} maillon(s) vérifié(s) avant la rupture."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Chaîne d'audit intacte : {report.checked} événement(s), tête au rang "
                f"{report.head_seq}, empreinte {report.head_hash or '(vide)'}."
            )
        )

    def _export(self, date_from: dt.date, date_to: dt.date, out: Path) -> None:
        if date_to < date_from:
            raise CommandError("--to : la date de fin doit suivre la date de début.")
        events = AuditEvent.objects.filter(
            occurred_at__gte=_start_of(date_from),
            occurred_at__lt=_start_of(date_to + dt.timedelta(days=1)),
        ).order_by("chain_seq", "id")
        rows = (
            [*chain.event_fields(e, moment=dt.datetime.isoformat), e.prev_hash, e.hash]
            for e in events.iterator(chunk_size=2000)
        )
        count = 0
        if out.suffix.lower() == ".csv":
            listed = [
                [*row[:CHANGES], json.dumps(row[CHANGES], ensure_ascii=False), *row[CHANGES + 1 :]]
                for row in rows
            ]
            count = len(listed)
            out.write_text(write_csv(EXPORT_FIELDS, listed), encoding="utf-8")
        else:
            with out.open("w", encoding="utf-8") as handle:
                for row in rows:
                    handle.write(
                        json.dumps(dict(zip(EXPORT_FIELDS, row, strict=True)), ensure_ascii=False)
                        + "\n"
                    )
                    count += 1
        audit_record(
            actor=SYSTEM,
            action=AuditEvent.Action.EXPORT,
            object_type="audit.auditevent",
            summary=f"Export du journal d'audit du {date_from} au {date_to} : {count} événement(s)",
        )
        self.stdout.write(self.style.SUCCESS(f"{out} : {count} événement(s) exporté(s)."))

    def _purge(self, before: dt.date) -> None:
        try:
            deleted = chain.chain_purge(before=_start_of(before))
        except DatabaseError as exc:
            raise CommandError(
                f"Purge refusée par la base ({exc}). Sur PostgreSQL elle passe par le rôle de "
                "purge : définir AUDIT_PURGE_DATABASE_URL (voir « filiere audit roles-sql »)."
            ) from exc
        audit_record(
            actor=SYSTEM,
            action=AuditEvent.Action.ARCHIVE,
            object_type="audit.auditevent",
            summary=f"Purge de rétention avant le {before} : {deleted} événement(s) supprimé(s)",
        )
        self.stdout.write(
            self.style.SUCCESS(f"{deleted} événement(s) antérieur(s) au {before} supprimé(s).")
        )
