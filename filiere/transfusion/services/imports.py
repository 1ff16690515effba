"""The donor pool and the eplet table: imports from files, the synthetic pool and the commands."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from filiere.access.actors import Actor, acting_user
from filiere.audit.models import AuditEvent
from filiere.audit.services import audit_record
from filiere.core.services import create_validated, records_refusals
from filiere.hla.donors import Donor as DonorRecord
from filiere.hla.donors import DonorFileError, iter_donor_lines
from filiere.hla.eplets import EpletFileError, read_eplets_text
from filiere.hla.nomenclature import Locus
from filiere.transfusion.domain import allele_catalogue
from filiere.transfusion.models import Donor, DonorImport, EpletRelease


def _donor_values(donor: DonorRecord) -> dict[str, Any]:
    return {
        "site": donor.site[:100],
        "region": donor.region,
        "abo": donor.abo.value if donor.abo else "",
        "rhd_positive": donor.rhd_positive,
        "hla_a": " ".join(c.name for c in donor.typing.at(Locus.A)),
        "hla_b": " ".join(c.name for c in donor.typing.at(Locus.B)),
        "hla_c": " ".join(c.name for c in donor.typing.at(Locus.C)),
        "hpa1": donor.hpa1 or "",
        "hpa3": donor.hpa3 or "",
        "hpa5": donor.hpa5 or "",
        "cd36_positive": donor.cd36_positive,
        "cmv_positive": donor.cmv_positive,
        "last_donation": donor.last_donation,
        "active": donor.active,
    }


_DONOR_FIELDS = [
    "site",
    "region",
    "abo",
    "rhd_positive",
    "hla_a",
    "hla_b",
    "hla_c",
    "hpa1",
    "hpa3",
    "hpa5",
    "cd36_positive",
    "cmv_positive",
    "last_donation",
    "active",
]


@transaction.atomic
def donors_import(
    *, actor: Actor, donors: Iterable[DonorRecord], source: str, batch_size: int = 5000
) -> DonorImport:
    """Add or update donors (matched on their identifier) from validated donor records.

    The records come from ``filiere.hla.donors`` (the CSV reader) or the synthetic pool
    generator, which validate every field. The new DonorImport row changes the pool's stamp,
    so every process reloads the pool at its next search.
    """
    load = create_validated(DonorImport, source=source[:200], imported_by=acting_user(actor))
    existing = dict(Donor.objects.values_list("external_id", "pk"))
    created = updated = 0
    to_create: list[Donor] = []
    to_update: list[Donor] = []
    for record in donors:
        values = _donor_values(record)
        pk = existing.get(record.id)
        if pk is None:
            to_create.append(Donor(external_id=record.id, last_import=load, **values))
        else:
            to_update.append(Donor(pk=pk, external_id=record.id, last_import=load, **values))
        if len(to_create) >= batch_size:
            created += len(Donor.objects.bulk_create(to_create))
            to_create.clear()
        if len(to_update) >= batch_size:
            updated += Donor.objects.bulk_update(to_update, [*_DONOR_FIELDS, "last_import"])
            to_update.clear()
    if to_create:
        created += len(Donor.objects.bulk_create(to_create))
    if to_update:
        updated += Donor.objects.bulk_update(to_update, [*_DONOR_FIELDS, "last_import"])
    DonorImport.objects.filter(pk=load.pk).update(created=created, updated=updated)
    load.created, load.updated = created, updated
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=load,
        summary=f"Import de donneurs « {load.source} » : {created} ajouté(s), {updated} mis à jour",
    )
    return load


# A national donor file of a million lines is about 80 MB; the page takes regional updates.
MAX_DONOR_FILE_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class DonorFileImport:
    load: DonorImport
    refused: tuple[str, ...]  # one message per refused line, naming the line and the field


@records_refusals("Import du fichier des donneurs")
def donors_import_file(*, actor: Actor, data: bytes, source: str) -> DonorFileImport:
    """Import a donors CSV file from the page: the valid lines through ``donors_import``, each
    refused line reported with its number and field (nothing is imported when the file itself
    is unreadable or every line is refused)."""
    if len(data) > MAX_DONOR_FILE_BYTES:
        limit = MAX_DONOR_FILE_BYTES >> 20
        raise ValidationError({"file": f"Fichier trop volumineux : {limit} Mo au plus."})
    if not data.strip() or b"\x00" in data:
        raise ValidationError({"file": "Le fichier est vide ou n'est pas un CSV."})
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    name = (source or "donneurs.csv")[-200:]
    donors: list[DonorRecord] = []
    refused: list[str] = []
    try:
        for item in iter_donor_lines(text, source=name, catalogue=allele_catalogue()):
            if isinstance(item, DonorFileError):
                refused.append(str(item))
            else:
                donors.append(item)
    except DonorFileError as error:
        raise ValidationError({"file": str(error)}) from None
    if not donors:
        raise ValidationError({"file": f"Aucune ligne acceptée ({len(refused)} refusée(s))."})
    load = donors_import(actor=actor, donors=donors, source=name)
    if refused:
        audit_record(
            actor=actor,
            action=AuditEvent.Action.REFUSED,
            object_type="transfusion.donorimport",
            summary=f"Import de donneurs « {name} » : {len(refused)} ligne(s) refusée(s)",
        )
    return DonorFileImport(load, tuple(refused))


@dataclass(frozen=True)
class EpletImport:
    release: EpletRelease
    created: bool


@transaction.atomic
def eplets_import(*, actor: Actor, text: str, source: str) -> EpletImport:
    """Load a class I eplet table (hlaR ``MHC_I_eplet_v*.csv``) for the donor ranking.

    The same file twice changes nothing. A new release changes the pool's stamp, so every
    process rebuilds its pool with the eplets at its next search.
    """
    try:
        table = read_eplets_text(text, source=source)
    except EpletFileError as exc:
        raise ValidationError({"file": str(exc)}) from exc
    if not table.alleles or not table.names:
        raise ValidationError({"file": f"{source} : aucun allèle ni eplet dans le fichier."})
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    existing = EpletRelease.objects.filter(sha256=digest).first()
    if existing is not None:
        return EpletImport(existing, created=False)
    release = create_validated(
        EpletRelease,
        source=source[:200],
        sha256=digest,
        content=text,
        alleles=len(table.alleles),
        eplets=len(table.names),
        imported_by=acting_user(actor),
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=release,
        summary=(
            f"Table d'eplets « {release.source} » : {release.alleles} allèles, "
            f"{release.eplets} eplets"
        ),
    )
    return EpletImport(release, created=True)
