from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext

from filiere.access.actors import SYSTEM
from filiere.audit.models import AuditEvent
from filiere.audit.services import audit_record, audit_record_per_patient
from filiere.exports.phenopackets import render_phenopacket
from filiere.exports.sdm_mr import render_sdm_mr
from filiere.network.models import Centre
from filiere.patients.phenopackets import phenopacket_records
from filiere.patients.sdm_mr import Incomplete, documents, exportable_patients


class Command(BaseCommand):
    help = (
        "Export the national minimum dataset: `export sdm-mr --out DIR [--centre FINESS|UUID] "
        "[--since AAAA-MM-JJ]` writes one SDM-MR 2024.01 CDA document per patient; patients who "
        "oppose reuse in the BNDMR are left out and counted. `export phenopackets --out DIR "
        "[--centre FINESS|UUID]` writes one GA4GH Phenopacket v2 (JSON) per patient, "
        "pseudonymised, with the same opposition rule."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dataset", choices=["sdm-mr", "phenopackets"])
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
        if dataset == "phenopackets":
            self._phenopackets(out, custodian, since_date)
            return
        written = opposed = 0
        incomplete: list[str] = []
        started = time.perf_counter()
        patients = exportable_patients(centre=custodian, since=since_date)
        for patient, document in documents(patients, custodian=custodian):
            if document is None:
                opposed += 1
                continue
            if isinstance(document, Incomplete):
                incomplete.append(f"{patient.pseudonym} : {document.reason}")
                continue
            (out / f"SDM-MR_{patient.pseudonym}.xml").write_bytes(render_sdm_mr(document))
            written += 1
        elapsed = time.perf_counter() - started
        audit_record(
            actor=SYSTEM,
            action=AuditEvent.Action.EXPORT,
            object_type="sdm-mr",
            centre_id=custodian.public_id if custodian else None,
            summary=f"Export SDM-MR : {written} document(s), {opposed} opposition(s), "
            f"{len(incomplete)} incomplet(s)",
        )
        for line in incomplete:
            self.stderr.write(f"Non exporté, dossier incomplet — {line}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{written} document(s) SDM-MR écrits dans {out} ; "
                f"{opposed} patient(s) opposé(s) à la réutilisation, non exportés "
                f"({written / elapsed if elapsed else 0:.0f} documents/s)."
            )
        )

    def _phenopackets(self, out: Path, custodian: Centre | None, since: dt.date | None) -> None:
        written = opposed = 0
        exported = []
        patients = exportable_patients(centre=custodian, since=since)
        for patient, record in phenopacket_records(patients):
            if record is None:
                opposed += 1
                continue
            (out / f"{patient.pseudonym}.json").write_text(
                render_phenopacket(record), encoding="utf-8"
            )
            exported.append(patient.public_id)
            written += 1
        with transaction.atomic():
            audit_record(
                actor=SYSTEM,
                action=AuditEvent.Action.EXPORT,
                object_type="phenopackets",
                centre_id=custodian.public_id if custodian else None,
                summary=f"Export Phenopackets : {written} document(s), {opposed} opposition(s)",
            )
            # One event per exported patient: the audit page filtered on a patient finds it.
            audit_record_per_patient(
                actor=SYSTEM,
                action=AuditEvent.Action.EXPORT,
                patient_ids=exported,
                summary="Export : phenopacket GA4GH (pseudonymisé)",
            )
        self.stdout.write(
            self.style.SUCCESS(
                gettext(
                    "%(written)s phenopacket(s) écrit(s) dans %(out)s ; %(opposed)s patient(s) "
                    "opposé(s) à la réutilisation, non exporté(s)."
                )
                % {"written": written, "out": out, "opposed": opposed}
            )
        )
