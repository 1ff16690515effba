from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone, translation

from filiere.access.actors import SYSTEM
from filiere.audit.models import AuditEvent
from filiere.audit.services import audit_record
from filiere.core.reports import CSV_HEADER, ReportPeriod, activity_report, csv_rows
from filiere.core.reports.pdf import activity_report_pdf
from filiere.lib.csvsafe import write_csv
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
        with translation.override("fr"):
            sections = activity_report(period)
            pdf = activity_report_pdf(period, sections)
            csv = write_csv(CSV_HEADER, csv_rows(period, sections))
        out = Path(out)
        out.write_bytes(pdf)
        csv_path = out.with_suffix(".csv")
        csv_path.write_text(csv, encoding="utf-8")
        audit_record(
            actor=SYSTEM,
            action=AuditEvent.Action.EXPORT,
            object_type="core.activity_report",
            summary=f"Rapport d'activité {annee} — {period.scope_label} (ligne de commande)",
        )
        self.stdout.write(self.style.SUCCESS(f"Rapport écrit : {out} et {csv_path}"))
