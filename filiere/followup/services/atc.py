"""The table of haemostatic drugs (ATC codes) with their usual dose ranges: its import
and the look-up of one code."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from filiere.access.actors import Actor
from filiere.audit.models import AuditEvent
from filiere.audit.services import audit_record
from filiere.clinical.doses import DoseRange as DoseRangeSpec
from filiere.clinical.doses import (
    parse_dose_ranges,
)
from filiere.core.services import create_validated, update_validated
from filiere.followup.models import (
    ATC_PATTERN,
    AtcCode,
    DoseRange,
    Treatment,
    TreatmentClass,
)

ATC_FILE = Path(__file__).resolve().parent.parent / "data" / "atc_haemostatics.tsv"
_ATC = re.compile(ATC_PATTERN)

# --- The ATC table -------------------------------------------------------------------------


@dataclass(frozen=True)
class AtcRecord:
    code: str
    label: str
    treatment_class: str
    routes: tuple[str, ...] = ()
    doses: str = ""  # "routes:unit[:usual:bounds] | …", see filiere.clinical.doses


@dataclass(frozen=True)
class AtcImportResult:
    added: int
    updated: int
    obsoleted: int


def read_atc_file(path: Path) -> list[AtcRecord]:
    """Read the table: code, French label, therapeutic class, and optionally the allowed routes
    and the doses (tab-separated, # for comments)."""
    records: list[AtcRecord] = []
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.reader((line for line in handle if not line.startswith("#")), delimiter="\t")
        for number, row in enumerate(rows, start=1):
            if not row or row[0] == "code":
                continue
            if len(row) not in (3, 5):
                raise ValidationError(f"{path.name}, ligne {number} : 3 ou 5 colonnes attendues.")
            code, label, treatment_class, *rest = (cell.strip() for cell in row)
            routes = tuple(r.strip() for r in rest[0].split(",") if r.strip()) if rest else ()
            records.append(AtcRecord(code, label, treatment_class, routes, rest[1] if rest else ""))
    return records


def _dose_ranges(record: AtcRecord) -> list[DoseRangeSpec]:
    try:
        ranges = parse_dose_ranges(record.doses)
    except ValueError as error:
        raise ValidationError(f"{record.code} : {error}") from error
    for route in record.routes:
        if route not in Treatment.Route.values:
            raise ValidationError(f"{record.code} : voie inconnue « {route} ».")
    for spec in ranges:
        if spec.route not in Treatment.Route.values:
            raise ValidationError(f"{record.code} : voie inconnue « {spec.route} ».")
        if record.routes and spec.route not in record.routes:
            raise ValidationError(f"{record.code} : doses par une voie non autorisée.")
        if spec.unit not in Treatment.DoseUnit.values:
            raise ValidationError(f"{record.code} : unité inconnue « {spec.unit} ».")
    if len({(r.route, r.unit) for r in ranges}) != len(ranges):
        raise ValidationError(f"{record.code} : une voie et une unité décrites deux fois.")
    return ranges


def _range_rows(atc: AtcCode) -> set[tuple[Any, ...]]:
    return {
        (r.route, r.unit, r.usual_low, r.usual_high, r.lowest, r.highest)
        for r in atc.dose_ranges.all()
    }


def _spec_rows(ranges: list[DoseRangeSpec]) -> set[tuple[Any, ...]]:
    return {
        (
            r.route,
            r.unit,
            *(r.usual if r.usual else (None, None)),
            *(r.bounds if r.bounds else (None, None)),
        )
        for r in ranges
    }


def _replace_ranges(atc: AtcCode, ranges: list[DoseRangeSpec]) -> None:
    atc.dose_ranges.all().delete()
    for r in ranges:
        create_validated(
            DoseRange,
            atc=atc,
            route=r.route,
            unit=r.unit,
            usual_low=r.usual[0] if r.usual else None,
            usual_high=r.usual[1] if r.usual else None,
            lowest=r.bounds[0] if r.bounds else None,
            highest=r.bounds[1] if r.bounds else None,
        )


@transaction.atomic
def atc_import_records(*, actor: Actor, records: list[AtcRecord], source: str) -> AtcImportResult:
    """Load the network's ATC table with each drug's routes and dose ranges; codes missing from
    it become obsolete (kept for history)."""
    specs: dict[str, list[DoseRangeSpec]] = {}
    for record in records:
        if not _ATC.match(record.code):
            raise ValidationError(f"{record.code} : code ATC mal formé.")
        if record.treatment_class not in TreatmentClass.values:
            raise ValidationError(f"{record.code} : classe inconnue « {record.treatment_class} ».")
        specs[record.code] = _dose_ranges(record)
    existing = {atc.code: atc for atc in AtcCode.objects.prefetch_related("dose_ranges")}
    added = updated = 0
    now = timezone.now()
    for record in records:
        values = {
            "label": record.label,
            "treatment_class": record.treatment_class,
            "routes": list(record.routes),
            "is_obsolete": False,
        }
        ranges = specs[record.code]
        atc = existing.get(record.code)
        if atc is None:
            atc = create_validated(
                AtcCode, code=record.code, source=source, imported_at=now, **values
            )
            _replace_ranges(atc, ranges)
            added += 1
            continue
        ranges_changed = _range_rows(atc) != _spec_rows(ranges)
        if ranges_changed:
            _replace_ranges(atc, ranges)
        if update_validated(atc, values) or ranges_changed:
            AtcCode.objects.filter(pk=atc.pk).update(source=source, imported_at=now)
            updated += 1
    gone = set(existing) - {record.code for record in records}
    obsoleted = AtcCode.objects.filter(code__in=gone, is_obsolete=False).update(is_obsolete=True)
    if added or updated or obsoleted:
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            object_type="followup.atccode",
            summary=f"Table ATC {source} : {added} ajoutés, {updated} modifiés, "
            f"{obsoleted} devenus obsolètes",
        )
    return AtcImportResult(added, updated, obsoleted)


def atc_import_file(*, actor: Actor, path: Path = ATC_FILE) -> AtcImportResult:
    return atc_import_records(actor=actor, records=read_atc_file(path), source=path.name)


def get_atc(code: str) -> AtcCode:
    """Return the drug of the table, or refuse a malformed, unknown or obsolete code."""
    normalised = code.strip().upper().replace(" ", "")
    if not _ATC.match(normalised):
        raise ValidationError(
            {
                "atc_code": f"« {code} » n'est pas un code ATC : une lettre, 2 chiffres, "
                "2 lettres, 2 chiffres (par exemple B02BD08)."
            }
        )
    atc = AtcCode.objects.filter(code=normalised).first()
    if atc is None:
        raise ValidationError(
            {"atc_code": f"Code ATC {normalised} absent de la table des traitements hémostatiques."}
        )
    if atc.is_obsolete:
        raise ValidationError({"atc_code": f"Code ATC {normalised} obsolète."})
    return atc
