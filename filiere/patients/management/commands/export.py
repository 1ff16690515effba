from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext

from filiere.access.actors import SYSTEM
from filiere.network.models import Centre
from filiere.patients.services.national_exports import (
    DATASETS,
    FHIR,
    PHENOPACKETS,
    RD_CDM,
    national_export_audit,
    national_export_write,
)


class Command(BaseCommand):
    help = (
        "Export the national minimum dataset: `export sdm-mr --out DIR [--centre FINESS|UUID] "
        "[--since AAAA-MM-JJ]` writes one SDM-MR 2024.01 CDA document per patient; patients who "
        "oppose reuse in the BNDMR are left out and counted. `export phenopackets --out DIR "
        "[--centre FINESS|UUID]` writes one GA4GH Phenopacket v2 (JSON) per patient, "
        "pseudonymised, with the same opposition rule. `export fhir --out DIR [--centre "
        "FINESS|UUID] [--since AAAA-MM-JJ]` writes one FHIR R4B Bundle (JSON) per patient, "
        "pseudonymised, with the same opposition rule. `export rd-cdm --out DIR [--centre "
        "FINESS|UUID]` writes the RD-CDM common data elements as one CSV per centre (ERN "
        "registries). Data managers can also run a centre's "
        "export in the background from the « Exports nationaux » page."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dataset", choices=DATASETS)
        parser.add_argument("--out", type=Path, required=True, help="Output folder (created).")
        parser.add_argument("--centre", help="FINESS or identifier of the declaring centre.")
        parser.add_argument("--since", help="Only patients changed since this date (AAAA-MM-JJ).")

    def handle(
        self, *args: Any, dataset: str, out: Path, centre: str | None, since: str | None, **_: Any
    ) -> None:
        custodian = None
        if centre:
            lookup = {"finess": centre} if centre.isdigit() else {"public_id": centre}
            try:
                custodian = Centre.objects.get(**lookup)
            except (Centre.DoesNotExist, ValueError) as exc:
                raise CommandError(
                    gettext(
                        "Centre inconnu : « %(centre)s ». Indiquez le numéro FINESS ou "
                        "l'identifiant d'un centre du réseau."
                    )
                    % {"centre": centre}
                ) from exc
        since_date = None
        if since:
            try:
                since_date = dt.date.fromisoformat(since)
            except ValueError as exc:
                raise CommandError(f"--since : date invalide « {since} » (AAAA-MM-JJ).") from exc
        out.mkdir(parents=True, exist_ok=True)
        if dataset == RD_CDM and custodian is None:
            self._rd_cdm_per_centre(out)
            return
        started = time.perf_counter()
        result = national_export_write(
            dataset=dataset,
            write=lambda name, content: (out / name).write_bytes(content),
            centre=custodian,
            since=since_date,
            on_progress=lambda done, total: self.stdout.write(f"  … {done}/{total}"),
        )
        elapsed = time.perf_counter() - started
        national_export_audit(actor=SYSTEM, dataset=dataset, centre=custodian, result=result)
        if dataset == FHIR:
            self.stdout.write(
                self.style.SUCCESS(
                    gettext(
                        "%(written)s bundle(s) FHIR écrit(s) dans %(out)s ; %(opposed)s "
                        "patient(s) opposé(s) à la réutilisation, non exporté(s)."
                    )
                    % {"written": result.written, "out": out, "opposed": result.opposed}
                )
            )
            return
        if dataset in (PHENOPACKETS, RD_CDM):
            self.stdout.write(
                self.style.SUCCESS(
                    gettext(
                        "%(written)s phenopacket(s) écrit(s) dans %(out)s ; %(opposed)s "
                        "patient(s) opposé(s) à la réutilisation, non exporté(s)."
                    )
                    % {"written": result.written, "out": out, "opposed": result.opposed}
                )
            )
            return
        for line in result.incomplete:
            self.stderr.write(f"Non exporté, dossier incomplet — {line}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.written} document(s) SDM-MR écrits dans {out} ; "
                f"{result.opposed} patient(s) opposé(s) à la réutilisation, non exportés "
                f"({result.written / elapsed if elapsed else 0:.0f} documents/s)."
            )
        )

    def _rd_cdm_per_centre(self, out: Path) -> None:
        """The ERN registries' file: one CSV per centre following patients."""
        centres = Centre.objects.filter(is_active=True).order_by("name")
        for centre in centres:
            result = national_export_write(
                dataset=RD_CDM,
                write=lambda name, content: (out / name).write_bytes(content),
                centre=centre,
            )
            if not result.patients:
                (out / f"RD-CDM_{centre.finess}.csv").unlink(missing_ok=True)
                continue
            national_export_audit(actor=SYSTEM, dataset=RD_CDM, centre=centre, result=result)
            self.stdout.write(
                f"  {centre} : {result.written} patient(s), {result.opposed} opposé(s)"
            )
        self.stdout.write(self.style.SUCCESS(f"Fichiers RD-CDM écrits dans {out}."))
