"""ICD-10 codes (CIM-10) with their French and English labels."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from filiere.access.actors import Actor
from filiere.audit.models import AuditEvent
from filiere.audit.services import audit_record
from filiere.nomenclature import sources
from filiere.nomenclature.models import (
    Icd10Code,
    NomenclatureRelease,
)
from filiere.nomenclature.services.releases import ImportResult, release_start


@transaction.atomic
def icd10_import_records(
    *, actor: Actor, codes: Iterable[sources.Icd10Record], version: str, checksum: str
) -> ImportResult:
    release = release_start(
        actor=actor,
        system=NomenclatureRelease.System.ICD10,
        checksum=checksum,
        version=version,
        source=version,
    )
    if isinstance(release, ImportResult):
        return release
    existing = {c.code: c for c in Icd10Code.objects.all()}
    to_create, to_update = [], []
    for record in codes:
        code = existing.get(record.code)
        if code is None:
            to_create.append(
                Icd10Code(
                    code=record.code,
                    label_fr=record.label_fr,
                    label_en=record.label_en,
                    last_release=release,
                )
            )
        else:
            code.label_fr = record.label_fr or code.label_fr
            code.label_en = record.label_en or code.label_en
            code.last_release = release
            to_update.append(code)
    Icd10Code.objects.bulk_create(to_create)
    Icd10Code.objects.bulk_update(to_update, ["label_fr", "label_en", "last_release"])
    release.added, release.updated = len(to_create), len(to_update)
    release.save(update_fields=["added", "updated"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=release,
        summary=f"Import CIM-10 {version} : +{release.added}",
    )
    return ImportResult(release, False, "Import terminé.")
