from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from filiere.access.actors import SYSTEM
from filiere.audit.models import AuditEvent
from filiere.audit.services import audit_record
from filiere.core.reports import ReportPeriod
from filiere.core.reports.services import OBJECT_TYPE, activity_report_files
from filiere.network.models import Centre


class Command(BaseCommand):
    help = (
        "Rapport d'activité annuel : `filiere rapport activite --annee 2026 [--centre FINESS] "
        "--out rapport.pdf` écrit le PDF et, à côté, le CSV de tous les chiffres."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("report", choices=["activite"])
        parser.add_argument("--annee", type=int, required=True, help="Année civile.")
        parser.add_argument("--centre", default="", help="FINESS du centre (tout le réseau sinon).")
        parser.add_argument("--out", type=Path, required=True, help="Fichier PDF à écrire.")

    def handle(self, *args: Any, annee: int, centre: str, out: Path, **_: Any) -> None:
        if annee > timezone.localdate().year:
            raise CommandError(f"--annee : l'année {annee} n'est pas encore commencée.")
        chosen = None
        if centre:
            chosen = Centre.objects.filter(finess=centre.strip()).first()
            if chosen is None:
                raise CommandError(f"--centre : aucun centre de FINESS {centre!r}.")
        period = ReportPeriod(annee, chosen)
        files = activity_report_files(period)
        out = Path(out)
        out.write_bytes(files.pdf)
        csv_path = out.with_suffix(".csv")
        csv_path.write_text(files.csv, encoding="utf-8")
        audit_record(
            actor=SYSTEM,
            action=AuditEvent.Action.EXPORT,
            object_type=OBJECT_TYPE,
            summary=f"Rapport d'activité {annee} — {period.scope_label} (ligne de commande)",
        )
        self.stdout.write(self.style.SUCCESS(f"Rapport écrit : {out} et {csv_path}"))
